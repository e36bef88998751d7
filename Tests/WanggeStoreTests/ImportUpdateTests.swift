import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
@testable import WanggeStore
import WanggeTestSupport

/// Issue 11 item 1: an update touches only what the file says.
@Suite("Imports update only what the file says: absent columns, empty cells, masked values, dry runs")
struct ImportUpdateTests {
    static let header = "姓名,身份证号,联系电话,户号,与户主关系,居住类型,标签"

    /// A person with everything filled in: phone, relation, 流动, and two tags.
    static func seed(_ db: any Database, scope: Scope) async throws -> (id: String, household: String) {
        let hh = try #require(Fixture.populations["110199001001001"]?.households.first?.number)
        let id = Fixture.freshID(31)
        _ = try await RegisterImporter(db, cipher: TestDatabase.keys.cipher).run(
            .residents, bytes: ImportExportTests.csv([header, "测试丙,\(id),13800000031,\(hh),户主,流动,60岁以上老人、残疾人"]), in: scope)
        return (id, hh)
    }

    static func person(_ db: any Database, _ id: String, scope: Scope) async throws -> (ResidentRow, [String]) {
        let repo = ResidentRepository(db, cipher: TestDatabase.keys.cipher)
        let row = try #require(try await repo.search(id, in: scope).rows.first)
        return (row, (try await repo.tags(of: [row.id])[row.id] ?? []).map(\.key).sorted())
    }

    @Test("a file of name, ID and household leaves phone, relation, residence and tags alone", arguments: TestDatabase.enabled)
    func partialFile(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let (id, hh) = try await Self.seed(database, scope: scope)
            let (before, tagsBefore) = try await Self.person(database, id, scope: scope)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            // MUT
            let partial = try await importer.run(.residents, bytes: ImportExportTests.csv(["姓名,身份证号,户号", "测试丙,\(id),\(hh)"]), in: scope)
            let (afterPartial, tagsAfterPartial) = try await Self.person(database, id, scope: scope)
            let emptyCells = try await importer.run(.residents, bytes: ImportExportTests.csv([Self.header, "测试丙,\(id),,\(hh),,,"]), in: scope)
            let (afterEmpty, tagsAfterEmpty) = try await Self.person(database, id, scope: scope)
            let dry = try await importer.run(
                .residents, bytes: ImportExportTests.csv([Self.header, "测试丙,\(id),,\(hh),,流动,"]), in: scope, options: ImportOptions(emptyClears: true, dryRun: true))
            let requiredCleared = await Fixture.importFailure {
                try await importer.run(.residents, bytes: ImportExportTests.csv([Self.header, "测试丙,\(id),,\(hh),,,"]), in: scope, options: ImportOptions(emptyClears: true))
            }
            let (afterDry, _) = try await Self.person(database, id, scope: scope)
            let cleared = try await importer.run(
                .residents, bytes: ImportExportTests.csv(["姓名,身份证号,联系电话,标签", "测试丙,\(id),,"]), in: scope, options: ImportOptions(emptyClears: true))
            let (afterClear, tagsAfterClear) = try await Self.person(database, id, scope: scope)
            // validate
            #expect(partial.updated == 0 && partial.unchanged == 1 && partial.changes.isEmpty, "\(partial.summaryLines)")
            #expect(afterPartial.phone == "13800000031" && afterPartial.relation == "head" && afterPartial.residenceType == "floating")
            #expect(tagsAfterPartial == tagsBefore && tagsBefore.count == 2)
            #expect(emptyCells.unchanged == 1 && afterEmpty.phone == before.phone && tagsAfterEmpty == tagsBefore, "empty cells change nothing by default")
            #expect(dry.dryRun && dry.updated == 1 && dry.changes == ["phone": 1, "relation": 1, "tags": 1], "\(dry.changes)")
            #expect(dry.summaryLines.first?.contains("未写入") == true)
            #expect(afterDry.phone == before.phone, "a dry run writes nothing")
            #expect(requiredCleared.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["2:居住类型"], "a required field is not cleared, and it says so")
            #expect(cleared.updated == 1 && cleared.changes == ["phone": 1, "tags": 1])
            #expect(afterClear.phone == nil && tagsAfterClear.isEmpty && afterClear.relation == "head", "only the file's columns were cleared")
            #expect(afterClear.unitID == before.unitID && afterClear.householdID == before.householdID)
        }
    }

    @Test("people without a household keep their grid when the export is sent back", arguments: TestDatabase.enabled)
    func residentsWithoutHousehold(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let grid = try await Fixture.unit(database, code: "110199001001001")
            let id = Fixture.freshID(32)
            _ = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(
                .residents, bytes: ImportExportTests.csv([Self.header, "测试丁,\(id),,,,户籍,"]), in: scope)
            let person = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(id, in: scope).rows.first)
            try await Fixture.sql(database).update("residents").set("unit_id", to: grid.id).where("id", .equal, person.id).run()
            let file = try await RegisterExporter(database, cipher: TestDatabase.keys.cipher).csv(.residents, in: scope, role: .gridWorker, reveal: true)
            // MUT
            let result = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.residents, bytes: Array(file), in: scope)
            // validate
            #expect(result.updated == 0)
            let after = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(id, in: scope).rows.first)
            #expect(after.unitID == grid.id, "the file has no grid column and an empty 户号: the grid stays")
        }
    }
}

@Suite("Excel-made files: cleaning stated, damage named")
struct ImportExcelTests {
    @Test("apostrophes, full-width digits and 15-digit IDs are fixed and listed; scientific notation and truncation are refused with what to do", arguments: TestDatabase.enabled)
    func excelFile(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let hh = try #require(Fixture.populations["110199001001001"]?.households.first?.number)
            let wide = String(String.UnicodeScalarView(Fixture.freshID(41).unicodeScalars.map { $0.properties.numericType != nil ? Unicode.Scalar($0.value + 0xFEE0)! : $0 }))
            let fifteen = "110105" + "491231" + "517"
            var truncated = String(Fixture.freshID(42).dropLast(3)) + "000"
            if (try? ResidentID(truncated)) != nil { truncated = String(Fixture.freshID(43).dropLast(3)) + "000" }
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let good = ImportExportTests.csv([
                ImportUpdateTests.header,
                "甲一,'\(Fixture.freshID(40)),13800000040,\(hh),,户籍,",
                "甲二,\(wide),１３８００００００４１,\(hh),,户籍,",
                "甲三,\(fifteen),,\(hh),,户籍,",
            ])
            let bad = ImportExportTests.csv([
                ImportUpdateTests.header,
                "乙一,1.10105E+17,,\(hh),,户籍,",
                "乙二,\(truncated),,\(hh),,户籍,",
                "乙三,\(Fixture.freshID(44)),1.38E+10,\(hh),,户籍,",
            ])
            // MUT
            let result = try await importer.run(.residents, bytes: good, in: scope)
            let problems = await Fixture.importFailure { try await importer.run(.residents, bytes: bad, in: scope) }
            // validate
            #expect(result.inserted == 3)
            let notes = result.notices.map { "\($0.row ?? 0):\($0.column ?? ""):\($0.message)" }
            #expect(notes.contains { $0.hasPrefix("2:身份证号:") && $0.contains(L10n.t("excel.fix.apostrophe")) })
            #expect(notes.contains { $0.hasPrefix("3:身份证号:") && $0.contains(L10n.t("excel.fix.full_width")) })
            #expect(notes.contains { $0.hasPrefix("3:联系电话:") })
            #expect(notes.contains { $0.hasPrefix("4:身份证号:") && $0.contains("11010519491231517") && $0.contains(L10n.t("excel.fix.id15")) }, "\(notes)")
            let found = try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(Fixture.freshID(41), in: scope).rows
            let person = try #require(found.first)
            #expect(person.phone == "13800000041")
            #expect(problems.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["2:身份证号", "3:身份证号", "4:联系电话"])
            #expect(problems[0].message.contains("Excel") && problems[1].message.contains("15") && problems[2].message.contains("Excel"))
            #expect(!problems.contains { $0.message.contains("应为") }, "never a check digit to copy")
        }
    }
}

@Suite("Honest import reports: repeated and unknown columns, Excel's row numbers, every problem counted")
struct ImportReportTests {
    @Test("a repeated column is refused, an unknown one named, rows counted as Excel counts them, and all 2,000 problems kept", arguments: TestDatabase.enabled)
    func reports(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let hh = try #require(Fixture.populations["110199001001001"]?.households.first?.number)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            // MUT
            let repeated = await Fixture.importFailure {
                try await importer.run(.residents, bytes: ImportExportTests.csv(["姓名,身份证号,联系电话,电话", "甲,\(Fixture.freshID(50)),13800000050,13800000051"]), in: scope)
            }
            let unknown = try await importer.run(
                .residents, bytes: ImportExportTests.csv(["姓名,身份证号,户号,备注", "乙,\(Fixture.freshID(51)),\(hh),楼下有狗"]), in: scope, options: ImportOptions(dryRun: true))
            let multiline = await Fixture.importFailure {
                try await importer.run(
                    .residents,
                    bytes: CSVFixture.bytes("姓名,身份证号,户号,与户主关系\n\"丙\n(曾用名)\",\(Fixture.freshID(52)),\(hh),\n丁,\(Fixture.freshID(53)),\(hh),邻居\n"), in: scope)
            }
            var lines = ["姓名,身份证号,户号"]
            for i in 0..<2000 { lines.append("戊\(i),123,\(hh)") }
            let many = await Fixture.importFailure { try await importer.run(.residents, bytes: ImportExportTests.csv(lines), in: scope) }
            // validate
            #expect(repeated.count == 1 && repeated[0].message.contains("联系电话、电话"), "\(repeated)")
            #expect(unknown.notices.map(\.message) == [L10n.t("import.unknown_column", "备注")])
            #expect(multiline.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["3:与户主关系"], "丁 is Excel's row 3 though it starts on text line 4")
            #expect(many.count == 2000, "every problem counted, not 1,001")
            #expect(String(decoding: ImportFailure(problems: many).csv, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2001)
        }
    }
}

@Suite("Place checks for 格不漏户: points, grid codes and households without a grid")
struct ImportPlaceCheckTests {
    @Test("a grid code contradicting the point, a point 1,000 km away and a household in no grid are refused, or taken as listed gaps", arguments: TestDatabase.enabled)
    func placeChecks(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            let grids = try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let sorted = grids.values.sorted { $0.code < $1.code }
            let (a, b) = (sorted[0], sorted[1])
            let inB = try #require(b.area?.interiorPoint)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let buildings = ImportExportTests.csv([
                "编号,名称,地址,类型,层数,经度,纬度,网格编码",
                "G-1,错网格楼,测试路1号,住宅,6,\(inB.lon),\(inB.lat),\(a.code)",
                "G-2,远方楼,测试路2号,住宅,6,\(inB.lon + 10),\(inB.lat),",
            ])
            let households = ImportExportTests.csv(["户号,地址", "H-G1,无处可归"])
            // MUT
            let refused = await Fixture.importFailure { try await importer.run(.buildings, bytes: buildings, in: scope) }
            let dry = try await importer.run(.buildings, bytes: buildings, in: scope, options: ImportOptions(dryRun: true, acceptGaps: true))
            let before = try await Fixture.count(database, "buildings")
            let noGrid = await Fixture.importFailure { try await importer.run(.households, bytes: households, in: scope) }
            let gap = try await importer.run(.households, bytes: households, in: scope, options: ImportOptions(acceptGaps: true))
            // validate
            #expect(refused.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["2:网格编码", "3:经度"])
            #expect(refused[0].message.contains(b.code), "names the grid the point is really in: \(refused[0].message)")
            #expect(dry.dryRun && dry.inserted == 2 && dry.notices.count == 2)
            #expect(try await Fixture.count(database, "buildings") == before, "a dry run writes nothing")
            #expect(noGrid.map(\.message).first?.contains(L10n.t("import.household_no_grid")) == true)
            #expect(gap.inserted == 1 && gap.notices.count == 1)
        }
    }

    @Test("a partial places file leaves what it does not say: a household keeps its grid and its people theirs, a building its floors and kind", arguments: TestDatabase.enabled)
    func partialPlaces(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let sql = Fixture.sql(database)
            struct H: Decodable { var number: String; var address: String; var unit_id: UUID?; var building_id: UUID?; var room: String? }
            let h = try #require(try await sql.raw("SELECT number, address, unit_id, building_id, room FROM households WHERE unit_id IS NOT NULL LIMIT 1").first(decoding: H.self))
            struct B: Decodable { var code: String; var name: String; var address: String; var lon: Double; var lat: Double; var floors: Int?; var kind: String }
            let b = try #require(try await sql.raw("SELECT code, name, address, lon, lat, floors, kind FROM buildings WHERE floors IS NOT NULL AND unit_id IS NOT NULL LIMIT 1").first(decoding: B.self))
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            // MUT
            _ = try await importer.run(.households, bytes: ImportExportTests.csv(["户号,地址", "\(h.number),\(h.address)（新）"]), in: scope)
            _ = try await importer.run(.buildings, bytes: ImportExportTests.csv(["编号,名称,地址,经度,纬度", "\(b.code),\(b.name),\(b.address),\(b.lon),\(b.lat)"]), in: scope)
            // validate
            let after = try #require(try await sql.raw("SELECT number, address, unit_id, building_id, room FROM households WHERE number = \(bind: h.number)").first(decoding: H.self))
            #expect(after.address == h.address + "（新）" && after.unit_id == h.unit_id && after.building_id == h.building_id && after.room == h.room)
            let strays = try await sql.raw("SELECT COUNT(*) AS n FROM residents r JOIN households x ON x.id = r.household_id WHERE x.number = \(bind: h.number) AND r.unit_id IS NULL")
                .first()?.decode(column: "n", as: Int.self)
            #expect(strays == 0, "the household's people stay in its grid")
            let building = try #require(try await sql.raw("SELECT code, name, address, lon, lat, floors, kind FROM buildings WHERE code = \(bind: b.code)").first(decoding: B.self))
            #expect(building.floors == b.floors && building.kind == b.kind)
        }
    }
}

@Suite("Undo: an import rolled back as a whole while nobody touched its rows")
struct ImportUndoTests {
    @Test("an import's additions and changes are undone together; a batch whose row changed since is refused, untouched", arguments: TestDatabase.enabled)
    func undo(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup: 丙 exists with phone and tags; an import changes her phone and adds 己
            try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let (id, hh) = try await ImportUpdateTests.seed(database, scope: scope)
            let (before, tagsBefore) = try await ImportUpdateTests.person(database, id, scope: scope)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let count = try await Fixture.count(database, "residents")
            let file = ImportExportTests.csv([ImportUpdateTests.header, "测试丙,\(id),13900000099,\(hh),,,", "测试己,\(Fixture.freshID(60)),,\(hh),,户籍,"])
            let result = try await importer.run(.residents, bytes: file, in: scope, actor: ImportActor(accountID: nil, name: "clerk"))
            let batch = try #require(result.batch)
            // MUT
            let restored = try await ImportBatches(database).rollback(batch, in: scope, by: "clerk", at: Date())
            let (after, tagsAfter) = try await ImportUpdateTests.person(database, id, scope: scope)
            let countAfterUndo = try await Fixture.count(database, "residents")
            let again = await Fixture.storeError { try await ImportBatches(database).rollback(batch, in: scope, by: "clerk", at: Date()) }
            let second = try await importer.run(.residents, bytes: file, in: scope)
            let secondBatch = try #require(second.batch)
            let person = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(id, in: scope).rows.first)
            try await Fixture.sql(database).update("residents").set("phone", to: "13700000000").where("id", .equal, person.id).run()
            let changedSince = await Fixture.storeError { try await ImportBatches(database).rollback(secondBatch, in: scope, by: "clerk", at: Date()) }
            // validate
            #expect(restored == 2)
            #expect(after.phone == before.phone && tagsAfter == tagsBefore)
            #expect(countAfterUndo == count, "the added one is gone")
            #expect(again?.key == "import.undo.already")
            #expect(changedSince?.key == "import.undo.changed_since")
            let (now, _) = try await ImportUpdateTests.person(database, id, scope: scope)
            #expect(now.phone == "13700000000", "a refused undo writes nothing")
            #expect(try await ImportBatches(database).recent(account: nil).first?.fileSHA256 == ImportBatches.sha256(file))
            let dry = try await importer.run(.residents, bytes: file, in: scope, options: ImportOptions(dryRun: true))
            #expect(dry.batch == nil, "a dry run records no batch")
        }
    }
}

@Suite("Import progress moves from the first rows checked")
struct ImportProgressTests {
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var values: [(Int, Int)] = []
        func add(_ a: Int, _ b: Int) { lock.withLock { values.append((a, b)) } }
    }

    @Test("progress counts rows from the first chunk, expects the file's rows from the share read, and ends at the rows read", arguments: [TestDatabase.sqlite])
    func phases(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            let grids = try await Fixture.grids(database)
            let scope = try await ImportExportTests.districtScope(database)
            let grid = try #require(grids.values.sorted { $0.code < $1.code }.first)
            var lines = ["户号,地址,网格编码"]
            for i in 0..<5000 { lines.append("P-\(i),进度路\(i)号,\(grid.code)") }
            let seen = Seen(), dry = Seen()
            // MUT
            _ = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(
                .households, bytes: ImportExportTests.csv(lines), in: scope, options: ImportOptions(dryRun: true)
            ) { dry.add($0, $1) }
            _ = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.households, bytes: ImportExportTests.csv(lines), in: scope) {
                seen.add($0, $1)
            }
            // validate
            let done = seen.values.map(\.0)
            #expect(done == [0, 2000, 4000, 5000, 5000], "a report per chunk of rows checked and written")
            // The whole file fits the first block read, so the expectation is right from the start.
            #expect(seen.values.dropFirst().allSatisfy { $0.1 == 5000 }, "\(seen.values)")
            #expect(dry.values.last.map { $0 == (5000, 5000) } == true)
        }
    }

    @Test("the reader holds one block of a large file at a time, not the whole file")
    func expectationFromBytes() throws {
        let big = Array(repeating: "a,b\n", count: 600_000).joined()
        var reader = try RecordReader(.bytes(Array(big.utf8)))
        _ = try reader.header()
        _ = try reader.next(2000)
        // 2,000 rows need one block of 1 MiB out of 2.4 MB.
        #expect(reader.bytesRead == RecordReader.blockSize)
        // Reading on, records taken are let go: what waits is never more than a block's worth.
        var taken = 1 + 2000  // the header and the first chunk
        while true {
            let chunk = try reader.next(2000)
            if chunk.isEmpty { break }
            taken += chunk.count
            #expect(reader.waiting + chunk.count < 2000 + 262_144 + 1)
            #expect(reader.queue.count < 2000 + 262_144 + 1, "the queue holds a block, not the file")
        }
        #expect(taken == 600_000)
    }
}

@Suite("Undo of place imports: buildings and households")
struct PlaceUndoTests {
    struct Building: Decodable, Equatable { var code: String; var name: String; var unit_id: UUID? }
    struct Household: Decodable, Equatable { var id: UUID; var number: String; var unit_id: UUID? }

    @Test("a buildings import's new building goes and a renamed one gets its name back", arguments: TestDatabase.enabled)
    func buildings(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup: a demo building renamed and a new one beside it, in one import
            let scope = try await ImportExportTests.districtScope(database)
            let sql = Fixture.sql(database)
            struct Point: Decodable { var code: String; var name: String; var lon: Double; var lat: Double; var grid: String }
            let b = try #require(
                try await sql.raw("SELECT b.code, b.name, b.lon, b.lat, u.code AS grid FROM buildings b JOIN units u ON u.id = b.unit_id ORDER BY b.code LIMIT 1")
                    .first(decoding: Point.self))
            let count = try await Fixture.count(database, "buildings")
            let file = ImportExportTests.csv([
                "编号,名称,地址,经度,纬度,网格编码",
                "\(b.code),\(b.name)（改）,某路1号,\(b.lon),\(b.lat),\(b.grid)",
                "UNDO-B1,新楼,某路2号,\(b.lon),\(b.lat),\(b.grid)",
            ])
            let result = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.buildings, bytes: file, in: scope)
            let batch = try #require(result.batch)
            // MUT
            let restored = try await ImportBatches(database).rollback(batch, in: scope, by: "clerk", at: Date())
            // validate
            #expect(restored == 2)
            #expect(try await Fixture.count(database, "buildings") == count)
            let name = try await sql.raw("SELECT name FROM buildings WHERE code = \(bind: b.code)").first()?.decode(column: "name", as: String.self)
            #expect(name == b.name)
        }
    }

    @Test(
        "a households import is undone with its residents back in their grid; once someone lives in a household it added, undo is refused",
        arguments: TestDatabase.enabled)
    func households(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup: a household with residents moved to another grid, and a new household
            let scope = try await ImportExportTests.districtScope(database)
            let sql = Fixture.sql(database)
            let grids = try await Fixture.grids(database).values.sorted { $0.code < $1.code }
            let h = try #require(
                try await sql.raw(
                    "SELECT h.id, h.number, h.unit_id FROM households h WHERE h.unit_id IS NOT NULL AND EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id) ORDER BY h.number LIMIT 1"
                ).first(decoding: Household.self))
            let other = try #require(grids.first { $0.id != h.unit_id })
            let people = try await Fixture.count(database, "residents", where: "household_id = \(bind: h.id) AND unit_id = \(bind: h.unit_id)")
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let file = ImportExportTests.csv(["户号,地址,网格编码", "\(h.number),搬到别处,\(other.code)", "UNDO-H1,新户,\(other.code)"])
            let batch = try #require(try await importer.run(.households, bytes: file, in: scope).batch)
            let moved = try await Fixture.count(database, "residents", where: "household_id = \(bind: h.id) AND unit_id = \(bind: other.id)")
            // MUT
            let restored = try await ImportBatches(database).rollback(batch, in: scope, by: "clerk", at: Date())
            // validate
            #expect(moved == people && people > 0, "residents followed the household out")
            #expect(restored == 2)
            let back = try await sql.raw("SELECT id, number, unit_id FROM households WHERE id = \(bind: h.id)").first(decoding: Household.self)
            #expect(back == h)
            #expect(try await Fixture.count(database, "residents", where: "household_id = \(bind: h.id) AND unit_id = \(bind: h.unit_id)") == people)
            #expect(try await Fixture.count(database, "households", where: "number = 'UNDO-H1'") == 0)

            // setup: the new household again, and then someone moves in
            let again = try #require(try await importer.run(.households, bytes: ImportExportTests.csv(["户号,地址,网格编码", "UNDO-H2,新户,\(other.code)"]), in: scope).batch)
            _ = try await importer.run(
                .residents, bytes: ImportExportTests.csv([ImportUpdateTests.header, "测试庚,\(Fixture.freshID(61)),,UNDO-H2,,户籍,"]), in: scope)
            // MUT
            let refused = await Fixture.storeError { try await ImportBatches(database).rollback(again, in: scope, by: "clerk", at: Date()) }
            // validate
            #expect(refused?.key == "import.undo.changed_since")
            #expect(try await Fixture.count(database, "households", where: "number = 'UNDO-H2'") == 1, "a refused undo writes nothing")
        }
    }
}

@Suite("Import helpers")
struct ImportHelperTests {
    @Test("ids written by hand read as Foundation writes them; time-ordered ids sort as made")
    func uuids() {
        for _ in 0..<100 {
            let id = UUID()
            #expect(id.text == id.uuidString)
        }
        var ids = SequentialIDs()
        let made = (0..<1000).map { _ in ids.next() }
        #expect(made.map(\.text) == made.map(\.text).sorted())
        #expect(Set(made).count == 1000)
        #expect(made.allSatisfy { $0.uuidString.dropFirst(14).first == "7" }, "version 7")
    }

    @Test("work spread over the cores keeps the order")
    func parallel() {
        let items = Array(0..<10_000)
        #expect(Parallel.map(items) { $0 * 2 } == items.map { $0 * 2 })
    }
}

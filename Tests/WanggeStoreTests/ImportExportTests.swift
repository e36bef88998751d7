import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Import and export of the register (B6)")
struct ImportExportTests {
    static func csv(_ lines: [String]) -> [UInt8] { CSVFixture.bytes(lines.joined(separator: "\n") + "\n") }

    static func districtScope(_ db: any Database) async throws -> Scope { .subtree(of: try await Fixture.unit(db, code: "110199")) }

    @Test("a residents file full of mistakes lists each one by row and column and writes nothing", arguments: TestDatabase.enabled)
    func residentMistakes(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let hh = try #require(Fixture.populations["110199001001001"]?.households.first?.number)
            let file = Self.csv([
                CSVFixture.residentHeader,
                "张三,\(Fixture.freshID(10)),13812345678,\(hh),户主,户籍,60岁以上老人",  // 2: fine
                "李四,\(CSVFixture.wrongCheck(Fixture.freshID(11))),,\(hh),,,",  // 3: check digit
                "王五,11010519491231,,\(hh),,,",  // 4: length
                "赵六,\(CSVFixture.badDateID),,\(hh),,,",  // 5: 30 February
                "钱七,\(Fixture.freshID(12)),,999999,,,",  // 6: unknown household
                "孙八,\(Fixture.freshID(13)),12345,\(hh),,,",  // 7: phone
                "周九,\(Fixture.freshID(14)),,\(hh),,,外星人",  // 8: tag
                "吴十,\(Fixture.freshID(15)),,\(hh),邻居,,",  // 9: relation
                "郑一,\(Fixture.freshID(10)),,\(hh),,,",  // 10: same ID as row 2
                ",\(Fixture.freshID(16)),,\(hh),,,",  // 11: no name
            ])
            let residents = try await Fixture.count(database, "residents"), tags = try await Fixture.count(database, "resident_tags")
            let scope = try await Self.districtScope(database)
            // MUT
            let problems = await Fixture.importFailure { try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.residents, bytes: file, in: scope) }
            // validate
            let found = Set(problems.map { "\($0.row ?? 0):\($0.column ?? "")" })
            #expect(found == ["3:身份证号", "4:身份证号", "5:身份证号", "6:户号", "7:联系电话", "8:标签", "9:与户主关系", "10:身份证号", "11:姓名"])
            #expect(problems.count == 9, "one problem per bad row: \(problems)")
            func message(_ row: Int) -> String { problems.first { $0.row == row }?.message ?? "" }
            #expect(message(3).contains("校验位"))
            #expect(message(4).contains("18 位"))
            #expect(message(5).contains("出生日期"))
            #expect(message(6).contains("999999"))
            #expect(message(7).contains("12345"))
            #expect(message(8).contains("外星人"))
            #expect(message(9).contains("邻居"))
            #expect(message(10).contains("第 2 行"))
            #expect(message(11) == "必填")
            #expect(try await Fixture.count(database, "residents") == residents, "all or nothing: the good row 2 is not written either")
            #expect(try await Fixture.count(database, "resident_tags") == tags)
        }
    }

    @Test("a file without a required column, an empty file and an Excel workbook are refused clearly", arguments: TestDatabase.enabled)
    func refusedFiles(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await Self.districtScope(database)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let before = (try await Fixture.count(database, "residents"), try await Fixture.count(database, "buildings"))
            let workbook: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array("[Content_Types].xml".utf8)
            // MUT
            let noName = await Fixture.importFailure { try await importer.run(.residents, bytes: Self.csv(["身份证号,户号", "\(Fixture.freshID(1)),1"]), in: scope) }
            let noLon = await Fixture.importFailure { try await importer.run(.buildings, bytes: Self.csv(["编号,名称,地址,纬度", "X1,楼,路1号,40.0"]), in: scope) }
            let headerOnly = await Fixture.importFailure { try await importer.run(.residents, bytes: Self.csv([CSVFixture.residentHeader]), in: scope) }
            let xlsx = await Fixture.importFailure { try await importer.run(.residents, bytes: workbook, in: scope) }
            // validate
            #expect(noName.map(\.column) == ["姓名"])
            #expect(noName.first?.row == 1)
            #expect(noName.first?.message.contains("缺少") == true)
            #expect(noLon.map(\.column) == ["经度"])
            #expect(headerOnly.count == 1 && headerOnly.first?.message.contains("没有数据行") == true)
            #expect(xlsx.count == 1)
            #expect(xlsx.first?.message.contains("xlsx") == true)
            #expect(xlsx.first?.message.contains("CSV UTF-8") == true, "the message says how to save the file instead")
            #expect(try await Fixture.count(database, "residents") == before.0)
            #expect(try await Fixture.count(database, "buildings") == before.1)
        }
    }

    @Test(
        "buildings are placed by point in polygon, a shop outside every grid into the nearest; households and residents follow",
        arguments: TestDatabase.enabled)
    func cleanImports(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let west = try #require(grids["110199001001001"]), east = try #require(grids["110199101001002"])
            let westBox = try #require(Fixture.plan.unit(west.code)?.box), eastBox = try #require(Fixture.plan.unit(east.code)?.box)
            let outside = GeoPoint(lon: westBox.minLon - 0.0005, lat: westBox.center.lat)  // ≈ 40 m west of the district
            let scope = try await Self.districtScope(database)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let buildings = [
                "编号,名称,地址,类型,层数,经度,纬度",
                "T-B1,测试1号楼,测试路1号,住宅,6,\(westBox.center.lon),\(westBox.center.lat)",
                "T-B2,测试2号楼,测试路2号,residential,18,\(eastBox.center.lon),\(eastBox.center.lat)",
                "T-S1,测试商铺,测试路3号,沿街商铺,1,\(outside.lon),\(outside.lat)",
                "T-B3,界外楼,测试路5号,住宅,6,\(outside.lon),\(outside.lat)",
            ]
            // MUT
            let refused = await Fixture.importFailure { try await importer.run(.buildings, bytes: Self.csv(buildings), in: scope) }
            let placed = try await importer.run(.buildings, bytes: Self.csv(buildings), in: scope, options: ImportOptions(acceptGaps: true))
            let renamed = try await importer.run(.buildings, bytes: [0xEF, 0xBB, 0xBF] + Self.csv(buildings.map { $0.replacingOccurrences(of: "测试1号楼", with: "幸福1号楼") }), in: scope)
            let households = try await importer.run(
                .households,
                bytes: Self.csv([
                    "户号,地址,楼栋编号,房号", "H-T1,测试路1号1单元101,T-B1,1单元101", "H-T2,测试路2号2单元202,T-B2,2单元202", "H-T3,测试路3号,T-S1,",
                ]), in: scope)
            let unknownBuilding = await Fixture.importFailure { try await importer.run(.households, bytes: Self.csv(["户号,地址,楼栋编号", "H-T9,某地,T-B404"]), in: scope) }
            let people = [
                CSVFixture.residentHeader,
                "测试甲,\(Fixture.freshID(21)),13800000021,H-T1,户主,户籍,60岁以上老人",
                "测试乙,\(Fixture.freshID(22)),,H-T2,户主,流动,",
            ]
            let first = try await importer.run(.residents, bytes: Self.csv(people), in: scope)
            let residentsAfterFirst = try await Fixture.count(database, "residents")
            let again = try await importer.run(.residents, bytes: Self.csv(people.map { $0.replacingOccurrences(of: "13800000021", with: "13900000021") }), in: scope)
            // validate
            #expect(refused.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["5:经度"], "a building outside every grid is refused unless taken as a gap")
            #expect(placed.inserted == 4 && placed.updated == 0 && placed.encoding == "utf8")
            #expect(placed.notices.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["5:经度"], "and then listed")
            #expect(renamed.inserted == 0 && renamed.updated == 4 && renamed.encoding == "utf8BOM")
            let rows = try await PlaceRepository(database).buildings(inGrid: nil, in: scope).filter { $0.code.hasPrefix("T-") }
            let byCode = Dictionary(uniqueKeysWithValues: rows.map { ($0.code, $0) })
            #expect(byCode["T-B1"]?.unitID == west.id)
            #expect(byCode["T-B1"]?.name == "幸福1号楼")
            #expect(byCode["T-B2"]?.unitID == east.id)
            #expect(byCode["T-B2"]?.floors == 18)
            #expect(byCode["T-S1"]?.unitID == west.id, "沿街商户就近划入")
            #expect(byCode["T-S1"]?.kind == "shop")
            #expect(byCode.keys.contains("T-B3") && byCode["T-B3"]?.unitID == nil, "a residential building outside every grid stays unplaced")
            #expect(households.inserted == 3)
            struct Home: Decodable { var number: String; var unit_id: UUID? }
            let homes = try await Fixture.sql(database).raw("SELECT number, unit_id FROM households WHERE number LIKE 'H-T%'").all(decoding: Home.self)
            #expect(Dictionary(uniqueKeysWithValues: homes.map { ($0.number, $0.unit_id) }) == ["H-T1": west.id, "H-T2": east.id, "H-T3": west.id])
            #expect(unknownBuilding.map { "\($0.row ?? 0):\($0.column ?? "")" } == ["2:楼栋编号"], "one problem, not a second for the grid it would have given")
            #expect(first.inserted == 2 && first.updated == 0)
            #expect(again.inserted == 0 && again.updated == 1 && again.unchanged == 1 && again.changes == ["phone": 1], "only 甲's phone changed")
            #expect(try await Fixture.count(database, "residents") == residentsAfterFirst)
            let jia = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(Fixture.freshID(21), in: scope).rows.first)
            #expect(jia.phone == "13900000021")
            #expect(jia.unitID == west.id && jia.relation == "head")
            #expect(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).tags(of: [jia.id])[jia.id]?.map(\.key) == ["elderly60"])
            let yi = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(Fixture.freshID(22), in: scope).rows.first)
            #expect(yi.unitID == east.id && yi.residenceType == "floating")
        }
    }

    @Test("a GBK file from Excel on Chinese Windows is read and reported as GB18030", arguments: TestDatabase.enabled)
    func gbkImport(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let hh = try #require(Fixture.populations["110199101001001"]?.households.last?.number)
            let bytes =
                CSVFixture.gbkResidentHeader
                + CSVFixture.gbkWang + CSVFixture.bytes(",\(Fixture.freshID(31)),13800000031,\(hh)") + CSVFixture.gbkHeadRegistered
                + CSVFixture.gbkLi + CSVFixture.bytes(",\(Fixture.freshID(32)),,\(hh)") + CSVFixture.gbkSpouseFloating
            #expect(String(validating: bytes, as: UTF8.self) == nil, "the fixture really is not UTF-8")
            let scope = try await Self.districtScope(database)
            // MUT
            let result = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.residents, bytes: bytes, in: scope)
            // validate
            #expect(result.encoding == "gb18030")
            #expect(result.inserted == 2)
            let wang = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(Fixture.freshID(31), in: scope).rows.first)
            #expect(wang.name == "王小明" && wang.relation == "head" && wang.residenceType == "registered")
            let li = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(Fixture.freshID(32), in: scope).rows.first)
            #expect(li.name == "李春花" && li.relation == "spouse" && li.residenceType == "floating")
            #expect(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search("王小明", in: scope).rows.contains { $0.id == wang.id })
        }
    }

    @Test("exports open in Excel: BOM, import headers, masked unless a role allowed to asks", arguments: TestDatabase.enabled)
    func exportMasking(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await Self.districtScope(database)
            let sample = try #require(try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).search(nil, limit: 500, in: scope).rows.first { $0.idNumber != nil && $0.phone != nil })
            let id = try #require(sample.idNumber), phone = try #require(sample.phone)
            let exporter = RegisterExporter(database, cipher: TestDatabase.keys.cipher)
            // MUT
            let masked = try await exporter.csv(.residents, in: scope, role: .leader, reveal: false)
            let leaderAsks = try await exporter.csv(.residents, in: scope, role: .leader, reveal: true)
            let workerAsks = try await exporter.csv(.residents, in: scope, role: .gridWorker, reveal: true)
            let buildings = try await exporter.csv(.buildings, in: scope, role: .leader, reveal: false)
            // validate
            #expect(Array(masked.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: masked.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "姓名,身份证号,其他证件号,联系电话,户号,与户主关系,居住类型,标签")
            #expect(lines.count == 1 + (try await Fixture.count(database, "residents")))
            #expect(text.matches(CSVFixture.maskedIDPattern))
            #expect(!text.matches(CSVFixture.fullIDPattern))
            #expect(text.contains(Mask.idNumber(id)) && !text.contains(id))
            #expect(!text.contains(phone))
            #expect(leaderAsks == masked, "a leader may not unmask, asking changes nothing")
            let full = String(decoding: workerAsks, as: UTF8.self)
            #expect(full.contains(id) && full.contains(phone))
            #expect(String(decoding: buildings.dropFirst(3), as: UTF8.self).hasPrefix("编号,名称,地址,类型,层数,经度,纬度,网格编码\r\n"))
            // Streamed in small pages (households and residents read by key), the same bytes, every row once.
            for kind in [ImportKind.residents, .households, .buildings] {
                var chunks: [String] = []
                let rows = try await exporter.stream(kind, in: scope, role: .leader, reveal: false, pageSize: 37) { chunks.append($0) }
                let whole = try await exporter.csv(kind, in: scope, role: .leader, reveal: false)
                #expect(Data(chunks.joined().utf8) == whole, "\(kind)")
                #expect(rows == DataRows.count(whole) && (kind == .buildings || chunks.count > 2), "\(kind): \(rows) rows in \(chunks.count) chunks")
            }
            // A masked export sent back unchanged changes nothing: masked values mean "unchanged".
            let before = try await Fixture.count(database, "residents")
            let back = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.residents, bytes: Array(masked), in: scope)
            #expect(back.inserted == 0 && back.updated == 0 && back.unchanged == before && back.changes.isEmpty, "\(back)")
            #expect(try await Fixture.count(database, "residents") == before)
        }
    }

    @Test("buildings and households exported and imported again update every row and add none", arguments: TestDatabase.enabled)
    func placesRoundTrip(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await Self.districtScope(database)
            let exporter = RegisterExporter(database, cipher: TestDatabase.keys.cipher), importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            let buildingCount = try await Fixture.count(database, "buildings"), householdCount = try await Fixture.count(database, "households")
            let placedBefore = try await Fixture.count(database, "buildings", where: "unit_id IS NOT NULL")
            // MUT
            let buildings = try await importer.run(.buildings, bytes: Array(try await exporter.csv(.buildings, in: scope, role: .gridWorker, reveal: true)), in: scope)
            let households = try await importer.run(.households, bytes: Array(try await exporter.csv(.households, in: scope, role: .gridWorker, reveal: true)), in: scope)
            // validate
            #expect(buildings.inserted == 0 && buildings.updated == buildingCount)
            #expect(households.inserted == 0 && households.updated == householdCount)
            #expect(try await Fixture.count(database, "buildings") == buildingCount)
            #expect(try await Fixture.count(database, "households") == householdCount)
            #expect(try await Fixture.count(database, "buildings", where: "unit_id IS NOT NULL") == placedBefore)
        }
    }

    @Test("residents exported unmasked and imported again update every person and add none", arguments: TestDatabase.enabled)
    func residentsRoundTrip(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let scope = try await Self.districtScope(database)
            let residents = try await Fixture.count(database, "residents"), tags = try await Fixture.count(database, "resident_tags")
            let file = try await RegisterExporter(database, cipher: TestDatabase.keys.cipher).csv(.residents, in: scope, role: .gridWorker, reveal: true)
            // MUT
            let result = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.residents, bytes: Array(file), in: scope)
            // validate
            #expect(result.encoding == "utf8BOM")
            #expect(result.inserted == 0, "overseas residents (no ID number, a passport number) must be matched too, not added again")
            #expect(result.updated == 0 && result.unchanged == residents && result.changes.isEmpty, "an unchanged file changes nothing")
            #expect(try await Fixture.count(database, "residents") == residents)
            #expect(try await Fixture.count(database, "resident_tags") == tags)
        }
    }

    @Test("boundaries import by unit code; every bad feature is reported by its number and nothing changes", arguments: TestDatabase.enabled)
    func boundaryImport(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let grid = try #require(grids["110199001001002"])
            let box = try #require(Fixture.plan.unit(grid.code)?.box)
            let inner = GeoBox(minLon: box.minLon + 0.0002, minLat: box.minLat + 0.0002, maxLon: box.maxLon - 0.0002, maxLat: box.maxLat - 0.0002)
            func ring(_ b: GeoBox, closed: Bool = true) -> String {
                let points = [(b.minLon, b.minLat), (b.maxLon, b.minLat), (b.maxLon, b.maxLat), (b.minLon, b.maxLat)] + (closed ? [(b.minLon, b.minLat)] : [(b.minLon, b.minLat + 0.0001)])
                return "[[" + points.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]]"
            }
            func feature(_ code: String, _ coordinates: String) -> String {
                #"{"type":"Feature","properties":{"code":"\#(code)"},"geometry":{"type":"Polygon","coordinates":\#(coordinates)}}"#
            }
            let bad =
                #"{"type":"FeatureCollection","features":["#
                + [
                    feature("110199001001001", ring(box, closed: false)),  // 1: ring not closed
                    feature(grid.code, ring(inner)),  // 2: fine
                    feature("110199009009009", ring(inner)),  // 3: no such unit
                ].joined(separator: ",") + "]}"
            let good = #"{"type":"FeatureCollection","features":["# + feature(grid.code, ring(inner)) + "]}"
            let scope = try await Self.districtScope(database)
            // MUT
            let problems = await Fixture.importFailure { try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.boundaries, bytes: Array(bad.utf8), in: scope) }
            let unchanged = try await UnitRepository(database).get(grid.id, in: .everything)
            let result = try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.boundaries, bytes: Array(good.utf8), in: scope)
            // validate
            #expect(problems.compactMap(\.row).sorted() == [1, 3], "problems name the feature they are in: \(problems)")
            #expect(problems.first { $0.row == 1 }?.message.contains("未闭合") == true)
            #expect(problems.contains { $0.column == "code" && $0.message.contains("110199009009009") })
            #expect(unchanged.minLon == box.minLon, "a refused file changes no boundary")
            #expect(result.updated == 1 && result.inserted == 0)
            let redrawn = try await UnitRepository(database).get(grid.id, in: .everything)
            #expect(redrawn.minLon == inner.minLon && redrawn.maxLat == inner.maxLat)
            let last = try await UnitRepository(database).history(of: grid.id, in: .everything).last
            #expect(last?.action == "boundary" && last?.actor == "import")
        }
    }
}

/// Data rows of a CSV export (lines after the header; no register field holds a line break).
enum DataRows {
    static func count(_ csv: Data) -> Int { max(0, csv.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } - 1) }
}

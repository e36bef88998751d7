import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

/// Shared data and helpers for the storage tests: the 4-grid demo district (2 streets, each
/// with one community of two grids), hand-made trees, counting, and import files.
enum Fixture {
    static let today = SimpleDate(year: 2026, month: 11, day: 27)!
    static let demoConfig = DemoConfig(grids: 4, today: today)
    static let plan = DemoDistrict.plan(demoConfig)
    static let populations: [String: DemoGridPopulation] = Dictionary(
        uniqueKeysWithValues: plan.grids.map {
            ($0.code, DemoDistrict.population(ofGrid: $0.code, plan: plan, config: demoConfig))
        })

    /// A copy of a database with the demo district loaded (made once per process).
    static let demo = StoreTemplate(name: "store-demo") { db in
        _ = try await DemoLoader(db, cipher: TestDatabase.keys.cipher).load(demoConfig)
    }

    /// The demo district's grids by code (the database is a copy of `demo`).
    @discardableResult
    static func grids(_ db: any Database) async throws -> [String: UnitRow] {
        let grids = try await UnitRepository(db).all(in: .everything, level: .grid)
        #expect(grids.count == 4)
        return Dictionary(uniqueKeysWithValues: grids.map { ($0.code, $0) })
    }

    static func unit(_ db: any Database, code: String) async throws -> UnitRow {
        try #require(try await UnitRepository(db).find(code: code, in: .everything), "no unit \(code)")
    }

    static func sql(_ db: any Database) -> any SQLDatabase { db as! any SQLDatabase }

    /// `SELECT COUNT(*)` of a table, optionally limited by a condition.
    static func count(_ db: any Database, _ table: String, where condition: SQLQueryString? = nil) async throws -> Int {
        let query: SQLQueryString =
            condition.map { "SELECT COUNT(*) AS n FROM \(ident: table) WHERE \($0)" }
            ?? "SELECT COUNT(*) AS n FROM \(ident: table)"
        return try await sql(db).raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// How many rows of a table hang on a unit.
    static func attached(_ db: any Database, _ table: String, to unitID: UUID) async throws -> Int {
        try await count(db, table, where: "unit_id = \(bind: unitID)")
    }

    /// The error a body throws as a `StoreError`, or nil (and a failed expectation) if it throws nothing or something else.
    static func storeError<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> StoreError? {
        do {
            _ = try await body()
            Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
        } catch let e as StoreError {
            return e
        } catch {
            Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    static func validationFailure<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> [FieldProblem] {
        do {
            _ = try await body()
            Issue.record("expected a ValidationFailure, nothing was thrown", sourceLocation: sourceLocation)
        } catch let e as ValidationFailure {
            return e.problems
        } catch {
            Issue.record("expected a ValidationFailure, got \(error)", sourceLocation: sourceLocation)
        }
        return []
    }

    static func importFailure<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> [ImportProblem] {
        do {
            let r = try await body()
            Issue.record("expected an ImportFailure, the import succeeded: \(r)", sourceLocation: sourceLocation)
        } catch let e as ImportFailure {
            return e.problems
        } catch {
            Issue.record("expected an ImportFailure, got \(error)", sourceLocation: sourceLocation)
        }
        return []
    }

    static func rectangle(_ box: GeoBox) -> GeoArea { GeoArea(GeoPolygon.rectangle(box)) }

    /// The two halves of a box, split at its middle longitude.
    static func halves(_ box: GeoBox) -> (west: GeoBox, east: GeoBox, mid: Double) {
        let mid = (box.minLon + box.maxLon) / 2
        return (
            GeoBox(minLon: box.minLon, minLat: box.minLat, maxLon: mid, maxLat: box.maxLat),
            GeoBox(minLon: mid, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat), mid
        )
    }

    /// A valid ID number nobody in the demo has (the demo uses region 110199).
    static func freshID(_ n: Int, born: SimpleDate = SimpleDate(year: 1980, month: 1, day: 1)!) -> String {
        ResidentID.make(region: "440524", birth: born, sequence: n).value
    }

    /// A hand-made tree: district 110105 → street 001 → communities 001 and 002 → one grid each.
    struct Tree {
        var district: UnitRow, street: UnitRow, communityA: UnitRow, communityB: UnitRow, gridA: UnitRow, gridB: UnitRow
    }

    static func smallTree(_ db: any Database) async throws -> Tree {
        let repo = UnitRepository(db)
        let box = GeoBox(minLon: 116.40, minLat: 39.90, maxLon: 116.42, maxLat: 39.92)
        let d = try await repo.create(parentID: nil, level: .district, code: "110105", name: "朝阳区", boundary: rectangle(box), actor: "t", in: .everything)
        let s = try await repo.create(parentID: d.id, level: .street, code: "110105001", name: "建外街道", boundary: nil, actor: "t", in: .everything)
        let a = try await repo.create(parentID: s.id, level: .community, code: "110105001001", name: "永安里社区", boundary: nil, actor: "t", in: .everything)
        let b = try await repo.create(parentID: s.id, level: .community, code: "110105001002", name: "建国里社区", boundary: nil, actor: "t", in: .everything)
        let ga = try await repo.create(parentID: a.id, level: .grid, code: "110105001001001", name: "永安里第1网格", boundary: nil, actor: "t", in: .everything)
        let gb = try await repo.create(parentID: b.id, level: .grid, code: "110105001002001", name: "建国里第1网格", boundary: nil, actor: "t", in: .everything)
        return Tree(district: d, street: s, communityA: a, communityB: b, gridA: ga, gridB: gb)
    }
}

/// Import files. Rows are numbered as a spreadsheet shows them: the header is row 1.
enum CSVFixture {
    static let residentHeader = "姓名,身份证号,联系电话,户号,与户主关系,居住类型,标签"

    /// `"姓名,身份证号,联系电话,户号,与户主关系,居住类型\n"` in GBK, as Excel on Chinese Windows saves it.
    static let gbkResidentHeader: [UInt8] = [
        0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4, 0xBA, 0xC5, 0x2C, 0xC1, 0xAA, 0xCF, 0xB5, 0xB5, 0xE7,
        0xBB, 0xB0, 0x2C, 0xBB, 0xA7, 0xBA, 0xC5, 0x2C, 0xD3, 0xEB, 0xBB, 0xA7, 0xD6, 0xF7, 0xB9, 0xD8, 0xCF, 0xB5, 0x2C, 0xBE,
        0xD3, 0xD7, 0xA1, 0xC0, 0xE0, 0xD0, 0xCD, 0x0A,
    ]
    /// 王小明 and 李春花 in GBK.
    static let gbkWang: [UInt8] = [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]
    static let gbkLi: [UInt8] = [0xC0, 0xEE, 0xB4, 0xBA, 0xBB, 0xA8]
    /// `",户主,户籍\n"` and `",配偶,流动\n"` in GBK.
    static let gbkHeadRegistered: [UInt8] = [0x2C, 0xBB, 0xA7, 0xD6, 0xF7, 0x2C, 0xBB, 0xA7, 0xBC, 0xAE, 0x0A]
    static let gbkSpouseFloating: [UInt8] = [0x2C, 0xC5, 0xE4, 0xC5, 0xBC, 0x2C, 0xC1, 0xF7, 0xB6, 0xAF, 0x0A]

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// An ID number with a real check digit but an impossible birth date (30 February).
    static var badDateID: String {
        let body = "44052419800230001"
        return body + String(ResidentID.checkCharacter(for: body)!)
    }

    /// The same ID with its check character changed to a wrong one.
    static func wrongCheck(_ id: String) -> String {
        let last = id.last!
        return String(id.dropLast()) + (last == "1" ? "2" : "1")
    }

    /// What a full, unmasked ID number looks like (and a masked one does not).
    static let fullIDPattern = #"(?<![\d*])[1-9]\d{16}[\dX](?!\d)"#
    static let maskedIDPattern = #"\d{3}\*{11}[\dX]{4}"#
}

extension String {
    func matches(_ pattern: String) -> Bool { range(of: pattern, options: .regularExpression) != nil }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Cases in storage: intake, routing, timeline, versions, queues, scope")
struct CaseStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let operatorActor = CaseActor(id: nil, name: "受理员", role: .operator_)
    static let gridActor = CaseActor(id: nil, name: "网格员", role: .gridWorker)

    static func repo(_ db: any Database) -> CaseRepository { CaseRepository(db, cipher: TestDatabase.keys.cipher) }

    static func point(in grid: UnitRow) throws -> GeoPoint { try #require(grid.area?.interiorPoint) }

    static func draft(_ category: String = "city_appearance.exposed_garbage", at point: GeoPoint?, phone: String? = nil) -> CaseIntake {
        CaseIntake(categoryKey: category, channel: .hotline, title: "", description: "路边垃圾堆积", point: point, reporterPhone: phone)
    }

    @Test("intake places the point in its grid, routes to the category's department and sets deadlines", arguments: TestDatabase.enabled)
    func intake(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = grids.values.sorted { $0.code < $1.code }[1]
            let category = try #require(CaseCategory.seed.first { $0.parentKey != nil })
            let row = try await Self.repo(db).intake(Self.draft(category.key, at: try Self.point(in: grid), phone: "13812345678"), actor: Self.operatorActor, at: Self.t0)
            #expect(row.unitID == grid.id)
            #expect(row.level == .grid)
            #expect(row.departmentKey == category.department)
            #expect(row.state == .reported)
            #expect(TrackingCode.isValid(row.trackingCode))
            #expect(row.respondBy > Self.t0 && row.resolveBy > row.respondBy)
            let stored = try #require(try await Self.repo(db).byTrackingCode(row.trackingCode))
            #expect(stored.id == row.id && stored.reporterPhone == "13812345678")
            let raw = try await Fixture.sql(db).raw("SELECT reporter_phone FROM cases").first()?.decode(column: "reporter_phone", as: String.self)
            #expect(raw != "13812345678", "the phone is stored encrypted")
            let timeline = try await Self.repo(db).timeline(row.id)
            #expect(timeline.map(\.action) == [.report])

            // A routing rule on the street overrides the default for every grid below it.
            try await Self.repo(db).setRoute(category: category.key, unit: try #require(grid.ancestorIDs.last), department: "property")
            let routed = try await Self.repo(db).intake(Self.draft(category.key, at: try Self.point(in: grid)), actor: Self.operatorActor, at: Self.t0)
            #expect(routed.departmentKey == "property")

            // Bad input: no half-made case.
            let before = try await Fixture.count(db, "cases")
            #expect(await Fixture.storeError { try await Self.repo(db).intake(Self.draft("no.such", at: nil), actor: Self.operatorActor, at: Self.t0) }?.field == "category")
            #expect(await Fixture.storeError { try await Self.repo(db).intake(Self.draft(at: GeoPoint(lon: 500, lat: 0)), actor: Self.operatorActor, at: Self.t0) }?.field == "location")
            #expect(await Fixture.storeError { try await Self.repo(db).intake(Self.draft(at: nil, phone: "12"), actor: Self.operatorActor, at: Self.t0) }?.field == "phone")
            #expect(try await Fixture.count(db, "cases") == before)
        }
    }

    @Test("every state change writes an event; a stale version is refused", arguments: TestDatabase.enabled)
    func stepsAndVersions(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(grids.values.first)
            let repo = Self.repo(db)
            let c = try await repo.intake(Self.draft(at: try Self.point(in: grid)), actor: Self.gridActor, at: Self.t0)
            let scope = Scope.everything
            var t = Self.t0
            func next() -> Date { t = t.addingTimeInterval(600); return t }
            try await repo.apply(.accept(), to: c.id, expectedVersion: 1, actor: Self.operatorActor, in: scope, at: next())
            let stale = await Fixture.storeError { try await repo.apply(.reject(reason: "重复"), to: c.id, expectedVersion: 1, actor: Self.operatorActor, in: scope, at: next()) }
            #expect(stale?.kind == .conflict && stale?.key == "case.stale")
            try await repo.apply(.dispatch(department: CaseRepository.gridTeam), to: c.id, actor: Self.operatorActor, in: scope, at: next())
            // A department does not sign for what the grid team holds.
            let department = CaseActor(id: nil, name: "住建", role: .department)
            #expect(await Fixture.storeError { try await repo.apply(.signFor(), to: c.id, actor: department, in: scope, at: next()) }?.kind == .conflict)
            try await repo.apply(.signFor(), to: c.id, actor: Self.gridActor, in: scope, at: next())
            try await repo.apply(.handle(note: "已清理"), to: c.id, actor: Self.gridActor, in: scope, at: next())
            try await repo.apply(.verify(), to: c.id, actor: Self.operatorActor, in: scope, at: next())
            let closed = try await repo.apply(.close(), to: c.id, actor: Self.operatorActor, in: scope, at: next())
            #expect(closed.state == .closed && closed.version == 7 && closed.closedAt == t)
            // Not allowed now: a clear conflict, nothing written.
            #expect(await Fixture.storeError { try await repo.apply(.accept(), to: c.id, actor: Self.operatorActor, in: scope, at: next()) }?.kind == .conflict)
            #expect(await Fixture.storeError { try await repo.apply(.dispatch(department: "nowhere"), to: c.id, actor: Self.operatorActor, in: scope, at: next()) }?.field == "department")
            let timeline = try await repo.timeline(c.id)
            #expect(timeline.map(\.action) == [.report, .accept, .dispatch, .signFor, .handle, .verify, .close])
            #expect(timeline.map(\.seq) == Array(1...7))
            #expect(timeline[4].note == "已清理" && timeline[4].actorName == "网格员")
        }
    }

    @Test("queues follow state and deadlines; a grid worker never sees another grid's case", arguments: TestDatabase.enabled)
    func queuesAndScope(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let repo = Self.repo(db)
            let a = try await repo.intake(Self.draft(at: try Self.point(in: grids[0])), actor: Self.gridActor, at: Self.t0)
            let b = try await repo.intake(Self.draft(at: try Self.point(in: grids[3])), actor: Self.gridActor, at: Self.t0)
            try await repo.apply(.accept(), to: b.id, actor: Self.operatorActor, in: .everything, at: Self.t0)
            let all = Scope.everything
            #expect(try await repo.queue(.toAccept, role: .operator_, in: all, now: Self.t0).rows.map(\.id) == [a.id])
            #expect(try await repo.queue(.toDispatch, role: .operator_, in: all, now: Self.t0).rows.map(\.id) == [b.id])
            #expect(try await repo.count(.overdue, role: .operator_, in: all, now: Self.t0) == 0)
            // Past 80 % of the response limit, the unaccepted case warns; past the limit it is overdue.
            let warnAt = a.respondWarnAt.addingTimeInterval(1)
            #expect(try await repo.queue(.warning, role: .operator_, in: all, now: warnAt).rows.map(\.id) == [a.id])
            #expect(try await repo.queue(.overdue, role: .operator_, in: all, now: a.respondBy.addingTimeInterval(1)).rows.map(\.id) == [a.id])
            #expect(try await repo.queue(.overdue, role: .operator_, in: all, now: b.resolveBy.addingTimeInterval(1)).rows.count == 2)

            let scope0 = Scope.subtree(of: grids[0])
            #expect(try await repo.find(b.id, in: scope0) == nil)
            #expect(try await repo.find(a.id, in: scope0)?.id == a.id)
            #expect(await Fixture.storeError { try await repo.apply(.dispatch(department: "sanitation"), to: b.id, actor: Self.operatorActor, in: scope0, at: Self.t0) }?.kind == .notFound)
            #expect(try await repo.queue(.toDispatch, role: .operator_, in: scope0, now: Self.t0).rows.isEmpty)
            try await repo.apply(.dispatch(department: CaseRepository.gridTeam), to: b.id, actor: Self.operatorActor, in: all, at: Self.t0)
            #expect(try await repo.queue(.mine, role: .gridWorker, in: scope0, now: Self.t0).rows.isEmpty)
            #expect(try await repo.queue(.mine, role: .gridWorker, in: Scope.subtree(of: grids[3]), now: Self.t0).rows.map(\.id) == [b.id])
            #expect(try await repo.queue(.mine, role: .department, in: all, now: Self.t0).rows.isEmpty)
        }
    }

    @Test("key rotation moves reporters' phones to the new key, and their look-up hashes with them", arguments: TestDatabase.enabled)
    func phonesRotate(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            func key(_ id: String, _ byte: UInt8) throws -> FieldCipher.Key { try FieldCipher.Key(id: id, bytes: Array(repeating: byte, count: 32)) }
            let old = try FieldCipher(keys: [key("k1", 1)])
            let both = try FieldCipher(keys: [key("k3", 3), key("k1", 1)])
            let new = try FieldCipher(keys: [key("k3", 3)])
            let c = try await CaseRepository(db, cipher: old).intake(Self.draft(at: nil, phone: "13912345678"), actor: Self.operatorActor, at: Self.t0)
            let report = try await KeyRotation(db, cipher: both).rotate()
            #expect(report.reporterPhones == 1)
            #expect(try await KeyRotation(db, cipher: both).remaining() == 0)
            #expect(try await CaseRepository(db, cipher: new).get(c.id, in: .everything).reporterPhone == "13912345678")
            var byPhone = CaseFilter()
            byPhone.text = "13912345678"
            let found = try await CaseRepository(db, cipher: new).search(byPhone, in: .everything, now: Self.t0).rows.map(\.id)
            #expect(found == [c.id], "found by phone under the new key")
        }
    }
}

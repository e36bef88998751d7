import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Time-limit sweeper: 督办 and escalation with a test clock, once per case even with two sweepers")
struct CaseSweeperTests {
    static let t0 = CaseStoreTests.t0
    static let category = "city_appearance.exposed_garbage"

    static func sweeper(_ db: any Database) -> CaseSweeper { CaseSweeper(db, cipher: TestDatabase.keys.cipher) }

    static func events(_ db: any Database, _ id: UUID) async throws -> [CaseActionKind] {
        try await CaseStoreTests.repo(db).timeline(id).map(\.action)
    }

    @Test("a case past its limits is supervised and escalated grid → community → street → district, once per period", arguments: TestDatabase.enabled)
    func escalation(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(grids.values.sorted { $0.code < $1.code }.first)
            let repo = CaseStoreTests.repo(db)
            let c = try await repo.intake(
                CaseStoreTests.draft(Self.category, at: try CaseStoreTests.point(in: grid)),
                actor: CaseStoreTests.gridActor, at: Self.t0)
            let sweeper = Self.sweeper(db)

            #expect(try await sweeper.sweep(now: c.respondWarnAt).due == 0, "a warning is not yet a 督办")
            let late = c.respondBy.addingTimeInterval(60)
            let first = try await sweeper.sweep(now: late)
            #expect(first.due == 1 && first.supervised == [c.id] && first.escalated == [c.id])
            var row = try await repo.get(c.id, in: .everything)
            #expect(row.level == .community && row.supervisionCount == 1 && row.state == .reported)
            #expect(try await Self.events(db, c.id) == [.report, .supervise, .escalate])
            let timeline = try await repo.timeline(c.id)
            #expect(timeline[1].actorRole == .system && timeline[1].note?.contains("响应时限") == true)
            #expect(timeline[2].notifyReporter, "the reporter is told the case went up")
            #expect(try await sweeper.sweep(now: late.addingTimeInterval(600)).due == 0, "the same miss is not punished twice")

            // Accepted and dispatched, but not resolved in time: up to the street, then the district, then 督办 only.
            try await repo.apply(.accept(), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: late.addingTimeInterval(60))
            try await repo.apply(.dispatch(department: "sanitation"), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: late.addingTimeInterval(120))
            var now = c.resolveBy.addingTimeInterval(60)
            for expected in [UnitLevel.street, .district, .district] {
                let r = try await sweeper.sweep(now: now)
                #expect(r.supervised == [c.id])
                row = try await repo.get(c.id, in: .everything)
                #expect(row.level == expected)
                #expect(try await sweeper.sweep(now: now.addingTimeInterval(3600)).due == 0, "nothing more within the period")
                now = now.addingTimeInterval(24 * 3600 + 60)
            }
            #expect(row.supervisionCount == 4)
            #expect(try await Self.events(db, c.id).filter { $0 == .escalate }.count == 3)
        }
    }

    @Test("suspended and finished cases are left alone; reopening gives a fresh deadline", arguments: TestDatabase.enabled)
    func stoppedClocks(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(grids.values.first)
            let repo = CaseStoreTests.repo(db)
            let op = CaseStoreTests.operatorActor
            let point = try CaseStoreTests.point(in: grid)
            let held = try await repo.intake(CaseStoreTests.draft(Self.category, at: point), actor: op, at: Self.t0)
            try await repo.apply(.accept(), to: held.id, actor: op, in: .everything, at: Self.t0.addingTimeInterval(60))
            try await repo.apply(.suspend(reason: "等待天气好转"), to: held.id, actor: op, in: .everything, at: Self.t0.addingTimeInterval(120))
            let done = try await repo.intake(CaseStoreTests.draft(Self.category, at: point), actor: op, at: Self.t0)
            try await repo.apply(.accept(), to: done.id, actor: op, in: .everything, at: Self.t0.addingTimeInterval(60))
            try await repo.apply(.close(note: "当场答复"), to: done.id, actor: op, in: .everything, at: Self.t0.addingTimeInterval(120))
            let later = held.resolveBy.addingTimeInterval(7 * 24 * 3600)
            #expect(try await Self.sweeper(db).sweep(now: later).due == 0)

            let reopened = try await repo.apply(.reopen(reason: "居民反映未清理"), to: done.id, actor: op, in: .everything, at: later)
            #expect(reopened.resolveBy > later, "a reopened case gets the full limit again from now")
            #expect(try await Self.sweeper(db).sweep(now: later.addingTimeInterval(3600)).due == 0)
            #expect(try await Self.sweeper(db).sweep(now: reopened.resolveBy.addingTimeInterval(60)).supervised == [done.id])
        }
    }

    @Test("two sweepers at once take each overdue case exactly once", arguments: TestDatabase.enabled)
    func concurrentSweepers(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(grids.values.first)
            let repo = CaseStoreTests.repo(db)
            var ids: [UUID] = []
            for i in 0..<24 {
                let draft = CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "垃圾 \(i)", gridID: grid.id)
                ids.append(try await repo.intake(draft, actor: CaseStoreTests.operatorActor, at: Self.t0).id)
            }
            let now = Self.t0.addingTimeInterval(3 * 3600)
            async let a = Self.sweeper(db).sweep(now: now, batchSize: 5)
            async let b = Self.sweeper(db).sweep(now: now, batchSize: 5)
            // On SQLite a sweeper that meets the other's write lock may give up for this round; none may step a case twice.
            let ra = try? await a, rb = try? await b
            #expect(ra != nil || rb != nil)
            let rest = try await Self.sweeper(db).sweep(now: now)
            let all = (ra?.supervised ?? []) + (rb?.supervised ?? []) + rest.supervised
            #expect(all.count == ids.count && Set(all) == Set(ids))
            let counted = try await Fixture.sql(db).raw("SELECT COUNT(*) AS n FROM case_events WHERE action = 'supervise'").first()?.decode(column: "n", as: Int.self)
            #expect(counted == ids.count)
        }
    }
}

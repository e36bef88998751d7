import FluentKit
import Foundation
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Party overlay in storage: kept on grids, hours counted per month and per unit, scoped")
struct PartyStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)

    @Test("registered members and their hours, hand-counted; outside the scope is 404; bad input writes nothing", arguments: TestDatabase.enabled)
    func hours(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let units = UnitRepository(db)
            let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
            let grids = try await units.children(of: communities[0].id, in: .everything).sorted { $0.code < $1.code }
            let (grid, second) = (grids[0], grids[1])
            let otherGrid = try #require(try await units.children(of: communities[1].id, in: .everything).first)
            let repo = PartyRepository(db)
            let scope = Scope.subtree(of: communities[0])
            let today = "2026-11-27"
            // MUT
            _ = try await repo.addOrg(kind: "branch", name: "第一网格党支部", secretary: "王丽", to: grid.id, at: Self.t0, in: scope)
            let li = try await repo.register(kind: "in_service", name: "李强", workplace: "区财政局", on: "2026-10-08", to: grid.id, today: today, at: Self.t0, in: scope)
            let zhao = try await repo.register(kind: "sunk_cadre", name: "赵敏", workplace: "街道办", on: "2026-11-02", to: grid.id, today: today, at: Self.t0, in: scope)
            let sun = try await repo.register(kind: "in_service", name: "孙浩", workplace: "区医院", on: "2026-11-03", to: second.id, today: today, at: Self.t0, in: scope)
            // Hand count: 李强 2 + 1.5 in November and 3 in October; 赵敏 0.5 in November; 孙浩 4 in November.
            for (member, day, hours) in [(li, "2026-11-05", "2"), (li, "2026-11-20", "1.5"), (li, "2026-10-15", "3"), (zhao, "2026-11-26", "0.5"), (sun, "2026-11-10", "4")] {
                _ = try await repo.recordService(of: member, day: day, activity: "楼道清理", hours: hours, today: today, by: "测试", at: Self.t0, in: scope)
            }
            // validate
            let members = try await repo.members(of: grid.id, month: "2026-11", in: scope)
            #expect(members.map(\.name) == ["李强", "赵敏"])
            #expect(members.map(\.monthMinutes) == [210, 30] && members.map(\.totalMinutes) == [390, 30])
            let gridCounts = try await repo.counts(under: grid.id, month: "2026-11", in: scope)
            #expect(gridCounts == PartyCounts(members: 2, minutes: 240))
            // The community: 3 members, 3.5 + 0.5 + 4 = 8 hours in November; 3 in October.
            let community = try await repo.counts(under: communities[0].id, month: "2026-11", in: scope)
            #expect(community == PartyCounts(members: 3, minutes: 480))
            let october = try await repo.counts(under: communities[0].id, month: "2026-10", in: scope)
            #expect(october.minutes == 180)
            let orgs = try await repo.orgs(of: grid.id, in: scope)
            #expect(orgs.map(\.secretary) == ["王丽"])

            // Outside the scope: the grid and the member look missing.
            let foreign = await Fixture.storeError { try await repo.addOrg(kind: "group", name: "x", secretary: "y", to: otherGrid.id, at: Self.t0, in: scope) }
            #expect(foreign?.kind == .notFound)
            let foreignMember = await Fixture.storeError {
                try await repo.recordService(of: li, day: today, activity: "x", hours: "1", today: today, by: "x", at: Self.t0, in: .subtree(of: otherGrid))
            }
            #expect(foreignMember?.kind == .notFound)
            // Bad input names its field, and nothing is added.
            let badHours = await Fixture.storeError {
                try await repo.recordService(of: li, day: today, activity: "巡逻", hours: "0.2", today: today, by: "x", at: Self.t0, in: scope)
            }
            #expect(badHours?.field == "hours")
            let notGrid = await Fixture.storeError {
                try await repo.register(kind: "in_service", name: "x", workplace: "y", on: today, to: communities[0].id, today: today, at: Self.t0, in: scope)
            }
            #expect(notGrid?.field == "unit")
            let after = try await repo.counts(under: communities[0].id, month: "2026-11", in: scope)
            #expect(after == community)
        }
    }
}

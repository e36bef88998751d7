import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("党员中心户 and participation in assessment: central households kept per grid, participation counted by hand")
struct PartyParticipationStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)

    /// The first community's two grids, another community's grid, and each grid's household numbers.
    static func places(_ db: any Database) async throws -> (community: UnitRow, grid: UnitRow, second: UnitRow, other: UnitRow, numbers: [UUID: [String]]) {
        let units = UnitRepository(db)
        let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
        let grids = try await units.children(of: communities[0].id, in: .everything).sorted { $0.code < $1.code }
        let other = try #require(try await units.children(of: communities[1].id, in: .everything).first)
        var numbers: [UUID: [String]] = [:]
        for g in [grids[0], grids[1], other] {
            numbers[g.id] = try await Fixture.sql(db).raw("SELECT number FROM households WHERE unit_id = \(bind: g.id) ORDER BY number LIMIT 8")
                .all().map { try $0.decode(column: "number", as: String.self) }
        }
        return (communities[0], grids[0], grids[1], other, numbers)
    }

    @Test("a central household with its neighbours in the grid: set, set anew, refused with the field named, removed; outside the scope 404", arguments: TestDatabase.enabled)
    func centralHouseholds(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let (community, grid, second, other, numbers) = try await Self.places(db)
            let (mine, next, foreign) = (try #require(numbers[grid.id]), try #require(numbers[second.id]), try #require(numbers[other.id]))
            try #require(mine.count >= 6 && next.count >= 1 && foreign.count >= 1)
            let repo = PartyRepository(db)
            let scope = Scope.subtree(of: community)
            // MUT
            let c = try await repo.setCentral(
                member: " 李建华 ", household: mine[0], neighbours: "\(mine[1])，\(mine[2])、\(mine[3])", in: grid.id, by: "网格员", at: Self.t0, in: scope)
            // Set anew: 2 and 3 stay, 1 goes, 4 comes; the member changes.
            let again = try await repo.setCentral(
                member: "王秀英", household: mine[0], neighbours: "\(mine[2]) \(mine[3]) \(mine[4])", in: grid.id, by: "网格员", at: Self.t0, in: scope)
            // validate
            #expect(c.member == "李建华" && c.number == mine[0] && c.neighbours.map(\.number) == [mine[1], mine[2], mine[3]])
            #expect(again.id == c.id && again.member == "王秀英" && again.neighbours.map(\.number) == [mine[2], mine[3], mine[4]])
            let listed = try await repo.centrals(of: grid.id, in: scope)
            #expect(listed == [again])
            let kept = try await Fixture.count(db, "party_central_neighbours")
            #expect(kept == 3)

            // Refused, each naming its field; nothing changes.
            func refused(_ household: String, _ neighbours: String, member: String = "张国强", in unit: UUID? = nil) async -> StoreError? {
                await Fixture.storeError {
                    try await repo.setCentral(member: member, household: household, neighbours: neighbours, in: unit ?? grid.id, by: "x", at: Self.t0, in: scope)
                }
            }
            let taken = await refused(mine[5], "\(mine[3])")
            #expect(taken?.field == "neighbours" && taken?.key == "central.taken" && taken?.args == [mine[3]])
            let otherGrid = await refused(mine[5], "\(next[0])")
            #expect(otherGrid?.field == "neighbours" && otherGrid?.args == [next[0]])
            let notMine = await refused(next[0], "\(mine[5])")
            #expect(notMine?.field == "household" && notMine?.key == "central.not_in_grid")
            let itself = await refused(mine[5], "\(mine[5])")
            #expect(itself?.field == "neighbours" && itself?.key == "central.self")
            let twice = await refused(mine[5], "\(mine[1]),\(mine[1])")
            #expect(twice?.key == "central.repeated")
            let none = await refused(mine[5], " ， ")
            #expect(none?.key == "central.neighbours_required")
            let noName = await refused(mine[5], mine[1], member: "  ")
            #expect(noName?.field == "member")
            let notGrid = await refused(mine[5], mine[1], in: community.id)
            #expect(notGrid?.field == "unit")
            let outside = await refused(foreign[0], foreign[1], in: other.id)
            #expect(outside?.kind == .notFound)
            let (centralsAfter, neighboursAfter) = (try await Fixture.count(db, "party_central_households"), try await Fixture.count(db, "party_central_neighbours"))
            #expect(centralsAfter == 1 && neighboursAfter == 3)

            // Removed: its neighbours are free again; out of scope it looks missing.
            let away = await Fixture.storeError { try await repo.removeCentral(c.id, in: .subtree(of: other)) }
            #expect(away?.kind == .notFound)
            _ = try await repo.removeCentral(c.id, in: scope)
            let freed = try await repo.setCentral(member: "张国强", household: mine[5], neighbours: mine[3], in: grid.id, by: "x", at: Self.t0, in: scope)
            #expect(freed.neighbours.map(\.number) == [mine[3]])
            let overview = try await repo.overview(under: community, month: "2026-11", in: scope)
            #expect(Dictionary(uniqueKeysWithValues: overview.map { ($0.unitID, $0.centrals) }) == [grid.id: 1, second.id: 0])
        }
    }

    @Test("participation counters and measures for November, counted by hand, per grid and summed up the tree", arguments: TestDatabase.enabled)
    func participation(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let (community, grid, second, _, _) = try await Self.places(db)
            let sql = Fixture.sql(db)
            let party = PartyRepository(db)
            let today = "2026-11-27"
            // Party: in the first grid 李强 (2 entries in November), 赵敏 (only October), 周婷 registered on 12-01 (after the
            // period); in the second 孙浩 (1 entry in November). November: 3 registered by the 30th, 2 of them served.
            let li = try await party.register(kind: "in_service", name: "李强", workplace: "区财政局", on: "2026-10-08", to: grid.id, today: today, at: Self.t0, in: .everything)
            let zhao = try await party.register(kind: "sunk_cadre", name: "赵敏", workplace: "街道办", on: "2026-10-02", to: grid.id, today: today, at: Self.t0, in: .everything)
            let sun = try await party.register(kind: "in_service", name: "孙浩", workplace: "区医院", on: "2026-11-03", to: second.id, today: today, at: Self.t0, in: .everything)
            for (member, day) in [(li, "2026-11-05"), (li, "2026-11-20"), (zhao, "2026-10-15"), (sun, "2026-11-10")] {
                _ = try await party.recordService(of: member, day: day, activity: "楼道清理", hours: "1", today: today, by: "测试", at: Self.t0, in: .everything)
            }
            try await sql.raw(
                """
                INSERT INTO party_members (id, unit_id, kind, name, workplace, registered_on, created_at) \
                VALUES (\(bind: UUID()), \(bind: grid.id), 'in_service', '周婷', '区教育局', '2026-12-01', \(bind: Self.t0))
                """
            ).run()
            // Market: in the first grid, November orders rated 满意, 基本满意, 不满意 and one not rated; an October order rated
            // 满意 (not in the period). November: 3 rated, 2 satisfied.
            let provider = UUID(), item = UUID()
            try await sql.raw(
                "INSERT INTO market_providers (id, unit_id, name, kind, active, created_at) VALUES (\(bind: provider), \(bind: community.id), '物业', 'property', \(bind: true), \(bind: Self.t0))"
            ).run()
            try await sql.raw(
                """
                INSERT INTO market_items (id, unit_id, name, price_cents, price_unit, mode, accept_hours, active) \
                VALUES (\(bind: item), \(bind: community.id), '维修', 0, '次', 'assigned', 2, \(bind: true))
                """
            ).run()
            let nov = Date(timeIntervalSince1970: 1_794_024_000)  // 2026-11-07 12:00 in China
            let oct = Date(timeIntervalSince1970: 1_792_468_800)  // 2026-10-20 12:00 in China
            for (i, (rating, at)) in [("satisfied", nov), ("basically_satisfied", nov), ("dissatisfied", nov), (nil, nov), ("satisfied", oct)].enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO market_orders (id, code, unit_id, community_id, item_id, provider_id, state, mode, price_cents, contact_name, contact_phone, \
                    address, ordered_at, rating, timeouts, version) VALUES (\(bind: UUID()), \(bind: "T\(i)"), \(bind: grid.id), \(bind: community.id), \
                    \(bind: item), \(bind: provider), 'completed', 'assigned', 0, '居民', 'x', 'x', \(bind: at), \(bind: rating), 0, 1)
                    """
                ).run()
            }
            // Volunteers of the community: 4 registered in October (one more on 12-02); hours in November for 2, one whose
            // only November hours were taken back by a correction, and one with hours only in October (training in November).
            let team = UUID()
            try await sql.raw(
                "INSERT INTO volunteer_teams (id, unit_id, name, leader, created_by, created_at) VALUES (\(bind: team), \(bind: community.id), '队', '队长', 'x', \(bind: Self.t0))"
            ).run()
            var volunteers: [UUID] = []
            for created in [oct, oct, oct, oct, Date(timeIntervalSince1970: 1_795_752_000 + 5 * 86_400)] {
                let id = UUID()
                volunteers.append(id)
                try await sql.raw(
                    """
                    INSERT INTO volunteers (id, unit_id, team_id, name, ledger_seq, created_by, created_at) \
                    VALUES (\(bind: id), \(bind: community.id), \(bind: team), '志愿者', 0, 'x', \(bind: created))
                    """
                ).run()
            }
            for (v, kind, day, minutes) in [
                (0, "hours", "2026-11-02", 60), (1, "hours", "2026-11-30", 30), (2, "hours", "2026-11-03", 60), (2, "correction", "2026-11-03", -60),
                (3, "hours", "2026-10-30", 90), (3, "training", "2026-11-04", 60),
            ] {
                try await sql.raw(
                    """
                    INSERT INTO volunteer_records (id, volunteer_id, unit_id, kind, day, minutes, text, recorded_by, recorded_at) \
                    VALUES (\(bind: UUID()), \(bind: volunteers[v]), \(bind: community.id), \(bind: kind), \(bind: day), \(bind: minutes), 'x', 'x', \(bind: Self.t0))
                    """
                ).run()
            }
            let november = MeasureMonth(year: 2026, month: 11)!.period
            // MUT
            let measures = MeasureRepository(db)
            let whole = try await measures.totals(community.id, november)
            let byGrid = try await measures.totals(of: [grid, second, community], november)
            // validate
            #expect(whole[.partyMembers] == 3 && whole[.partyMembersServing] == 2)
            #expect(whole[.marketRated] == 3 && whole[.marketSatisfied] == 2)
            #expect(whole[.volunteers] == 4 && whole[.volunteersActive] == 2)
            #expect(byGrid[community.id].map { c in Tally.fromParticipation.map { c[$0] } } == [3, 2, 3, 2, 4, 2])
            #expect(byGrid[grid.id].map { c in Tally.fromParticipation.map { c[$0] } } == [2, 1, 3, 2, 0, 0])
            #expect(byGrid[second.id].map { c in Tally.fromParticipation.map { c[$0] } } == [1, 1, 0, 0, 0, 0])
            let service = Measures.partyService.value(from: whole), market = Measures.marketSatisfaction.value(from: whole)
            let volunteering = Measures.volunteerParticipation.value(from: whole)
            #expect(service.display == "66.7 %" && service.n == 3)
            #expect(market.display == "66.7 %" && market.n == 3)
            #expect(volunteering.display == "50.0 %" && volunteering.n == 4)
            // October: 2 registered (李强, 赵敏), 1 served (赵敏); one order rated satisfied; 4 volunteers, 1 with hours.
            let october = try await measures.totals(community.id, MeasureMonth(year: 2026, month: 10)!.period)
            #expect(Tally.fromParticipation.map { october[$0] } == [2, 1, 1, 1, 4, 1])
        }
    }
}

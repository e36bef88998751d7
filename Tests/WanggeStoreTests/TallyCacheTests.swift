import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeTestSupport

@testable import WanggeStore

/// The registers' and participation's counts an instance keeps (`TallyCache`): every change to what
/// they count moves the database's stamp, and a kept copy is handed out only at the stamp it was
/// counted at — so a cached read always counts what a fresh one counts.
@Suite("The counts beside the cases, kept per instance and counted again when the database's stamp moves")
struct TallyCacheTests {
    static let november = MeasureMonth(year: 2026, month: 11)!.period

    @Test("a change to party members, their service, market orders, volunteers, their hours, the units, households, people or visits moves the stamp; reads do not", arguments: TestDatabase.enabled)
    func stampMoves(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let sql = Fixture.sql(db)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let party = PartyRepository(db)
            let (t0, today) = (Date(), "2026-11-27")
            let (member, provider, item, team, volunteer) = (UUID(), UUID(), UUID(), UUID(), UUID())
            let run: @Sendable (SQLQueryString) async throws -> Void = { try await sql.raw($0).run() }
            // Through the repositories where they write, else as a form, an import or a console would: by hand.
            let changes: [(String, @Sendable () async throws -> Void)] = [
                (
                    "a party member registered",
                    {
                        _ = try await party.register(kind: "in_service", name: "李强", workplace: "区财政局", on: "2026-10-08", to: grid.id, today: today, at: t0, in: .everything)
                    }
                ),
                (
                    "a party member added by hand",
                    {
                        try await run("INSERT INTO party_members (id, unit_id, kind, name, workplace, registered_on, created_at) VALUES (\(bind: member), \(bind: grid.id), 'in_service', '周婷', '区教育局', '2026-11-01', \(bind: t0))")
                    }
                ),
                (
                    "their service recorded",
                    {
                        _ = try await party.recordService(of: member, day: "2026-11-05", activity: "楼道清理", hours: "1", today: today, by: "测试", at: t0, in: .everything)
                    }
                ),
                ("their service taken out by hand", { try await run("DELETE FROM party_service WHERE member_id = \(bind: member)") }),
                (
                    "a market order",
                    {
                        try await run("INSERT INTO market_providers (id, unit_id, name, kind, active, created_at) VALUES (\(bind: provider), \(bind: grid.id), '物业', 'property', \(bind: true), \(bind: t0))")
                        try await run("INSERT INTO market_items (id, unit_id, name, price_cents, price_unit, mode, accept_hours, active) VALUES (\(bind: item), \(bind: grid.id), '维修', 0, '次', 'assigned', 2, \(bind: true))")
                        try await run(
                            """
                            INSERT INTO market_orders (id, code, unit_id, community_id, item_id, provider_id, state, mode, price_cents, contact_name, contact_phone, \
                            address, ordered_at, rating, timeouts, version) VALUES (\(bind: UUID()), 'T1', \(bind: grid.id), \(bind: grid.parentID), \
                            \(bind: item), \(bind: provider), 'completed', 'assigned', 0, '居民', 'x', 'x', \(bind: t0), NULL, 0, 1)
                            """)
                    }
                ),
                ("the order rated", { try await run("UPDATE market_orders SET rating = 'satisfied' WHERE provider_id = \(bind: provider)") }),
                (
                    "a volunteer",
                    {
                        try await run("INSERT INTO volunteer_teams (id, unit_id, name, leader, created_by, created_at) VALUES (\(bind: team), \(bind: grid.id), '队', '队长', 'x', \(bind: t0))")
                        try await run("INSERT INTO volunteers (id, unit_id, team_id, name, ledger_seq, created_by, created_at) VALUES (\(bind: volunteer), \(bind: grid.id), \(bind: team), '志愿者', 0, 'x', \(bind: t0))")
                    }
                ),
                (
                    "their hours",
                    {
                        try await run(
                            """
                            INSERT INTO volunteer_records (id, volunteer_id, unit_id, kind, day, minutes, text, recorded_by, recorded_at) \
                            VALUES (\(bind: UUID()), \(bind: volunteer), \(bind: grid.id), 'hours', '2026-11-02', 60, 'x', 'x', \(bind: t0))
                            """)
                    }
                ),
                ("a unit moved by hand", { try await run("UPDATE units SET path = path WHERE id = \(bind: root.id)") }),
                ("a household with a person", { _ = try await RegisterCoverageTests.household(sql, "S-1", grid: grid.id, created: "2026-10-01", person: true) }),
                ("a person's name by hand", { try await run("UPDATE residents SET name = name WHERE id = (SELECT id FROM residents LIMIT 1)") }),
                ("a visit by hand", { try await run("UPDATE home_visits SET state = state WHERE id = (SELECT id FROM home_visits LIMIT 1)") }),
            ]
            var last = try await TallyCache.Stamp.read(on: sql)
            for (what, change) in changes {
                try await change()
                let now = try await TallyCache.Stamp.read(on: sql)
                let moved = zip([now.units, now.participation, now.registers], [last.units, last.participation, last.registers])
                #expect(moved.allSatisfy { $0 >= $1 } && now != last, "\(what)")
                last = now
            }
            let repo = MeasureRepository(db, tallies: TallyCache())
            _ = try await repo.totals(root.id, Self.november)
            _ = try await repo.withChildren(root, Self.november)
            #expect(try await TallyCache.Stamp.read(on: sql) == last, "reads move nothing")
        }
    }

    @Test(
        "a market order's steps move the participation stamp only when it is rated; a volunteer's points, a unit renamed or its boundary drawn move none",
        arguments: TestDatabase.enabled)
    func stampStays(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let sql = Fixture.sql(db)
            let s = try await MarketStoreTests.setup(db)
            let item = try await MarketStoreTests.item(s, mode: .assigned)
            let provider = s.providers[0]
            let order = try await MarketStoreTests.order(s, item)
            let t0 = MarketStoreTests.t0
            var last = try await TallyCache.Stamp.read(on: sql)
            func expectStamp(moved: Bool, _ what: String) async throws {
                let now = try await TallyCache.Stamp.read(on: sql)
                #expect((now != last) == moved, "\(what)")
                last = now
            }
            _ = try await s.repo.approve(order.id, chosen: provider.id, note: nil, in: s.scope, by: MarketStoreTests.desk, at: t0)
            try await expectStamp(moved: false, "approved")
            _ = try await s.repo.step(.take, on: order.id, as: .provider(provider.id), by: MarketStoreTests.provider(provider), at: t0 + 60)
            _ = try await s.repo.step(.complete(note: nil), on: order.id, as: .provider(provider.id), by: MarketStoreTests.provider(provider), at: t0 + 120)
            try await expectStamp(moved: false, "taken and completed")
            let rated = try await s.repo.step(.rate(.satisfied, note: nil), on: order.id, as: .staff(.everything), by: MarketStepActor(role: .resident, name: "王"), at: t0 + 180)
            #expect(rated.rating == .satisfied)
            try await expectStamp(moved: true, "rated")
            try await sql.raw("UPDATE volunteers SET ledger_seq = ledger_seq + 1").run()
            try await expectStamp(moved: false, "points posted (the ledger's number)")
            let box = GeoBox(minLon: 108.9, minLat: 34.2, maxLon: 108.91, maxLat: 34.21)
            _ = try await UnitRepository(db).update(s.grid.id, name: "新名网格", boundary: .some(Fixture.rectangle(box)), actor: "测试", in: .everything, at: t0)
            try await expectStamp(moved: false, "a unit renamed, its boundary drawn")
            try await sql.raw("UPDATE market_orders SET unit_id = unit_id").run()
            try await sql.raw("UPDATE units SET parent_id = parent_id WHERE id = \(bind: s.grid.id)").run()
            try await expectStamp(moved: true, "an order's unit, a unit's parent by hand")
        }
    }

    @Test("a cached repository counts what an uncached one does after every change, and counts again only after one", arguments: TestDatabase.enabled)
    func followsStamp(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let sql = Fixture.sql(db)
            let units = UnitRepository(db)
            let root = try #require(try await units.roots(in: .everything).first)
            let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
            try #require(communities.count >= 2)
            let grid = try #require(try await units.children(of: communities[0].id, in: .everything).sorted { $0.code < $1.code }.first)
            let cache = TallyCache()
            let cached = MeasureRepository(db, tallies: cache), plain = MeasureRepository(db)
            func places() async throws -> [UnitRow] {
                let below = try await units.all(in: .everything, level: .community) + units.all(in: .everything, level: .grid)
                return [root] + below.sorted { $0.id.uuidString < $1.id.uuidString }
            }
            /// The cached and the fresh counts of every unit, which must agree, and how many times the cache
            /// counted the registers and participation.
            func both(_ what: String) async throws -> (counts: [UUID: TallyCounts], counted: [Int]) {
                let all = try await places()
                let kept = try await cached.totals(of: all, Self.november), fresh = try await plain.totals(of: all, Self.november)
                #expect(kept == fresh, "\(what)")
                let one = try await cached.totals(grid.id, Self.november), alone = try await plain.totals(grid.id, Self.november)
                #expect(one == alone, "\(what): one unit")
                let registers = await cache.countedCopies(.registers), participation = await cache.countedCopies(.participation)
                return (kept, [registers, participation])
            }
            // MUT + validate
            let first = try await both("first read")
            #expect(first.counted == [2, 2], "the list and the grid alone, each part counted once")
            let again = try await both("nothing changed")
            #expect(again.counted == [2, 2], "nothing counted again")

            let party = PartyRepository(db)
            let member = try await party.register(
                kind: "in_service", name: "缓存测试", workplace: "区财政局", on: "2026-11-02", to: grid.id, today: "2026-11-27", at: Date(), in: .everything)
            let joined = try await both("a party member registered")
            #expect(joined.counted == [2, 4], "participation counted again, the registers not")
            #expect(joined.counts[grid.id]?[.partyMembers] == (first.counts[grid.id]?[.partyMembers] ?? 0) + 1)
            _ = try await party.recordService(of: member, day: "2026-11-05", activity: "楼道清理", hours: "1", today: "2026-11-27", by: "测试", at: Date(), in: .everything)
            let served = try await both("their service recorded")
            #expect(served.counts[grid.id]?[.partyMembersServing] == (first.counts[grid.id]?[.partyMembersServing] ?? 0) + 1)

            let household = try await RegisterCoverageTests.household(sql, "C-1", grid: grid.id, created: "2026-10-01", person: true)
            let registered = try await both("a household registered")
            #expect(registered.counted == [4, served.counted[1]], "the registers counted again, participation not")
            #expect(registered.counts[root.id]?[.households] == (first.counts[root.id]?[.households] ?? 0) + 1)
            try await RegisterCoverageTests.visit(sql, household, grid: grid.id, on: "2026-11-06")
            let visited = try await both("its visit recorded")
            #expect(visited.counts[grid.id]?[.householdsVisited] == (registered.counts[grid.id]?[.householdsVisited] ?? 0) + 1)

            // The grid moves to the second community: both communities' counts change, the district's do not.
            _ = try await units.move(grid.id, to: communities[1].id, actor: "测试", in: .everything)
            let moved = try await both("a grid moved to another community")
            let households = { (c: [UUID: TallyCounts], id: UUID) in c[id]?[.households] ?? 0 }
            let gridHouseholds = households(visited.counts, grid.id)
            #expect(gridHouseholds > 0)
            #expect(households(moved.counts, communities[0].id) == households(visited.counts, communities[0].id) - gridHouseholds)
            #expect(households(moved.counts, communities[1].id) == households(visited.counts, communities[1].id) + gridHouseholds)
            #expect(households(moved.counts, root.id) == households(visited.counts, root.id))
            #expect(moved.counted == [visited.counted[0] + 2, visited.counted[1] + 2], "both counted again")
        }
    }

    @Test("a part keeps at most its capacity of units, dropping the oldest sets first; a copy at older numbers is not kept")
    func bounded() async {
        let cache = TallyCache()
        let stamp = TallyCache.Stamp(units: 1, participation: 1, registers: 1)
        let period = MeasureMonth(year: 2026, month: 11)!.period
        func key(_ units: Int) -> TallyCache.Key {
            let places = (0..<units).map { _ in RegisterTallies.Place(id: UUID(), path: "/\(UUID().uuidString)/", isTop: false) }
            return TallyCache.Key(places: places, from: period.from, to: period.to)
        }
        let size = TallyCache.capacity / 4
        let keys = (0..<6).map { _ in key(size) }
        for (i, k) in keys.enumerated() { await cache.keep([k.places[0].id: TallyCounts([.households: i])], .registers, for: k, at: stamp) }
        var kept: [Int] = []
        for (i, k) in keys.enumerated() where await cache.value(.registers, k, at: stamp) != nil { kept.append(i) }
        #expect(kept == [2, 3, 4, 5], "four sets of a quarter of the capacity each: the newest four")
        #expect(await cache.value(.participation, keys[5], at: stamp) == nil, "each part its own shelf")
        let newer = TallyCache.Stamp(units: 1, participation: 1, registers: 2)
        #expect(await cache.value(.registers, keys[5], at: newer) == nil, "not handed out at other numbers")
        await cache.keep([:], .registers, for: keys[0], at: newer)
        await cache.keep([:], .registers, for: keys[1], at: stamp)
        #expect(await cache.value(.registers, keys[0], at: newer) != nil, "a copy at newer numbers replaces the older ones")
        #expect(await cache.value(.registers, keys[2], at: stamp) == nil)
        #expect(await cache.value(.registers, keys[1], at: newer) == nil, "a copy counted at older numbers is not kept")
    }
}

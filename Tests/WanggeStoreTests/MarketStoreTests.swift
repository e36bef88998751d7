import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Service market in storage: dispatch modes, the claim race, the time-out sweep, scope and figures")
struct MarketStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let hour: TimeInterval = 3600
    static let desk = MarketStepActor(role: .market, name: "社区服务超市")

    struct Setup {
        var repo: MarketRepository
        var grid: UnitRow
        var community: UnitRow
        var providers: [MarketProvider]
        var scope: Scope
    }

    /// Three providers of the first grid's community, the community's scope, and the grid.
    static func setup(_ db: any Database) async throws -> Setup {
        let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
        let community = try await UnitRepository(db).get(try #require(grids[0].parentID), in: .everything)
        let repo = MarketRepository(db, cipher: TestDatabase.keys.cipher)
        let scope = Scope.subtree(of: community)
        var providers: [MarketProvider] = []
        for (name, kind) in [("安泰物业", "property"), ("红领之家志愿服务队", "volunteer"), ("便民维修店", "merchant")] {
            providers.append(try await repo.addProvider(MarketProviderDraft(name: name, kind: kind, phone: "029-88886666"), to: community.id, at: t0, in: scope))
        }
        return Setup(repo: repo, grid: grids[0], community: community, providers: providers, scope: scope)
    }

    static func item(_ s: Setup, mode: MarketDispatchMode, hours: Int = 2) async throws -> MarketItem {
        try await s.repo.addItem(
            MarketItemDraft(name: "水管维修", price: "30", priceUnit: "次", mode: mode.rawValue, acceptHours: String(hours), providers: s.providers.map(\.id)),
            to: s.community.id, in: s.scope)
    }

    static func order(_ s: Setup, _ item: MarketItem, at time: Date = t0) async throws -> MarketOrder {
        try await s.repo.place(
            MarketOrderDraft(itemID: item.id, contactName: "王秀兰", contactPhone: "13812345678", address: "1号楼2单元301", note: "厨房水管漏水"), in: s.grid,
            orderedBy: nil, at: time)
    }

    static func provider(_ p: MarketProvider) -> MarketStepActor { MarketStepActor(role: .provider, name: p.name, provider: p.id) }

    @Test("providers and items are checked and kept per community; prices in cents", arguments: TestDatabase.enabled)
    func setupChecks(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            #expect(MarketRepository.cents("30") == 3000 && MarketRepository.cents("12.5") == 1250 && MarketRepository.cents("0.05") == 5)
            #expect(MarketRepository.cents("-1") == nil && MarketRepository.cents("1.234") == nil && MarketRepository.cents("abc") == nil)
            let badPrice = await Fixture.storeError {
                try await s.repo.addItem(MarketItemDraft(name: "保洁", price: "十元", priceUnit: "次", mode: "claim", acceptHours: "2", providers: [s.providers[0].id]), to: s.community.id, in: s.scope)
            }
            #expect(badPrice?.field == "price")
            let badMode = await Fixture.storeError {
                try await s.repo.addItem(MarketItemDraft(name: "保洁", price: "10", priceUnit: "次", mode: "lottery", acceptHours: "2", providers: [s.providers[0].id]), to: s.community.id, in: s.scope)
            }
            #expect(badMode?.field == "mode")
            let noProvider = await Fixture.storeError {
                try await s.repo.addItem(MarketItemDraft(name: "保洁", price: "10", priceUnit: "次", mode: "claim", acceptHours: "2", providers: []), to: s.community.id, in: s.scope)
            }
            #expect(noProvider?.field == "providers")
            let gridUnit = await Fixture.storeError {
                try await s.repo.addProvider(MarketProviderDraft(name: "某物业", kind: "property"), to: s.grid.id, at: Self.t0, in: s.scope)
            }
            #expect(gridUnit?.field == "unit")
            let item = try await Self.item(s, mode: .claim)
            #expect(item.priceCents == 3000 && item.providers == s.providers.map(\.id))
            let offered = try await s.repo.items(for: s.grid)
            #expect(offered.map(\.id) == [item.id])
            // Another community's staff do not see these providers.
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let other = try #require(grids.first { $0.parentID != s.community.id })
            let outside = await Fixture.storeError { try await s.repo.provider(s.providers[0].id, in: .subtree(of: other)) }
            #expect(outside?.kind == .notFound)
            let badPhone = await Fixture.storeError {
                try await s.repo.place(MarketOrderDraft(itemID: item.id, contactName: "王", contactPhone: "123", address: "1号楼"), in: s.grid, orderedBy: nil, at: Self.t0)
            }
            #expect(badPhone?.field == "contact_phone")
        }
    }

    @Test("assigned: the market names the provider; round-robin: the providers take turns a, b, c, a", arguments: TestDatabase.enabled)
    func assignedAndRoundRobin(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            let assigned = try await Self.item(s, mode: .assigned)
            let o = try await Self.order(s, assigned)
            #expect(o.state == .ordered && o.contactPhone == "13812345678" && o.communityID == s.community.id)
            let missing = await Fixture.storeError { try await s.repo.approve(o.id, chosen: nil, note: nil, in: s.scope, by: Self.desk, at: Self.t0) }
            #expect(missing?.field == "provider")
            let placed = try await s.repo.approve(o.id, chosen: s.providers[1].id, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
            #expect(placed.state == .offered && placed.providerID == s.providers[1].id && placed.acceptBy == Self.t0 + 2 * Self.hour)

            let turn = try await Self.item(s, mode: .roundRobin)
            var got: [UUID?] = []
            for i in 0..<4 {
                let next = try await Self.order(s, turn, at: Self.t0 + Double(i))
                got.append(try await s.repo.approve(next.id, chosen: nil, note: nil, in: s.scope, by: Self.desk, at: Self.t0 + Double(i)).providerID)
            }
            #expect(got == [s.providers[0].id, s.providers[1].id, s.providers[2].id, s.providers[0].id])

            // Refusing needs a reason; the resident's order then ends.
            let refused = try await Self.order(s, assigned)
            let noReason = await Fixture.storeError { try await s.repo.step(.refuse(reason: " "), on: refused.id, as: .staff(s.scope), by: Self.desk, at: Self.t0) }
            #expect(noReason?.kind == .invalid && noReason?.field == "reason")
            let done = try await s.repo.step(.refuse(reason: "不在服务范围"), on: refused.id, as: .staff(s.scope), by: Self.desk, at: Self.t0)
            #expect(done.state == .refused)
            let events = try await s.repo.events(of: refused.id)
            #expect(events.map(\.action) == ["order", "refuse"] && events[1].note == "不在服务范围")
        }
    }

    @Test("claim race: two providers claim one pooled order at once; exactly one wins", arguments: TestDatabase.enabled)
    func claimRace(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            let item = try await Self.item(s, mode: .claim)
            for round in 0..<5 {
                let o = try await Self.order(s, item)
                let pooled = try await s.repo.approve(o.id, chosen: nil, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
                #expect(pooled.state == .pooled && pooled.providerID == nil)
                let (a, b) = (s.providers[round % 2], s.providers[2])
                async let first = Self.outcome { try await s.repo.step(.claim(provider: a.id), on: o.id, as: .provider(a.id), by: Self.provider(a), at: Self.t0) }
                async let second = Self.outcome { try await s.repo.step(.claim(provider: b.id), on: o.id, as: .provider(b.id), by: Self.provider(b), at: Self.t0) }
                let results = await [first, second]
                #expect(results.filter { $0 == nil }.count == 1, "one claim wins: \(results)")
                #expect(results.compactMap { $0 }.allSatisfy { $0.key == "market.problem.taken" || $0.kind == .notFound || $0.kind == .conflict })
                let final = try await s.repo.get(o.id, as: .staff(s.scope))
                #expect(final.state == .taken && [a.id, b.id].contains(final.providerID))
                let claims = try await s.repo.events(of: o.id).filter { $0.action == "claim" }
                #expect(claims.count == 1)
            }
        }
    }

    static func outcome(_ body: () async throws -> MarketOrder) async -> StoreError? {
        do {
            _ = try await body()
            return nil
        } catch let e as StoreError {
            return e
        } catch {
            return StoreError(.conflict, "\(error)")
        }
    }

    @Test("an offer not taken in time returns to the pool at its limit, once, even with two sweepers (test clock)", arguments: TestDatabase.enabled)
    func timeOut(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            let item = try await Self.item(s, mode: .assigned, hours: 2)
            let o = try await Self.order(s, item)
            _ = try await s.repo.approve(o.id, chosen: s.providers[0].id, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
            let sweeper = MarketSweeper(db, cipher: TestDatabase.keys.cipher)
            let early = try await sweeper.sweep(now: Self.t0 + 2 * Self.hour - 1)
            #expect(early.isEmpty)
            async let one = sweeper.sweep(now: Self.t0 + 2 * Self.hour)
            async let two = sweeper.sweep(now: Self.t0 + 2 * Self.hour)
            let swept = try await one + two
            #expect(swept == [o.id])
            let back = try await s.repo.get(o.id, as: .staff(s.scope))
            #expect(back.state == .pooled && back.providerID == nil && back.timeouts == 1 && back.acceptBy == Self.t0 + 4 * Self.hour)
            let again = try await sweeper.sweep(now: Self.t0 + 10 * Self.hour)
            #expect(again.isEmpty, "a pooled order is not timed out again")
            // The provider that let it run out can no longer take it; another claims it, late.
            let late = await Fixture.storeError { try await s.repo.step(.take, on: o.id, as: .provider(s.providers[0].id), by: Self.provider(s.providers[0]), at: Self.t0 + 3 * Self.hour) }
            #expect(late?.kind == .conflict)
            let claimed = try await s.repo.step(.claim(provider: s.providers[1].id), on: o.id, as: .provider(s.providers[1].id), by: Self.provider(s.providers[1]), at: Self.t0 + 5 * Self.hour)
            #expect(claimed.state == .taken && claimed.acceptedOnTime == false)
        }
    }

    @Test("a provider sees its own orders and the pool of its items, never another provider's order (404)", arguments: TestDatabase.enabled)
    func scope(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            let item = try await Self.item(s, mode: .assigned)
            let mine = try await Self.order(s, item)
            _ = try await s.repo.approve(mine.id, chosen: s.providers[0].id, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
            let (a, b) = (s.providers[0], s.providers[1])
            let seen = try await s.repo.find(mine.id, as: .provider(a.id))
            #expect(seen != nil)
            let hidden = await Fixture.storeError { try await s.repo.get(mine.id, as: .provider(b.id)) }
            #expect(hidden?.kind == .notFound)
            let stolen = await Fixture.storeError { try await s.repo.step(.take, on: mine.id, as: .provider(b.id), by: Self.provider(b), at: Self.t0) }
            #expect(stolen?.kind == .notFound)
            let listB = try await s.repo.list(as: .provider(b.id))
            #expect(listB.isEmpty)
            let listA = try await s.repo.list(as: .provider(a.id))
            #expect(listA.map(\.id) == [mine.id])
            // Staff of another community do not see it either.
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let other = try #require(grids.first { $0.parentID != s.community.id })
            let foreign = await Fixture.storeError { try await s.repo.get(mine.id, as: .staff(.subtree(of: other))) }
            #expect(foreign?.kind == .notFound)
        }
    }

    @Test("figures per provider and per community, counted by hand", arguments: TestDatabase.enabled)
    func figures(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let s = try await Self.setup(db)
            let item = try await Self.item(s, mode: .assigned, hours: 2)
            let (a, b) = (s.providers[0], s.providers[1])
            // a: taken on time, completed, rated satisfied; taken late, completed, rated dissatisfied; offered, timed out.
            // b: claims the timed-out order in time and completes it, unrated. One order refused.
            func run(_ provider: MarketProvider, takeAfter: TimeInterval, rating: MarketRating?) async throws -> UUID {
                let o = try await Self.order(s, item)
                _ = try await s.repo.approve(o.id, chosen: provider.id, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
                _ = try await s.repo.step(.take, on: o.id, as: .provider(provider.id), by: Self.provider(provider), at: Self.t0 + takeAfter)
                _ = try await s.repo.step(.complete(note: nil), on: o.id, as: .provider(provider.id), by: Self.provider(provider), at: Self.t0 + 5 * Self.hour)
                if let rating { _ = try await s.repo.step(.rate(rating, note: nil), on: o.id, as: .staff(.everything), by: MarketStepActor(role: .resident, name: "王"), at: Self.t0 + 6 * Self.hour) }
                return o.id
            }
            _ = try await run(a, takeAfter: Self.hour, rating: .satisfied)
            _ = try await run(a, takeAfter: 3 * Self.hour, rating: .dissatisfied)
            let lapsed = try await Self.order(s, item)
            _ = try await s.repo.approve(lapsed.id, chosen: a.id, note: nil, in: s.scope, by: Self.desk, at: Self.t0)
            _ = try await MarketSweeper(db, cipher: TestDatabase.keys.cipher).sweep(now: Self.t0 + 2 * Self.hour)
            _ = try await s.repo.step(.claim(provider: b.id), on: lapsed.id, as: .provider(b.id), by: Self.provider(b), at: Self.t0 + 3 * Self.hour)
            _ = try await s.repo.step(.complete(note: nil), on: lapsed.id, as: .provider(b.id), by: Self.provider(b), at: Self.t0 + 4 * Self.hour)
            let refused = try await Self.order(s, item)
            _ = try await s.repo.step(.refuse(reason: "重复下单"), on: refused.id, as: .staff(s.scope), by: Self.desk, at: Self.t0)

            let (from, to) = (Self.t0 - 86400, Self.t0 + 86400)
            let byProvider = try await s.repo.providerFigures(from: from, to: to, in: s.scope)
            let fa = try #require(byProvider.first { $0.key == a.id })
            #expect(fa == MarketFigures(key: a.id, name: a.name, orders: 2, taken: 2, takenOnTime: 1, completed: 2, rated: 2, satisfied: 1, timeouts: 1))
            let fb = try #require(byProvider.first { $0.key == b.id })
            #expect(fb == MarketFigures(key: b.id, name: b.name, orders: 1, taken: 1, takenOnTime: 1, completed: 1, rated: 0, satisfied: 0, timeouts: 0))
            #expect(fb.satisfactionRate == nil && fa.onTimeRate == 0.5)
            let property = try await s.repo.providerFigures(from: from, to: to, kind: "property", in: s.scope)
            #expect(property.map(\.key) == [a.id])
            let byCommunity = try await s.repo.communityFigures(from: from, to: to, in: s.scope)
            #expect(byCommunity == [MarketFigures(key: s.community.id, name: s.community.name, orders: 4, taken: 3, takenOnTime: 2, completed: 3, rated: 2, satisfied: 1)])
            let total = try await s.repo.totals(from: from, to: to, name: "11月", in: s.scope)
            #expect(total.orders == 4 && total.completed == 3)
            let empty = try await s.repo.totals(from: to, to: to + 86400, name: "次日", in: s.scope)
            #expect(empty == MarketFigures(key: nil, name: "次日"))
        }
    }
}

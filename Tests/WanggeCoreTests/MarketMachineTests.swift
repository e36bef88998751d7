import Foundation
import Testing
import WanggeCore

@Suite("Service market: the order machine and dispatch")
struct MarketMachineTests {
    /// The specification, kept apart from the machine's own table: which states each step may start
    /// from, who may take it, and where it leads.
    static let table: [MarketActionKind: (from: Set<MarketOrderState>, actors: Set<MarketActor>, to: MarketOrderState)] = [
        .approve: ([.ordered], [.market], .offered),
        .refuse: ([.ordered], [.market], .refused),
        .place: ([.pooled], [.market], .offered),
        .take: ([.offered], [.provider], .taken),
        .claim: ([.pooled], [.provider], .taken),
        .decline: ([.offered], [.provider], .pooled),
        .timeOut: ([.offered], [.system], .pooled),
        .complete: ([.taken], [.provider], .completed),
        .rate: ([.completed], [.resident], .rated),
        .cancel: ([.ordered, .offered, .pooled], [.resident, .market], .cancelled),
    ]

    static let a = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let b = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    static let c = UUID(uuidString: "00000000-0000-0000-0000-00000000000C")!
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let hour: TimeInterval = 3600
    /// Three providers; two hours to take an order.
    static let item = MarketMachine.Item(providers: [a, b, c], acceptLimit: 2 * hour)

    static func action(_ kind: MarketActionKind) -> MarketAction {
        switch kind {
        case .approve: .approve(.provider(a), note: nil)
        case .refuse: .refuse(reason: "不在服务范围")
        case .place: .place(provider: a)
        case .take: .take
        case .claim: .claim(provider: a)
        case .decline: .decline(reason: "人手不足")
        case .timeOut: .timeOut
        case .complete: .complete(note: "已修好")
        case .rate: .rate(.satisfied, note: nil)
        case .cancel: .cancel(reason: "不需要了")
        }
    }

    @Test("every step from every state by every actor goes where the table says, or is refused")
    func table() throws {
        for kind in MarketActionKind.allCases {
            let rule = try #require(Self.table[kind])
            #expect(MarketMachine.rule(for: kind).from == rule.from)
            #expect(MarketMachine.rule(for: kind).actors == rule.actors)
            for state in MarketOrderState.allCases {
                // The order is offered to (or taken by) provider a, due an hour ago.
                let order = MarketOrderSnapshot(state: state, provider: Self.a, acceptBy: Self.t0 - Self.hour)
                for actor in MarketActor.allCases {
                    let run = { () throws(MarketProblem) -> MarketTransition in
                        try MarketMachine.apply(Self.action(kind), to: order, by: actor, provider: Self.a, item: Self.item, at: Self.t0)
                    }
                    if !rule.from.contains(state) {
                        #expect(throws: MarketProblem.notAllowed(action: kind, state: state)) { try run() }
                    } else if !rule.actors.contains(actor) {
                        #expect(throws: MarketProblem.actorNotAllowed(action: kind, actor: actor)) { try run() }
                    } else {
                        let next = try run()
                        #expect(next.snapshot.state == rule.to, "\(kind) from \(state)")
                        #expect(next.from == state && next.action == kind)
                    }
                }
            }
        }
    }

    @Test("approval places the order with the chosen provider or in the pool, with a time limit from now")
    func approve() throws {
        let ordered = MarketOrderSnapshot(state: .ordered)
        let offered = try MarketMachine.apply(.approve(.provider(Self.b), note: " 请尽快 "), to: ordered, by: .market, item: Self.item, at: Self.t0)
        #expect(offered.snapshot == MarketOrderSnapshot(state: .offered, provider: Self.b, acceptBy: Self.t0 + 2 * Self.hour))
        #expect(offered.provider == Self.b && offered.note == "请尽快")
        let pooled = try MarketMachine.apply(.approve(.pool, note: nil), to: ordered, by: .market, item: Self.item, at: Self.t0)
        #expect(pooled.snapshot == MarketOrderSnapshot(state: .pooled, provider: nil, acceptBy: Self.t0 + 2 * Self.hour))
        let stranger = UUID()
        #expect(throws: MarketProblem.providerNotOffering) {
            try MarketMachine.apply(.approve(.provider(stranger), note: nil), to: ordered, by: .market, item: Self.item, at: Self.t0)
        }
        #expect(throws: MarketProblem.reasonRequired(action: .refuse)) {
            try MarketMachine.apply(.refuse(reason: "  "), to: ordered, by: .market, item: Self.item, at: Self.t0)
        }
    }

    @Test("only the provider it was offered to takes, declines or completes it; on time is within the limit")
    func takeAndComplete() throws {
        let offered = MarketOrderSnapshot(state: .offered, provider: Self.a, acceptBy: Self.t0 + 2 * Self.hour)
        #expect(throws: MarketProblem.notYourOrder) { try MarketMachine.apply(.take, to: offered, by: .provider, provider: Self.b, item: Self.item, at: Self.t0) }
        #expect(throws: MarketProblem.notYourOrder) { try MarketMachine.apply(.take, to: offered, by: .provider, item: Self.item, at: Self.t0) }
        let onTime = try MarketMachine.apply(.take, to: offered, by: .provider, provider: Self.a, item: Self.item, at: Self.t0 + 2 * Self.hour)
        #expect(onTime.snapshot.state == .taken && onTime.snapshot.acceptedOnTime == true && onTime.snapshot.acceptedAt == Self.t0 + 2 * Self.hour)
        let late = try MarketMachine.apply(.take, to: offered, by: .provider, provider: Self.a, item: Self.item, at: Self.t0 + 2 * Self.hour + 1)
        #expect(late.snapshot.acceptedOnTime == false)
        #expect(throws: MarketProblem.notYourOrder) {
            try MarketMachine.apply(.complete(note: nil), to: onTime.snapshot, by: .provider, provider: Self.b, item: Self.item, at: Self.t0 + 5 * Self.hour)
        }
        let done = try MarketMachine.apply(.complete(note: "更换水龙头"), to: onTime.snapshot, by: .provider, provider: Self.a, item: Self.item, at: Self.t0 + 5 * Self.hour)
        #expect(done.snapshot.state == .completed && done.snapshot.completedAt == Self.t0 + 5 * Self.hour && done.note == "更换水龙头")
        let rated = try MarketMachine.apply(.rate(.basicallySatisfied, note: nil), to: done.snapshot, by: .resident, item: Self.item, at: Self.t0 + 6 * Self.hour)
        #expect(rated.snapshot.state == .rated && rated.snapshot.rating == .basicallySatisfied)
        #expect(MarketRating.basicallySatisfied.countsAsSatisfied && !MarketRating.dissatisfied.countsAsSatisfied)

        let declined = try MarketMachine.apply(.decline(reason: "师傅请假"), to: offered, by: .provider, provider: Self.a, item: Self.item, at: Self.t0 + Self.hour)
        #expect(declined.snapshot == MarketOrderSnapshot(state: .pooled, provider: nil, acceptBy: Self.t0 + 3 * Self.hour))
        #expect(declined.provider == Self.a && declined.note == "师傅请假")
    }

    @Test("a pooled order is claimed by a provider of the item, for itself only")
    func claim() throws {
        let pooled = MarketOrderSnapshot(state: .pooled, acceptBy: Self.t0 + Self.hour)
        let won = try MarketMachine.apply(.claim(provider: Self.c), to: pooled, by: .provider, provider: Self.c, item: Self.item, at: Self.t0)
        #expect(won.snapshot.state == .taken && won.snapshot.provider == Self.c && won.snapshot.acceptedOnTime == true)
        #expect(throws: MarketProblem.notYourOrder) {
            try MarketMachine.apply(.claim(provider: Self.c), to: pooled, by: .provider, provider: Self.a, item: Self.item, at: Self.t0)
        }
        let outsider = UUID()
        #expect(throws: MarketProblem.providerNotOffering) {
            try MarketMachine.apply(.claim(provider: outsider), to: pooled, by: .provider, provider: outsider, item: Self.item, at: Self.t0)
        }
    }

    @Test("an offer not taken in time returns to the pool, at its limit and not a second before (test clock)")
    func timeOut() throws {
        let offered = MarketOrderSnapshot(state: .offered, provider: Self.a, acceptBy: Self.t0 + 2 * Self.hour)
        #expect(throws: MarketProblem.notDue) {
            try MarketMachine.apply(.timeOut, to: offered, by: .system, item: Self.item, at: Self.t0 + 2 * Self.hour - 1)
        }
        let back = try MarketMachine.apply(.timeOut, to: offered, by: .system, item: Self.item, at: Self.t0 + 2 * Self.hour)
        #expect(back.snapshot == MarketOrderSnapshot(state: .pooled, provider: nil, acceptBy: Self.t0 + 4 * Self.hour, timeouts: 1))
        #expect(back.provider == Self.a, "the time-out is recorded against the provider that let it run out")
        let again = try MarketMachine.apply(.place(provider: Self.b), to: back.snapshot, by: .market, item: Self.item, at: Self.t0 + 3 * Self.hour)
        #expect(again.snapshot.acceptBy == Self.t0 + 5 * Self.hour && again.snapshot.provider == Self.b && again.snapshot.timeouts == 1)
    }

    @Test("the buttons offered follow the table and who the order belongs to")
    func allowed() {
        let offered = MarketOrderSnapshot(state: .offered, provider: Self.a, acceptBy: Self.t0)
        #expect(MarketMachine.allowed(on: offered, by: .provider, provider: Self.a, item: Self.item) == [.take, .decline])
        #expect(MarketMachine.allowed(on: offered, by: .provider, provider: Self.b, item: Self.item).isEmpty)
        #expect(MarketMachine.allowed(on: offered, by: .market, item: Self.item) == [.cancel])
        let pooled = MarketOrderSnapshot(state: .pooled)
        #expect(MarketMachine.allowed(on: pooled, by: .provider, provider: Self.b, item: Self.item) == [.claim])
        #expect(MarketMachine.allowed(on: pooled, by: .provider, provider: UUID(), item: Self.item).isEmpty)
        #expect(MarketMachine.allowed(on: MarketOrderSnapshot(state: .ordered), by: .market, item: Self.item) == [.approve, .refuse, .cancel])
    }

    @Test("round-robin takes the providers in turn and wraps; assigned needs a provider; claim goes to the pool")
    func dispatch() throws {
        let providers = [Self.a, Self.b, Self.c]
        var last: UUID?
        var turns: [UUID] = []
        for _ in 0..<5 {
            guard case .provider(let p) = try MarketDispatch.placement(.roundRobin, providers: providers, chosen: nil, lastInTurn: last) else {
                Issue.record("round-robin must name a provider")
                return
            }
            turns.append(p)
            last = p
        }
        #expect(turns == [Self.a, Self.b, Self.c, Self.a, Self.b])
        // A last provider that no longer offers the item starts the turn again from the first.
        #expect(MarketDispatch.nextInTurn(providers, after: UUID()) == Self.a)
        #expect(MarketDispatch.nextInTurn([], after: nil) == nil)
        #expect(try MarketDispatch.placement(.claim, providers: providers, chosen: Self.b, lastInTurn: nil) == .pool)
        #expect(try MarketDispatch.placement(.assigned, providers: providers, chosen: Self.b, lastInTurn: nil) == .provider(Self.b))
        #expect(throws: MarketDispatch.Problem.providerRequired) { try MarketDispatch.placement(.assigned, providers: providers, chosen: nil, lastInTurn: nil) }
        #expect(throws: MarketDispatch.Problem.noProviders) { try MarketDispatch.placement(.claim, providers: [], chosen: nil, lastInTurn: nil) }
    }

    @Test("problems read in Chinese")
    func messages() {
        #expect(MarketProblem.notAllowed(action: .take, state: .rated).message() == "“已评价”的订单不能接单")
        #expect(MarketProblem.reasonRequired(action: .refuse).message() == "审单不通过须写明原因")
    }
}

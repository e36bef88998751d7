import Foundation

/// The service market's order loop ("群众点单、超市下单、街社接单") as a pure function: a snapshot,
/// a step, who takes it and when in; the next snapshot and what to record out, or a problem saying
/// why not. Storage, scope (is this order in the caller's part of the tree, is this account the
/// provider's?) and the audit trail are the caller's.
public enum MarketMachine {
    /// Which states a step may start from and who may take it. The test suite holds its own copy of
    /// this table as the specification.
    public struct Rule: Sendable, Hashable {
        public var from: Set<MarketOrderState>
        public var actors: Set<MarketActor>
    }

    public static func rule(for kind: MarketActionKind) -> Rule {
        switch kind {
        case .approve, .refuse: Rule(from: [.ordered], actors: [.market])
        case .place: Rule(from: [.pooled], actors: [.market])
        case .take, .decline: Rule(from: [.offered], actors: [.provider])
        case .claim: Rule(from: [.pooled], actors: [.provider])
        case .timeOut: Rule(from: [.offered], actors: [.system])
        case .complete: Rule(from: [.taken], actors: [.provider])
        case .rate: Rule(from: [.completed], actors: [.resident])
        case .cancel: Rule(from: [.ordered, .offered, .pooled], actors: [.resident, .market])
        }
    }

    /// What the order's item says about placing it.
    public struct Item: Sendable, Equatable {
        /// The providers offering the item, in their turn order.
        public var providers: [UUID]
        /// How long a provider has to take an offer (or the pool to be claimed), in seconds.
        public var acceptLimit: TimeInterval

        public init(providers: [UUID], acceptLimit: TimeInterval) {
            (self.providers, self.acceptLimit) = (providers, acceptLimit)
        }
    }

    /// The steps `actor` (for a provider: `provider`) may take on the order now, for its buttons.
    public static func allowed(on order: MarketOrderSnapshot, by actor: MarketActor, provider: UUID? = nil, item: Item) -> [MarketActionKind] {
        MarketActionKind.allCases.filter { kind in
            let r = rule(for: kind)
            guard kind != .timeOut, r.from.contains(order.state), r.actors.contains(actor) else { return false }
            switch kind {
            case .take, .decline, .complete: return provider != nil && provider == order.provider
            case .claim: return provider.map { item.providers.contains($0) } ?? false
            case .place: return !item.providers.isEmpty
            default: return true
            }
        }
    }

    /// `action` taken on `order` by `actor` at `time`; `provider` is the acting provider when
    /// `actor` is `.provider`.
    public static func apply(
        _ action: MarketAction, to order: MarketOrderSnapshot, by actor: MarketActor, provider acting: UUID? = nil, item: Item, at time: Date
    ) throws(MarketProblem) -> MarketTransition {
        let kind = action.kind
        let r = rule(for: kind)
        guard r.from.contains(order.state) else { throw .notAllowed(action: kind, state: order.state) }
        guard r.actors.contains(actor) else { throw .actorNotAllowed(action: kind, actor: actor) }
        var next = order
        var step = MarketTransition(snapshot: order, action: kind, from: order.state, provider: order.provider)
        let limit = time.addingTimeInterval(item.acceptLimit)

        func offering(_ provider: UUID) throws(MarketProblem) -> UUID {
            guard item.providers.contains(provider) else { throw .providerNotOffering }
            return provider
        }
        func own() throws(MarketProblem) {
            guard let acting, acting == order.provider else { throw .notYourOrder }
        }
        func toPool() {
            next.state = .pooled
            next.provider = nil
            next.acceptBy = limit
        }

        switch action {
        case .approve(let placement, let note):
            step.note = clean(note)
            switch placement {
            case .provider(let p):
                next.state = .offered
                next.provider = try offering(p)
                next.acceptBy = limit
            case .pool:
                toPool()
            }
            step.provider = next.provider
        case .refuse(let reason):
            step.note = try required(reason, for: kind)
            next.state = .refused
        case .place(let p):
            next.state = .offered
            next.provider = try offering(p)
            next.acceptBy = limit
            step.provider = next.provider
        case .take:
            try own()
            next.state = .taken
            next.acceptedAt = time
            next.acceptedOnTime = order.acceptBy.map { time <= $0 } ?? true
        case .claim(let p):
            guard let acting, acting == p else { throw .notYourOrder }
            next.state = .taken
            next.provider = try offering(p)
            next.acceptedAt = time
            next.acceptedOnTime = order.acceptBy.map { time <= $0 } ?? true
            step.provider = p
        case .decline(let reason):
            try own()
            step.note = try required(reason, for: kind)
            toPool()
        case .timeOut:
            guard let due = order.acceptBy, time >= due else { throw .notDue }
            next.timeouts += 1
            toPool()
        case .complete(let note):
            try own()
            step.note = clean(note)
            next.state = .completed
            next.completedAt = time
        case .rate(let rating, let note):
            step.note = clean(note)
            next.state = .rated
            next.rating = rating
        case .cancel(let reason):
            step.note = try required(reason, for: kind)
            next.state = .cancelled
            next.acceptBy = nil
        }
        step.snapshot = next
        return step
    }

    static func clean(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    private static func required(_ text: String, for kind: MarketActionKind) throws(MarketProblem) -> String {
        guard let t = clean(text) else { throw .reasonRequired(action: kind) }
        return t
    }
}

/// 派单: where an approved order goes under its item's dispatch mode.
public enum MarketDispatch {
    /// Why an order could not be placed.
    public enum Problem: Error, Sendable, Equatable {
        /// The item has no provider to place it with.
        case noProviders
        /// The assigned mode needs the market to name a provider of the item.
        case providerRequired
    }

    /// Round-robin: the provider after `last` in turn order, wrapping round; the first when `last` is
    /// nil or no longer offers the item.
    public static func nextInTurn(_ providers: [UUID], after last: UUID?) -> UUID? {
        guard !providers.isEmpty else { return nil }
        guard let last, let i = providers.firstIndex(of: last) else { return providers[0] }
        return providers[(i + 1) % providers.count]
    }

    /// Where an approved order goes: to the provider the market chose (assigned), into the pool
    /// (claim), or to the next provider in turn after `lastInTurn` (round-robin).
    public static func placement(
        _ mode: MarketDispatchMode, providers: [UUID], chosen: UUID?, lastInTurn: UUID?
    ) throws(Problem) -> MarketPlacement {
        guard !providers.isEmpty else { throw .noProviders }
        switch mode {
        case .assigned:
            guard let chosen else { throw .providerRequired }
            return .provider(chosen)
        case .claim:
            return .pool
        case .roundRobin:
            return .provider(nextInTurn(providers, after: lastInTurn) ?? providers[0])
        }
    }
}

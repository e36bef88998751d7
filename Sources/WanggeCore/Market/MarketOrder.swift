import Foundation

/// Where an order of the service market stands: 点单 (ordered) → 审单 (refused, or placed: offered
/// to one provider or put in the pool) → 接单 (taken) → done (completed) → 评单 (rated).
public enum MarketOrderState: String, Sendable, Codable, CaseIterable {
    /// Ordered by the resident (or for them by a proxy agent); waits for the market's review.
    case ordered
    /// Refused at review, with the reason (final).
    case refused
    /// Offered to one provider, who must take it before `acceptBy` or it returns to the pool.
    case offered
    /// In the pool: the first of the item's providers to claim it takes it.
    case pooled
    /// Taken by a provider, who is now doing the work.
    case taken
    /// Done, waiting for the resident's rating.
    case completed
    /// Rated by the resident (final).
    case rated
    /// Withdrawn before anyone took it (final).
    case cancelled

    public var nameKey: String { "market.state.\(rawValue)" }

    /// States in which the order is over.
    public var isFinal: Bool { [.refused, .rated, .cancelled].contains(self) }
}

/// How an approved order reaches a provider (派单), set per service item.
public enum MarketDispatchMode: String, Sendable, Codable, CaseIterable {
    /// The market names the provider when it approves the order.
    case assigned
    /// The order goes to the pool; the first of the item's providers to claim it takes it.
    case claim
    /// The item's providers take turns, in their listed order.
    case roundRobin = "round_robin"

    public var nameKey: String { "market.mode.\(rawValue)" }
}

/// The resident's rating of a completed order (评单), the three grades of a case callback.
public enum MarketRating: String, Sendable, Codable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case dissatisfied

    public var nameKey: String { "market.rating.\(rawValue)" }

    /// Satisfied and basically satisfied count as satisfied in the satisfaction rate, as for cases.
    public var countsAsSatisfied: Bool { self != .dissatisfied }
}

/// Who takes a step on an order.
public enum MarketActor: String, Sendable, Codable, CaseIterable {
    /// The resident who ordered (by the order's code), or the proxy agent who ordered for them.
    case resident
    /// The market desk: the street's or community's staff who review and place orders.
    case market
    /// A provider's account.
    case provider
    /// The time-out sweeper.
    case system

    public var nameKey: String { "market.actor.\(rawValue)" }
}

/// Where an approved order goes: to one provider, or into the pool.
public enum MarketPlacement: Sendable, Equatable {
    case provider(UUID)
    case pool
}

/// A step on an order.
public enum MarketAction: Sendable, Equatable {
    /// 审单 passed: the order is placed (派单) as `placement` says.
    case approve(MarketPlacement, note: String?)
    /// 审单 refused; the reason is required and shown to the resident.
    case refuse(reason: String)
    /// The market places a pooled order with one provider.
    case place(provider: UUID)
    /// 接单 by the provider it was offered to.
    case take
    /// A provider of the item claims a pooled order.
    case claim(provider: UUID)
    /// The provider it was offered to declines it (reason required); it returns to the pool.
    case decline(reason: String)
    /// The offer ran past its time limit untaken; it returns to the pool.
    case timeOut
    /// The provider reports the work done.
    case complete(note: String?)
    /// 评单 by the resident.
    case rate(MarketRating, note: String?)
    /// The resident withdraws the order, or the market does for them (reason required).
    case cancel(reason: String)

    public var kind: MarketActionKind {
        switch self {
        case .approve: .approve
        case .refuse: .refuse
        case .place: .place
        case .take: .take
        case .claim: .claim
        case .decline: .decline
        case .timeOut: .timeOut
        case .complete: .complete
        case .rate: .rate
        case .cancel: .cancel
        }
    }
}

public enum MarketActionKind: String, Sendable, Codable, CaseIterable {
    case approve, refuse, place, take, claim, decline
    case timeOut = "time_out"
    case complete, rate, cancel

    public var nameKey: String { "market.action.\(rawValue)" }
}

/// What the machine needs to know of an order.
public struct MarketOrderSnapshot: Sendable, Equatable {
    public var state: MarketOrderState
    /// The provider the order is offered to or taken by.
    public var provider: UUID?
    /// When the current offer or pool entry must be taken by.
    public var acceptBy: Date?
    public var acceptedAt: Date?
    /// Whether it was taken within its time limit.
    public var acceptedOnTime: Bool?
    public var completedAt: Date?
    public var rating: MarketRating?
    /// How many offers of it ran out untaken.
    public var timeouts: Int

    public init(
        state: MarketOrderState, provider: UUID? = nil, acceptBy: Date? = nil, acceptedAt: Date? = nil, acceptedOnTime: Bool? = nil,
        completedAt: Date? = nil, rating: MarketRating? = nil, timeouts: Int = 0
    ) {
        (self.state, self.provider, self.acceptBy, self.acceptedAt, self.acceptedOnTime) = (state, provider, acceptBy, acceptedAt, acceptedOnTime)
        (self.completedAt, self.rating, self.timeouts) = (completedAt, rating, timeouts)
    }
}

/// A step's result: the next snapshot, and what to record of the step.
public struct MarketTransition: Sendable, Equatable {
    public var snapshot: MarketOrderSnapshot
    public var action: MarketActionKind
    public var from: MarketOrderState
    /// The provider the step concerns (offered to, claimed by, timed out on, declined by).
    public var provider: UUID?
    /// The cleaned note or reason.
    public var note: String?
}

/// Why a step on an order was refused.
public enum MarketProblem: LocalizedProblem {
    case notAllowed(action: MarketActionKind, state: MarketOrderState)
    case actorNotAllowed(action: MarketActionKind, actor: MarketActor)
    case reasonRequired(action: MarketActionKind)
    /// A time-out before the offer's limit, or of an offer with no limit.
    case notDue
    /// A provider that does not offer the item.
    case providerNotOffering
    /// Only the provider the order was offered to or taken by may take this step.
    case notYourOrder

    public var messageKey: String {
        switch self {
        case .notAllowed: "market.problem.not_allowed"
        case .actorNotAllowed: "market.problem.actor_not_allowed"
        case .reasonRequired: "market.problem.reason_required"
        case .notDue: "market.problem.not_due"
        case .providerNotOffering: "market.problem.provider_not_offering"
        case .notYourOrder: "market.problem.not_your_order"
        }
    }

    public var args: [String] {
        switch self {
        case .notAllowed(let action, let state): ["@\(state.nameKey)", "@\(action.nameKey)"]
        case .actorNotAllowed(let action, let actor): ["@\(actor.nameKey)", "@\(action.nameKey)"]
        case .reasonRequired(let action): ["@\(action.nameKey)"]
        case .notDue, .providerNotOffering, .notYourOrder: []
        }
    }
}

import Foundation

/// Where a patrol (巡查) stands: under way until the worker ends it, and then for good.
public enum PatrolState: String, Sendable, Codable, CaseIterable {
    case started
    case ended

    public var nameKey: String { "patrol.state.\(rawValue)" }
}

/// A step on a patrol session.
public enum PatrolActionKind: String, Sendable, Codable, CaseIterable {
    /// Points along the way, from the phone's position.
    case addPoint = "add_point"
    /// Something seen on the way: a problem, a broken component.
    case addFinding = "add_finding"
    case end
}

/// Why a step on a patrol was refused; `messageKey` is a localisation key.
public enum PatrolProblem: Error, Sendable, Equatable, LocalizedProblem {
    case notAllowed(action: PatrolActionKind, state: PatrolState)
    /// A point or finding dated before the patrol began, or an end before its last point.
    case outOfOrder
    /// Dated later than now (beyond `PatrolMachine.clockSkew`): a phone's clock far ahead, or a made-up time.
    case inFuture

    public var messageKey: String {
        switch self {
        case .notAllowed: "patrol.not_allowed"
        case .outOfOrder: "patrol.out_of_order"
        case .inFuture: "patrol.in_future"
        }
    }

    public var args: [String] {
        switch self {
        case .notAllowed(let action, let state): ["@patrol.action.\(action.rawValue)", "@\(state.nameKey)"]
        case .outOfOrder, .inFuture: []
        }
    }
}

/// The patrol session as a pure function: a state and a step in, the next state out, or a
/// problem saying why not. Points and findings are recorded only while the patrol is under way;
/// an ended patrol is final, so what a worker reported cannot be added to afterwards.
public enum PatrolMachine {
    /// Which states a step may start from. The test suite holds its own copy of this table as the
    /// specification.
    public static func from(_ kind: PatrolActionKind) -> Set<PatrolState> {
        switch kind {
        case .addPoint, .addFinding, .end: [.started]
        }
    }

    /// The steps that may be taken on a patrol in `state`, for the buttons on its page.
    public static func allowed(in state: PatrolState) -> [PatrolActionKind] {
        PatrolActionKind.allCases.filter { from($0).contains(state) }
    }

    /// How far ahead of the server's clock a phone's time may be (cheap phones drift).
    public static let clockSkew: TimeInterval = 5 * 60

    /// The state after `kind` taken at `time` on a patrol in `state` that began at `startedAt`.
    /// A phone replaying what it kept offline may send times in the past, but never before the start.
    /// With `now`, a time later than `now + clockSkew` is refused: what happens on a patrol has happened.
    public static func apply(
        _ kind: PatrolActionKind, to state: PatrolState, startedAt: Date, at time: Date, now: Date? = nil
    ) throws(PatrolProblem) -> PatrolState {
        guard from(kind).contains(state) else { throw .notAllowed(action: kind, state: state) }
        guard time >= startedAt else { throw .outOfOrder }
        if let now, time > now.addingTimeInterval(clockSkew) { throw .inFuture }
        return kind == .end ? .ended : .started
    }
}

/// The state of a public component (部件) in the register, as GB/T 30428.2 inspections record it:
/// intact, damaged, missing, or occupied (taken over for another use).
public enum ComponentState: String, Sendable, Codable, CaseIterable {
    case ok
    case damaged
    case missing
    case occupied

    public var nameKey: String { "component.state.\(rawValue)" }
}

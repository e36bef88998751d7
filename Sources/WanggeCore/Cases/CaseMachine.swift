import Foundation

/// The case loop as a pure function: a snapshot, an action, an actor and a time in; the next
/// snapshot and the timeline event out, or a problem saying why not. Storage, scope (is this
/// the department the case was sent to?) and notifications are the caller's.
public enum CaseMachine {
    /// Which states an action may start from and which actors may take it. The test suite holds
    /// its own copy of this table as the specification.
    public struct Rule: Sendable, Hashable {
        public var from: Set<CaseState>
        public var actors: Set<ActorRole>
    }

    /// States in which work is still going on and a higher level can be asked for help.
    static let open: Set<CaseState> = [.reported, .accepted, .dispatched, .signedFor, .handled, .verified, .suspended]

    public static func rule(for kind: CaseActionKind) -> Rule {
        switch kind {
        case .report: Rule(from: [], actors: Set(ActorRole.allCases))
        case .accept, .reject: Rule(from: [.reported], actors: [.operator_])
        case .merge: Rule(from: [.reported, .accepted], actors: [.operator_])
        case .dispatch: Rule(from: [.accepted], actors: [.operator_])
        case .signFor: Rule(from: [.dispatched], actors: [.department, .gridWorker])
        case .handle: Rule(from: [.signedFor], actors: [.department, .gridWorker])
        case .sendBack: Rule(from: [.dispatched, .signedFor], actors: [.department, .gridWorker])
        case .verify, .returnForRework: Rule(from: [.handled], actors: [.operator_, .gridWorker])
        case .close: Rule(from: [.accepted, .verified], actors: [.operator_])
        case .resolveOnSpot: Rule(from: [.reported], actors: [.gridWorker])
        case .callback: Rule(from: [.closed], actors: [.resident, .operator_])
        case .reopen: Rule(from: [.closed, .calledBack], actors: [.operator_, .leader])
        case .suspend, .markUnsolvable: Rule(from: [.accepted, .dispatched, .signedFor], actors: [.operator_, .leader])
        case .resume: Rule(from: [.suspended], actors: [.operator_, .leader, .system])
        case .escalate: Rule(from: open, actors: [.gridWorker, .operator_, .leader, .system])
        case .supervise: Rule(from: open.subtracting([.suspended]), actors: [.operator_, .leader, .system])
        }
    }

    /// The actions `actor` may take on the case now, for the buttons on the case page.
    public static func allowedActions(on snapshot: CaseSnapshot, by actor: ActorRole) -> [CaseActionKind] {
        CaseActionKind.onExistingCase.filter { kind in
            let r = rule(for: kind)
            guard r.from.contains(snapshot.state), r.actors.contains(actor) else { return false }
            if kind == .reopen && snapshot.state == .calledBack { return snapshot.rating == .dissatisfied }
            if kind == .escalate { return snapshot.level != .district }
            return true
        }
    }

    /// A new case and its first timeline event.
    public static func report(
        id: String, level: UnitLevel = .grid, by actor: ActorRole, at time: Date,
        note: String? = nil
    ) -> CaseTransition {
        let snapshot = CaseSnapshot(id: id, state: .reported, level: level, reportedAt: time)
        let event = CaseEvent(
            action: .report, from: nil, to: .reported, actor: actor, at: time,
            note: clean(note), level: level)
        return CaseTransition(snapshot: snapshot, event: event)
    }

    public static func apply(
        _ action: CaseAction, to current: CaseSnapshot, by actor: ActorRole,
        at time: Date
    ) throws(CaseProblem) -> CaseTransition {
        let kind = action.kind
        let r = rule(for: kind)
        guard r.from.contains(current.state) else { throw .notAllowed(action: kind, state: current.state) }
        guard r.actors.contains(actor) else { throw .actorNotAllowed(action: kind, actor: actor) }

        var next = current
        var event = CaseEvent(action: kind, from: current.state, to: current.state, actor: actor, at: time)
        var endedSuspension: DateInterval?

        switch action {
        case .accept(let note):
            next.state = .accepted
            event.note = clean(note)
        case .reject(let reason):
            event.reason = try required(reason, for: kind)
            next.state = .rejected
            next.outcome = .rejected
            event.notifyReporter = true
        case .dispatch(let department, let note):
            guard let department = clean(department) else { throw .departmentRequired }
            next.state = .dispatched
            next.department = department
            event.department = department
            event.note = clean(note)
        case .signFor(let note):
            next.state = .signedFor
            event.note = clean(note)
        case .handle(let note):
            next.state = .handled
            event.note = clean(note)
        case .verify(let note):
            next.state = .verified
            event.note = clean(note)
        case .returnForRework(let reason):
            event.reason = try required(reason, for: kind)
            next.state = .dispatched
            next.reworkCount += 1
            event.department = current.department
        case .close(let note):
            next.state = .closed
            next.outcome = .solved
            next.closedAt = time
            event.note = clean(note)
            event.notifyReporter = true
        case .resolveOnSpot(let note):
            next.state = .closed
            next.outcome = .solved
            next.closedAt = time
            event.note = try required(note ?? "", for: kind)
            event.notifyReporter = true
        case .callback(let rating, let note):
            next.state = .calledBack
            next.rating = rating
            event.rating = rating
            event.note = clean(note)
        case .sendBack(let reason):
            event.reason = try required(reason, for: kind)
            event.department = current.department
            next.state = .accepted
            next.department = nil
        case .escalate(let level, let reason):
            event.reason = try required(reason, for: kind)
            guard level < current.level else { throw .escalationNotHigher(current: current.level, requested: level) }
            next.level = level
            event.level = level
            event.notifyReporter = true
        case .suspend(let reason, let until):
            event.reason = try required(reason, for: kind)
            if let until, until <= time { throw .suspensionEndsInPast }
            next.state = .suspended
            next.stateBeforeSuspension = current.state
            next.suspendedSince = time
            next.suspendedUntil = until
            event.until = until
            event.notifyReporter = true
        case .resume(let note):
            next.state = current.stateBeforeSuspension ?? .accepted
            if let since = current.suspendedSince, since <= time { endedSuspension = DateInterval(start: since, end: time) }
            next.stateBeforeSuspension = nil
            next.suspendedSince = nil
            next.suspendedUntil = nil
            event.note = clean(note)
        case .reopen(let reason):
            if current.state == .calledBack && current.rating != .dissatisfied { throw .reopenAfterSatisfiedCallback }
            event.reason = try required(reason, for: kind)
            next.state = .accepted
            next.department = nil
            next.outcome = nil
            next.rating = nil
            next.closedAt = nil
            next.reopenCount += 1
            event.notifyReporter = true
        case .markUnsolvable(let reason):
            event.reason = try required(reason, for: kind)
            next.state = .closed
            next.outcome = .unsolvable
            next.closedAt = time
            event.notifyReporter = true
        case .merge(let target, let note):
            guard let target = clean(target) else { throw .mergeTargetRequired }
            guard target != current.id else { throw .mergeIntoItself }
            next.state = .merged
            next.outcome = .merged
            next.mergedInto = target
            event.mergedInto = target
            event.note = clean(note)
            event.notifyReporter = true
        case .supervise(let note):
            next.supervisionCount += 1
            event.note = clean(note)
        }

        if current.state == .reported && next.state != .reported && next.respondedAt == nil {
            next.respondedAt = time
        }
        event.to = next.state
        return CaseTransition(snapshot: next, event: event, endedSuspension: endedSuspension)
    }

    private static func clean(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    private static func required(_ text: String, for kind: CaseActionKind) throws(CaseProblem) -> String {
        guard let t = clean(text) else { throw .reasonRequired(action: kind) }
        return t
    }
}

public enum CaseProblem: LocalizedProblem {
    case notAllowed(action: CaseActionKind, state: CaseState)
    case actorNotAllowed(action: CaseActionKind, actor: ActorRole)
    case reasonRequired(action: CaseActionKind)
    case departmentRequired
    case escalationNotHigher(current: UnitLevel, requested: UnitLevel)
    case suspensionEndsInPast
    case reopenAfterSatisfiedCallback
    case mergeTargetRequired
    case mergeIntoItself

    public var messageKey: String {
        switch self {
        case .notAllowed: "case.notAllowed"
        case .actorNotAllowed: "case.actorNotAllowed"
        case .reasonRequired: "case.reasonRequired"
        case .departmentRequired: "case.departmentRequired"
        case .escalationNotHigher: "case.escalationNotHigher"
        case .suspensionEndsInPast: "case.suspensionEndsInPast"
        case .reopenAfterSatisfiedCallback: "case.reopenAfterSatisfiedCallback"
        case .mergeTargetRequired: "case.mergeTargetRequired"
        case .mergeIntoItself: "case.mergeIntoItself"
        }
    }

    public var args: [String] {
        switch self {
        case .notAllowed(let action, let state): [L10n.term(state.nameKey), L10n.term(action.nameKey)]
        case .actorNotAllowed(let action, let actor): [L10n.term(actor.nameKey), L10n.term(action.nameKey)]
        case .reasonRequired(let action): [L10n.term(action.nameKey)]
        case .escalationNotHigher(let current, let requested): [L10n.term(current.nameKey), L10n.term(requested.nameKey)]
        case .departmentRequired, .suspensionEndsInPast, .reopenAfterSatisfiedCallback, .mergeTargetRequired, .mergeIntoItself: []
        }
    }
}

extension CaseMachine {
    /// 核查 is a second pair of eyes: whoever reported the handling (`handler`, the actor of the last
    /// 处置反馈) may not verify it. A step with no known handler, or taken by the system, is not held back.
    public static func mayVerify(handler: String?, actor: String?) -> Bool {
        guard let handler, let actor else { return true }
        return handler != actor
    }
}

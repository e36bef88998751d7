import Foundation

extension CaseMachine {
    /// The rating of a reporter whose case was merged into another (C5, C6): once the case it was
    /// merged into is closed, this reporter rates the outcome like the target's own reporter.
    ///
    /// The rating is kept on the merged case itself, not on the target: each reporter gives one
    /// rating on their own case, so satisfaction counts every person who reported (as 12345
    /// callbacks count every work order), the target's own reporter still rates the target, and a
    /// merged reporter's 不满意 cannot reopen a case someone else reported. The merged case stays
    /// `merged`; only its rating and a `callback` event are added.
    public static func rateMerged(
        _ current: CaseSnapshot, targetState: CaseState, rating: Satisfaction, note: String? = nil,
        by actor: ActorRole, at time: Date
    ) throws(CaseProblem) -> CaseTransition {
        guard current.state == .merged, current.rating == nil else { throw .notAllowed(action: .callback, state: current.state) }
        guard rule(for: .callback).actors.contains(actor) else { throw .actorNotAllowed(action: .callback, actor: actor) }
        guard targetState == .closed || targetState == .calledBack else { throw .notAllowed(action: .callback, state: targetState) }
        var next = current
        next.rating = rating
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let event = CaseEvent(
            action: .callback, from: .merged, to: .merged, actor: actor, at: time,
            note: trimmed?.isEmpty == false ? trimmed : nil, rating: rating)
        return CaseTransition(snapshot: next, event: event)
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

extension CaseRepository {
    /// The steps `role` may take on the case now: the machine's rules, narrowed by who holds the
    /// case — the grid team signs for and handles only what was sent to it, a department only the rest.
    public static func allowedActions(on row: CaseRow, by role: ActorRole) -> [CaseActionKind] {
        CaseMachine.allowedActions(on: row.snapshot, by: role).filter { holds(row, role: role, for: $0) }
    }

    static func holds(_ row: CaseRow, role: ActorRole, for kind: CaseActionKind) -> Bool {
        guard [.signFor, .handle, .sendBack].contains(kind) else { return true }
        switch role {
        case .gridWorker: return row.departmentKey == gridTeam
        case .department: return row.departmentKey != gridTeam
        default: return true
        }
    }

    /// Takes one step on a case in scope. `expectedVersion` is the version the actor saw (a form's
    /// hidden field); a case changed since then is refused as a conflict, never overwritten.
    @discardableResult
    public func apply(_ action: CaseAction, to id: UUID, expectedVersion: Int? = nil, actor: CaseActor, in scope: Scope,
                      at now: Date, working: WorkingCalendar = .standard) async throws -> CaseRow {
        let current = try await get(id, in: scope)
        if let expectedVersion, expectedVersion != current.version { throw StoreError(.conflict, "case.stale") }
        guard Self.holds(current, role: actor.role, for: action.kind) else {
            throw StoreError(.conflict, "case.problem", [CaseProblem.actorNotAllowed(action: action.kind, actor: actor.role).message()])
        }
        if case .dispatch(let department, _) = action,
           try await sql.raw("SELECT key FROM departments WHERE key = \(bind: department)").first() == nil {
            throw StoreError(.invalid, "case.unknown_department", field: "department")
        }
        let transition: CaseTransition
        do {
            transition = try CaseMachine.apply(action, to: current.snapshot, by: actor.role, at: now)
        } catch {
            let kind: StoreError.Kind = switch error {
            case .notAllowed, .actorNotAllowed, .reopenAfterSatisfiedCallback: .conflict
            default: .invalid
            }
            throw StoreError(kind, "case.problem", [error.message()])
        }
        var next = current
        let s = transition.snapshot
        next.state = s.state
        next.level = s.level
        next.departmentKey = s.department
        next.stateBeforeSuspension = s.stateBeforeSuspension
        next.suspendedSince = s.suspendedSince
        next.suspendedUntil = s.suspendedUntil
        next.reworkCount = s.reworkCount
        next.reopenCount = s.reopenCount
        next.supervisionCount = s.supervisionCount
        next.outcome = s.outcome
        next.rating = s.rating
        next.mergedInto = s.mergedInto
        next.respondedAt = s.respondedAt
        next.closedAt = s.closedAt
        if let ended = transition.endedSuspension {
            // Time spent suspended does not count: the deadlines move on by it.
            let cuts = current.suspensionIntervals + [ended]
            next.suspensions = CaseRow.encode(cuts)
            if let category = try await category(current.categoryKey) {
                let calendar = LimitCalendar(category.counting, working: working)
                let l = category.limits
                func at(_ hours: Double) -> Date { TimeLimits.deadline(from: current.reportedAt, hours: hours, calendar: calendar, excluding: cuts) }
                next.respondBy = at(l.respondHours)
                next.respondWarnAt = at(l.respondHours * TimeLimits.warningFraction)
                next.resolveBy = at(l.resolveHours)
                next.resolveWarnAt = at(l.resolveHours * TimeLimits.warningFraction)
            }
        }
        next.version = current.version + 1
        let row = next
        try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            let updated = try await sql.raw("""
                UPDATE cases SET state = \(bind: row.state.rawValue), level = \(bind: row.level.rawValue), department_key = \(bind: row.departmentKey), \
                state_before_suspension = \(bind: row.stateBeforeSuspension?.rawValue), suspended_since = \(bind: row.suspendedSince), \
                suspended_until = \(bind: row.suspendedUntil), rework_count = \(bind: row.reworkCount), reopen_count = \(bind: row.reopenCount), \
                supervision_count = \(bind: row.supervisionCount), outcome = \(bind: row.outcome?.rawValue), rating = \(bind: row.rating?.rawValue), \
                merged_into = \(bind: row.mergedInto), responded_at = \(bind: row.respondedAt), closed_at = \(bind: row.closedAt), \
                suspensions = \(bind: row.suspensions), respond_by = \(bind: row.respondBy), respond_warn_at = \(bind: row.respondWarnAt), \
                resolve_by = \(bind: row.resolveBy), resolve_warn_at = \(bind: row.resolveWarnAt), version = \(bind: row.version) \
                WHERE id = \(bind: id) AND version = \(bind: current.version) RETURNING id
                """).all()
            guard updated.count == 1 else { throw StoreError(.conflict, "case.stale") }
            let seq = try await sql.raw("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM case_events WHERE case_id = \(bind: id)")
                .first()?.decode(column: "n", as: Int.self) ?? 1
            try await Self.insertEvent(transition.event, caseID: id, seq: seq, actor: actor, on: sql)
        }
        return row
    }

    static func insertEvent(_ event: CaseEvent, caseID: UUID, seq: Int, actor: CaseActor, on sql: any SQLDatabase) async throws {
        let row = CaseEventRow(id: UUID(), caseID: caseID, seq: seq, action: event.action, fromState: event.from, toState: event.to,
                               actorID: actor.id, actorName: actor.name, actorRole: actor.role, note: event.note, reason: event.reason,
                               departmentKey: event.department, rating: event.rating, notifyReporter: event.notifyReporter, at: event.at)
        try await sql.insert(into: "case_events").model(row, nilEncodingStrategy: .asNil).run()
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

extension CaseRepository {
    /// The steps `role` may take on the case now: the machine's rules, narrowed by who holds the
    /// case — the grid team signs for and handles only what was sent to it, a department only the rest.
    public static func allowedActions(on row: CaseRow, by actor: CaseActor, handler: UUID? = nil, onSpot: Bool = false) -> [CaseActionKind] {
        CaseMachine.allowedActions(on: row.snapshot, by: actor.role).filter {
            holds(row, role: actor.role, for: $0)
                && ($0 != .verify || CaseMachine.mayVerify(handler: handler?.uuidString, actor: actor.id?.uuidString))
                && ($0 != .resolveOnSpot || onSpot)
        }
    }

    /// The account that reported the case handled last (its latest 处置反馈), if any.
    public func handler(of id: UUID) async throws -> UUID? {
        try await sql.raw(
            "SELECT actor_id FROM case_events WHERE case_id = \(bind: id) AND action = \(bind: CaseActionKind.handle.rawValue) ORDER BY seq DESC LIMIT 1"
        ).first()?.decode(column: "actor_id", as: UUID?.self)
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
    public func apply(
        _ action: CaseAction, to id: UUID, expectedVersion: Int? = nil, actor: CaseActor, in scope: Scope,
        at now: Date, working: WorkingCalendar? = nil, attachments: [AttachmentUpload] = [], audit: StepAudit? = nil
    ) async throws -> CaseRow {
        let photos = try Self.checkPhotos(attachments)
        let current = try await get(id, in: scope)
        if let expectedVersion, expectedVersion != current.version { throw StoreError(.conflict, "case.stale") }
        guard Self.holds(current, role: actor.role, for: action.kind) else {
            throw StoreError(.conflict, "case.problem", [CaseProblem.actorNotAllowed(action: action.kind, actor: actor.role).message()])
        }
        if action.kind == .resolveOnSpot, try await category(current.categoryKey)?.onSpot != true {
            throw StoreError(.conflict, "case.on_spot_not_allowed")
        }
        if action.kind == .verify, !CaseMachine.mayVerify(handler: try await handler(of: id)?.uuidString, actor: actor.id?.uuidString) {
            throw StoreError(.conflict, "case.verify_by_other")
        }
        if case .dispatch(let department, _) = action,
            try await sql.raw("SELECT key FROM departments WHERE key = \(bind: department)").first() == nil
        {
            throw StoreError(.invalid, "case.unknown_department", field: "department")
        }
        var action = action
        if case .merge(let target, let note) = action, CaseMachine.allowedActions(on: current.snapshot, by: actor.role).contains(.merge) {
            action = .merge(into: try await mergeTarget(target, for: current, in: scope).id.uuidString, note: note)
        }
        let (row, event) = try await step(action, on: current, actor: actor, at: now, working: working)
        try await db.transaction { tx in
            try await Self.write(row, event: event, over: current.version, actor: actor, on: tx.sql)
            try await Self.attachToLastEvent(photos, caseID: id, at: now, on: tx.sql)
            // The step and its audit entry commit together: no step without its entry, no entry without its step.
            if let audit { try await AuditLog.append([audit.entry(row)], chain: audit.chain, on: tx.sql) }
        }
        return row
    }

    /// The case after `action`, and the timeline event, computed without writing anything.
    func step(
        _ action: CaseAction, on current: CaseRow, actor: CaseActor, at now: Date,
        working: WorkingCalendar?
    ) async throws -> (CaseRow, CaseEvent) {
        let transition: CaseTransition
        do {
            transition = try CaseMachine.apply(action, to: current.snapshot, by: actor.role, at: now)
        } catch {
            let kind: StoreError.Kind =
                switch error {
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
                next.deadlines = CaseDeadlines(
                    reportedAt: current.reportedAt, limits: category.limits, warnFraction: category.warnFraction,
                    working: try await calendar(for: category.limits, working), excluding: cuts)
            }
        }
        if action.kind == .reopen, let category = try await category(current.categoryKey) {
            next.deadlines = next.deadlines.reopened(
                at: now, limits: category.limits, warnFraction: category.warnFraction, working: try await calendar(for: category.limits, working))
        }
        next.version = current.version + 1
        return (next, transition.event)
    }

    /// Writes a stepped case over the version it was computed from, with its event and the notices the
    /// event calls for, inside the caller's transaction. A case changed meanwhile is a conflict and
    /// nothing is written.
    static func write(_ row: CaseRow, event: CaseEvent, over version: Int, actor: CaseActor, on sql: any SQLDatabase) async throws {
        // Reopening starts the sweeper's count afresh for the new deadline.
        let resetSweep: SQLQueryString = event.action == .reopen ? ", resolve_alerts = 0, next_sweep_at = NULL" : ""
        // Write lock first, read after (see `takeWriteLock`): a step racing an intake batch waits.
        try await StoreSetup.takeWriteLock(on: sql)
        // The case as it was, for the measures' roll-ups (changed below in the same transaction).
        let before = try await MeasureRollup.stored(row.id, version: version, on: sql)
        let updated = try await sql.raw(
            """
            UPDATE cases SET state = \(bind: row.state.rawValue), level = \(bind: row.level.rawValue), department_key = \(bind: row.departmentKey), \
            state_before_suspension = \(bind: row.stateBeforeSuspension?.rawValue), suspended_since = \(bind: row.suspendedSince), \
            suspended_until = \(bind: row.suspendedUntil), rework_count = \(bind: row.reworkCount), reopen_count = \(bind: row.reopenCount), \
            supervision_count = \(bind: row.supervisionCount), outcome = \(bind: row.outcome?.rawValue), rating = \(bind: row.rating?.rawValue), \
            merged_into = \(bind: row.mergedInto), responded_at = \(bind: row.respondedAt), closed_at = \(bind: row.closedAt), \
            suspensions = \(bind: row.suspensions), respond_by = \(bind: row.respondBy), respond_warn_at = \(bind: row.respondWarnAt), \
            resolve_by = \(bind: row.resolveBy), resolve_warn_at = \(bind: row.resolveWarnAt), version = \(bind: row.version)\(resetSweep) \
            WHERE id = \(bind: row.id) AND version = \(bind: version) RETURNING id
            """
        ).all()
        guard updated.count == 1, let before else { throw StoreError(.conflict, "case.stale") }
        let seq =
            try await sql.raw("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM case_events WHERE case_id = \(bind: row.id)")
            .first()?.decode(column: "n", as: Int.self) ?? 1
        try await insertEvent(event, caseID: row.id, seq: seq, actor: actor, on: sql)
        // What the reporters are told is queued in the same transaction: no step without its notice, no notice without its step.
        try await NotificationOutbox.enqueue(event, seq: seq, on: row, on: sql)
        try await MeasureRollup.recordStep(before: before, after: row, event: event, actor: actor, on: sql)
    }

    static func insertEvent(_ event: CaseEvent, caseID: UUID, seq: Int, actor: CaseActor, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "case_events").model(eventRow(event, caseID: caseID, seq: seq, actor: actor), nilEncodingStrategy: .asNil).run()
    }

    static func eventRow(_ event: CaseEvent, caseID: UUID, seq: Int, actor: CaseActor) -> CaseEventRow {
        CaseEventRow(
            id: UUID(), caseID: caseID, seq: seq, action: event.action, fromState: event.from, toState: event.to,
            actorID: actor.id, actorName: actor.name, actorRole: actor.role, note: event.note, reason: event.reason,
            departmentKey: event.department, rating: event.rating, notifyReporter: event.notifyReporter, at: event.at)
    }
}

extension CaseRepository {
    /// The calendar given, or the office calendar in the database (holidays and 调休 as edited).
    func resolved(_ working: WorkingCalendar?) async throws -> WorkingCalendar {
        if let working { return working }
        return try await OfficeCalendarRepository(db).working()
    }

    /// The calendar `limits` count by: only office-hour limits need the holidays, so clock limits
    /// (most categories) read nothing.
    func calendar(for limits: CaseLimits, _ working: WorkingCalendar?) async throws -> WorkingCalendar {
        limits.counting == .working ? try await resolved(working) : working ?? .standard
    }
}

/// The audit entry of a case step, made from the step's result and appended in the step's own
/// transaction (R1: the audit entry and the change are one transaction).
public struct StepAudit: Sendable {
    public let chain: AuditChain
    public let entry: @Sendable (CaseRow) -> AuditEntry

    public init(chain: AuditChain, entry: @escaping @Sendable (CaseRow) -> AuditEntry) {
        self.chain = chain
        self.entry = entry
    }
}

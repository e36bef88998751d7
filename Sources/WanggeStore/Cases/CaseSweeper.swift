import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// The time-limit sweeper (C4): finds cases past a limit and, as the system, records a 督办 and
/// escalates them (see `Overdue`). Safe with several instances on one database: on PostgreSQL each
/// batch locks its cases with `FOR UPDATE SKIP LOCKED`, so two sweepers never take the same case;
/// on SQLite (one writer at a time) and everywhere the write carries the case's version, so a case
/// someone else changed since it was read is left for the next round, never stepped twice.
public struct CaseSweeper: Sendable {
    let db: any Database
    let cipher: FieldCipher
    /// When set, each case stepped gets its audit entry in the same transaction as the step.
    let chain: AuditChain?

    public static let actor = CaseActor(id: nil, name: L10n.t("sweep.actor"), role: .system)

    public struct Report: Sendable, Equatable {
        /// Cases found past a limit.
        public var due = 0
        public var supervised: [UUID] = []
        public var escalated: [UUID] = []
        /// Cases skipped because someone changed them while the sweeper looked.
        public var skipped = 0
        public init() {}
    }

    public init(_ db: any Database, cipher: FieldCipher, chain: AuditChain? = nil) {
        self.db = db
        self.cipher = cipher
        self.chain = chain
    }

    /// The audit entry of the sweeper's steps on one case (`case.act` by the system).
    static func auditEntry(_ id: UUID, escalated: Bool, at now: Date) -> AuditEntry {
        AuditEntry(
            at: now, actorID: nil, actor: actor.name, role: "system", ip: "-", action: "case.act", objectType: "case", objectID: id.uuidString,
            detail: escalated ? "action=supervise,escalate; by=sweeper" : "action=supervise; by=sweeper", outcome: "ok")
    }

    /// One full round at `now`: batches of `batchSize` until nothing more is due.
    public func sweep(now: Date, batchSize: Int = 100, working: WorkingCalendar? = nil) async throws -> Report {
        var report = Report()
        let working = try await CaseRepository(db, cipher: cipher).resolved(working)
        for _ in 0..<1000 {
            let found = try await batch(now: now, size: batchSize, working: working, into: &report)
            if found < batchSize { break }
        }
        return report
    }

    static func dueCondition(now: Date) -> SQLQueryString {
        """
        state IN (\(binds: Overdue.running.map(\.rawValue).sorted())) \
        AND (resolve_by <= \(bind: now) OR (state = 'reported' AND respond_alerts = 0 AND respond_by <= \(bind: now))) \
        AND (next_sweep_at IS NULL OR next_sweep_at <= \(bind: now))
        """
    }

    struct Due: Decodable {
        var id: UUID
        var respond_alerts: Int
        var resolve_alerts: Int
        var next_sweep_at: Date?
    }

    private func batch(now: Date, size: Int, working: WorkingCalendar, into report: inout Report) async throws -> Int {
        let repo = CaseRepository(db, cipher: cipher)
        var known: [String: CategoryRow] = [:]
        for c in try await repo.categories() { known[c.key] = c }
        let categories = known
        let outcome = try await db.transaction { tx -> (Int, Report) in
            let sql = tx.sql
            // SQLite: take the write lock before reading, so the batch waits for a concurrent step or
            // intake instead of failing at its first write ("database is locked"); PostgreSQL locks rows.
            try await StoreSetup.takeWriteLock(on: sql)
            let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
            let due = try await sql.raw(
                """
                SELECT id, respond_alerts, resolve_alerts, next_sweep_at FROM cases WHERE \(Self.dueCondition(now: now)) \
                ORDER BY resolve_by LIMIT \(count: size)\(lock)
                """
            ).all(decoding: Due.self)
            let txRepo = CaseRepository(tx, cipher: cipher)
            var ladders: [UUID: [UnitLevel]] = [:]
            var part = Report()
            for d in due {
                let rows = try await sql.raw("SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE id = \(bind: d.id)").all().map(CaseRow.init(row:))
                guard var current = rows.first else { continue }
                var above: [UnitLevel] = []
                if let unit = current.unitID {
                    if let known = ladders[unit] {
                        above = known
                    } else {
                        above = try await Self.levels(above: unit, on: tx)
                        ladders[unit] = above
                    }
                }
                let facts = Overdue.Facts(
                    state: current.state, level: current.level, respondBy: current.respondBy, resolveBy: current.resolveBy,
                    respondAlerts: d.respond_alerts, resolveAlerts: d.resolve_alerts, nextSweepAt: d.next_sweep_at,
                    resolveHours: categories[current.categoryKey]?.resolveHours ?? 24, levelsAbove: above)
                guard
                    let decision = Overdue.decide(
                        facts, now: now,
                        note: { L10n.t($0.noteKey, CaseSweeper.format($1)) },
                        reason: { L10n.t($0.reasonKey, L10n.t($1.nameKey)) })
                else { continue }
                part.due += 1
                do {
                    var escalated = false
                    for action in decision.actions {
                        let (next, event) = try await txRepo.step(action, on: current, actor: Self.actor, at: now, working: working)
                        try await CaseRepository.write(next, event: event, over: current.version, actor: Self.actor, on: sql)
                        current = next
                        if action.kind == .supervise { part.supervised.append(d.id) } else { part.escalated.append(d.id) }
                        escalated = escalated || action.kind != .supervise
                    }
                    if let chain, !decision.actions.isEmpty {
                        try await AuditLog.append([Self.auditEntry(d.id, escalated: escalated, at: Date())], chain: chain, on: sql)
                    }
                } catch let e as StoreError where e.kind == .conflict && current.version == rows[0].version {
                    // Changed by someone else since it was read (only possible before the first write): next round.
                    part.skipped += 1
                    continue
                }
                try await sql.raw(
                    """
                    UPDATE cases SET respond_alerts = \(bind: decision.respondAlerts), resolve_alerts = \(bind: decision.resolveAlerts), \
                    next_sweep_at = \(bind: decision.nextSweepAt) WHERE id = \(bind: d.id)
                    """
                ).run()
            }
            return (due.count, part)
        }
        report.due += outcome.1.due
        report.supervised += outcome.1.supervised
        report.escalated += outcome.1.escalated
        report.skipped += outcome.1.skipped
        return outcome.0
    }

    /// The levels of the units above `unit` (its own level excluded), nearest first.
    static func levels(above unit: UUID, on db: any Database) async throws -> [UnitLevel] {
        guard let row = try await UnitRepository(db).find(unit, in: .everything) else { return [] }
        let ids = row.ancestorIDs
        guard !ids.isEmpty else { return [] }
        struct Level: Decodable { var level: UnitLevel }
        let levels = try await db.sql.raw("SELECT level FROM units WHERE id IN (\(binds: ids))").all(decoding: Level.self)
        return levels.map(\.level).sorted(by: >)
    }

    static func format(_ date: Date) -> String { ChinaTime.format(date, seconds: false) }
}

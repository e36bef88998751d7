import Foundation
import SQLKit
import WanggeCore

/// The red and yellow cards of a unit: its cases overdue (超期) and near their limit (预警) now,
/// and the cases that were overdue at the end of a month, for the monthly report.
extension CaseRepository {
    /// Cases placed in `unit` or below it (the top of the tree also holds cases placed in no grid).
    static func inUnit(_ unit: UnitRow) -> SQLQueryString {
        Scope.inSubtree("unit_id", path: unit.path, orUnplaced: unit.parentID == nil)
    }

    /// `unit`'s cases within `scope`: the scope's condition is added only where the unit's subtree does
    /// not already lie inside it — a leader's dashboard of their own unit carried the same sub-selects
    /// twice in each of the cards' twelve parts.
    static func inUnit(_ unit: UnitRow, in scope: Scope) -> SQLQueryString {
        scope.holdsSubtree(of: unit) ? inUnit(unit) : "\(inUnit(unit)) AND \(scope.caseCondition())"
    }

    /// The first `limit` cases of `queue` (超期 or 预警) in `unit` and `scope`, most urgent first,
    /// and how many there are in all. Both are read state by state: each working state's cases are
    /// a range of the deadlines index (state, resolve_by, respond_by, the warning times, unit), read
    /// in order and counted without the table; with all six states at once SQLite read every overdue
    /// case's row and sorted them all to show 20 (4 ms and a 2 ms count at 1 M cases, 3,361 overdue;
    /// state by state 1 ms and 0.6 ms). On PostgreSQL it is one statement (see below).
    public func cards(
        _ queue: CaseQueue, unit: UnitRow, in scope: Scope, now: Date, limit: Int = 20
    ) async throws -> (rows: [CaseRow], total: Int) {
        let condition: SQLQueryString = "\(condition(queue, role: .operator_, now: now)) AND \(Self.inUnit(unit, in: scope))"
        // PostgreSQL reads the whole condition well in one statement, and planned the six parts (each with
        // the scope's sub-selects) at 3–4 ms a statement, more than running them took: one statement there.
        let byState = TallySQL.isPostgres(sql) ? [] : Self.working
        let page = try await page(where: condition, order: ("resolve_by", ascending: true), after: nil, limit: limit, byState: byState)
        let counts: [SQLQueryString] =
            byState.isEmpty
            ? ["SELECT COUNT(*) AS n FROM cases c WHERE \(condition)"]
            : byState.map { "SELECT COUNT(*) AS n FROM cases c WHERE state = \(bind: $0.rawValue) AND \(condition)" }
        let row = try await sql.raw("SELECT CAST(SUM(n) AS BIGINT) AS n FROM (\(counts.joined(separator: " UNION ALL "))) AS parts").first()
        let total = try row?.decode(column: "n", as: Int?.self) ?? nil
        return (page.rows, total ?? 0)
    }

    /// The cases of `unit` (in `scope`) that stood overdue at `end`: taken on (not 不予受理, not
    /// merged), reported before `end`, not closed by then, and past their resolve limit, or still
    /// unanswered past their respond limit, at `end`. Cases suspended now are left out (their
    /// clock is stopped); a suspension that ended before `end` is not replayed. Most overdue first.
    public func overdue(at end: Date, unit: UnitRow, in scope: Scope, limit: Int = 500) async throws -> (rows: [CaseRow], total: Int) {
        let condition: SQLQueryString = """
            state NOT IN ('rejected', 'merged', 'suspended') AND reported_at < \(bind: end) \
            AND (closed_at IS NULL OR closed_at >= \(bind: end)) \
            AND (resolve_by < \(bind: end) OR (respond_by < \(bind: end) AND (responded_at IS NULL OR responded_at >= \(bind: end)))) \
            AND \(Self.inUnit(unit, in: scope))
            """
        let page = try await page(where: condition, order: ("resolve_by", ascending: true), after: nil, limit: limit)
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
        return (page.rows, total)
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The department dimension of the roll-ups: the same counters per unit (a grid and every unit above
/// it), department, day, category and channel, for the cases a department has been sent.
///
/// A case counts for a department exactly when that department's account sees it: dispatched to it
/// and in a state past dispatch (`Scope.dispatchedStates`). So the figures on a department's
/// dashboard are the cases in its own list, and a case sent on to another department takes all its
/// counters with it. Frozen months stand here too: a change to a case of a frozen month moves nothing.
extension MeasureRollup {
    /// The department a case counts for now, if any.
    static func department(of row: CaseRow) -> String? {
        guard let key = row.departmentKey, Scope.dispatchedStates.contains(row.state.rawValue) else { return nil }
        return key
    }

    /// The same rule in SQL over a `cases` row (alias `c`).
    static let sentToDepartment = "c.department_key IS NOT NULL AND c.state IN (\(Scope.dispatchedStates.map { "'\($0)'" }.joined(separator: ", ")))"

    /// What a step moves between departments: its change (`delta`, the case's counters after minus
    /// before plus the step's own) when the case stays with one department; when it changes hands,
    /// everything the case counts (read back from the stored case and its timeline, this step
    /// included) goes from the old department to the new one.
    static func departmentChanges(before: CaseRow, after: CaseRow, delta: TallyCounts, on sql: any SQLDatabase) async throws -> [(String, TallyCounts)] {
        let was = department(of: before), now = department(of: after)
        if was == now {
            guard let now, !delta.isZero else { return [] }
            return [(now, delta)]
        }
        let whole = try await stored(counts: after.id, on: sql)
        var out: [(String, TallyCounts)] = []
        if let was { out.append((was, delta - whole)) }
        if let now { out.append((now, whole)) }
        return out
    }

    /// Everything one case counts for now, by the SQL rules (`TallySQL`), its timeline included.
    static func stored(counts id: UUID, on sql: any SQLDatabase) async throws -> TallyCounts {
        let values = perCase.map { "\(TallySQL.value($0, sql)) AS \($0.rawValue)" }.joined(separator: ", ")
        guard let row = try await sql.raw("SELECT \(unsafeRaw: values) FROM cases c WHERE c.id = \(bind: id)").first() else { return TallyCounts() }
        return try MeasureRepository.counts(row)
    }

    /// Adds changes to the department roll-ups of the case's units, unless the case's month is frozen.
    static func addDepartments(
        _ changes: [(row: CaseRow, department: String, counts: TallyCounts, at: Date)], units: [UUID?: [UUID]], on sql: any SQLDatabase
    ) async throws {
        var merged: [DepartmentKey: TallyCounts] = [:]
        for change in changes where !change.counts.isZero {
            let day = SimpleDate(change.row.reportedAt)
            if try await MeasureMonths.isFrozen(MeasureMonth(day), at: change.at, on: sql) { continue }
            for unit in units[change.row.unitID] ?? [] {
                let key = DepartmentKey(
                    unit: unit, department: change.department, day: day.description, category: change.row.categoryKey, channel: change.row.channel.rawValue)
                merged[key, default: TallyCounts()] += change.counts
            }
        }
        let rows = merged.filter { !$0.value.isZero }.map { key, counts in
            (key.unit, [key.department, key.day, key.category, key.channel], counts)
        }
        try await upsert("case_department_tallies", keys: ["department_key", "day", "category_key", "channel"], rows, on: sql)
    }

    struct DepartmentKey: Hashable {
        var unit: UUID
        var department: String
        var day: String
        var category: String
        var channel: String
    }

    /// Adds (`sign` 1) or takes away (−1) what the cases sent to departments count, set-based like
    /// `count(sign:under:frozen:on:)`, in the months not in `frozen`.
    static func countDepartments(sign: Int, under subtree: String? = nil, frozen: [String], on sql: any SQLDatabase) async throws {
        let notFrozen = Self.notFrozen(frozen)
        let caseDay = TallySQL.day("c.reported_at", sql)
        let update = perCase.map { "\($0.rawValue) = case_department_tallies.\($0.rawValue) + excluded.\($0.rawValue)" }.joined(separator: ", ")
        let values = perCase.map { "SUM(\(TallySQL.value($0, sql))) AS \($0.rawValue)" }.joined(separator: ", ")
        let sums = perCase.map { "\(sign) * SUM(p.\($0.rawValue))" }.joined(separator: ", ")
        let (only, sources) = Self.sources(under: subtree)
        for source in sources {
            try await sql.raw(
                """
                WITH chain AS MATERIALIZED \(unsafeRaw: TallySQL.chain), p AS MATERIALIZED (\
                SELECT c.unit_id AS grid_id, c.department_key, \(unsafeRaw: caseDay) AS day, c.category_key, c.channel, \(unsafeRaw: values) \
                FROM cases c WHERE \(source.placed) AND \(unsafeRaw: sentToDepartment) AND \(notFrozen(caseDay)) AND \(only) \
                GROUP BY c.unit_id, c.department_key, \(unsafeRaw: caseDay), c.category_key, c.channel) \
                INSERT INTO case_department_tallies (unit_id, department_key, day, category_key, channel, \(unsafeRaw: columns)) \
                SELECT k.unit_id, p.department_key, p.day, p.category_key, p.channel, \(unsafeRaw: sums) FROM p JOIN \(unsafeRaw: source.join) \
                WHERE 1 = 1 GROUP BY k.unit_id, p.department_key, p.day, p.category_key, p.channel \
                ON CONFLICT (unit_id, department_key, day, category_key, channel) DO UPDATE SET \(unsafeRaw: update)
                """
            ).run()
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

extension MeasureRollup {
    /// The coarse roll-ups (see `CreateCoarseTallies`): each step adds to them what it adds to the fine
    /// rows, in the same statement batch; a recount refreshes them from the fine rows.
    enum Coarse {
        static let monthly = "case_tallies_monthly"
        static let daily = "case_tallies_daily"
        /// Per unit and month, all categories and channels together (`UpdateTalliesAddUnitMonthly`).
        static let unitMonthly = "case_tallies_unit_monthly"
        static let workload = "case_workload_monthly"

        /// Adds the fine rows' changes (already merged per key, zeros left out) to both coarse tables.
        static func add(_ rows: [(Key, TallyCounts)], on sql: any SQLDatabase) async throws {
            // The same key, its day the month (monthly) or its category and channel left out (daily).
            var byMonth: [Key: TallyCounts] = [:], byDay: [Key: TallyCounts] = [:], byUnitMonth: [Key: TallyCounts] = [:]
            for (key, counts) in rows {
                let month = String(key.day.prefix(7))
                byMonth[Key(unit: key.unit, day: month, category: key.category, channel: key.channel), default: TallyCounts()] += counts
                byDay[Key(unit: key.unit, day: key.day, category: "", channel: ""), default: TallyCounts()] += counts
                byUnitMonth[Key(unit: key.unit, day: month, category: "", channel: ""), default: TallyCounts()] += counts
            }
            try await upsert(monthly, keys: ["month", "category_key", "channel"], byMonth.map { ($0.key.unit, [$0.key.day, $0.key.category, $0.key.channel], $0.value) }, on: sql)
            try await upsert(daily, keys: ["day"], byDay.map { ($0.key.unit, [$0.key.day], $0.value) }, on: sql)
            try await upsert(unitMonthly, keys: ["month"], byUnitMonth.map { ($0.key.unit, [$0.key.day], $0.value) }, on: sql)
        }

        /// Adds steps per unit, day and person to the per-month rows.
        static func addWork(_ steps: [WorkKey: Int], on sql: any SQLDatabase) async throws {
            var byMonth: [WorkKey: Int] = [:]
            for (key, n) in steps { byMonth[WorkKey(unit: key.unit, period: String(key.period.prefix(7)), person: key.person), default: 0] += n }
            try await upsertSteps(workload, period: "month", byMonth, on: sql)
        }

        /// Makes the coarse rows of `units` (all when nil) in the months not frozen the GROUP BY of
        /// their fine rows again, after a recount or a move rewrote the fine rows. `unitMonths`: the
        /// per-unit-month table too (false only before it exists, in `CreateCoarseTallies`).
        static func refresh(units: SQLQueryString?, frozen: [String], unitMonths: Bool = true, on sql: any SQLDatabase) async throws {
            let notFrozen = MeasureRollup.notFrozen(frozen)
            let only: SQLQueryString = units.map { "unit_id IN (\($0))" } ?? "1 = 1"
            let month = "substr(day, 1, 7)"
            for table in [monthly, daily, workload] + (unitMonths ? [unitMonthly] : []) {
                try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE \(only) AND \(notFrozen(table == daily ? "day" : "month"))").run()
            }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: monthly) (unit_id, month, category_key, channel, \(unsafeRaw: columns)) \
                SELECT unit_id, \(unsafeRaw: month), category_key, channel, \(unsafeRaw: plainSums) FROM case_tallies \
                WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, \(unsafeRaw: month), category_key, channel
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: daily) (unit_id, day, \(unsafeRaw: columns)) \
                SELECT unit_id, day, \(unsafeRaw: plainSums) FROM case_tallies WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, day
                """
            ).run()
            if unitMonths { try await fillUnitMonthly(only: only, notFrozen: notFrozen("day"), on: sql) }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: workload) (unit_id, month, person, steps) \
                SELECT unit_id, \(unsafeRaw: month), person, SUM(steps) FROM case_workload \
                WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, \(unsafeRaw: month), person
                """
            ).run()
        }

        /// Fills the per-unit-month rows of `only` from the per-day rows (an exact GROUP BY of them).
        static func fillUnitMonthly(only: SQLQueryString, notFrozen: SQLQueryString, on sql: any SQLDatabase) async throws {
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: unitMonthly) (unit_id, month, \(unsafeRaw: columns)) \
                SELECT unit_id, substr(day, 1, 7), \(unsafeRaw: plainSums) FROM \(unsafeRaw: daily) WHERE \(only) AND \(notFrozen) \
                GROUP BY unit_id, substr(day, 1, 7)
                """
            ).run()
        }

        /// The units whose fine rows a move of the subtree at `path` to `newPath` rewrote: those above
        /// it before and after, and the subtree itself.
        static func moved(_ path: String, _ newPath: String) -> SQLQueryString {
            let above = (path + "/" + newPath).split(separator: "/").compactMap { UUID(uuidString: String($0)) }
            return "SELECT id FROM units WHERE id IN (\(binds: above)) OR \(Scope.under("path", newPath))"
        }
    }

    /// Adds counters to a roll-up table keyed by unit and `keys`, 500 rows a statement.
    static func upsert(_ table: String, keys: [String], _ rows: [(unit: UUID, key: [String], counts: TallyCounts)], on sql: any SQLDatabase) async throws {
        let columns = ["unit_id"] + keys + perCase.map(\.rawValue)
        let update = perCase.map { "\($0.rawValue) = \(table).\($0.rawValue) + excluded.\($0.rawValue)" }.joined(separator: ", ")
        for start in stride(from: 0, to: rows.count, by: 500) {
            let values = rows[start..<min(rows.count, start + 500)].map { row -> SQLQueryString in
                "(\(bind: row.unit), \(binds: row.key), \(binds: perCase.map { row.counts[$0] }))"
            }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES \(values.joined(separator: ", ")) \
                ON CONFLICT (\(unsafeRaw: (["unit_id"] + keys).joined(separator: ", "))) DO UPDATE SET \(unsafeRaw: update)
                """
            ).run()
        }
    }
}

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
        static let workload = "case_workload_monthly"

        /// Adds the fine rows' changes (already merged per key, zeros left out) to both coarse tables.
        static func add(_ rows: [(Key, TallyCounts)], on sql: any SQLDatabase) async throws {
            var byMonth: [[String]: (UUID, TallyCounts)] = [:], byDay: [[String]: (UUID, TallyCounts)] = [:]
            for (key, counts) in rows {
                let month = [key.unit.uuidString, String(key.day.prefix(7)), key.category, key.channel]
                byMonth[month, default: (key.unit, TallyCounts())].1 += counts
                byDay[[key.unit.uuidString, key.day], default: (key.unit, TallyCounts())].1 += counts
            }
            try await upsert(monthly, keys: ["month", "category_key", "channel"], byMonth.map { ($0.value.0, Array($0.key.dropFirst()), $0.value.1) }, on: sql)
            try await upsert(daily, keys: ["day"], byDay.map { ($0.value.0, Array($0.key.dropFirst()), $0.value.1) }, on: sql)
        }

        /// Adds steps per unit, day and person to the per-month rows.
        static func addWork(_ steps: [[String]: Int], on sql: any SQLDatabase) async throws {
            var byMonth: [[String]: Int] = [:]
            for (key, n) in steps { byMonth[[key[0], String(key[1].prefix(7)), key[2]], default: 0] += n }
            guard !byMonth.isEmpty else { return }
            let values = byMonth.map { key, n -> SQLQueryString in "(\(bind: UUID(uuidString: key[0])!), \(bind: key[1]), \(bind: key[2]), \(bind: n))" }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: workload) (unit_id, month, person, steps) VALUES \(values.joined(separator: ", ")) \
                ON CONFLICT (unit_id, month, person) DO UPDATE SET steps = \(unsafeRaw: workload).steps + excluded.steps
                """
            ).run()
        }

        /// Makes the coarse rows of `units` (all when nil) in the months not frozen the GROUP BY of
        /// their fine rows again, after a recount or a move rewrote the fine rows.
        static func refresh(units: SQLQueryString?, frozen: [String], on sql: any SQLDatabase) async throws {
            let notFrozen = MeasureRollup.notFrozen(frozen)
            let only: SQLQueryString = units.map { "unit_id IN (\($0))" } ?? "1 = 1"
            let columns = perCase.map(\.rawValue).joined(separator: ", ")
            let sums = perCase.map { "SUM(\($0.rawValue))" }.joined(separator: ", ")
            let month = "substr(day, 1, 7)"
            for table in [monthly, daily, workload] { try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE \(only) AND \(notFrozen(table == daily ? "day" : "month"))").run() }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: monthly) (unit_id, month, category_key, channel, \(unsafeRaw: columns)) \
                SELECT unit_id, \(unsafeRaw: month), category_key, channel, \(unsafeRaw: sums) FROM case_tallies \
                WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, \(unsafeRaw: month), category_key, channel
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: daily) (unit_id, day, \(unsafeRaw: columns)) \
                SELECT unit_id, day, \(unsafeRaw: sums) FROM case_tallies WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, day
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: workload) (unit_id, month, person, steps) \
                SELECT unit_id, \(unsafeRaw: month), person, SUM(steps) FROM case_workload \
                WHERE \(only) AND \(notFrozen("day")) GROUP BY unit_id, \(unsafeRaw: month), person
                """
            ).run()
        }

        /// The units whose fine rows a move of the subtree at `path` to `newPath` rewrote: those above
        /// it before and after, and the subtree itself.
        static func moved(_ path: String, _ newPath: String) -> SQLQueryString {
            let above = (path + "/" + newPath).split(separator: "/").compactMap { UUID(uuidString: String($0)) }
            return "SELECT id FROM units WHERE id IN (\(binds: above)) OR path LIKE \(bind: newPath + "%")"
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

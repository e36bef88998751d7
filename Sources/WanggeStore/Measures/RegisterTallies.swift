import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The counters read from the registers (`Tally.fromRegisters`): the households and the people in
/// them as the register stands now (a register is loaded or imported at one time, so "registered by
/// the period's end" would leave every month before the import empty), and their home visits up to
/// the period's last day. Each is counted once per grid, in one grouped query over the households
/// under the units asked about, and summed up the tree here.
enum RegisterTallies {
    /// A unit asked about: its id, its path, and whether it is the top of the tree (which also
    /// holds the households placed in no grid).
    struct Place {
        var id: UUID
        var path: String
        var isTop: Bool
    }

    /// The longest path every unit's path starts with, cut at a unit's boundary.
    static func commonPrefix(_ paths: [String]) -> String {
        guard var prefix = paths.first else { return "" }
        for p in paths.dropFirst() {
            while !p.hasPrefix(prefix) { prefix.removeLast() }
        }
        while !prefix.isEmpty && !prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix
    }

    static func counts(for places: [Place], _ period: MeasurePeriod, on sql: any SQLDatabase) async throws -> [UUID: TallyCounts] {
        guard !places.isEmpty else { return [:] }
        let halfYear = VisitCoverage.halfYear(containing: period.to).start
        let prefix = commonPrefix(places.map(\.path))
        let grids = try await perUnit(under: prefix, halfYear: halfYear.description, to: period.to.description, on: sql)
        var unplaced = 0
        if places.contains(where: \.isTop) {
            unplaced =
                try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE unit_id IS NULL").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
        var out = sum(grids, into: places)
        for place in places {
            var t = out[place.id] ?? TallyCounts()
            if place.isTop { t[.households] += unplaced }
            out[place.id] = t
        }
        return out
    }

    /// Adds rows kept per unit (by path) to each place whose subtree holds the unit: a row's path is
    /// walked up its ancestors, one dictionary look-up each, instead of every place testing every
    /// row (a ranking's 1,000 grids against 1,000 rows: a million prefix tests, ≈30 ms a read).
    /// Paths are ASCII (`/` and UUIDs), so the walk is over bytes and each ancestor is looked up as a
    /// slice of the row's own path, with nothing allocated per step.
    static func sum(_ rows: [(path: String, counts: TallyCounts)], into places: [Place]) -> [UUID: TallyCounts] {
        var byPath: [Substring: [UUID]] = [:]
        for place in places { byPath[place.path[...], default: []].append(place.id) }
        var out: [UUID: TallyCounts] = [:]
        for row in rows {
            let path = row.path
            var i = path.utf8.startIndex
            while let slash = path.utf8[i...].firstIndex(of: UInt8(ascii: "/")) {
                let end = path.utf8.index(after: slash)
                if let ids = byPath[path[..<end]] {
                    for id in ids { out[id, default: TallyCounts()] += row.counts }
                }
                i = end
            }
        }
        return out
    }

    /// The kinds of change-log entries that can move a unit's register counts.
    static let registerKinds = ["household", "resident"]

    /// How many days a stored count is kept after it was counted.
    static let keptDays = 35

    struct Stored: Decodable {
        var unit_id: UUID
        var through_seq: Int64
        var households: Int
        var with_people: Int
        var visited: Int
    }

    /// A stored row read column by column: a district's thousand rows through `Decodable`'s
    /// containers cost more than reading them from SQLite.
    static func stored(_ row: any SQLRow) throws -> Stored {
        Stored(
            unit_id: try row.decode(column: "unit_id", as: UUID.self), through_seq: Int64(try row.decode(column: "through_seq", as: Int.self)),
            households: try row.decode(column: "households", as: Int.self), with_people: try row.decode(column: "with_people", as: Int.self),
            visited: try row.decode(column: "visited", as: Int.self))
    }

    /// Each unit under `prefix` with its counts: stored counts where the change log has nothing newer
    /// for the unit, counted afresh (and stored again) where it has. The newest register change is
    /// read before counting, so a change committed meanwhile is newer than what is stored and is
    /// counted next time; on PostgreSQL the change log's numbers commit in order (see `CreateSync`).
    static func perUnit(under prefix: String, halfYear: String, to: String, on sql: any SQLDatabase) async throws -> [(path: String, counts: TallyCounts)] {
        let units = try await sql.raw("SELECT id, path FROM units WHERE \(Scope.under("path", prefix))").all().map { row in
            (id: try row.decode(column: "id", as: UUID.self), path: try row.decode(column: "path", as: String.self))
        }
        var head: Int64 = 0
        for kind in registerKinds {
            let n = try await sql.raw("SELECT MAX(seq) AS n FROM sync_changes WHERE kind = \(bind: kind)").first()?.decode(column: "n", as: Int64?.self)
            head = max(head, n ?? 0)
        }
        var stored: [UUID: Stored] = [:]
        for row in try await sql.raw(
            """
            SELECT t.unit_id, t.through_seq, t.households, t.with_people, t.visited FROM register_tallies t JOIN units u ON u.id = t.unit_id \
            WHERE t.half_year = \(bind: halfYear) AND t.to_day = \(bind: to) AND \(Scope.under("u.path", prefix))
            """
        ).all() {
            let row = try Self.stored(row)
            stored[row.unit_id] = row
        }
        var stale = Set(units.map(\.id).filter { stored[$0] == nil })
        if let oldest = stored.values.map(\.through_seq).min(), oldest < head {
            for row in try await sql.raw(
                """
                SELECT unit_id, MAX(seq) AS seq FROM sync_changes WHERE kind IN (\(binds: registerKinds)) AND seq > \(bind: oldest) \
                AND unit_id IS NOT NULL GROUP BY unit_id
                """
            ).all() {
                let unit = try row.decode(column: "unit_id", as: UUID.self)
                if let s = stored[unit], try row.decode(column: "seq", as: Int64.self) > s.through_seq { stale.insert(unit) }
            }
        }
        if !stale.isEmpty {
            // Every unit counted at once when most are stale (the first view of a period), else only those.
            let all = stale.count * 2 > units.count
            let fresh = try await count(all ? nil : Array(stale), under: prefix, halfYear: halfYear, to: to, on: sql)
            var rows: [Stored] = []
            for id in stale {
                let c = fresh[id]
                rows.append(
                    Stored(unit_id: id, through_seq: head, households: c?.households ?? 0, with_people: c?.withPeople ?? 0, visited: c?.visited ?? 0))
            }
            for row in rows { stored[row.unit_id] = row }
            // Keeping them is an optimisation: a busy write lock must not fail the read.
            try? await keep(rows, halfYear: halfYear, to: to, on: sql)
        }
        return units.compactMap { unit in
            guard let s = stored[unit.id], s.households > 0 else { return nil }
            var t = TallyCounts()
            t[.households] = s.households
            t[.householdsInGrids] = s.households
            t[.householdsWithPeople] = s.with_people
            t[.householdsVisited] = s.visited
            return (unit.path, t)
        }
    }

    /// The registers counted from the households: every unit under `prefix`, or only `units`.
    static func count(
        _ units: [UUID]?, under prefix: String, halfYear: String, to: String, on sql: any SQLDatabase
    ) async throws -> [UUID: (households: Int, withPeople: Int, visited: Int)] {
        var out: [UUID: (households: Int, withPeople: Int, visited: Int)] = [:]
        let which: SQLQueryString = units.map { "h.unit_id IN (\(binds: $0))" } ?? "\(Scope.under("u.path", prefix))"
        let rows = try await sql.raw(
            """
            SELECT h.unit_id, COUNT(*) AS households, \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id) \
            THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_people, \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM home_visits v WHERE v.household_id = h.id AND v.state = \(bind: VisitState.recorded.rawValue) \
            AND v.day >= \(bind: halfYear) AND v.day <= \(bind: to)) THEN 1 ELSE 0 END), 0) AS BIGINT) AS visited \
            FROM households h JOIN units u ON u.id = h.unit_id \
            WHERE \(which) GROUP BY h.unit_id
            """
        ).all()
        for row in rows {
            out[try row.decode(column: "unit_id", as: UUID.self)] = (
                try row.decode(column: "households", as: Int.self), try row.decode(column: "with_people", as: Int.self),
                try row.decode(column: "visited", as: Int.self)
            )
        }
        return out
    }

    /// Stores counts (a newer `through_seq` wins when two instances count at once) and drops those
    /// not counted in `keptDays` (a period nobody looks at any more; one still viewed is counted again).
    static func keep(_ rows: [Stored], halfYear: String, to: String, on sql: any SQLDatabase) async throws {
        let now = Date()
        for chunk in stride(from: 0, to: rows.count, by: 500).map({ rows[$0..<min($0 + 500, rows.count)] }) {
            let values = SQLList(
                chunk.map { r in
                    SQLList(
                        [
                            SQLBind(r.unit_id), SQLBind(halfYear), SQLBind(to), SQLBind(r.through_seq), SQLBind(r.households), SQLBind(r.with_people),
                            SQLBind(r.visited), SQLBind(now),
                        ] as [any SQLExpression])
                }.map { SQLGroupExpression($0) as any SQLExpression })
            try await sql.raw(
                """
                INSERT INTO register_tallies (unit_id, half_year, to_day, through_seq, households, with_people, visited, computed_at) VALUES \(values) \
                ON CONFLICT (unit_id, half_year, to_day) DO UPDATE SET through_seq = excluded.through_seq, households = excluded.households, \
                with_people = excluded.with_people, visited = excluded.visited, computed_at = excluded.computed_at \
                WHERE excluded.through_seq >= register_tallies.through_seq
                """
            ).run()
        }
        try await sql.raw("DELETE FROM register_tallies WHERE computed_at < \(bind: now.addingTimeInterval(-Double(keptDays) * 86_400))").run()
    }
}

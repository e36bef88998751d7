import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The counters read from the registers (`Tally.fromRegisters`): the households and the people in
/// them as the register stands now (a register is loaded or imported at one time, so "registered by
/// the period's end" would leave every month before the import empty), and their home visits up to
/// the period's last day. Each is counted once per grid, in one grouped query over the households
/// under the units asked about, kept per grid (`register_tallies`) and summed up the tree in SQL
/// (`TreeSums`).
enum RegisterTallies {
    /// A unit asked about: its id, its path, and whether it is the top of the tree (which also
    /// holds the households placed in no grid).
    struct Place: Hashable {
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

    /// Each place's counts; `head` is the newest register change (`TallyCache.Stamp.registers`), read
    /// before counting.
    static func counts(for places: [Place], _ period: MeasurePeriod, head: Int64, on sql: any SQLDatabase) async throws -> [UUID: TallyCounts] {
        guard !places.isEmpty else { return [:] }
        let halfYear = VisitCoverage.halfYear(containing: period.to).start
        let prefix = commonPrefix(places.map(\.path))
        var out = try await perPlace(places, under: prefix, halfYear: halfYear.description, to: period.to.description, head: head, on: sql)
        var unplaced = 0
        if places.contains(where: \.isTop) {
            unplaced =
                try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE unit_id IS NULL").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
        for place in places where place.isTop { out[place.id, default: TallyCounts()][.households] += unplaced }
        return out
    }

    /// Adds rows per unit (by path) to each place whose subtree holds the unit. A place's path ends
    /// with its own id, so a row belongs to a place when the row's path, cut at the place path's
    /// length, ends with that id: each row is checked only at the lengths the places have (two for a
    /// ranking's communities and grids), each check a UUID read from the path's bytes and looked up —
    /// no prefix tests of every place against every row, no string hashing (a ranking sums 4 × 1,111 rows).
    static func sum(_ rows: [(path: String, counts: TallyCounts)], into places: [Place]) -> [UUID: TallyCounts] {
        struct Key: Hashable {
            var length: Int
            var id: UUID
        }
        func segment(_ path: UnsafeBufferPointer<UInt8>, endingAt length: Int) -> UUID? {
            guard length >= 38, length <= path.count, path[length - 1] == UInt8(ascii: "/"), path[length - 38] == UInt8(ascii: "/") else { return nil }
            return CanonicalUUID.parse(utf8: path[(length - 37)..<(length - 1)])
        }
        var byKey: [Key: [UUID]] = [:]
        for place in places {
            var path = place.path
            let length = path.utf8.count
            if let id = path.withUTF8({ segment($0, endingAt: length) }) { byKey[Key(length: length, id: id), default: []].append(place.id) }
        }
        let lengths = Set(byKey.keys.map(\.length)).sorted()
        var out: [UUID: TallyCounts] = [:]
        for row in rows {
            var path = row.path
            path.withUTF8 { bytes in
                for length in lengths where length <= bytes.count {
                    guard let id = segment(bytes, endingAt: length), let ids = byKey[Key(length: length, id: id)] else { continue }
                    for id in ids { out[id, default: TallyCounts()] += row.counts }
                }
            }
        }
        return out
    }

    /// The kinds of change-log entries that can move a unit's register counts.
    static let registerKinds = ["household", "resident"]

    /// How many days a stored count is kept after it was counted.
    static let keptDays = 35

    struct Stored {
        var unit_id: UUID
        var through_seq: Int64
        var households: Int
        var with_people: Int
        var visited: Int
    }

    /// The counters of a stored row.
    static func tallies(_ s: Stored) -> TallyCounts { tallies(households: s.households, withPeople: s.with_people, visited: s.visited) }

    static func tallies(households: Int, withPeople: Int, visited: Int) -> TallyCounts {
        var t = TallyCounts()
        t[.households] = households
        t[.householdsInGrids] = households
        t[.householdsWithPeople] = withPeople
        t[.householdsVisited] = visited
        return t
    }

    /// Each place's counts: the stored counts of the units under it, summed in SQL (`TreeSums`), then
    /// corrected for the units whose stored row is missing or older than the change log says — those
    /// are counted afresh and stored again. The newest register change (`head`) is read before
    /// counting, so a change committed meanwhile is newer than what is stored and is counted next time;
    /// on PostgreSQL the change log's numbers commit in order (see `CreateSync`).
    static func perPlace(
        _ places: [Place], under prefix: String, halfYear: String, to: String, head: Int64, on sql: any SQLDatabase
    ) async throws -> [UUID: TallyCounts] {
        let kept: SQLQueryString = "t.unit_id = u.id AND t.half_year = \(bind: halfYear) AND t.to_day = \(bind: to)"
        let tree = TreeSums(places)
        let rows = try await tree.read(
            "SELECT u.path, t.through_seq, t.households, t.with_people, t.visited FROM units u LEFT JOIN register_tallies t ON \(kept) WHERE \(Scope.under("u.path", prefix))",
            sums: ["households", "with_people", "visited"], extra: "COUNT(*) AS units, COUNT(through_seq) AS kept, MIN(through_seq) AS oldest", on: sql)
        var out = try tree.sum(rows) { row in
            tallies(
                households: try row.decode(column: "households", as: Int.self), withPeople: try row.decode(column: "with_people", as: Int.self),
                visited: try row.decode(column: "visited", as: Int.self))
        }
        var units = 0, keptRows = 0, oldest = head
        for (_, row) in rows {
            units += try row.decode(column: "units", as: Int.self)
            keptRows += try row.decode(column: "kept", as: Int.self)
            oldest = min(oldest, try row.decode(column: "oldest", as: Int64?.self) ?? head)
        }
        guard keptRows < units || oldest < head else { return out }
        // The stale units, with what is stored for them (if anything).
        var stale: [(id: UUID, path: String, stored: Stored?)] = []
        for row in try await sql.raw(
            """
            SELECT u.id, u.path, t.through_seq, t.households, t.with_people, t.visited FROM units u LEFT JOIN register_tallies t ON \(kept) \
            LEFT JOIN (SELECT unit_id, MAX(seq) AS seq FROM sync_changes WHERE kind IN (\(binds: registerKinds)) AND seq > \(bind: oldest) \
            AND unit_id IS NOT NULL GROUP BY unit_id) c ON c.unit_id = u.id \
            WHERE \(Scope.under("u.path", prefix)) AND (t.unit_id IS NULL OR c.seq > t.through_seq)
            """
        ).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let stored = try row.decode(column: "through_seq", as: Int?.self).map { seq in
                Stored(
                    unit_id: id, through_seq: Int64(seq), households: try row.decode(column: "households", as: Int.self),
                    with_people: try row.decode(column: "with_people", as: Int.self), visited: try row.decode(column: "visited", as: Int.self))
            }
            stale.append((id, try row.decode(column: "path", as: String.self), stored))
        }
        guard !stale.isEmpty else { return out }
        // Every unit counted at once when most are stale (the first view of a period), else only those.
        let fresh = try await count(stale.count * 2 > units ? nil : stale.map(\.id), under: prefix, halfYear: halfYear, to: to, on: sql)
        var renewed: [Stored] = [], changes: [(path: String, counts: TallyCounts)] = []
        for unit in stale {
            let c = fresh[unit.id]
            let now = Stored(unit_id: unit.id, through_seq: head, households: c?.households ?? 0, with_people: c?.withPeople ?? 0, visited: c?.visited ?? 0)
            renewed.append(now)
            changes.append((unit.path, tallies(now) - (unit.stored.map(tallies) ?? TallyCounts())))
        }
        for (id, change) in sum(changes, into: places) { out[id, default: TallyCounts()] += change }
        // Keeping them is an optimisation: a busy write lock must not fail the read.
        try? await keep(renewed, halfYear: halfYear, to: to, on: sql)
        return out
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

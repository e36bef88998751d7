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
        let rows = try await sql.raw(
            """
            SELECT u.path, COUNT(*) AS households, \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id) \
            THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_people, \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM home_visits v WHERE v.household_id = h.id AND v.state = \(bind: VisitState.recorded.rawValue) \
            AND v.day >= \(bind: halfYear.description) AND v.day <= \(bind: period.to.description)) THEN 1 ELSE 0 END), 0) AS BIGINT) AS visited \
            FROM households h JOIN units u ON u.id = h.unit_id \
            WHERE u.path LIKE \(bind: prefix + "%") GROUP BY u.path
            """
        ).all()
        var grids: [(path: String, counts: TallyCounts)] = []
        for row in rows {
            var t = TallyCounts()
            let n = try row.decode(column: "households", as: Int.self)
            t[.households] = n
            t[.householdsInGrids] = n
            t[.householdsWithPeople] = try row.decode(column: "with_people", as: Int.self)
            t[.householdsVisited] = try row.decode(column: "visited", as: Int.self)
            grids.append((try row.decode(column: "path", as: String.self), t))
        }
        var unplaced = 0
        if places.contains(where: \.isTop) {
            unplaced =
                try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE unit_id IS NULL").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
        var out: [UUID: TallyCounts] = [:]
        for place in places {
            var t = grids.filter { $0.path.hasPrefix(place.path) }.reduce(TallyCounts()) { $0 + $1.counts }
            if place.isTop { t[.households] += unplaced }
            out[place.id] = t
        }
        return out
    }
}

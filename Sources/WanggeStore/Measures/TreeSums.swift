import Foundation
import SQLKit
import WanggeCore

/// Sums of rows kept per unit, for the places up the tree that hold those units, added up in SQL.
/// A unit's path is its ancestors' paths followed by its own id (`/district/street/…/`), and every
/// path segment has the same length (a UUID and a "/"), so the units under a place are exactly the
/// rows whose path's first `n` characters are the place's path, `n` being that path's length. One
/// statement groups the rows once per distinct length among the places: a district dashboard asks
/// for the district and its ten streets and gets eleven rows back, not a row per grid to sum here.
struct TreeSums {
    let places: [RegisterTallies.Place]

    init(_ places: [RegisterTallies.Place]) { self.places = places }

    /// The distinct lengths of the places' paths, shortest first.
    var lengths: [Int] { Set(places.map(\.path.utf8.count)).sorted() }

    /// The statement: `inner` (a query with a `path` column and the numeric `columns`) summed per
    /// place path as `p`; with `whole`, one more row with `p` empty holding those aggregates over all of
    /// `inner`'s rows (each arm carries them, as UNION ALL wants the same columns everywhere).
    func statement(_ inner: SQLQueryString, sums columns: [String], whole: String? = nil) -> SQLQueryString {
        let sums = columns.map { "CAST(COALESCE(SUM(\($0)), 0) AS BIGINT) AS \($0)" }.joined(separator: ", ")
        let aggregates = whole.map { sums + ", " + $0 } ?? sums
        var arms = lengths.map { n in
            "SELECT substr(path, 1, \(n)) AS p, \(aggregates) FROM g WHERE length(path) >= \(n) GROUP BY substr(path, 1, \(n))"
        }
        if whole != nil { arms.append("SELECT '' AS p, \(aggregates) FROM g") }
        return "WITH g AS (\(inner)) \(unsafeRaw: arms.joined(separator: " UNION ALL "))"
    }

    /// Runs `statement` and returns its rows by path (the whole's row under the empty path).
    func read(_ inner: SQLQueryString, sums columns: [String], whole: String? = nil, on sql: any SQLDatabase) async throws -> [String: any SQLRow] {
        var out: [String: any SQLRow] = [:]
        for row in try await sql.raw(statement(inner, sums: columns, whole: whole)).all() {
            out[try row.decode(column: "p", as: String.self)] = row
        }
        return out
    }

    /// Each place's value from the rows by path; places with no row are left out.
    func byPlace(_ rows: [String: any SQLRow], _ value: (any SQLRow) throws -> TallyCounts) rethrows -> [UUID: TallyCounts] {
        var out: [UUID: TallyCounts] = [:]
        for place in places {
            if let row = rows[place.path] { out[place.id] = try value(row) }
        }
        return out
    }
}

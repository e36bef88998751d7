import Foundation
import SQLKit
import WanggeCore

/// Sums of rows kept per unit, for the places up the tree that hold those units, added up mostly in
/// SQL. A unit's path is its ancestors' paths followed by its own id (`/district/street/…/`) and every
/// path segment has the same length (a UUID and a "/"), so the units under a place of the deepest
/// level asked about are the rows whose path starts with its path: one GROUP BY on the paths cut at
/// that length leaves a row per deepest place (and one per unit above them), and those few rows are
/// summed into every place here. A district dashboard asks for the district and its ten streets and
/// reads eleven rows, not a row per grid.
struct TreeSums {
    let places: [RegisterTallies.Place]

    init(_ places: [RegisterTallies.Place]) { self.places = places }

    /// `inner` (a query with a `path` column and the numeric `columns`) summed per path cut at the
    /// longest place path, with `extra` aggregates beside the sums.
    func statement(_ inner: SQLQueryString, sums columns: [String], extra: String? = nil) -> SQLQueryString {
        let length = places.map(\.path.utf8.count).max() ?? 0
        let sums = columns.map { "CAST(COALESCE(SUM(\($0)), 0) AS BIGINT) AS \($0)" } + (extra.map { [$0] } ?? [])
        let cut = "substr(path, 1, \(length))"
        return "SELECT \(unsafeRaw: cut) AS p, \(unsafeRaw: sums.joined(separator: ", ")) FROM (\(inner)) g GROUP BY \(unsafeRaw: cut)"
    }

    /// The rows of `statement`, each with its (cut) path.
    func read(_ inner: SQLQueryString, sums columns: [String], extra: String? = nil, on sql: any SQLDatabase) async throws -> [(path: String, row: any SQLRow)] {
        try await sql.raw(statement(inner, sums: columns, extra: extra)).all().map { row in (try row.decode(column: "p", as: String.self), row) }
    }

    /// Each place's total of `value` over the rows under it; places with no row under them are left out.
    func sum(_ rows: [(path: String, row: any SQLRow)], _ value: (any SQLRow) throws -> TallyCounts) rethrows -> [UUID: TallyCounts] {
        RegisterTallies.sum(try rows.map { (path: $0.path, counts: try value($0.row)) }, into: places)
    }
}

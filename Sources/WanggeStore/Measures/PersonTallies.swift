import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Each person's own cases of a frozen month, as they stood when the month froze: per grid and
/// person, the counters of the grid's cases reported in the month on which the person took a step
/// (`RankingRepository.ownCases`). A month's units are scored from its frozen roll-ups, so its
/// people are scored from this copy, not from cases that change after the freeze (late steps are
/// restatements, not new scores) — and the 9 am ranking of last month reads a few hundred rows
/// instead of every case of the district's month and their timelines (≈1 s warm, 8 s cold at 1 M cases).
enum PersonTallies {
    static let table = "person_tallies_frozen"

    /// The copy of `month` for every grid and person, taken once (a second call adds nothing).
    static func snapshot(_ month: MeasureMonth, on sql: any SQLDatabase) async throws {
        let columns = Tally.perCase.map(\.rawValue).joined(separator: ", ")
        try await sql.raw(
            """
            INSERT INTO \(unsafeRaw: table) (month, unit_id, person, \(unsafeRaw: columns)) \
            SELECT \(bind: month.description), o.grid, o.person, \(unsafeRaw: columns) FROM (\(RankingRepository.ownCasesQuery(grids: nil, names: nil, month.period, sql))) o WHERE 1 = 1 \
            ON CONFLICT (month, unit_id, person) DO NOTHING
            """
        ).run()
    }

    /// The copy's rows of `grids` and `names` for `month`; nil when the month has none (not frozen, or no case).
    static func read(_ month: MeasureMonth, grids: [UUID], names: [String], on sql: any SQLDatabase) async throws -> [RankingRepository.PersonKey: TallyCounts] {
        let columns = Tally.perCase.map(\.rawValue).joined(separator: ", ")
        var out: [RankingRepository.PersonKey: TallyCounts] = [:]
        for row in try await sql.raw(
            """
            SELECT unit_id AS grid, person, \(unsafeRaw: columns) FROM \(unsafeRaw: table) \
            WHERE month = \(bind: month.description) AND unit_id IN (\(binds: grids)) AND person IN (\(binds: names))
            """
        ).all() {
            let key = RankingRepository.PersonKey(grid: try row.decode(column: "grid", as: UUID.self), name: try row.decode(column: "person", as: String.self))
            out[key] = try MeasureRepository.counts(row)
        }
        return out
    }
}

/// The table of `PersonTallies`, filled for the months frozen already (from their cases now: the
/// best there is for them).
struct CreatePersonTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var schema = db.schema(PersonTallies.table)
            .field("month", .string, .required)
            .field("unit_id", .uuid, .required)
            .field("person", .string, .required)
        for t in Tally.perCase { schema = schema.field(.string(t.rawValue), .int64, .required) }
        try await schema.unique(on: "month", "unit_id", "person").create()
        for month in try await MeasureMonths.frozen(on: db.sql) {
            db.logger.info("measures: taking the frozen copy of people's own cases for \(month)")
            try await PersonTallies.snapshot(month, on: db.sql)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PersonTallies.table).delete()
    }
}

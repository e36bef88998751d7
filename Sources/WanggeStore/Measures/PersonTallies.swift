import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Each person's own cases, rolled up: per grid, month the case was reported and person, the counters
/// of the grid's cases on which the person took a step (by name, as the timeline records it; not
/// residents, not the system) — what the 十佳 lists score people on (`RankingRepository.ownCases`).
/// Kept in the same transaction as each intake and step, like the other roll-ups: a step adds its
/// change to every person already on the case, and a person's first step on a case adds the whole
/// case. Frozen months are left as they stood (their steps are restatements of the units' figures),
/// so a month is scored as it froze. Before, a district month's ranking read every case of the
/// month and their timelines: ≈1 s warm, 8 s cold at 1 M cases, holding one of SQLite's two connections.
/// People are ranked by month, so the rows are per month: per day (until `UpdatePersonTalliesByMonth`)
/// a district month was 111,000 rows to sum for one ranking, 58 ms in SQLite; per month about 4,000.
enum PersonTallies {
    static let table = "case_person_tallies_monthly"

    struct Key: Hashable {
        var grid: UUID
        /// The month the case was reported, "2026-11".
        var month: String
        var person: String

        init(grid: UUID, reported day: SimpleDate, person: String) {
            self.grid = grid
            self.month = MeasureMonth(day).description
            self.person = person
        }
    }

    /// Adds counters (merged per key, zeros left out).
    static func add(_ changes: [(Key, TallyCounts)], on sql: any SQLDatabase) async throws {
        var merged: [Key: TallyCounts] = [:]
        for (key, counts) in changes { merged[key, default: TallyCounts()] += counts }
        let rows = merged.filter { !$0.value.isZero }.map { (unit: $0.key.grid, key: [$0.key.month, $0.key.person], counts: $0.value) }
        try await MeasureRollup.upsert(table, keys: ["month", "person"], rows, on: sql)
    }

    /// The counters of the case `id` as stored now, its timeline included (`TallySQL.value`).
    static func value(of id: UUID, on sql: any SQLDatabase) async throws -> TallyCounts {
        guard let row = try await sql.raw("SELECT \(unsafeRaw: sums(sql)) FROM cases c WHERE c.id = \(bind: id)").first() else { return TallyCounts() }
        return try MeasureRepository.counts(row)
    }

    /// Who has taken a step on the case (staff, by name) and how many steps each.
    static func people(on id: UUID, on sql: any SQLDatabase) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT actor_name, COUNT(*) AS n FROM case_events \
            WHERE case_id = \(bind: id) AND actor_role NOT IN ('resident', 'system') GROUP BY actor_name
            """
        ).all() {
            out[try row.decode(column: "actor_name", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// After a step (its event written): the step's change `delta` for each person who was on the
    /// case before it, and the whole case for an actor taking their first step on it. Cases placed
    /// in no grid and cases of frozen months are left out.
    static func recordStep(after row: CaseRow, delta: TallyCounts, actor: CaseActor, at: Date, on sql: any SQLDatabase) async throws {
        guard let grid = row.unitID else { return }
        let day = SimpleDate(row.reportedAt)
        guard !(try await MeasureMonths.isFrozen(MeasureMonth(day), at: at, on: sql)) else { return }
        let people = try await people(on: row.id, on: sql)
        let first = CaseTallies.isWork(actor.role) && people[actor.name] == 1
        var changes: [(Key, TallyCounts)] = []
        if !delta.isZero {
            for name in people.keys where !(first && name == actor.name) { changes.append((Key(grid: grid, reported: day, person: name), delta)) }
        }
        if first { changes.append((Key(grid: grid, reported: day, person: actor.name), try await value(of: row.id, on: sql))) }
        try await add(changes, on: sql)
    }

    /// Per-case sums of every counter, for the cases `c` a query reads.
    static func sums(_ sql: any SQLDatabase) -> String {
        Tally.perCase.map { "CAST(COALESCE(SUM(\(TallySQL.value($0, sql))), 0) AS BIGINT) AS \($0.rawValue)" }.joined(separator: ", ")
    }

    /// Counts the rows of the months not frozen afresh from the cases and their timelines.
    static func recount(frozen: [String], on sql: any SQLDatabase) async throws {
        let notFrozen = MeasureRollup.notFrozen(frozen)
        let month = "substr(\(TallySQL.day("c.reported_at", sql)), 1, 7)"
        let columns = MeasureRollup.columns
        try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE \(notFrozen("month"))").run()
        try await sql.raw(
            """
            INSERT INTO \(unsafeRaw: table) (unit_id, month, person, \(unsafeRaw: columns)) \
            SELECT c.unit_id, \(unsafeRaw: month), e.person, \(unsafeRaw: sums(sql)) FROM cases c \
            JOIN (SELECT DISTINCT case_id, actor_name AS person FROM case_events WHERE actor_role NOT IN ('resident', 'system')) e ON e.case_id = c.id \
            WHERE c.unit_id IS NOT NULL AND \(notFrozen(month)) GROUP BY c.unit_id, \(unsafeRaw: month), e.person
            """
        ).run()
    }
}

/// The first table of `PersonTallies`, per day, created empty: `UpdatePersonTalliesByMonth` replaces it
/// with the per-month table, summing whatever rows an older version counted into it, or counting every
/// month from the cases (frozen ones too: there is nothing better for them) where it has none.
struct CreatePersonTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await Self.create(on: db)
    }

    /// The table per day (counted afresh by `UpdatePersonTalliesByMonth`, which replaces it).
    static func create(on db: any Database) async throws {
        var schema = db.schema(table)
            .field("unit_id", .uuid, .required)
            .field("day", .string, .required)
            .field("person", .string, .required)
        for t in Tally.perCase { schema = schema.field(.string(t.rawValue), .int64, .required) }
        try await schema.unique(on: "unit_id", "day", "person").create()
    }

    static let table = "case_person_tallies"

    func revert(on db: any Database) async throws {
        try await db.schema(Self.table).delete()
    }
}

/// `PersonTallies` per month instead of per day: the day rows summed into their month (frozen months
/// keep what they froze with), or, where there were none, every month counted from the cases.
struct UpdatePersonTalliesByMonth: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var schema = db.schema(PersonTallies.table)
            .field("unit_id", .uuid, .required)
            .field("month", .string, .required)
            .field("person", .string, .required)
        for t in Tally.perCase { schema = schema.field(.string(t.rawValue), .int64, .required) }
        try await schema.unique(on: "unit_id", "month", "person").create()
        let sql = db.sql
        let old = CreatePersonTallies.table
        let had = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: old)").first()?.decode(column: "n", as: Int.self) ?? 0
        if had > 0 {
            let columns = MeasureRollup.columns, sums = MeasureRollup.plainSums
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: PersonTallies.table) (unit_id, month, person, \(unsafeRaw: columns)) \
                SELECT unit_id, substr(day, 1, 7), person, \(unsafeRaw: sums) FROM \(unsafeRaw: old) GROUP BY unit_id, substr(day, 1, 7), person
                """
            ).run()
        } else {
            db.logger.info("measures: counting each person's own cases")
            try await PersonTallies.recount(frozen: [], on: sql)
        }
        try await db.schema(old).delete()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PersonTallies.table).delete()
        try await CreatePersonTallies.create(on: db)
    }
}

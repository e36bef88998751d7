import FluentKit
import SQLKit

/// A number that every change to the service catalogue — categories and departments, by any path,
/// a form, an import, a hand-typed statement — moves on, kept by triggers in the same transaction
/// as the change. Each instance keeps the catalogue in memory (`ServiceCatalogueCache`) and reads
/// only this number on each Open311 post, in the statement that reads the API key, so an instance
/// never offers a service another instance has just withdrawn.
struct CreateCatalogueStamp: AsyncMigration {
    static let stamp = StampTriggers(name: "catalogue", tables: ["case_categories", "departments"])

    func prepare(on db: any Database) async throws {
        try await db.schema("stamps").field("name", .string, .identifier(auto: false)).field("n", .int64, .required).create()
        try await Self.stamp.create(on: db)
    }

    func revert(on db: any Database) async throws {
        try await Self.stamp.drop(on: db)
        try await db.schema("stamps").delete()
    }
}

/// A row of `stamps` and the triggers that move it on with every change to `tables`, in the same
/// transaction as the change. SQLite: a trigger per table and kind of change, for each row.
/// PostgreSQL: one per table, for each statement (a TRUNCATE too). A table named in `columns` moves
/// the stamp on an UPDATE only when the statement sets one of those columns (`UPDATE OF`, in both
/// dialects: named in the SET list, whether or not the value changed); inserts and deletes always.
struct StampTriggers {
    let name: String
    let tables: [String]
    var columns: [String: [String]] = [:]

    var bump: String { "UPDATE stamps SET n = n + 1 WHERE name = '\(name)'" }

    func create(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("INSERT INTO stamps (name, n) VALUES (\(bind: name), 0)").run()
        try await run(triggers(postgres: sql.dialect.name == "postgresql"), on: sql)
    }

    func drop(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        try await run(dropTableTriggers(postgres: postgres) + (postgres ? ["DROP FUNCTION IF EXISTS \(name)_bump()"] : []), on: sql)
        try await sql.raw("DELETE FROM stamps WHERE name = \(bind: name)").run()
    }

    /// Puts this stamp's table triggers in place of `old`'s (same name and tables; the row and
    /// PostgreSQL's function stay), so the stamp's number carries on.
    func replaceTriggers(of old: StampTriggers, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        try await run(old.dropTableTriggers(postgres: postgres) + tableTriggers(postgres: postgres), on: sql)
    }

    func triggers(postgres: Bool) -> [String] {
        (postgres ? ["CREATE FUNCTION \(name)_bump() RETURNS trigger AS $$ BEGIN \(bump); RETURN NULL; END $$ LANGUAGE plpgsql"] : [])
            + tableTriggers(postgres: postgres)
    }

    private func update(_ table: String) -> String {
        columns[table].map { "UPDATE OF \($0.joined(separator: ", "))" } ?? "UPDATE"
    }

    private func tableTriggers(postgres: Bool) -> [String] {
        if postgres {
            return tables.map {
                "CREATE TRIGGER \(name)_\($0) AFTER INSERT OR \(update($0)) OR DELETE OR TRUNCATE ON \($0) FOR EACH STATEMENT EXECUTE FUNCTION \(name)_bump()"
            }
        }
        return tables.flatMap { table in
            [("ins", "INSERT"), ("upd", update(table)), ("del", "DELETE")].map { "CREATE TRIGGER \(name)_\(table)_\($0.0) AFTER \($0.1) ON \(table) BEGIN \(bump); END" }
        }
    }

    private func dropTableTriggers(postgres: Bool) -> [String] {
        postgres
            ? tables.map { "DROP TRIGGER IF EXISTS \(name)_\($0) ON \($0)" }
            : tables.flatMap { t in ["ins", "upd", "del"].map { "DROP TRIGGER IF EXISTS \(name)_\(t)_\($0)" } }
    }

    private func run(_ statements: [String], on sql: any SQLDatabase) async throws {
        for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
    }
}

/// The stamps of what the dashboards count beside the cases (`TallyCache`): one for participation
/// (the party overlay, the service market, the volunteer register) and one for the grid tree itself
/// (a unit moved changes what its old and new ancestors hold). The registers' households, people
/// and visits need none: the change log (`sync_changes`) already numbers every change to them.
struct CreateTallyStamps: AsyncMigration {
    static let participation = StampTriggers(
        name: "participation", tables: ["party_members", "party_service", "market_orders", "volunteers", "volunteer_records"])
    static let units = StampTriggers(name: "units", tables: ["units"])

    func prepare(on db: any Database) async throws {
        try await Self.participation.create(on: db)
        try await Self.units.create(on: db)
    }

    func revert(on db: any Database) async throws {
        try await Self.units.drop(on: db)
        try await Self.participation.drop(on: db)
    }
}

/// The tally stamps' triggers narrowed to the columns the counts read (`ParticipationTallies`, and
/// the units' place in the tree): a market order moving through its states, a volunteer's points
/// posted (`ledger_seq`), a unit renamed or its boundary drawn moved the stamps before and threw
/// away every instance's kept counts for nothing. Inserts and deletes still move them.
struct UpdateTallyStampsByColumn: AsyncMigration {
    static let participation = StampTriggers(
        name: CreateTallyStamps.participation.name, tables: CreateTallyStamps.participation.tables,
        columns: [
            "party_members": ["id", "unit_id", "registered_on"],
            "party_service": ["member_id", "day"],
            "market_orders": ["unit_id", "ordered_at", "rating"],
            "volunteers": ["id", "unit_id", "created_at"],
            "volunteer_records": ["volunteer_id", "kind", "day", "minutes"],
        ])
    static let units = StampTriggers(
        name: CreateTallyStamps.units.name, tables: CreateTallyStamps.units.tables,
        columns: ["units": ["id", "parent_id", "path", "level", "retired_at", "retired_into"]])

    func prepare(on db: any Database) async throws {
        try await Self.participation.replaceTriggers(of: CreateTallyStamps.participation, on: db)
        try await Self.units.replaceTriggers(of: CreateTallyStamps.units, on: db)
    }

    func revert(on db: any Database) async throws {
        try await CreateTallyStamps.units.replaceTriggers(of: Self.units, on: db)
        try await CreateTallyStamps.participation.replaceTriggers(of: Self.participation, on: db)
    }
}

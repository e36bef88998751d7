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
/// PostgreSQL: one per table, for each statement (a TRUNCATE too).
struct StampTriggers {
    let name: String
    let tables: [String]

    var bump: String { "UPDATE stamps SET n = n + 1 WHERE name = '\(name)'" }

    func create(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("INSERT INTO stamps (name, n) VALUES (\(bind: name), 0)").run()
        for statement in triggers(postgres: sql.dialect.name == "postgresql") { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func drop(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let statements =
            sql.dialect.name == "postgresql"
            ? tables.map { "DROP TRIGGER IF EXISTS \(name)_\($0) ON \($0)" } + ["DROP FUNCTION IF EXISTS \(name)_bump()"]
            : tables.flatMap { t in ["ins", "upd", "del"].map { "DROP TRIGGER IF EXISTS \(name)_\(t)_\($0)" } }
        for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
        try await sql.raw("DELETE FROM stamps WHERE name = \(bind: name)").run()
    }

    func triggers(postgres: Bool) -> [String] {
        if postgres {
            return ["CREATE FUNCTION \(name)_bump() RETURNS trigger AS $$ BEGIN \(bump); RETURN NULL; END $$ LANGUAGE plpgsql"]
                + tables.map {
                    "CREATE TRIGGER \(name)_\($0) AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \($0) FOR EACH STATEMENT EXECUTE FUNCTION \(name)_bump()"
                }
        }
        return tables.flatMap { table in
            [("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE")].map { "CREATE TRIGGER \(name)_\(table)_\($0.0) AFTER \($0.1) ON \(table) BEGIN \(bump); END" }
        }
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

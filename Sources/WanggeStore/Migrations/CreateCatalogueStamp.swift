import FluentKit
import SQLKit

/// A number that every change to the service catalogue — categories and departments, by any path,
/// a form, an import, a hand-typed statement — moves on, kept by triggers in the same transaction
/// as the change. Each instance keeps the catalogue in memory (`ServiceCatalogueCache`) and reads
/// only this number on each Open311 post, in the statement that reads the API key, so an instance
/// never offers a service another instance has just withdrawn.
struct CreateCatalogueStamp: AsyncMigration {
    static let tables = ["case_categories", "departments"]
    static let bump = "UPDATE stamps SET n = n + 1 WHERE name = 'catalogue'"

    func prepare(on db: any Database) async throws {
        try await db.schema("stamps").field("name", .string, .identifier(auto: false)).field("n", .int64, .required).create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("INSERT INTO stamps (name, n) VALUES ('catalogue', 0)").run()
        for statement in Self.triggers(postgres: sql.dialect.name == "postgresql") { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            let statements =
                sql.dialect.name == "postgresql"
                ? Self.tables.map { "DROP TRIGGER IF EXISTS catalogue_\($0) ON \($0)" } + ["DROP FUNCTION IF EXISTS catalogue_bump()"]
                : Self.tables.flatMap { t in ["ins", "upd", "del"].map { "DROP TRIGGER IF EXISTS catalogue_\(t)_\($0)" } }
            for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
        }
        try await db.schema("stamps").delete()
    }

    /// SQLite: a trigger per table and kind of change, for each row. PostgreSQL: one per table, for
    /// each statement (a TRUNCATE too).
    static func triggers(postgres: Bool) -> [String] {
        if postgres {
            return ["CREATE FUNCTION catalogue_bump() RETURNS trigger AS $$ BEGIN \(bump); RETURN NULL; END $$ LANGUAGE plpgsql"]
                + tables.map {
                    "CREATE TRIGGER catalogue_\($0) AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \($0) FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump()"
                }
        }
        return tables.flatMap { table in
            [("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE")].map { "CREATE TRIGGER catalogue_\(table)_\($0.0) AFTER \($0.1) ON \(table) BEGIN \(bump); END" }
        }
    }
}

import FluentKit
import SQLKit

/// The keys third-party Open311 clients post service requests with (`wangge apikey create`).
/// Only a SHA-256 of each key is stored. A name belongs to one live key at a time, so a key can
/// be replaced under the same name once the old one is revoked. The index on `cases.reported_at`
/// serves the public request list, which is filtered and ordered by that time.
struct CreateOpen311ApiKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("open311_api_keys")
            .id()
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "key_hash")
            .create()
        let sql = db.sql
        // Partial indexes: both SQLite and PostgreSQL accept this form.
        try await sql.raw("CREATE UNIQUE INDEX idx_open311_api_keys_live_name ON open311_api_keys (name) WHERE revoked_at IS NULL").run()
        try await sql.raw("CREATE INDEX idx_open311_cases_reported_at ON cases (reported_at)").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw("DROP INDEX idx_open311_cases_reported_at").run()
        try await db.schema("open311_api_keys").delete()
    }
}

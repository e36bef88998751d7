import FluentKit
import SQLKit

/// The grid's social log (社情日志): one row an entry, kept under the grid it happened in and the
/// day it happened (text `YYYY-MM-DD`, China time), so a community's roll-up is a range scan.
struct CreateSocialLogEntries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("social_log_entries")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("day", .string, .required)
            .field("text", .string, .required)
            .field("category", .string)
            .field("place", .string)
            .field("author_id", .uuid)
            .field("author_name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("social_log_entries", "unit_id", "day")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("social_log_entries").delete()
    }
}

import FluentKit
import SQLKit

/// Public notices (公告) of a unit, shown on its disclosure page from their publish day until their
/// expiry day, each with at most one attachment kept in the database.
struct CreateNotices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("notices")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("publish_on", .string, .required)
            .field("expires_on", .string)
            .field("attachment_name", .string)
            .field("attachment_type", .string)
            .field("attachment", .data)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("notices", "unit_id", "publish_on")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("notices").delete()
    }
}

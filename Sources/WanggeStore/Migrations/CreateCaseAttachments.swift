import FluentKit
import SQLKit

/// Photos of a case step (C1, C3), kept in the database itself: several stateless instances share
/// one PostgreSQL, so a file on one instance's disk would be missing on the others. Each belongs
/// to the case and to the timeline event (`event_seq`) it was sent with.
struct CreateCaseAttachments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("case_attachments")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("event_seq", .int, .required)
            .field("content_type", .string, .required)
            .field("byte_size", .int, .required)
            .field("sha256", .string, .required)
            .field("original_name", .string, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("case_attachments", "case_id", "event_seq")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_attachments").delete()
    }
}

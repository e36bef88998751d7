import FluentKit
import SQLKit

/// Every import that writes is a batch: who, when, the file's SHA-256, and each row it touched
/// with what it was before and after (JSON), so the batch can be rolled back as a whole.
struct CreateImportBatches: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_batches")
            .id()
            .field("kind", .string, .required)
            .field("account_id", .uuid)
            .field("actor", .string, .required)
            .field("created_at", .datetime, .required)
            .field("file_sha256", .string, .required)
            .field("inserted", .int, .required)
            .field("updated", .int, .required)
            .field("rolled_back_at", .datetime)
            .field("rolled_back_by", .string)
            .create()
        try await db.createIndex("import_batches", "created_at")
        try await db.schema("import_batch_rows")
            .field("batch_id", .uuid, .required, .references("import_batches", "id"))
            .field("seq", .int, .required)
            .field("record_id", .uuid, .required)
            .field("before", .string)
            .field("after", .string, .required)
            .unique(on: "batch_id", "seq")
            .create()
        try await db.createIndex("import_batch_rows", "record_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("import_batch_rows").delete()
        try await db.schema("import_batches").delete()
    }
}

import FluentKit
import SQLKit

/// The whole problem list of a refused import, as CSV, for the account that ran it to download
/// (a page lists the first 1,000). Kept a day; in the database so every instance serves it.
struct CreateImportReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_reports")
            .id()
            .field("account_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("csv", .string, .required)
            .create()
        try await db.createIndex("import_reports", "created_at")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("import_reports").delete()
    }
}

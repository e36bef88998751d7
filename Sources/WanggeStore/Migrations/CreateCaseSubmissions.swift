import FluentKit
import SQLKit

/// The one-time tokens report forms carry, each recorded with the case it made, in the same
/// transaction as the case. The unique token decides between a double tap, a browser retry or a
/// replay and the first submission, even when two arrive at once on different instances.
struct CreateCaseSubmissions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("case_submissions")
            .field("token", .string, .identifier(auto: false))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_submissions").delete()
    }
}

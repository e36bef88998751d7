import FluentKit
import SQLKit

/// Log-in sessions, in the database so that every instance behind the load balancer sees every
/// session. `account_id` lets a password change end the account's other sessions; `expires_at`
/// (seconds since 1970) lets expired sessions be purged. Replaces Fluent's `_fluent_sessions`,
/// which kept neither and so could never be purged.
struct CreateSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("sessions")
            .field("id", .string, .identifier(auto: false))
            .field("account_id", .uuid)
            .field("data", .string, .required)
            .field("expires_at", .double, .required)
            .create()
        try await db.createIndex("sessions", "account_id")
        try await db.createIndex("sessions", "expires_at")
        try await db.sql.drop(table: "_fluent_sessions").ifExists().run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("sessions").delete()
    }
}

import FluentKit

/// Log-in accounts, each holding one role bound to a unit of the grid tree (its scope).
struct CreateAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("accounts")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("must_change_password", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "username")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("accounts").delete()
    }
}

import FluentKit
import SQLKit

/// Which departments an account of the department role (职能部门) works for: one, or several named
/// explicitly. Such an account sees and acts only on cases dispatched to them.
struct CreateAccountDepartments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("account_departments")
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("department_key", .string, .required, .references("departments", "key"))
            .unique(on: "account_id", "department_key")
            .create()
        try await db.createIndex("account_departments", "department_key")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("account_departments").delete()
    }
}

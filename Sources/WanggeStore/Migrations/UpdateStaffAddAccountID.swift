import FluentKit
import SQLKit

/// Links a member of staff to the log-in account they use, if any: the grid worker who signs in is
/// the grid worker on the team list, so the team, the account and the work recorded under it agree.
struct UpdateStaffAddAccountID: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staff").field("account_id", .uuid).update()
        try await db.sql.create(index: "idx_staff_account_id").on("staff").column("account_id").unique().run()
    }

    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "idx_staff_account_id").run()
        try await db.schema("staff").deleteField("account_id").update()
    }
}

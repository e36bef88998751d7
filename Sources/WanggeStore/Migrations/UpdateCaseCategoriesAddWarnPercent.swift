import FluentKit
import SQLKit

/// The share of a category's limits after which its cases are flagged 预警: 80 % unless the
/// category screen says otherwise (50–95 %).
struct UpdateCaseCategoriesAddWarnPercent: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("case_categories").field("warn_percent", .int, .required, .sql(.default(80))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_categories").deleteField("warn_percent").update()
    }
}

import FluentKit

/// A category can be taken out of use (C2): new cases can no longer pick it, cases already filed
/// under it keep it. Every existing category starts active.
struct UpdateCaseCategoriesAddActive: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("case_categories").field("active", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_categories").deleteField("active").update()
    }
}

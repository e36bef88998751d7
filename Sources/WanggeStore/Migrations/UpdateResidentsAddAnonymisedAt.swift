import FluentKit

/// Residents' rights (PIPL art. 47): an anonymised resident keeps its row, so counts, history
/// and case links stay, but carries no personal data; `anonymised_at` marks it, so coverage does
/// not report it as a person without a household and nobody edits it back into a person.
struct UpdateResidentsAddAnonymisedAt: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("residents").field("anonymised_at", .datetime).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("residents").deleteField("anonymised_at").update()
    }
}

import FluentKit
import SQLKit

/// The case a proposal handed to a department became, so each shows the other.
struct UpdateCouncilProposalsAddCaseID: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("council_proposals").field("case_id", .uuid).update()
        try await db.createIndex("council_proposals", "case_id")
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase { try await sql.drop(index: "idx_council_proposals_case_id").run() }
        try await db.schema("council_proposals").deleteField("case_id").update()
    }
}

import FluentKit
import SQLKit

/// Major decisions run as 四议两公开 and the meetings that voted on them, with the attendance and
/// votes as recorded and the quorum and result computed from them when recorded.
struct CreateMajorDecisions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("major_decisions")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("power_item_id", .uuid, .references("power_items", "id"))
            .field("title", .string, .required)
            .field("proposal", .string, .required)
            .field("stage", .string, .required)
            .field("consultation", .string)
            .field("resolution", .string)
            .field("result", .string)
            .field("proposed_on", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.createIndex("major_decisions", "unit_id", "stage")
        try await db.schema("decision_meetings")
            .id()
            .field("decision_id", .uuid, .required, .references("major_decisions", "id"))
            .field("kind", .string, .required)
            .field("held_on", .string, .required)
            .field("eligible", .int, .required)
            .field("present", .int, .required)
            .field("approve", .int, .required)
            .field("oppose", .int, .required)
            .field("abstain", .int, .required)
            .field("quorum", .bool, .required)
            .field("passed", .bool, .required)
            .create()
        try await db.createIndex("decision_meetings", "decision_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("decision_meetings").delete()
        try await db.schema("major_decisions").delete()
    }
}

import FluentKit
import SQLKit

/// Which power item a step of a case exercised (a subsidy approved, a certificate issued under the
/// unit's power list): at most one item a step.
struct CreateCasePowerTags: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("case_power_tags")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("event_id", .uuid, .required, .references("case_events", "id"))
            .field("power_item_id", .uuid, .required, .references("power_items", "id"))
            .field("tagged_by", .string, .required)
            .field("tagged_at", .datetime, .required)
            .unique(on: "event_id")
            .create()
        try await db.createIndex("case_power_tags", "case_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_power_tags").delete()
    }
}

import FluentKit
import SQLKit

/// Power lists (小微权力清单) and authority catalogues: one row an item of a unit's list, its steps
/// kept one a line in order (the flow chart is drawn from them).
struct CreatePowerItems: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("power_items")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("category", .string, .required)
            .field("title", .string, .required)
            .field("legal_basis", .string, .required)
            .field("responsible_role", .string, .required)
            .field("steps", .string, .required)
            .field("materials", .string, .required)
            .field("time_limit_days", .int)
            .field("risk_points", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.createIndex("power_items", "unit_id", "category")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("power_items").delete()
    }
}

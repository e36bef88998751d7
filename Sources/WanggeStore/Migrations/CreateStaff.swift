import FluentKit

/// Staff of many kinds and their assignments to grids (G3). The kinds are rows, not code.
struct CreateStaff: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staff_kinds")
            .field("key", .string, .identifier(auto: false))
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("sort", .int, .required)
            .create()
        try await db.schema("staff")
            .id()
            .field("name", .string, .required)
            .field("phone", .string)
            .field("kind_key", .string, .required, .references("staff_kinds", "key"))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("staff_assignments")
            .id()
            .field("staff_id", .uuid, .required, .references("staff", "id"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("building_id", .uuid)
            .field("duty", .string)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .create()
        try await db.createIndex("staff_assignments", "unit_id")
        try await db.createIndex("staff_assignments", "staff_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("staff_assignments").delete()
        try await db.schema("staff").delete()
        try await db.schema("staff_kinds").delete()
    }
}

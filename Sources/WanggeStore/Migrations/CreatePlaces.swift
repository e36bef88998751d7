import FluentKit

/// Buildings and street shops (B2) and public components per GB/T 30428.2 (B3).
struct CreatePlaces: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("buildings")
            .id()
            .field("code", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("kind", .string, .required)
            .field("floors", .int)
            .field("lon", .double, .required)
            .field("lat", .double, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await db.createIndex("buildings", "unit_id")
        try await db.schema("components")
            .id()
            .field("code", .string, .required)
            .field("class_key", .string, .required)
            .field("subtype", .string, .required)
            .field("state", .string, .required)
            .field("lon", .double, .required)
            .field("lat", .double, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await db.createIndex("components", "unit_id")
        try await db.schema("organisations")
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("address", .string, .required)
            .field("lon", .double)
            .field("lat", .double)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("contact_name", .string)
            .field("contact_phone", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("organisations", "unit_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("organisations").delete()
        try await db.schema("components").delete()
        try await db.schema("buildings").delete()
    }
}

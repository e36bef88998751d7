import FluentKit

/// The grid tree (G1). `path` lists the ancestors' ids and the unit's own as "/a/b/c/",
/// so a subtree is one prefix match — the basis of scoping every query to a caller's part of the tree.
struct CreateUnits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("units")
            .id()
            .field("parent_id", .uuid, .references("units", "id"))
            .field("level", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("path", .string, .required)
            .field("boundary", .string)
            .field("min_lon", .double).field("min_lat", .double)
            .field("max_lon", .double).field("max_lat", .double)
            .field("retired_at", .datetime)
            .field("retired_into", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await db.createIndex("units", "parent_id")
        try await db.createIndex("units", "path")
        try await db.schema("unit_events")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("action", .string, .required)
            .field("detail", .string, .required)
            .field("actor", .string)
            .field("at", .datetime, .required)
            .create()
        try await db.createIndex("unit_events", "unit_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("unit_events").delete()
        try await db.schema("units").delete()
    }
}

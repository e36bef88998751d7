import FluentKit
import SQLKit

/// Home visits (入户走访) with their photos, and care archives (B1). A visit belongs to a household
/// and repeats its grid (`unit_id`) for scoping; `day` is the China-time date as `YYYY-MM-DD`, so
/// the last visit of each household is one indexed scan. The register changes asked for in a visit
/// (which may carry ID numbers and phones) and a care archive's notes are stored encrypted.
struct CreateHomeVisits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("home_visits")
            .id()
            .field("household_id", .uuid, .required, .references("households", "id"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("state", .string, .required)
            .field("day", .string, .required)
            .field("visited_at", .datetime, .required)
            .field("visitor_id", .uuid)
            .field("visitor_name", .string, .required)
            .field("seen", .string, .required)
            .field("met", .string, .required)
            .field("needs", .string, .required)
            .field("changes", .string, .required)
            .field("problems", .string, .required)
            .field("client_id", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "client_id")
            .create()
        try await db.createIndex("home_visits", "household_id", "state", "day")
        try await db.createIndex("home_visits", "unit_id", "state", "day")
        try await db.schema("home_visit_photos")
            .id()
            .field("visit_id", .uuid, .required, .references("home_visits", "id"))
            .field("content_type", .string, .required)
            .field("byte_size", .int, .required)
            .field("sha256", .string, .required)
            .field("original_name", .string, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("home_visit_photos", "visit_id")
        try await db.schema("care_archives")
            .id()
            .field("resident_id", .uuid, .required, .references("residents", "id"))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("frequency", .string, .required)
            .field("notes", .string, .required)
            .field("updated_by_id", .uuid)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "resident_id")
            .create()
        try await db.createIndex("care_archives", "unit_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("care_archives").delete()
        try await db.schema("home_visit_photos").delete()
        try await db.schema("home_visits").delete()
    }
}

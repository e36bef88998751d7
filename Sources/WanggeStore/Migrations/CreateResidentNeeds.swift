import FluentKit
import SQLKit

/// The needs log (居民需求日志): each need from its recording to its closing, with who resolved it
/// and how, and the case it became if it was handed on.
struct CreateResidentNeeds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("resident_needs")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("household_id", .uuid, .references("households", "id"))
            .field("resident_id", .uuid, .references("residents", "id"))
            .field("text", .string, .required)
            .field("state", .string, .required)
            .field("recorded_by_id", .uuid)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("case_id", .uuid, .references("cases", "id"))
            .field("tracking_code", .string)
            .field("resolved_by_id", .uuid)
            .field("resolved_by", .string)
            .field("resolved_at", .datetime)
            .field("resolution", .string)
            .create()
        try await db.createIndex("resident_needs", "unit_id", "state")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("resident_needs").delete()
    }
}

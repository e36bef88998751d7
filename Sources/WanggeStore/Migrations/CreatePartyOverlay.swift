import FluentKit
import SQLKit

/// The party overlay of a grid: its organisations (党支部/党小组), the party members and cadres
/// registered (报到) to it, and the service they record there, in minutes, one row an activity.
struct CreatePartyOverlay: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("party_orgs")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("secretary", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("party_orgs", "unit_id")
        try await db.schema("party_members")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("workplace", .string, .required)
            .field("registered_on", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("party_members", "unit_id")
        try await db.schema("party_service")
            .id()
            .field("member_id", .uuid, .required, .references("party_members", "id"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("day", .string, .required)
            .field("activity", .string, .required)
            .field("minutes", .int, .required)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.createIndex("party_service", "unit_id", "day")
        try await db.createIndex("party_service", "member_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("party_service").delete()
        try await db.schema("party_members").delete()
        try await db.schema("party_orgs").delete()
    }
}

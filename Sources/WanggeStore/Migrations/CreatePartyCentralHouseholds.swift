import FluentKit
import SQLKit

/// 党员中心户: a household of a grid marked as a party member's central household, with the member
/// named, and the neighbouring households it looks after (each by one central household at most).
struct CreatePartyCentralHouseholds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("party_central_households")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("household_id", .uuid, .required, .references("households", "id"))
            .field("member_name", .string, .required)
            .field("set_by", .string, .required)
            .field("set_at", .datetime, .required)
            .unique(on: "household_id")
            .create()
        try await db.createIndex("party_central_households", "unit_id")
        try await db.schema("party_central_neighbours")
            .field("central_id", .uuid, .required, .references("party_central_households", "id"))
            .field("household_id", .uuid, .required, .references("households", "id"))
            .unique(on: "household_id")
            .create()
        try await db.createIndex("party_central_neighbours", "central_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("party_central_neighbours").delete()
        try await db.schema("party_central_households").delete()
    }
}

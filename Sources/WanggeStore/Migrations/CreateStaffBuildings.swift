import FluentKit
import SQLKit

/// The buildings a proxy agent covers in their grid ("每人负责网格内的2-3栋楼"), per assignment, so
/// the cover ends with the assignment and the history stays.
struct CreateStaffBuildings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staff_buildings")
            .id()
            .field("assignment_id", .uuid, .required, .references("staff_assignments", "id"))
            .field("building_id", .uuid, .required, .references("buildings", "id"))
            .unique(on: "assignment_id", "building_id")
            .create()
        try await db.createIndex("staff_buildings", "building_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("staff_buildings").delete()
    }
}

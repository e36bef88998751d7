import FluentKit
import SQLKit

/// Departments' tasks for communities under 社区工作准入制: submitted, then reviewed against the
/// community's four lists. `negative` marks a task refused because it is on the negative list, so
/// those are counted apart.
struct CreateAdmissionTasks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("admission_tasks")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("department", .string, .required)
            .field("title", .string, .required)
            .field("detail", .string, .required)
            .field("list_item_id", .uuid, .references("four_list_items", "id"))
            .field("list", .string)
            .field("state", .string, .required)
            .field("negative", .bool, .required)
            .field("basis", .string)
            .field("reason", .string)
            .field("submitted_by_id", .uuid)
            .field("submitted_by", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("reviewed_by", .string)
            .field("reviewed_at", .datetime)
            .create()
        try await db.createIndex("admission_tasks", "unit_id", "state")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("admission_tasks").delete()
    }
}

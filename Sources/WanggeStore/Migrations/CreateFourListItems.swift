import FluentKit
import SQLKit

/// A community's four lists (四张清单): each item on one of them, with the law or rule it rests on.
struct CreateFourListItems: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("four_list_items")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("list", .string, .required)
            .field("title", .string, .required)
            .field("basis", .string, .required)
            .field("position", .int, .required)
            .create()
        try await db.createIndex("four_list_items", "unit_id", "list")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("four_list_items").delete()
    }
}

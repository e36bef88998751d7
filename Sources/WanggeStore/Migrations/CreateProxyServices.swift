import FluentKit

/// The proxy service catalogue (代办事项): each service with how far the team goes (全程代办 / 协办 /
/// 说明程序), the materials to bring and the steps, one a line, and the office that decides with its
/// limit in working days; and the case category a request for it is filed under (its checklist
/// then shows on the case). The catalogue is the district's, shared by every grid.
struct CreateProxyServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("proxy_services")
            .field("key", .string, .identifier(auto: false))
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("mode", .string, .required)
            .field("materials", .string, .required)
            .field("steps", .string, .required)
            .field("office", .string, .required)
            .field("limit_days", .int, .required)
            .field("category_key", .string, .references("case_categories", "key"))
            .field("sort", .int, .required)
            .field("active", .bool, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("proxy_services").delete()
    }
}

import FluentKit
import SQLKit
import WanggeCore

/// The case loop's tables: departments and the category tree (both seeded and
/// editable), routing rules, cases and their timeline. `cases.reporter_phone` is encrypted with
/// the same `FieldCipher` as resident ID numbers; screens show it masked.
struct CreateCases: AsyncMigration {
    /// The department a case goes to when the grid team itself handles it.
    static let gridTeam = CaseDepartment(key: "grid_team", nameZh: "网格员队伍", nameEn: "Grid team")

    func prepare(on db: any Database) async throws {
        try await db.schema("departments")
            .field("key", .string, .identifier(auto: false))
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("sort", .int, .required)
            .create()
        try await db.schema("case_categories")
            .field("key", .string, .identifier(auto: false))
            .field("parent_key", .string)
            .field("kind", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("department_key", .string, .required, .references("departments", "key"))
            .field("respond_hours", .double, .required)
            .field("resolve_hours", .double, .required)
            .field("counting", .string, .required)
            .field("complex", .bool, .required)
            .field("sort", .int, .required)
            .create()
        try await db.schema("routing_rules")
            .id()
            .field("category_key", .string, .required, .references("case_categories", "key"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("department_key", .string, .required, .references("departments", "key"))
            .unique(on: "category_key", "unit_id")
            .create()
        try await db.schema("cases")
            .id()
            .field("tracking_code", .string, .required)
            .field("category_key", .string, .required, .references("case_categories", "key"))
            .field("state", .string, .required)
            .field("level", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("department_key", .string)
            .field("channel", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("lon", .double)
            .field("lat", .double)
            .field("address", .string)
            .field("reporter_name", .string)
            .field("reporter_phone", .string)
            .field("reported_at", .datetime, .required)
            .field("responded_at", .datetime)
            .field("closed_at", .datetime)
            .field("respond_by", .datetime, .required)
            .field("respond_warn_at", .datetime, .required)
            .field("resolve_by", .datetime, .required)
            .field("resolve_warn_at", .datetime, .required)
            .field("rework_count", .int, .required)
            .field("reopen_count", .int, .required)
            .field("supervision_count", .int, .required)
            .field("outcome", .string)
            .field("rating", .string)
            .field("merged_into", .string)
            .field("suspended_since", .datetime)
            .field("suspended_until", .datetime)
            .field("state_before_suspension", .string)
            .field("suspensions", .string, .required)
            .field("version", .int, .required)
            .unique(on: "tracking_code")
            .create()
        try await db.createIndex("cases", "unit_id")
        try await db.createIndex("cases", "state")
        try await db.createIndex("cases", "resolve_by")
        try await db.schema("case_events")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("seq", .int, .required)
            .field("action", .string, .required)
            .field("from_state", .string)
            .field("to_state", .string, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("actor_role", .string, .required)
            .field("note", .string)
            .field("reason", .string)
            .field("department_key", .string)
            .field("rating", .string)
            .field("notify_reporter", .bool, .required)
            .field("at", .datetime, .required)
            .unique(on: "case_id", "seq")
            .create()

        let sql = db.sql
        var departments = sql.insert(into: "departments").columns("key", "name_zh", "name_en", "sort")
        for (i, d) in (CaseDepartment.seed + [Self.gridTeam]).enumerated() {
            departments = departments.values(SQLBind(d.key), SQLBind(d.nameZh), SQLBind(d.nameEn), SQLBind(i))
        }
        try await departments.run()
        for (n, chunk) in CaseCategory.seed.chunks(of: 100).enumerated() {
            var insert = sql.insert(into: "case_categories").columns(
                "key", "parent_key", "kind", "name_zh", "name_en", "department_key",
                "respond_hours", "resolve_hours", "counting", "complex", "sort")
            for (i, c) in chunk.enumerated() {
                insert = insert.values(
                    SQLBind(c.key), SQLBind(c.parentKey), SQLBind(c.kind.rawValue), SQLBind(c.nameZh), SQLBind(c.nameEn),
                    SQLBind(c.department), SQLBind(c.limits.respondHours), SQLBind(c.limits.resolveHours),
                    SQLBind(c.limits.counting.rawValue), SQLBind(c.isComplex), SQLBind(n * 100 + i))
            }
            try await insert.run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["case_events", "cases", "routing_rules", "case_categories", "departments"] {
            try await db.schema(table).delete()
        }
    }
}

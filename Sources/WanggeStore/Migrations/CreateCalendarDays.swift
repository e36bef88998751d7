import FluentKit
import SQLKit
import WanggeCore

/// Holidays and weekend days worked in exchange (调休), by date (`YYYY-MM-DD`), which limits
/// counted in office hours skip or count. Seeded with the State Council's calendar for 2026.
struct CreateCalendarDays: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("calendar_days")
            .field("day", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .create()
        var insert = db.sql.insert(into: "calendar_days").columns("day", "kind", "name")
        for d in OfficeCalendar.stateCouncil2026 {
            insert = insert.values(SQLBind(d.date.description), SQLBind(d.kind.rawValue), SQLBind(d.name))
        }
        try await insert.run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("calendar_days").delete()
    }
}

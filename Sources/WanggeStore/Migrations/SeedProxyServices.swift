import FluentKit
import SQLKit
import WanggeCore

/// Fills the proxy service catalogue with the services a street starts from (`ServiceCatalogueSeed`),
/// each linked to the 代办服务 case category of the same name where the category tree has one.
struct SeedProxyServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let categories = Set(try await db.sql.raw("SELECT key FROM case_categories").all().map { try $0.decode(column: "key", as: String.self) })
        for (i, entry) in ServiceCatalogueSeed.entries.enumerated() {
            let s = entry.service, category = "service.\(entry.key)"
            try await db.sql.insert(into: "proxy_services")
                .columns("key", "name_zh", "name_en", "mode", "materials", "steps", "office", "limit_days", "category_key", "sort", "active")
                .values(
                    SQLBind(entry.key), SQLBind(s.nameZh), SQLBind(s.nameEn), SQLBind(s.mode), SQLBind(s.materials.joined(separator: "\n")),
                    SQLBind(s.steps.joined(separator: "\n")), SQLBind(s.office), SQLBind(s.limitDays),
                    SQLBind(categories.contains(category) ? category : nil), SQLBind(i + 1), SQLBind(true)
                ).run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.sql.delete(from: "proxy_services").where("key", .in, ServiceCatalogueSeed.entries.map(\.key)).run()
    }
}

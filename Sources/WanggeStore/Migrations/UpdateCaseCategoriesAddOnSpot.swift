import FluentKit
import SQLKit

/// Whether a grid worker may settle a case of the category on the spot (就地解决): small matters of
/// the street — rubbish, flyers, things left in the way — that need no department. Set in the
/// category screens; these are on from the start.
struct UpdateCaseCategoriesAddOnSpot: AsyncMigration {
    static let seeded = [
        "city_appearance.exposed_garbage", "advertising.illegal_flyer", "street_order.piled_goods", "street_order.street_drying",
    ]

    func prepare(on db: any Database) async throws {
        try await db.schema("case_categories").field("on_spot", .bool, .required, .sql(.default(false))).update()
        try await db.sql.raw("UPDATE case_categories SET on_spot = \(bind: true) WHERE key IN (\(binds: Self.seeded))").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_categories").deleteField("on_spot").update()
    }
}

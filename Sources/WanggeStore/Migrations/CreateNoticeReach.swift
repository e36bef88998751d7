import FluentKit
import SQLKit

/// Targeted notices and their reach. A notice names whom it is for (`audience`: the unit, some of
/// its buildings in `notice_buildings`, or a care group by tag); when it is published the target is
/// resolved to `notice_households`, one row per household it reaches, so reach can be counted later
/// whatever the register has become. A row with a `channel` is also the household's message in the
/// outbox: its delivery columns are `DeliveryMachine`'s, as in `notifications`, and the phone is read
/// from the resident (`recipient_id`) when sending, so erasure has one place. `token` is the
/// household's own link; `opened_at` is set the first time it is opened. `notice_postings` records
/// the buildings whose notice board the sheet was posted on. `request_key` makes a repeated publish
/// (a form sent twice, an API client retrying) return the first notice instead of a second one.
struct CreateNoticeReach: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("notices").field("audience", .string, .required, .sql(.default("unit"))).update()
        try await db.schema("notices").field("care_tag", .string).update()
        try await db.schema("notices").field("request_key", .string).update()
        try await db.sql.create(index: "idx_notices_request_key").unique().on("notices").column("request_key").run()
        try await db.schema("notice_buildings")
            .field("notice_id", .uuid, .required, .references("notices", "id"))
            .field("building_id", .uuid, .required, .references("buildings", "id"))
            .compositeIdentifier(over: "notice_id", "building_id")
            .create()
        try await db.schema("notice_households")
            .id()
            .field("notice_id", .uuid, .required, .references("notices", "id"))
            .field("household_id", .uuid, .required, .references("households", "id"))
            .field("building_id", .uuid, .references("buildings", "id"))
            .field("recipient_id", .uuid, .references("residents", "id"))
            .field("token", .string, .required)
            .field("channel", .string)
            .field("state", .string)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("lease_until", .datetime)
            .field("lease_token", .uuid)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("opened_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "notice_id", "household_id")
            .unique(on: "token")
            .create()
        try await db.createIndex("notice_households", "state", "next_attempt_at")
        try await db.createIndex("notice_households", "notice_id", "building_id")
        try await db.schema("notice_postings")
            .field("notice_id", .uuid, .required, .references("notices", "id"))
            .field("building_id", .uuid, .required, .references("buildings", "id"))
            .field("posted_by", .string, .required)
            .field("posted_at", .datetime, .required)
            .compositeIdentifier(over: "notice_id", "building_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("notice_postings").delete()
        try await db.schema("notice_households").delete()
        try await db.schema("notice_buildings").delete()
        try await db.sql.drop(index: "idx_notices_request_key").run()
        try await db.schema("notices").deleteField("request_key").update()
        try await db.schema("notices").deleteField("care_tag").update()
        try await db.schema("notices").deleteField("audience").update()
    }
}

import FluentKit
import SQLKit

/// The registers' counts per unit (households, households with people, households visited in the
/// half-year up to a day), kept so a dashboard does not count half a million households on every
/// view. A row is good while the change log (`sync_changes`, filled by triggers on households,
/// residents and visits) has nothing newer for its unit than `through_seq`; see `RegisterTallies`.
/// The index on the change log's kind and sequence finds the newest register change in one seek.
struct CreateRegisterTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("register_tallies")
            .field("unit_id", .uuid, .required, .references("units", "id", onDelete: .cascade))
            .field("half_year", .string, .required)
            .field("to_day", .string, .required)
            .field("through_seq", .int64, .required)
            .field("households", .int64, .required)
            .field("with_people", .int64, .required)
            .field("visited", .int64, .required)
            .field("computed_at", .datetime, .required)
            .compositeIdentifier(over: "unit_id", "half_year", "to_day")
            .create()
        try await db.createIndex("register_tallies", "half_year", "to_day")
        try await db.createIndex("sync_changes", "kind", "seq")
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase { try await sql.drop(index: "idx_sync_changes_kind_seq").run() }
        try await db.schema("register_tallies").delete()
    }
}

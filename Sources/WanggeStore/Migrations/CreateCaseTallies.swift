import FluentKit
import SQLKit
import WanggeCore

/// The roll-ups the measures are read from: counters per unit (a grid and every unit above it),
/// day, category and channel, kept in the same transaction as each case step; the work done per
/// person and day; restatements of frozen months; and which months are frozen.
struct CreateCaseTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var tallies = db.schema("case_tallies")
            .field("unit_id", .uuid, .required)
            .field("day", .string, .required)
            .field("category_key", .string, .required)
            .field("channel", .string, .required)
        for t in Tally.perCase { tallies = tallies.field(.string(t.rawValue), .int64, .required) }
        try await tallies.unique(on: "unit_id", "day", "category_key", "channel").create()
        try await db.createIndex("case_tallies", "day")

        var restatements = db.schema("case_tally_restatements")
            .id()
            .field("unit_id", .uuid, .required)
            .field("day", .string, .required)
            .field("category_key", .string, .required)
            .field("channel", .string, .required)
            .field("case_id", .uuid, .required)
            .field("action", .string, .required)
            .field("actor_name", .string, .required)
            .field("recorded_at", .datetime, .required)
        for t in Tally.perCase { restatements = restatements.field(.string(t.rawValue), .int64, .required) }
        try await restatements.create()
        try await db.createIndex("case_tally_restatements", "unit_id", "day")

        try await db.schema("case_workload")
            .field("unit_id", .uuid, .required)
            .field("day", .string, .required)
            .field("person", .string, .required)
            .field("steps", .int64, .required)
            .unique(on: "unit_id", "day", "person")
            .create()

        try await db.schema("measure_months")
            .field("month", .string, .identifier(auto: false))
            .field("frozen_at", .datetime, .required)
            .field("frozen_by", .string, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["measure_months", "case_workload", "case_tally_restatements", "case_tallies"] { try await db.schema(table).delete() }
    }
}

/// Counts the cases already stored into the roll-ups, in one set-based pass.
struct BackfillCaseTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // The department and coarse roll-ups come later, with their own tables and backfills.
        try await MeasureRollup.rebuild(on: db.sql, departments: false, coarse: false, people: false)
    }

    func revert(on db: any Database) async throws {
        for table in ["case_workload", "case_tallies"] { try await db.sql.delete(from: table).run() }
    }
}

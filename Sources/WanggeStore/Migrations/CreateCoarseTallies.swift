import FluentKit
import SQLKit
import WanggeCore

/// Two coarser copies of `case_tallies` and one of `case_workload`, kept in the same transaction
/// as the fine rows (a dashboard of a district's month summed ≈9,000 fine rows five times):
/// - `case_tallies_monthly`: per unit, month, category and channel (whole months by category or channel);
/// - `case_tallies_daily`: per unit and day, all categories and channels together (totals, series by day);
/// - `case_workload_monthly`: the steps per unit, month and person (who worked in whole months).
/// Each is exactly a GROUP BY of its fine table, frozen months included; filled from them here.
struct CreateCoarseTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var monthly = db.schema(MeasureRollup.Coarse.monthly)
            .field("unit_id", .uuid, .required)
            .field("month", .string, .required)
            .field("category_key", .string, .required)
            .field("channel", .string, .required)
        var daily = db.schema(MeasureRollup.Coarse.daily)
            .field("unit_id", .uuid, .required)
            .field("day", .string, .required)
        for t in Tally.perCase {
            monthly = monthly.field(.string(t.rawValue), .int64, .required)
            daily = daily.field(.string(t.rawValue), .int64, .required)
        }
        try await monthly.unique(on: "unit_id", "month", "category_key", "channel").create()
        try await daily.unique(on: "unit_id", "day").create()
        try await db.schema(MeasureRollup.Coarse.workload)
            .field("unit_id", .uuid, .required)
            .field("month", .string, .required)
            .field("person", .string, .required)
            .field("steps", .int64, .required)
            .unique(on: "unit_id", "month", "person")
            .create()
        try await MeasureRollup.Coarse.refresh(units: nil, frozen: [], unitMonths: false, on: db.sql)
    }

    func revert(on db: any Database) async throws {
        for table in [MeasureRollup.Coarse.workload, MeasureRollup.Coarse.daily, MeasureRollup.Coarse.monthly] { try await db.schema(table).delete() }
    }
}

/// A fourth coarse copy, `case_tallies_unit_monthly`: per unit and month, all categories and channels
/// together, kept like the others and filled here from the per-day rows. A ranking reads the totals
/// of a district's 1,100 units for a month: from the per-day rows 33,000 rows to sum (21 ms in SQLite).
struct UpdateTalliesAddUnitMonthly: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var schema = db.schema(MeasureRollup.Coarse.unitMonthly)
            .field("unit_id", .uuid, .required)
            .field("month", .string, .required)
        for t in Tally.perCase { schema = schema.field(.string(t.rawValue), .int64, .required) }
        try await schema.unique(on: "unit_id", "month").create()
        try await MeasureRollup.Coarse.fillUnitMonthly(only: "1 = 1", notFrozen: "1 = 1", on: db.sql)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MeasureRollup.Coarse.unitMonthly).delete()
    }
}

import FluentKit
import SQLKit
import WanggeCore

/// The department roll-ups: the counters of `case_tallies` per unit, department, day, category and
/// channel, for the cases sent to a department (see `MeasureRollup.department(of:)`).
struct CreateCaseDepartmentTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        var tallies = db.schema("case_department_tallies")
            .field("unit_id", .uuid, .required)
            .field("department_key", .string, .required)
            .field("day", .string, .required)
            .field("category_key", .string, .required)
            .field("channel", .string, .required)
        for t in Tally.perCase { tallies = tallies.field(.string(t.rawValue), .int64, .required) }
        try await tallies.unique(on: "unit_id", "department_key", "day", "category_key", "channel").create()
        try await db.createIndex("case_department_tallies", "department_key", "day")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_department_tallies").delete()
    }
}

/// Counts the cases already stored into the department roll-ups. Every month is counted, frozen ones
/// too: there were no department figures to freeze, and the cases as they stand are the best record.
struct BackfillCaseDepartmentTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await MeasureRollup.countDepartments(sign: 1, frozen: [], on: db.sql)
    }

    func revert(on db: any Database) async throws {
        try await db.sql.delete(from: "case_department_tallies").run()
    }
}

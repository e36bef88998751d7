import FluentKit
import SQLKit

/// Three indexes the command view needs at a district's size (a million cases):
/// - the open cases' deadlines, covering every column the 超期 and 预警 queues test, so their counts
///   on a dashboard are read from the index without touching a case row;
/// - a grid's cases by the time they were reported, for a month of one or many grids (the rankings'
///   own cases of each person, drill-down lists of a unit and a period);
/// - cases by state, rating and closing time: the 待受理 queue holds cases rated 不满意 for 15 days
///   after closing, which without it is a walk through every closed case.
struct CreateCaseDeadlineIndexes: AsyncMigration {
    static let deadlines = "idx_cases_deadlines"
    static let unitReported = "idx_cases_unit_reported"
    static let stateRating = "idx_cases_state_rating_closed"

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.create(index: Self.deadlines).on("cases")
            .column("state").column("resolve_by").column("respond_by").column("resolve_warn_at").column("respond_warn_at").column("unit_id")
            .run()
        try await sql.create(index: Self.unitReported).on("cases").column("unit_id").column("reported_at").run()
        try await sql.create(index: Self.stateRating).on("cases").column("state").column("rating").column("closed_at").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for name in [Self.stateRating, Self.unitReported, Self.deadlines] { try await sql.drop(index: name).run() }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A member of a grid's team with the steps they took on cases of that grid in a period.
public struct RankedPerson: Sendable, Equatable {
    public var staffID: UUID
    public var name: String
    public var kindKey: String
    public var gridID: UUID
    /// 经办步骤数 in the grid over the period, from the per-person roll-up (`case_workload`).
    public var steps: Int
    /// The counters of the person's own cases in the grid in the month: the grid's cases reported in
    /// the month on which the person (by name, as the timeline records them) took a step, from their
    /// roll-up (`PersonTallies`).
    public var own: TallyCounts = TallyCounts()
}

/// What the assessment (A2) reads: the units under a unit and the teams of its grids, with their
/// counters from the roll-ups. Like every measure read, sums over roll-up rows, never cases.
public struct RankingRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// Rankings read a row per grid or person: the bulk path (see `MeasureRepository.sql`).
    var sql: any SQLDatabase { db.sql.bulk }

    /// Live units of `level` under `unit` (the unit itself included when of that level), in `scope`,
    /// by name — without their boundaries, which a ranking does not draw: a district's 1,100 grids'
    /// and communities' shapes were most of what the read returned and what the sort moved about.
    public func units(under unit: UnitRow, level: UnitLevel, in scope: Scope) async throws -> [UnitRow] {
        try await UnitRepository(db).all(in: scope, level: level, under: unit.path, boundaries: false).sorted { $0.name < $1.name }
    }

    /// Active members of `kinds` assigned to `grids`, with their steps on those grids' cases in the
    /// month and the counters of their own cases there (`RankedPerson.own`).
    public func people(of grids: [UUID], kinds: [String], month: MeasureMonth) async throws -> [RankedPerson] {
        guard !grids.isEmpty, !kinds.isEmpty else { return [] }
        // Steps and own cases from the roll-ups' rows of the month, found by their key for each member
        // (a district's month: 5.6 ms for the steps, where summing per grid and person first and joining
        // took 19 ms; reading every grid's person rows of the month meant 14,000 to pick the members' from).
        let rows = try await sql.raw(
            """
            SELECT s.id AS staff_id, s.name, s.kind_key, a.unit_id, CAST(COALESCE(w.steps, 0) AS BIGINT) AS steps, \
            p.unit_id AS own, \(unsafeRaw: MeasureRollup.columns(of: "p")) \
            FROM staff_assignments a JOIN staff s ON s.id = a.staff_id \
            LEFT JOIN \(unsafeRaw: MeasureRollup.Coarse.workload) w ON w.unit_id = a.unit_id AND w.month = \(bind: month.description) AND w.person = s.name \
            LEFT JOIN \(unsafeRaw: PersonTallies.table) p ON p.unit_id = a.unit_id AND p.month = \(bind: month.description) AND p.person = s.name \
            WHERE a.unit_id IN (\(binds: grids)) AND a.ended_at IS NULL AND s.active = \(bind: true) AND s.kind_key IN (\(binds: kinds))
            """
        ).all()
        return try rows.map { r in
            RankedPerson(
                staffID: try r.decode(column: "staff_id", as: UUID.self), name: try r.decode(column: "name", as: String.self),
                kindKey: try r.decode(column: "kind_key", as: String.self), gridID: try r.decode(column: "unit_id", as: UUID.self),
                steps: try r.decode(column: "steps", as: Int.self), own: try r.decodeNil(column: "own") ? TallyCounts() : try MeasureRepository.counts(r))
        }
    }

    /// Per grid and person, the counters of the grid's cases reported in `period` on which the
    /// person took a step, counted from the cases (what `PersonTallies` keeps): of `grids` and
    /// `names` only, or of all when nil.
    public static func ownCasesQuery(grids: [UUID]?, names: [String]?, _ period: MeasurePeriod, _ sql: any SQLDatabase) -> SQLQueryString {
        // The grids' cases of the period first (by grid and time), then only their timelines: never a
        // scan of every case's events for the names.
        let reported: SQLQueryString =
            "reported_at >= \(bind: period.from.startOfDayInChina) AND reported_at < \(bind: period.to.adding(days: 1).startOfDayInChina)"
        let inGrids: SQLQueryString = grids.map { "unit_id IN (\(binds: $0))" } ?? "unit_id IS NOT NULL"
        let named: SQLQueryString = names.map { "AND actor_name IN (\(binds: $0))" } ?? ""
        return """
            SELECT c.unit_id AS grid, e.person, \(unsafeRaw: PersonTallies.sums(sql)) FROM cases c \
            JOIN (SELECT DISTINCT case_id, actor_name AS person FROM case_events \
            WHERE case_id IN (SELECT id FROM cases WHERE \(inGrids) AND \(reported)) \
            AND actor_role NOT IN ('resident', 'system') \(named)) e ON e.case_id = c.id \
            WHERE c.\(inGrids) AND c.\(reported) \
            GROUP BY c.unit_id, e.person
            """
    }
}

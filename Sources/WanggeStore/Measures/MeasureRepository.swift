import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// One restatement: a change to a case of a frozen month, kept beside the frozen figures.
public struct Restatement: Sendable, Equatable {
    public var caseID: UUID
    public var day: SimpleDate
    public var action: CaseActionKind
    public var actorName: String
    public var recordedAt: Date
    public var change: TallyCounts

    /// The measures whose numerator or denominator this change moved.
    public var measures: [Measure] {
        Measures.all.filter { m in (m.numerator.parts + m.denominator.parts).contains { change[$0.tally] != 0 } }
    }
}

/// Reads the measures' roll-ups for a unit in scope: totals, series over time, by category, by
/// channel and by child unit. Every read is a sum over the roll-up rows of one unit and a range of
/// days, never a pass over the cases; totals and series come from the per-day rows, categories,
/// channels and the work per person from the per-month rows where the period holds whole months.
public struct MeasureRepository: Sendable, SQLRepository {
    let db: any Database
    /// The instance's copy of the registers' and participation's counts; without one, each read counts them.
    let tallies: TallyCache?
    /// Where the database stood when this repository's reads began (`reading()`); without it, each
    /// read of the counts beside the cases reads the stamps itself.
    var stamp: TallyCache.Stamp?

    public init(_ db: any Database, tallies: TallyCache? = nil) {
        self.db = db
        self.tallies = tallies
    }

    /// This repository with the stamps read once, for a page's reads: the counts beside the cases and
    /// the categories are all taken (or counted) as of these numbers, in one statement for the page.
    public func reading() async throws -> MeasureRepository {
        var repo = self
        repo.stamp = try await TallyCache.Stamp.read(on: sql)
        return repo
    }

    /// The case categories, from the instance's copy while the catalogue's stamp stands (with a
    /// stamp read and a cache), else read.
    public func categories() async throws -> [CategoryRow] {
        guard let stamp, let tallies else { return try await CategoryRow.all(on: sql) }
        if let kept = await tallies.categories(at: stamp.catalogue) { return kept }
        let rows = try await CategoryRow.all(on: sql)
        await tallies.keep(categories: rows, at: stamp.catalogue)
        return rows
    }

    /// Measure reads return a row per unit, day or category — up to a district's thousand grids —
    /// so they take the bulk path (see `SQLDatabase.bulk`): on SQLite a dashboard's 29 statements
    /// spent more time handing rows across threads one by one than in SQLite.
    var sql: any SQLDatabase { db.sql.bulk }

    /// The unit, when the figures of it may be shown in `scope`; `nil` asks for the viewer's own (the
    /// top of its part of the tree), read once. The figures count every case of the unit, so a
    /// department's account (which sees only cases sent to it) reads none.
    public func unit(_ id: UUID?, in scope: Scope) async throws -> UnitRow {
        guard scope.departments == nil else { throw StoreError.notFound("unit") }
        let units = UnitRepository(db)
        let unit = if let id { try await units.find(id, in: scope) } else { try await units.roots(in: scope).first }
        guard let unit else { throw StoreError.notFound("unit") }
        return unit
    }

    static let perCaseNames = Tally.perCase.map(\.rawValue)

    static var sums: String { sums(of: Tally.perCase) }

    static func sums(of tallies: [Tally]) -> String {
        tallies.map { "CAST(COALESCE(SUM(\($0.rawValue)), 0) AS BIGINT) AS \($0.rawValue)" }.joined(separator: ", ")
    }

    static func counts(_ row: any SQLRow) throws -> TallyCounts { try counts(row, Tally.perCase, names: perCaseNames) }

    /// The counters `tallies` of a row (columns `names`, their raw values, in that order); the others 0.
    static func counts(_ row: any SQLRow, _ tallies: [Tally], names: [String]) throws -> TallyCounts {
        var t = TallyCounts()
        // A ranking reads 24 counters of each of 2,100 members and 1,100 units: in one pass over the row.
        if let fast = row as? FastSQLiteRow, let values = fast.integers(named: names) {
            for (tally, value) in zip(tallies, values) { t[tally] = value }
            return t
        }
        for tally in tallies { t[tally] = try row.decode(column: tally.rawValue, as: Int.self) }
        return t
    }

    func range(_ p: MeasurePeriod) -> SQLQueryString { "day >= \(bind: p.from.description) AND day <= \(bind: p.to.description)" }

    /// The rows of a period with `columns`, as a sub-query: the whole months from the per-month table
    /// `coarse`, the days around them from the per-day table `fine` (see `MeasurePeriod.parts`).
    func monthsAndDays(_ p: MeasurePeriod, coarse: String, fine: String, columns: String, where unit: SQLQueryString) -> SQLQueryString {
        let parts = p.parts
        var selects: [SQLQueryString] = parts.days.map { "SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: fine) WHERE \(unit) AND \(range($0))" }
        if let months = parts.months {
            selects.append(
                """
                SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: coarse) WHERE \(unit) \
                AND month >= \(bind: months.lowerBound.description) AND month <= \(bind: months.upperBound.description)
                """)
        }
        return "(\(selects.joined(separator: " UNION ALL ")))"
    }

    /// The work per person of the units `unit` selects, whole months from their per-month rows.
    func workload(_ p: MeasurePeriod, where unit: SQLQueryString) -> SQLQueryString {
        monthsAndDays(p, coarse: MeasureRollup.Coarse.workload, fine: "case_workload", columns: "unit_id, person, steps", where: unit)
    }

    /// How many people worked, over `workload`'s rows of a unit: for one whole month each person has one
    /// row (the per-month table's key is unit, month, person), so the rows are counted without the
    /// DISTINCT's sort (a ranking's 1,100 units: 19,000 rows, ≈2 ms of SQLite); otherwise distinct names.
    static func people(_ p: MeasurePeriod) -> String {
        let parts = p.parts
        return parts.days.isEmpty && parts.months.map { $0.lowerBound == $0.upperBound } == true ? "COUNT(*)" : "COUNT(DISTINCT person)"
    }

    /// The unit's counters over the period, the work per person and the registers' counts included.
    public func totals(_ unit: UUID, _ period: MeasurePeriod) async throws -> TallyCounts {
        let row = try await sql.raw(
            "SELECT \(unsafeRaw: Self.sums) FROM \(unsafeRaw: MeasureRollup.Coarse.daily) WHERE unit_id = \(bind: unit) AND \(range(period))"
        ).first()
        var t = try row.map(Self.counts) ?? TallyCounts()
        let work = try await sql.raw(
            """
            SELECT CAST(COALESCE(SUM(steps), 0) AS BIGINT) AS steps, \(unsafeRaw: Self.people(period)) AS people \
            FROM \(workload(period, where: "unit_id = \(bind: unit)")) w
            """
        ).first()
        t[.workSteps] = try work?.decode(column: "steps", as: Int.self) ?? 0
        t[.workers] = try work?.decode(column: "people", as: Int.self) ?? 0
        if let unit = try await UnitRepository(db).find(unit, in: .everything) {
            t += try await besideCases([Self.place(unit)], period)[unit.id] ?? TallyCounts()
        }
        return t
    }

    /// The registers' and participation's counts of each place (those with none left out), each part
    /// from the instance's copy (`TallyCache`) while nothing it counts has changed.
    func besideCases(_ places: [RegisterTallies.Place], _ period: MeasurePeriod) async throws -> [UUID: TallyCounts] {
        guard !places.isEmpty else { return [:] }
        let stamp = if let stamp { stamp } else { try await TallyCache.Stamp.read(on: sql) }
        let key = TallyCache.Key(places: places, from: period.from, to: period.to)
        var out: [UUID: TallyCounts] = [:]
        for part in TallyCache.Part.allCases {
            var counts: [UUID: TallyCounts]
            if let tallies, let kept = await tallies.value(part, key, at: stamp) {
                counts = kept
            } else {
                switch part {
                case .registers: counts = try await RegisterTallies.counts(for: places, period, head: stamp.registers, on: sql)
                case .participation: counts = try await ParticipationTallies.counts(for: places, period, on: sql)
                }
                counts = counts.filter { !$0.value.isZero }
                await tallies?.keep(counts, part, for: key, at: stamp)
            }
            for (id, c) in counts { out[id, default: TallyCounts()] += c }
        }
        return out
    }

    static func place(_ unit: UnitRow) -> RegisterTallies.Place { .init(id: unit.id, path: unit.path, isTop: unit.parentID == nil) }

    /// The unit's counters grouped by `column` (day, category_key or channel), in key order.
    /// By day or month it reads the per-day roll-up; by category or channel the per-month one for
    /// whole months and the fine rows for the days around them. `counting`: the counters wanted (the
    /// others read as 0) — a dashboard shows only the cases reported by category and by channel, and
    /// summing one column of the month's rows instead of eighteen took a quarter of the time.
    public func grouped(
        _ unit: UUID, _ period: MeasurePeriod, by column: Grouping, counting tallies: [Tally] = Tally.perCase
    ) async throws -> [(key: String, counts: TallyCounts)] {
        let key = column.expression
        let source: SQLQueryString
        switch column {
        case .day, .month: source = "(SELECT * FROM \(unsafeRaw: MeasureRollup.Coarse.daily) WHERE unit_id = \(bind: unit) AND \(range(period)))"
        case .category, .channel:
            let columns = (["category_key", "channel"] + tallies.map(\.rawValue)).joined(separator: ", ")
            source = monthsAndDays(period, coarse: MeasureRollup.Coarse.monthly, fine: "case_tallies", columns: columns, where: "unit_id = \(bind: unit)")
        }
        let rows = try await sql.raw(
            "SELECT \(unsafeRaw: key) AS k, \(unsafeRaw: Self.sums(of: tallies)) FROM \(source) t GROUP BY \(unsafeRaw: key) ORDER BY \(unsafeRaw: key)"
        ).all()
        let names = tallies.map(\.rawValue)
        return try rows.map { row -> (key: String, counts: TallyCounts) in
            (try row.decode(column: "k", as: String.self), try Self.counts(row, tallies, names: names))
        }
    }

    public enum Grouping: Sendable {
        case day, month, category, channel
        var expression: String {
            switch self {
            case .day: "day"
            case .month: "substr(day, 1, 7)"
            case .category: "category_key"
            case .channel: "channel"
            }
        }
    }

    /// Each child unit's counters over the period (work per person and the registers' counts included), keyed by unit id.
    public func children(of unit: UnitRow, _ period: MeasurePeriod) async throws -> [(unit: UnitRow, counts: TallyCounts)] {
        let kids = try await UnitRepository(db).children(of: unit)
        let byUnit = try await totals(of: kids, period)
        return kids.map { kid -> (unit: UnitRow, counts: TallyCounts) in (kid, byUnit[kid.id] ?? TallyCounts()) }
    }

    /// A unit's counters and its children's, read together: the registers and participation are
    /// counted over the unit's subtree once for all of them instead of once for the unit and again
    /// for its children (a district dashboard read every unit's stored register counts twice).
    public func withChildren(_ unit: UnitRow, _ period: MeasurePeriod) async throws -> (totals: TallyCounts, children: [(unit: UnitRow, counts: TallyCounts)]) {
        let kids = try await UnitRepository(db).children(of: unit)
        let byUnit = try await totals(of: [unit] + kids, period)
        return (byUnit[unit.id] ?? TallyCounts(), kids.map { kid -> (unit: UnitRow, counts: TallyCounts) in (kid, byUnit[kid.id] ?? TallyCounts()) })
    }

    /// The counters of several units over the period (work per person included), in two grouped
    /// sums over the roll-ups; units with no rows are left out.
    public func totals(of units: [UnitRow], _ period: MeasurePeriod) async throws -> [UUID: TallyCounts] {
        guard !units.isEmpty else { return [:] }
        let ids = units.map(\.id)
        var byUnit: [UUID: TallyCounts] = [:]
        // Whole months from the per-unit-month rows, the days around them from the per-day rows.
        let columns = "unit_id, " + MeasureRollup.columns
        let rows = monthsAndDays(period, coarse: MeasureRollup.Coarse.unitMonthly, fine: MeasureRollup.Coarse.daily, columns: columns, where: "unit_id IN (\(binds: ids))")
        for row in try await sql.raw("SELECT unit_id, \(unsafeRaw: Self.sums) FROM \(rows) x GROUP BY unit_id").all() {
            byUnit[try row.decode(column: "unit_id", as: UUID.self)] = try Self.counts(row)
        }
        for row in try await sql.raw(
            """
            SELECT unit_id, CAST(COALESCE(SUM(steps), 0) AS BIGINT) AS steps, \(unsafeRaw: Self.people(period)) AS people \
            FROM \(workload(period, where: "unit_id IN (\(binds: ids))")) w GROUP BY unit_id
            """
        ).all() {
            let id = try row.decode(column: "unit_id", as: UUID.self)
            byUnit[id, default: TallyCounts()][.workSteps] = try row.decode(column: "steps", as: Int.self)
            byUnit[id, default: TallyCounts()][.workers] = try row.decode(column: "people", as: Int.self)
        }
        for (id, counts) in try await besideCases(units.map(Self.place), period) { byUnit[id, default: TallyCounts()] += counts }
        return byUnit
    }

    /// Changes recorded after their month froze, newest first.
    public func restatements(_ unit: UUID, _ period: MeasurePeriod, limit: Int = 200) async throws -> [Restatement] {
        let columns = MeasureRollup.columns
        return try await sql.raw(
            """
            SELECT case_id, day, action, actor_name, recorded_at, \(unsafeRaw: columns) FROM case_tally_restatements \
            WHERE unit_id = \(bind: unit) AND \(range(period)) ORDER BY recorded_at DESC LIMIT \(count: limit)
            """
        ).all().compactMap { row -> Restatement? in
            guard let day = SimpleDate(iso: try row.decode(column: "day", as: String.self)),
                let action = CaseActionKind(rawValue: try row.decode(column: "action", as: String.self))
            else { return nil }
            var change = TallyCounts()
            for tally in Tally.perCase { change[tally] = try row.decode(column: tally.rawValue, as: Int.self) }
            return Restatement(
                caseID: try row.decode(column: "case_id", as: UUID.self), day: day, action: action,
                actorName: try row.decode(column: "actor_name", as: String.self), recordedAt: try row.decode(column: "recorded_at", as: Date.self),
                change: change)
        }
    }

    /// The same totals as `totals` counted straight from the cases with a GROUP BY (the work per
    /// person left out): what a dashboard would cost without the roll-ups, for the benchmark.
    public func recount(_ unit: UnitRow, _ period: MeasurePeriod) async throws -> TallyCounts {
        let sums = Tally.perCase.map { "CAST(COALESCE(SUM(\(TallySQL.value($0, sql))), 0) AS BIGINT) AS \($0.rawValue)" }.joined(separator: ", ")
        let whose = Scope.inSubtree("c.unit_id", path: unit.path, orUnplaced: unit.parentID == nil)
        let row = try await sql.raw(
            """
            SELECT \(unsafeRaw: sums) FROM cases c WHERE \(whose) \
            AND c.reported_at >= \(bind: period.from.startOfDayInChina) AND c.reported_at < \(bind: period.to.adding(days: 1).startOfDayInChina)
            """
        ).first()
        return try row.map(Self.counts) ?? TallyCounts()
    }

    /// The months frozen, and when and by whom.
    public func frozenMonths() async throws -> [MeasureMonths.Frozen] {
        try await sql.raw("SELECT month, frozen_at, frozen_by FROM measure_months ORDER BY month").all(decoding: MeasureMonths.Frozen.self)
    }
}

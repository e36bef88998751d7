import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Keeps the roll-ups current: every case step and every intake adds its change to the counters in
/// the same transaction that writes the case, so a dashboard is never older than the last commit.
/// A change to a case of a frozen month is kept as a restatement instead of moving the frozen figures.
public enum MeasureRollup {
    /// Where a case's counters go: a unit, a day, a category, a channel.
    struct Key: Hashable {
        var unit: UUID
        var day: String
        var category: String
        var channel: String
    }

    static func facts(of row: CaseRow) -> CaseFacts {
        CaseFacts(
            state: row.state, outcome: row.outcome, rating: row.rating, reportedAt: row.reportedAt, respondedAt: row.respondedAt,
            respondBy: row.respondBy, closedAt: row.closedAt, resolveBy: row.resolveBy, reworkCount: row.reworkCount)
    }

    /// Who took a step, for restatements and the work per person.
    struct Step {
        var action: CaseActionKind
        var actor: CaseActor
        var at: Date
    }

    // MARK: Hooks on the case write path

    /// The case as stored at `version`, read inside the step's transaction before it is overwritten.
    static func stored(_ id: UUID, version: Int, on sql: any SQLDatabase) async throws -> CaseRow? {
        try await sql.raw("SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE id = \(bind: id) AND version = \(bind: version)")
            .first().map(CaseRow.init(row:))
    }

    /// Adds what a step changed: the case's counters after minus before, plus the step's own.
    static func recordStep(before: CaseRow, after: CaseRow, event: CaseEvent, actor: CaseActor, on sql: any SQLDatabase) async throws {
        var delta = CaseTallies.counts(of: facts(of: after)) - CaseTallies.counts(of: facts(of: before))
        var step = StepFacts(action: event.action, from: event.from, to: event.to, at: event.at)
        if event.action == .signFor { step.handedOverAt = try await lastHandover(of: before.id, on: sql) }
        delta += CaseTallies.counts(ofStep: step)
        let work = CaseTallies.isWork(actor.role)
        let departments = try await departmentChanges(before: before, after: after, delta: delta, on: sql)
        guard !delta.isZero || work || !departments.isEmpty else { return }
        let units = try await chain(of: before.unitID, on: sql)
        let who = Step(action: event.action, actor: actor, at: event.at)
        if !delta.isZero {
            try await add([(before, delta, who)], units: [before.unitID: units], on: sql)
        }
        try await addDepartments(departments.map { (after, $0.0, $0.1, event.at) }, units: [before.unitID: units], on: sql)
        if work { try await addWork([(units, SimpleDate(event.at).description, actor.name)], on: sql) }
        try await PersonTallies.recordStep(after: after, delta: delta, actor: actor, at: event.at, on: sql)
    }

    /// Adds new cases, each with its first step.
    static func recordIntake(_ batch: [PreparedCase], on sql: any SQLDatabase) async throws {
        guard !batch.isEmpty else { return }
        var chains: [UUID?: [UUID]] = [:]
        for unit in Set(batch.map(\.row.unitID)) { chains[unit] = try await chain(of: unit, on: sql) }
        var changes: [(row: CaseRow, counts: TallyCounts, step: Step)] = []
        var departments: [(row: CaseRow, department: String, counts: TallyCounts, at: Date)] = []
        var work: [([UUID], String, String)] = []
        var people: [(PersonTallies.Key, TallyCounts)] = []
        for p in batch {
            let step = StepFacts(action: p.event.action, from: p.event.from, to: p.event.to, at: p.event.at)
            let counts = CaseTallies.counts(of: facts(of: p.row)) + CaseTallies.counts(ofStep: step)
            changes.append((p.row, counts, Step(action: .report, actor: p.actor, at: p.event.at)))
            if let key = Self.department(of: p.row) { departments.append((p.row, key, counts, p.event.at)) }
            if CaseTallies.isWork(p.actor.role) {
                work.append((chains[p.row.unitID] ?? [], SimpleDate(p.event.at).description, p.actor.name))
                // The reporter's own case, when they are staff (a grid worker's patrol finding).
                let day = SimpleDate(p.row.reportedAt)
                if let grid = p.row.unitID, !(try await MeasureMonths.isFrozen(MeasureMonth(day), at: p.event.at, on: sql)) {
                    people.append((PersonTallies.Key(grid: grid, reported: day, person: p.actor.name), counts))
                }
            }
        }
        try await add(changes, units: chains, on: sql)
        try await addDepartments(departments, units: chains, on: sql)
        try await addWork(work, on: sql)
        try await PersonTallies.add(people, on: sql)
    }

    /// The units a case counts for: its grid and every unit above it, or, for a case placed in no
    /// grid, the top of the tree (the district holds it directly).
    static func chain(of unit: UUID?, on sql: any SQLDatabase) async throws -> [UUID] {
        guard let unit else {
            return try await sql.raw("SELECT id FROM units WHERE parent_id IS NULL").all().map { try $0.decode(column: "id", as: UUID.self) }
        }
        guard let path = try await sql.raw("SELECT path FROM units WHERE id = \(bind: unit)").first()?.decode(column: "path", as: String.self) else {
            return [unit]
        }
        // The path names the unit and every unit above it.
        return path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
    }

    /// When the case was last handed to a department to sign for.
    static func lastHandover(of id: UUID, on sql: any SQLDatabase) async throws -> Date? {
        try await sql.raw("SELECT MAX(at) AS at FROM case_events e WHERE e.case_id = \(bind: id) AND \(unsafeRaw: TallySQL.handover("e"))")
            .first()?.decode(column: "at", as: Date?.self)
    }

    /// Adds each case's change to the roll-ups of its units, or, when its month is frozen, records
    /// it as a restatement by the step that made it.
    static func add(_ changes: [(row: CaseRow, counts: TallyCounts, step: Step)], units: [UUID?: [UUID]], on sql: any SQLDatabase) async throws {
        var live: [(Key, TallyCounts)] = []
        for change in changes where !change.counts.isZero {
            let day = SimpleDate(change.row.reportedAt)
            let rows = (units[change.row.unitID] ?? []).map {
                (Key(unit: $0, day: day.description, category: change.row.categoryKey, channel: change.row.channel.rawValue), change.counts)
            }
            if try await MeasureMonths.isFrozen(MeasureMonth(day), at: change.step.at, on: sql) {
                try await restate(rows, step: change.step, caseID: change.row.id, on: sql)
            } else {
                live += rows
            }
        }
        try await upsert(live, on: sql)
    }

    static let perCase = Tally.perCase
    /// The per-case counters' columns, as every roll-up table names them, comma-separated.
    static let columns = perCase.map(\.rawValue).joined(separator: ", ")
    /// Their plain sums, in the same order (for an `INSERT … SELECT … GROUP BY` from finer rows).
    static let plainSums = perCase.map { "SUM(\($0.rawValue))" }.joined(separator: ", ")
    /// The columns as a table of the statement calls them (`p.reported, p.due, …`).
    static func columns(of alias: String) -> String { perCase.map { alias + "." + $0.rawValue }.joined(separator: ", ") }

    static func upsert(_ changes: [(Key, TallyCounts)], on sql: any SQLDatabase) async throws {
        // One row a key: PostgreSQL refuses to update the same row twice in one statement.
        var merged: [Key: TallyCounts] = [:]
        for (key, counts) in changes { merged[key, default: TallyCounts()] += counts }
        let rows = merged.filter { !$0.value.isZero }.map { ($0.key, $0.value) }
        try await upsert("case_tallies", keys: ["day", "category_key", "channel"], rows.map { ($0.0.unit, [$0.0.day, $0.0.category, $0.0.channel], $0.1) }, on: sql)
        try await Coarse.add(rows, on: sql)
    }

    static func restate(_ rows: [(Key, TallyCounts)], step: Step, caseID: UUID, on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let columns = ["id", "unit_id", "day", "category_key", "channel", "case_id", "action", "actor_name", "recorded_at"] + perCase.map(\.rawValue)
        let values = rows.map { key, counts -> SQLQueryString in
            """
            (\(bind: UUID()), \(bind: key.unit), \(bind: key.day), \(bind: key.category), \(bind: key.channel), \(bind: caseID), \
            \(bind: step.action.rawValue), \(bind: step.actor.name), \(bind: step.at), \(binds: perCase.map { counts[$0] }))
            """
        }
        try await sql.raw(
            "INSERT INTO case_tally_restatements (\(unsafeRaw: columns.joined(separator: ", "))) VALUES \(values.joined(separator: ", "))"
        ).run()
    }

    /// Steps of one person on one unit's cases in one period (a day, or a month in the coarse table).
    struct WorkKey: Hashable {
        var unit: UUID
        var period: String
        var person: String
    }

    static func addWork(_ work: [([UUID], String, String)], on sql: any SQLDatabase) async throws {
        var steps: [WorkKey: Int] = [:]
        for (units, day, person) in work {
            for unit in units { steps[WorkKey(unit: unit, period: day, person: person), default: 0] += 1 }
        }
        try await upsertSteps("case_workload", period: "day", steps, on: sql)
        try await Coarse.addWork(steps, on: sql)
    }

    /// Adds steps to a workload table keyed by unit, `period` and person, 500 rows a statement.
    static func upsertSteps(_ table: String, period: String, _ steps: [WorkKey: Int], on sql: any SQLDatabase) async throws {
        let rows = Array(steps)
        for start in stride(from: 0, to: rows.count, by: 500) {
            let values = rows[start..<min(rows.count, start + 500)].map { key, n -> SQLQueryString in
                "(\(bind: key.unit), \(bind: key.period), \(bind: key.person), \(bind: n))"
            }
            try await sql.raw(
                """
                INSERT INTO \(unsafeRaw: table) (unit_id, \(unsafeRaw: period), person, steps) VALUES \(values.joined(separator: ", ")) \
                ON CONFLICT (unit_id, \(unsafeRaw: period), person) DO UPDATE SET steps = \(unsafeRaw: table).steps + excluded.steps
                """
            ).run()
        }
    }

    // MARK: Rebuilding from the cases

    /// Recounts every month that is not frozen from the cases and their timelines, set-based: one
    /// INSERT … SELECT for the cases in grids, one for those placed in none, one for the work per
    /// person. Frozen months keep their figures (and their restatements). Returns the months recounted.
    @discardableResult
    public static func rebuild(_ db: any Database) async throws -> Int { try await rebuild(on: db.sql) }

    @discardableResult
    static func rebuild(on sql: any SQLDatabase, departments: Bool = true, coarse: Bool = true, people: Bool = true) async throws -> Int {
        let frozen = try await MeasureMonths.frozen(on: sql).map(\.description)
        let notFrozen = Self.notFrozen(frozen)
        try await sql.raw("DELETE FROM case_tallies WHERE \(notFrozen("day"))").run()
        try await sql.raw("DELETE FROM case_workload WHERE \(notFrozen("day"))").run()
        try await count(sign: 1, frozen: frozen, on: sql)
        if departments {
            try await sql.raw("DELETE FROM case_department_tallies WHERE \(notFrozen("day"))").run()
            try await countDepartments(sign: 1, frozen: frozen, on: sql)
        }
        if coarse { try await Coarse.refresh(units: nil, frozen: frozen, on: sql) }
        if people { try await PersonTallies.recount(frozen: frozen, on: sql) }
        let months = try await sql.raw("SELECT COUNT(DISTINCT substr(day, 1, 7)) AS n FROM case_tallies WHERE \(notFrozen("day"))").first()?
            .decode(column: "n", as: Int.self)
        return months ?? 0
    }

    /// Outside the frozen months, by a "YYYY-MM-DD" expression.
    static func notFrozen(_ frozen: [String]) -> (String) -> SQLQueryString {
        { day in frozen.isEmpty ? "1 = 1" : "substr(\(unsafeRaw: day), 1, 7) NOT IN (\(binds: frozen))" }
    }

    /// Adds (`sign` 1) or takes away (−1) what the cases of grids under `subtree` (a path; all cases
    /// when nil) count for each unit above them, in the months not frozen.
    static func count(sign: Int, under subtree: String? = nil, frozen: [String], on sql: any SQLDatabase) async throws {
        let notFrozen = Self.notFrozen(frozen)
        let caseDay = TallySQL.day("c.reported_at", sql)
        let eventDay = TallySQL.day("e.at", sql)
        // The district holds both its grids' cases and those placed in none: the second pass adds to the first.
        let update = perCase.map { "\($0.rawValue) = case_tallies.\($0.rawValue) + excluded.\($0.rawValue)" }.joined(separator: ", ")
        // Each case's values are computed once and summed per grid first; only those sums are spread over the
        // chain of units above (made once, a few thousand rows, not joined through LIKE for every case).
        let values = perCase.map { "SUM(\(TallySQL.value($0, sql))) AS \($0.rawValue)" }.joined(separator: ", ")
        let sums = perCase.map { "\(sign) * SUM(p.\($0.rawValue))" }.joined(separator: ", ")
        let chain = "chain AS MATERIALIZED \(TallySQL.chain)"
        let (only, sources) = Self.sources(under: subtree)
        for source in sources {
            try await sql.raw(
                """
                WITH \(unsafeRaw: chain), p AS MATERIALIZED (\
                SELECT c.unit_id AS grid_id, \(unsafeRaw: caseDay) AS day, c.category_key, c.channel, \(unsafeRaw: values) FROM cases c \
                WHERE \(source.placed) AND \(notFrozen(caseDay)) AND \(only) GROUP BY c.unit_id, \(unsafeRaw: caseDay), c.category_key, c.channel) \
                INSERT INTO case_tallies (unit_id, day, category_key, channel, \(unsafeRaw: columns)) \
                SELECT k.unit_id, p.day, p.category_key, p.channel, \(unsafeRaw: sums) FROM p JOIN \(unsafeRaw: source.join) WHERE 1 = 1 \
                GROUP BY k.unit_id, p.day, p.category_key, p.channel \
                ON CONFLICT (unit_id, day, category_key, channel) DO UPDATE SET \(unsafeRaw: update)
                """
            ).run()
            try await sql.raw(
                """
                WITH \(unsafeRaw: chain), p AS MATERIALIZED (\
                SELECT c.unit_id AS grid_id, \(unsafeRaw: eventDay) AS day, e.actor_name AS person, COUNT(*) AS steps \
                FROM case_events e JOIN cases c ON c.id = e.case_id \
                WHERE e.actor_role NOT IN ('resident', 'system') AND \(source.placed) AND \(notFrozen(eventDay)) AND \(only) \
                GROUP BY c.unit_id, \(unsafeRaw: eventDay), e.actor_name) \
                INSERT INTO case_workload (unit_id, day, person, steps) \
                SELECT k.unit_id, p.day, p.person, \(unsafeRaw: String(sign)) * SUM(p.steps) FROM p JOIN \(unsafeRaw: source.join) WHERE 1 = 1 \
                GROUP BY k.unit_id, p.day, p.person \
                ON CONFLICT (unit_id, day, person) DO UPDATE SET steps = case_workload.steps + excluded.steps
                """
            ).run()
        }
    }

    /// Which cases a recount reads (those of grids under `subtree`, or all) and the passes it makes:
    /// cases in grids spread over the chain of units above, and, for a whole recount, cases placed
    /// in no grid counted for the top of the tree.
    static func sources(under subtree: String?) -> (only: SQLQueryString, sources: [(placed: SQLQueryString, join: String)]) {
        let inGrids: (placed: SQLQueryString, join: String) = ("c.unit_id IS NOT NULL", "chain k ON k.grid_id = p.grid_id")
        guard let subtree else {
            return ("1 = 1", [inGrids, ("c.unit_id IS NULL", "(SELECT id AS unit_id FROM units WHERE parent_id IS NULL) k ON p.grid_id IS NULL")])
        }
        return ("c.unit_id IN (SELECT id FROM units WHERE \(Scope.under("path", subtree)))", [inGrids])
    }

    /// Runs `rebase` (which gives a subtree a new place in the tree) between taking the subtree's
    /// cases out of the units above it and counting them into the new ones. Frozen months stand.
    public static func moving(_ path: String, to newPath: String, on db: any Database, _ rebase: () async throws -> Void) async throws {
        let frozen = try await MeasureMonths.frozen(on: db.sql).map(\.description)
        try await count(sign: -1, under: path, frozen: frozen, on: db.sql)
        try await countDepartments(sign: -1, under: path, frozen: frozen, on: db.sql)
        try await rebase()
        try await count(sign: 1, under: newPath, frozen: frozen, on: db.sql)
        try await countDepartments(sign: 1, under: newPath, frozen: frozen, on: db.sql)
        try await Coarse.refresh(units: Coarse.moved(path, newPath), frozen: frozen, on: db.sql)
    }
}

/// Which months are frozen, and freezing them.
public enum MeasureMonths {
    public struct Frozen: Sendable, Equatable, Decodable {
        public var month: String
        public var frozenAt: Date
        public var frozenBy: String
        enum CodingKeys: String, CodingKey {
            case month
            case frozenAt = "frozen_at"
            case frozenBy = "frozen_by"
        }
    }

    /// The months marked frozen, oldest first.
    public static func frozen(on sql: any SQLDatabase) async throws -> [MeasureMonth] {
        try await sql.raw("SELECT month FROM measure_months ORDER BY month").all().compactMap {
            MeasureMonth(try $0.decode(column: "month", as: String.self))
        }
    }

    public static func record(_ month: MeasureMonth, on sql: any SQLDatabase) async throws -> Frozen? {
        try await sql.raw("SELECT month, frozen_at, frozen_by FROM measure_months WHERE month = \(bind: month.description)")
            .first(decoding: Frozen.self)
    }

    /// Whether a change at `time` to a case of `month` finds the month frozen. A month past its
    /// automatic freeze is marked frozen (by the system) the first time this is asked.
    static func isFrozen(_ month: MeasureMonth, at time: Date, on sql: any SQLDatabase) async throws -> Bool {
        if try await record(month, on: sql) != nil { return true }
        guard MeasureFreeze.isFrozenByRule(month, now: time) else { return false }
        try await mark(month, at: MeasureFreeze.automatic(month), by: "system", on: sql)
        return true
    }

    static func mark(_ month: MeasureMonth, at time: Date, by who: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO measure_months (month, frozen_at, frozen_by) VALUES (\(bind: month.description), \(bind: time), \(bind: who)) \
            ON CONFLICT (month) DO NOTHING
            """
        ).run()
    }

    /// Freezes a month that has ended. Freezing twice is harmless; the first record stands.
    public static func freeze(_ month: MeasureMonth, by who: String, at now: Date, on db: any Database) async throws {
        guard month < MeasureMonth(SimpleDate(now)) else { throw StoreError(.invalid, "measures.month_not_over", [month.description], field: "month") }
        try await mark(month, at: now, by: who, on: db.sql)
    }

    /// Marks every month whose automatic freeze has passed (the server does this once a day).
    @discardableResult
    public static func freezeDue(at now: Date, on db: any Database) async throws -> [MeasureMonth] {
        let sql = db.sql
        guard let first = try await sql.raw("SELECT MIN(day) AS d FROM case_tallies").first()?.decode(column: "d", as: String?.self),
            let day = SimpleDate(iso: first)
        else { return [] }
        var month = MeasureMonth(day), done: [MeasureMonth] = []
        while MeasureFreeze.isFrozenByRule(month, now: now) {
            if try await record(month, on: sql) == nil {
                try await mark(month, at: now, by: "system", on: sql)
                done.append(month)
            }
            month = month.next
        }
        return done
    }
}

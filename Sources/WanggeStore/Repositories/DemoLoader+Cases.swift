import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

extension DemoLoader {
    /// Writes a history of cases (see `DemoDistrict.cases`) for a district loaded from `plan`, after
    /// its accounts exist: `days` days up to `now`, with the district's own categories, routing and
    /// working calendar. One transaction per grid, multi-row inserts; `progress(done, total)` counts
    /// cases. The next grid's cases are drawn while the current one is written. Returns how many.
    @discardableResult
    public func loadCases(
        plan: DemoPlan, days: Int, now: Date, working: WorkingCalendar = .standard,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> Int {
        guard days > 0 else { return 0 }
        let repo = CaseRepository(db, cipher: cipher)
        let categoryRows = try await repo.categories().filter(\.active)
        let categories = Dictionary(
            uniqueKeysWithValues: categoryRows.map { ($0.key, DemoCaseCategory(limits: $0.limits, warnFraction: $0.warnFraction, onSpot: $0.onSpot)) })
        let settings = DemoCaseSettings(now: now, days: days, categories: categories, working: working)
        var grids: [String: UnitRow] = [:]
        for grid in try await UnitRepository(db).all(in: .everything, level: .grid) { grids[grid.code] = grid }
        let actors = try await DemoCaseActors.load(plan: plan, on: sql)
        let sources = DemoDistrict.caseSources(plan).filter { $0.gridCode.map { grids[$0] != nil } ?? true }
        let total = sources.reduce(0) { $0 + DemoDistrict.expectedCaseCount(of: $1, plan: plan, settings: settings) }

        func draw(_ index: Int) async throws -> Task<[DemoCase], Never>? {
            guard index < sources.count else { return nil }
            let source = sources[index]
            let departments = try await repo.routes(categoryRows, grid: source.gridCode.flatMap { grids[$0] })
            return Task.detached { DemoDistrict.cases(of: source, plan: plan, settings: settings, departments: departments) }
        }
        var next = try await draw(0)
        var done = 0
        for index in sources.indices {
            guard let drawing = next else { break }
            let cases = await drawing.value
            next = try await draw(index + 1)
            let gridID = sources[index].gridCode.flatMap { grids[$0]?.id }
            try await db.transaction { tx in
                try await Self.write(cases, gridID: gridID, actors: actors, on: tx.sql, cipher: cipher)
            }
            done += cases.count
            progress(min(done, total), max(total, done))
        }
        // The history went in row by row; the measures' roll-ups are counted from it in one pass.
        try await MeasureRollup.rebuild(on: sql)
        progress(done, done)
        return done
    }

    static let caseColumns = [
        "id", "tracking_code", "public_code", "category_key", "state", "level", "unit_id", "department_key", "channel", "title",
        "description", "lon", "lat", "address", "reporter_name", "reporter_phone", "reported_at", "responded_at", "closed_at",
        "respond_by", "respond_warn_at", "resolve_by", "resolve_warn_at", "rework_count", "reopen_count", "supervision_count",
        "outcome", "rating", "merged_into", "suspended_since", "suspended_until", "state_before_suspension", "suspensions", "version",
        "respond_alerts", "resolve_alerts", "next_sweep_at", "reporter_phone_hash",
    ]
    static let eventColumns = [
        "id", "case_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_name", "actor_role", "note", "reason",
        "department_key", "rating", "notify_reporter", "at",
    ]

    static func write(_ cases: [DemoCase], gridID: UUID?, actors: DemoCaseActors, on sql: any SQLDatabase, cipher: FieldCipher) async throws {
        guard !cases.isEmpty else { return }
        var caseRows: [[any Encodable & Sendable]] = []
        var eventRows: [[any Encodable & Sendable]] = []
        caseRows.reserveCapacity(cases.count)
        eventRows.reserveCapacity(cases.count * 9)
        for c in cases {
            let s = c.snapshot, d = c.deadlines
            caseRows.append([
                c.id, c.trackingCode, c.publicCode, c.categoryKey, s.state.rawValue, s.level.rawValue, gridID, s.department,
                c.channel.rawValue, c.title, c.description, c.point?.lon, c.point?.lat, c.address, c.reporterName,
                c.reporterPhone.map(cipher.encrypt), s.reportedAt, s.respondedAt, s.closedAt, d.respondBy, d.respondWarnAt,
                d.resolveBy, d.resolveWarnAt, s.reworkCount, s.reopenCount, s.supervisionCount, s.outcome?.rawValue,
                s.rating?.rawValue, s.mergedInto, s.suspendedSince, s.suspendedUntil, s.stateBeforeSuspension?.rawValue,
                CaseRow.encode(c.suspensions), c.timeline.count, c.respondAlerts, c.resolveAlerts, c.nextSweepAt,
                c.reporterPhone.map(cipher.lookupHash),
            ])
            for (i, step) in c.timeline.enumerated() {
                let e = step.event
                let actor = actors.actor(step.actor)
                eventRows.append([
                    c.eventID(seq: i + 1), c.id, i + 1, e.action.rawValue, e.from?.rawValue, e.to.rawValue, actor.id, actor.name, actor.role.rawValue,
                    e.note, e.reason, e.department, e.rating?.rawValue, e.notifyReporter, e.at,
                ])
            }
        }
        let bulk = BulkWriter(sql: sql)
        try await bulk.insert(into: "cases", columns: caseColumns, rows: caseRows)
        try await bulk.insert(into: "case_events", columns: eventColumns, rows: eventRows)
    }
}

/// Who the demo history credits each step to: the demo's accounts where one fits (the first street's
/// operator, the district centre, the leader, the bound department accounts, the grid worker whose
/// staff record has an account), otherwise a name of the right kind with no account.
struct DemoCaseActors: Sendable {
    var streetOperators: [String: CaseActor] = [:]
    var districtOperator: CaseActor
    var leader: CaseActor
    var departments: [String: CaseActor] = [:]
    /// "grid code/staff name" → the staff member's account.
    var linkedStaff: [String: CaseActor] = [:]

    func actor(_ who: DemoCaseActor) -> CaseActor {
        switch who {
        case .reporter: return .resident
        case .system: return CaseSweeper.actor
        case .leader: return leader
        case .districtOperator: return districtOperator
        case .streetOperator(let code): return streetOperators[code] ?? districtOperator
        case .department(let key): return departments[key] ?? CaseActor(id: nil, name: key, role: .department)
        case .gridStaff(let grid, let name): return linkedStaff[grid + "/" + name] ?? CaseActor(id: nil, name: name, role: .gridWorker)
        }
    }

    static func load(plan: DemoPlan, on sql: any SQLDatabase) async throws -> DemoCaseActors {
        // Without an account, a step is signed by the place and the role: "东湖街道受理员/派遣员".
        func named(_ unit: DemoUnit, _ role: ActorRole) -> CaseActor { CaseActor(id: nil, name: unit.name + L10n.t(role.nameKey), role: role) }
        var actors = DemoCaseActors(districtOperator: named(plan.district, .operator_), leader: named(plan.district, .leader))
        for street in plan.units where street.level == .street { actors.streetOperators[street.code] = named(street, .operator_) }
        struct Department: Decodable { var key: String; var name_zh: String }
        for d in try await sql.raw("SELECT key, name_zh FROM departments").all(decoding: Department.self) {
            actors.departments[d.key] = CaseActor(id: nil, name: d.name_zh, role: .department)
        }
        struct Account: Decodable { var id: UUID; var display_name: String; var role: String; var code: String? }
        let accounts = try await sql.raw(
            """
            SELECT a.id, a.display_name, a.role, u.code FROM accounts a LEFT JOIN units u ON u.id = a.unit_id \
            ORDER BY a.created_at DESC, a.username DESC
            """
        ).all(decoding: Account.self)
        // Oldest last, so the first account made for a place or department is the one credited.
        for a in accounts {
            let actor = { (role: ActorRole) in CaseActor(id: a.id, name: a.display_name, role: role) }
            switch Role(rawValue: a.role) {
            case .operator_?:
                if let code = a.code, code == plan.district.code {
                    actors.districtOperator = actor(.operator_)
                } else if let code = a.code, plan.unit(code)?.level == .street {
                    actors.streetOperators[code] = actor(.operator_)
                }
            case .leader?: actors.leader = actor(.leader)
            default: break
            }
        }
        struct Bound: Decodable { var department_key: String; var id: UUID; var display_name: String }
        let bound = try await sql.raw(
            """
            SELECT ad.department_key, a.id, a.display_name FROM account_departments ad JOIN accounts a ON a.id = ad.account_id \
            ORDER BY a.created_at DESC, a.username DESC
            """
        ).all(decoding: Bound.self)
        for b in bound { actors.departments[b.department_key] = CaseActor(id: b.id, name: b.display_name, role: .department) }
        struct Linked: Decodable { var name: String; var account_id: UUID; var display_name: String; var code: String }
        let linked = try await sql.raw(
            """
            SELECT s.name, s.account_id, a.display_name, u.code FROM staff s JOIN accounts a ON a.id = s.account_id \
            JOIN staff_assignments sa ON sa.staff_id = s.id JOIN units u ON u.id = sa.unit_id
            """
        ).all(decoding: Linked.self)
        for l in linked { actors.linkedStaff[l.code + "/" + l.name] = CaseActor(id: l.account_id, name: l.display_name, role: .gridWorker) }
        return actors
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
@testable import WanggeCore
import WanggeSecurity
@testable import WanggeStore
import WanggeTestSupport

/// The measures' roll-ups: kept in the same transaction as every intake and step, equal to a
/// recount from the cases after any sequence of steps, frozen months restated instead of changed.
@Suite("Measures in storage: live roll-ups, recount, frozen months")
struct MeasureRollupTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18, China time
    static let operatorActor = CaseActor(id: nil, name: "王受理", role: .operator_)
    static let category = "city_appearance.exposed_garbage"

    static func repo(_ db: any Database) -> CaseRepository { CaseRepository(db, cipher: TestDatabase.keys.cipher) }

    /// The demo's deterministic generator as a standard one, so a failing sequence can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var source: DemoRNG
        init(state: UInt64) { source = DemoRNG(seed: state) }
        mutating func next() -> UInt64 { source.next() }
    }

    /// Every roll-up row and every per-person row, as text, for comparing two states of the tables.
    static func snapshot(_ db: any Database) async throws -> [String: [Int]] {
        let sql = db as! any SQLDatabase
        var out: [String: [Int]] = [:]
        let columns = Tally.perCase.map(\.rawValue).joined(separator: ", ")
        for row in try await sql.raw("SELECT unit_id, day, category_key, channel, \(unsafeRaw: columns) FROM case_tallies").all() {
            let key = [
                try row.decode(column: "unit_id", as: UUID.self).uuidString, try row.decode(column: "day", as: String.self),
                try row.decode(column: "category_key", as: String.self), try row.decode(column: "channel", as: String.self),
            ].joined(separator: "|")
            out[key] = try Tally.perCase.map { try row.decode(column: $0.rawValue, as: Int.self) }
        }
        for row in try await sql.raw("SELECT unit_id, department_key, day, category_key, channel, \(unsafeRaw: columns) FROM case_department_tallies").all() {
            let key = [
                "department", try row.decode(column: "unit_id", as: UUID.self).uuidString, try row.decode(column: "department_key", as: String.self),
                try row.decode(column: "day", as: String.self), try row.decode(column: "category_key", as: String.self),
                try row.decode(column: "channel", as: String.self),
            ].joined(separator: "|")
            let values = try Tally.perCase.map { try row.decode(column: $0.rawValue, as: Int.self) }
            // A department that gave a case up keeps a row of zeros; a recount writes none.
            if values.contains(where: { $0 != 0 }) { out[key] = values }
        }
        // The coarse copies, rows of zeros left out (a recount writes none).
        for (table, keys) in [("case_tallies_monthly", ["month", "category_key", "channel"]), ("case_tallies_daily", ["day"]), ("case_tallies_unit_monthly", ["month"])] {
            for row in try await sql.raw("SELECT unit_id, \(unsafeRaw: keys.joined(separator: ", ")), \(unsafeRaw: columns) FROM \(unsafeRaw: table)").all() {
                let key = try [table, try row.decode(column: "unit_id", as: UUID.self).uuidString] + keys.map { try row.decode(column: $0, as: String.self) }
                let values = try Tally.perCase.map { try row.decode(column: $0.rawValue, as: Int.self) }
                if values.contains(where: { $0 != 0 }) { out[key.joined(separator: "|")] = values }
            }
        }
        for row in try await sql.raw("SELECT unit_id, month, person, \(unsafeRaw: columns) FROM case_person_tallies_monthly").all() {
            let key = [
                "person", try row.decode(column: "unit_id", as: UUID.self).uuidString, try row.decode(column: "month", as: String.self),
                try row.decode(column: "person", as: String.self),
            ].joined(separator: "|")
            let values = try Tally.perCase.map { try row.decode(column: $0.rawValue, as: Int.self) }
            if values.contains(where: { $0 != 0 }) { out[key] = values }
        }
        for row in try await sql.raw("SELECT unit_id, month, person, steps FROM case_workload_monthly").all() {
            let key = [
                "work-month", try row.decode(column: "unit_id", as: UUID.self).uuidString, try row.decode(column: "month", as: String.self),
                try row.decode(column: "person", as: String.self),
            ].joined(separator: "|")
            out[key] = [try row.decode(column: "steps", as: Int.self)]
        }
        for row in try await sql.raw("SELECT unit_id, day, person, steps FROM case_workload").all() {
            let key = [
                "work", try row.decode(column: "unit_id", as: UUID.self).uuidString, try row.decode(column: "day", as: String.self),
                try row.decode(column: "person", as: String.self),
            ].joined(separator: "|")
            out[key] = [try row.decode(column: "steps", as: Int.self)]
        }
        return out
    }

    /// The counters of every case under `unit` reported in `period`, recounted in Swift from the
    /// stored rows and timelines with the rules of `CaseTallies` (no SQL rules involved).
    static func recount(_ db: any Database, unit: UnitRow, department: String? = nil, _ period: MeasurePeriod) async throws -> TallyCounts {
        let repo = repo(db)
        // A department's figures count the cases its own account sees.
        let scope = department.map { Scope.subtree(of: unit).limited(toDepartments: [$0]) } ?? .subtree(of: unit)
        let page = try await repo.search(CaseFilter(), in: scope, now: t0, limit: 100_000)
        var total = TallyCounts()
        for row in page.rows where period.from <= SimpleDate(row.reportedAt) && SimpleDate(row.reportedAt) <= period.to {
            total += CaseTallies.counts(
                of: CaseFacts(
                    state: row.state, outcome: row.outcome, rating: row.rating, reportedAt: row.reportedAt, respondedAt: row.respondedAt,
                    respondBy: row.respondBy, closedAt: row.closedAt, resolveBy: row.resolveBy, reworkCount: row.reworkCount))
            var handedOver: Date?
            for e in try await repo.timeline(row.id) {
                let step = StepFacts(action: e.action, from: e.fromState, to: e.toState, at: e.at, handedOverAt: e.action == .signFor ? handedOver : nil)
                total += CaseTallies.counts(ofStep: step)
                if step.isHandover { handedOver = e.at }
            }
        }
        return total
    }

    static func perCase(_ t: TallyCounts) -> TallyCounts {
        var out = TallyCounts()
        for tally in Tally.perCase { out[tally] = t[tally] }
        return out
    }

    /// A step of `kind` with whatever it needs, for the random sequence.
    static func action(_ kind: CaseActionKind, on row: CaseRow, others: [UUID], rng: inout SplitMix) -> CaseAction? {
        switch kind {
        case .accept: .accept()
        case .reject: .reject(reason: "不属实")
        case .dispatch: .dispatch(department: Bool.random(using: &rng) ? CaseRepository.gridTeam : row.departmentKey ?? CaseRepository.gridTeam)
        case .signFor: .signFor()
        case .handle: .handle(note: "已处理")
        case .verify: .verify()
        case .returnForRework: .returnForRework(reason: "未处理到位")
        case .close: .close()
        case .callback: .callback(rating: Satisfaction.allCases.randomElement(using: &rng)!)
        case .sendBack: .sendBack(reason: "不属本部门")
        case .escalate: row.level == .district ? nil : .escalate(to: .district, reason: "需区级协调")
        case .suspend: .suspend(reason: "等待材料")
        case .resume: .resume()
        case .reopen: .reopen(reason: "复查")
        case .markUnsolvable: .markUnsolvable(reason: "政策不允许")
        case .merge: others.filter { $0 != row.id }.randomElement(using: &rng).map { CaseAction.merge(into: $0.uuidString) }
        case .supervise: .supervise(note: "督办")
        case .report, .resolveOnSpot: nil
        }
    }

    @Test("after a random sequence of intake and steps the roll-ups equal a recount from the cases", arguments: TestDatabase.enabled)
    func property(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let repo = Self.repo(db)
            let categories = try await repo.categories().filter { c in c.active && c.parentKey != nil }
            var rng = SplitMix(state: 20_261_118)
            var t = Self.t0
            var ids: [UUID] = []
            let roles: [ActorRole] = [.operator_, .operator_, .gridWorker, .department, .leader, .resident, .system]
            // MUT: 40 reports in random grids (some placed in none), then 320 random steps by random people.
            for i in 0..<40 {
                t = t.addingTimeInterval(Double(Int.random(in: 1...40, using: &rng)) * 60)
                let grid = Int.random(in: 0...grids.count, using: &rng)
                let draft = CaseIntake(
                    categoryKey: categories.randomElement(using: &rng)!.key, channel: CaseChannel.allCases.randomElement(using: &rng)!, title: "",
                    description: "测试案件 \(i)", gridID: grid < grids.count ? grids[grid].id : nil)
                let reporter = [Self.operatorActor, CaseActor(id: nil, name: "李网格", role: .gridWorker), .resident].randomElement(using: &rng)!
                ids.append(try await repo.intake(draft, actor: reporter, at: t).id)
            }
            var taken = 0
            for _ in 0..<320 {
                t = t.addingTimeInterval(Double(Int.random(in: 1...60, using: &rng)) * 60)
                let id = ids.randomElement(using: &rng)!
                let row = try await repo.get(id, in: .everything)
                let role = roles.randomElement(using: &rng)!
                let actor = CaseActor(id: nil, name: "经办人\(Int.random(in: 1...4, using: &rng))", role: role)
                let allowed = CaseRepository.allowedActions(on: row, by: actor)
                guard let next = allowed.randomElement(using: &rng), let action = Self.action(next, on: row, others: ids, rng: &rng) else { continue }
                do {
                    try await repo.apply(action, to: id, actor: actor, in: .everything, at: t)
                    taken += 1
                } catch is StoreError {}
            }
            // Then 120 steps of the departments' part of the loop only (sent, signed for, handled, sent
            // back, sent on, checked, closed), so cases end with departments and move between them.
            let departmental: Set<CaseActionKind> = [.dispatch, .signFor, .handle, .sendBack, .verify, .returnForRework, .close, .accept]
            for _ in 0..<120 {
                t = t.addingTimeInterval(Double(Int.random(in: 1...90, using: &rng)) * 60)
                let id = ids.randomElement(using: &rng)!
                let row = try await repo.get(id, in: .everything)
                let role = [ActorRole.operator_, .department, .gridWorker].randomElement(using: &rng)!
                let actor = CaseActor(id: nil, name: "经办人\(Int.random(in: 1...4, using: &rng))", role: role)
                let allowed = CaseRepository.allowedActions(on: row, by: actor).filter { departmental.contains($0) }
                guard let next = allowed.randomElement(using: &rng), let action = Self.action(next, on: row, others: ids, rng: &rng) else { continue }
                do {
                    try await repo.apply(action, to: id, actor: actor, in: .everything, at: t)
                    taken += 1
                } catch is StoreError {}
            }
            let kept = try await Self.snapshot(db)
            try await MeasureRollup.rebuild(db)
            let recounted = try await Self.snapshot(db)
            // validate
            #expect(taken > 80, "the sequence took enough steps to mean something (\(taken))")
            #expect(kept.count > 0 && kept == recounted, "the roll-ups kept step by step equal the SQL recount")
            let period = try #require(MeasurePeriod(from: SimpleDate(Self.t0), to: SimpleDate(t)))
            let measures = MeasureRepository(db)
            for unit in [root] + grids {
                let kept = Self.perCase(try await measures.totals(unit.id, period))
                let swift = try await Self.recount(db, unit: unit, period)
                #expect(kept == swift, "\(unit.name): roll-ups equal the Swift recount")
                let naive = try await measures.recount(unit, period)
                #expect(kept == naive, "\(unit.name): roll-ups equal the GROUP BY over the cases")
            }
            // The department roll-ups: each department's figures are those of the cases its account sees.
            var sent = 0
            for department in try await repo.departments().map(\.key) {
                for unit in [root] + grids {
                    let kept = try await measures.totals(department: department, unit: unit.id, period)
                    let swift = try await Self.recount(db, unit: unit, department: department, period)
                    #expect(kept == swift, "\(department) in \(unit.name): department roll-ups equal the Swift recount")
                    if unit.id == root.id { sent += kept[.reported] }
                }
            }
            let movedOn = try await Fixture.count(db, "case_events", where: "action = 'send_back'")
            #expect(sent >= 5 && movedOn > 0, "cases ended with departments (\(sent)) and some were sent back on the way (\(movedOn))")
            let all = try await measures.totals(root.id, period)
            #expect(all[.reported] == 40)
            let restatementRows = try await Fixture.count(db, "case_tally_restatements")
            #expect(restatementRows == 0, "nothing was frozen")
            // The coarse reads (whole months from the per-month rows, the days around them day by day) equal the fine rows'.
            for (from, to) in [("2026-11-01", "2026-11-30"), ("2026-11-20", "2026-12-31"), ("2026-10-01", "2026-12-31"), ("2026-11-19", "2026-11-25")] {
                let p = try #require(MeasurePeriod(from: SimpleDate(iso: from)!, to: SimpleDate(iso: to)!))
                for unit in [root] + grids.prefix(3) {
                    let fine = try await Self.fine(db, unit.id, p)
                    let totals = try await measures.totals(unit.id, p)
                    #expect(Self.perCase(totals) == fine.totals && totals[.workers] == fine.people && totals[.workSteps] == fine.steps, "\(unit.name) \(from)…\(to)")
                    for (grouping, column) in [(MeasureRepository.Grouping.category, "category_key"), (.channel, "channel"), (.day, "day")] {
                        let coarse = try await measures.grouped(unit.id, p, by: grouping).filter { !$0.counts.isZero }
                        let direct = try await Self.fine(db, unit.id, p, by: column)
                        #expect(coarse.map(\.key) == direct.map(\.key) && coarse.map(\.counts) == direct.map(\.counts), "\(unit.name) by \(column) \(from)…\(to)")
                    }
                }
            }
        }
    }

    /// A unit's sums over a period read straight from the fine roll-ups (per day, category and channel; per day and person).
    static func fine(_ db: any Database, _ unit: UUID, _ p: MeasurePeriod) async throws -> (totals: TallyCounts, people: Int, steps: Int) {
        let sql = db as! any SQLDatabase
        let range: SQLQueryString = "unit_id = \(bind: unit) AND day >= \(bind: p.from.description) AND day <= \(bind: p.to.description)"
        let row = try await sql.raw("SELECT \(unsafeRaw: MeasureRepository.sums) FROM case_tallies WHERE \(range)").first()
        let work = try await sql.raw("SELECT CAST(COALESCE(SUM(steps), 0) AS BIGINT) AS steps, COUNT(DISTINCT person) AS people FROM case_workload WHERE \(range)").first()
        return (
            try row.map(MeasureRepository.counts) ?? TallyCounts(), try work?.decode(column: "people", as: Int.self) ?? 0,
            try work?.decode(column: "steps", as: Int.self) ?? 0
        )
    }

    static func fine(_ db: any Database, _ unit: UUID, _ p: MeasurePeriod, by column: String) async throws -> [(key: String, counts: TallyCounts)] {
        let sql = db as! any SQLDatabase
        return try await sql.raw(
            """
            SELECT \(unsafeRaw: column) AS k, \(unsafeRaw: MeasureRepository.sums) FROM case_tallies WHERE unit_id = \(bind: unit) \
            AND day >= \(bind: p.from.description) AND day <= \(bind: p.to.description) GROUP BY \(unsafeRaw: column) ORDER BY \(unsafeRaw: column)
            """
        ).all().map { (try $0.decode(column: "k", as: String.self), try MeasureRepository.counts($0)) }.filter { !$0.1.isZero }
    }

    @Test("the roll-ups are written with the step: a refused step leaves them as they were", arguments: TestDatabase.enabled)
    func sameTransaction(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let repo = Self.repo(db)
            let c = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "垃圾", gridID: grid.id), actor: Self.operatorActor, at: Self.t0)
            let period = MeasureMonth(SimpleDate(Self.t0)).period
            let before = try await MeasureRepository(db).totals(grid.id, period)
            // A stale version: refused, and the counters stay.
            _ = await Fixture.storeError { try await repo.apply(.accept(), to: c.id, expectedVersion: 7, actor: Self.operatorActor, in: .everything, at: Self.t0) }
            let afterRefusal = try await MeasureRepository(db).totals(grid.id, period)
            #expect(afterRefusal == before)
            #expect(before[.reported] == 1 && before[.due] == 1 && before[.responded] == 0)
            #expect(before[.workSteps] == 1 && before[.workers] == 1, "the operator's report is a step of work")
            try await repo.apply(.accept(), to: c.id, actor: Self.operatorActor, in: .everything, at: Self.t0.addingTimeInterval(600))
            let after = try await MeasureRepository(db).totals(grid.id, period)
            #expect(after[.responded] == 1 && after[.respondedOnTime] == 1 && after[.responseSeconds] == 600)
            #expect(after[.workSteps] == 2 && after[.workers] == 1)
        }
    }

    @Test("a step for a case of a frozen month is a restatement with who and when; the frozen figures stand", arguments: TestDatabase.enabled)
    func frozenMonth(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup: a case reported in November, accepted the same day
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let repo = Self.repo(db)
            let measures = MeasureRepository(db)
            let november = MeasureMonth(SimpleDate(Self.t0))
            let c = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .qr, title: "", description: "垃圾", gridID: grid.id), actor: .resident, at: Self.t0)
            try await repo.apply(.accept(), to: c.id, actor: Self.operatorActor, in: .everything, at: Self.t0.addingTimeInterval(600))
            let december2 = try #require(SimpleDate(iso: "2026-12-02")).startOfDayInChina.addingTimeInterval(9 * 3600)
            // Not yet over: refused.
            let early = await Fixture.storeError { try await MeasureMonths.freeze(november, by: "王主任", at: Self.t0, on: db) }
            #expect(early?.field == "month")
            try await MeasureMonths.freeze(november, by: "王主任", at: december2, on: db)
            let frozen = try await measures.totals(grid.id, november.period)
            // MUT: dispatched in December, after the freeze
            try await repo.apply(.dispatch(department: CaseRepository.gridTeam), to: c.id, actor: Self.operatorActor, in: .everything, at: december2)
            // validate
            let after = try await measures.totals(grid.id, november.period)
            #expect(Self.perCase(after) == Self.perCase(frozen), "the frozen month's figures do not move")
            let restated = try await measures.restatements(grid.id, november.period)
            #expect(restated.count == 1)
            #expect(restated.first?.action == .dispatch && restated.first?.actorName == "王受理" && restated.first?.recordedAt == december2)
            #expect(restated.first?.change == TallyCounts([.handovers: 1]))
            #expect(restated.first?.measures.map(\.id) == ["signing"])
            // Frozen figures plus restatements are what a recount finds.
            let recount = try await Self.recount(db, unit: grid, november.period)
            #expect(Self.perCase(frozen) + (restated.first?.change ?? TallyCounts()) == recount)
            // A rebuild leaves frozen months alone.
            try await MeasureRollup.rebuild(db)
            let afterRebuild = try await measures.totals(grid.id, november.period)
            #expect(Self.perCase(afterRebuild) == Self.perCase(frozen))
            let restatedAfterRebuild = try await measures.restatements(grid.id, november.period).count
            #expect(restatedAfterRebuild == 1)
        }
    }

    @Test("a month freezes by itself five days after it ends: a later step is a restatement", arguments: TestDatabase.enabled)
    func automaticFreeze(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let repo = Self.repo(db)
            let october20 = try #require(SimpleDate(iso: "2026-10-20")).startOfDayInChina.addingTimeInterval(10 * 3600)
            let c = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "垃圾", gridID: grid.id), actor: Self.operatorActor, at: october20)
            let october = MeasureMonth(SimpleDate(october20))
            // On 5 November October is still open: the step counts live.
            let november5 = try #require(SimpleDate(iso: "2026-11-05")).startOfDayInChina.addingTimeInterval(3600)
            try await repo.apply(.accept(), to: c.id, actor: Self.operatorActor, in: .everything, at: november5)
            let respondedLive = try await MeasureRepository(db).totals(grid.id, october.period)[.responded]
            #expect(respondedLive == 1)
            // On 6 November it has frozen.
            let november6 = try #require(SimpleDate(iso: "2026-11-06")).startOfDayInChina.addingTimeInterval(3600)
            try await repo.apply(.suspend(reason: "等待业主回复"), to: c.id, actor: Self.operatorActor, in: .everything, at: november6)
            let suspendedFrozen = try await MeasureRepository(db).totals(grid.id, october.period)[.suspended]
            #expect(suspendedFrozen == 0, "the frozen figure stands")
            let record = try await MeasureMonths.record(october, on: db as! any SQLDatabase)
            #expect(record?.frozenBy == "system")
            let restated = try await MeasureRepository(db).restatements(grid.id, october.period)
            #expect(restated.map(\.change) == [TallyCounts([.suspended: 1])])
            // The sweeper's round marks every month past its freeze, once.
            let marked = try await MeasureMonths.freezeDue(at: november6, on: db)
            #expect(marked.isEmpty, "October is marked already and November has not ended")
        }
    }

    @Test("the registers' counts are stored per unit and counted again only where the change log has something newer", arguments: TestDatabase.enabled)
    func storedRegisterCounts(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let sql = db as! any SQLDatabase
            let repo = MeasureRepository(db)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let grids = try await sql.raw("SELECT DISTINCT unit_id FROM households WHERE unit_id IS NOT NULL ORDER BY unit_id LIMIT 2").all()
                .map { try $0.decode(column: "unit_id", as: UUID.self) }
            let (a, b) = (grids[0], grids[1])
            let period = try #require(MeasurePeriod(from: Fixture.today.adding(days: -30), to: Fixture.today))
            func households(_ unit: UUID) async throws -> Int { try await repo.totals(unit, period)[.households] }
            let counted = try await RegisterTallies.count(nil, under: "/", halfYear: VisitCoverage.halfYear(containing: period.to).start.description, to: period.to.description, on: sql)
            // MUT
            let first = try await repo.totals(root.id, period)
            let stored = try await sql.raw("SELECT COUNT(*) AS n FROM register_tallies").first()?.decode(column: "n", as: Int.self) ?? 0
            try await sql.raw("UPDATE register_tallies SET households = households + 1000 WHERE unit_id = \(bind: a)").run()
            let fromStore = try await households(root.id)
            // Any write to one of a's households is in the change log: a is counted again, b is not.
            try await sql.raw("UPDATE register_tallies SET households = households + 7 WHERE unit_id = \(bind: b)").run()
            let moved = try #require(try await sql.raw("SELECT id FROM households WHERE unit_id = \(bind: a) ORDER BY id LIMIT 1").first()?.decode(column: "id", as: UUID.self))
            try await sql.raw("UPDATE households SET unit_id = \(bind: b) WHERE id = \(bind: moved)").run()
            let (afterA, afterB, afterRoot) = (try await households(a), try await households(b), try await households(root.id))
            // validate
            let expected = counted.values.reduce(0) { $0 + $1.households }
            let unplaced = try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE unit_id IS NULL").first()?.decode(column: "n", as: Int.self) ?? 0
            #expect(first[.households] == expected + unplaced && first[.householdsWithPeople] == counted.values.reduce(0) { $0 + $1.withPeople })
            #expect(stored > 0, "the first read stores its counts")
            #expect(fromStore == first[.households] + 1000, "an unchanged unit is read from what was stored")
            #expect(afterA == counted[a]!.households - 1, "a changed unit is counted again")
            #expect(afterB == counted[b]!.households + 1, "the unit the household moved to as well (its old figure + 7 is gone)")
            #expect(afterRoot == first[.households])
        }
    }

    @Test("the demo's history is counted by the set-based rebuild exactly as the Swift rules count it", arguments: TestDatabase.enabled)
    func backfill(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let now = Fixture.today.startOfDayInChina.addingTimeInterval(10 * 3600)
            let n = try await DemoLoader(db, cipher: TestDatabase.keys.cipher).loadCases(plan: Fixture.plan, days: 40, now: now)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let period = try #require(MeasurePeriod(from: Fixture.today.adding(days: -45), to: Fixture.today))
            let totals = try await MeasureRepository(db).totals(root.id, period)
            #expect(n > 0 && totals[.reported] == n)
            let swiftRecount = try await Self.recount(db, unit: root, period)
            #expect(Self.perCase(totals) == swiftRecount)
            #expect(totals[.closed] > 0 && totals[.rated] > 0 && totals[.handovers] > 0 && totals[.workers] > 0)
            // The people who worked in a whole month, counted from its per-month rows (one per person), are the distinct
            // names of the month's per-day rows; over the whole period, distinct names too.
            let whole = MeasureMonth(MeasureMonth(Fixture.today).first.adding(days: -1))
            if kind == .sqlite {
                let schema = try await (db as! any SQLDatabase).raw("SELECT sql FROM sqlite_master WHERE name = 'case_workload_monthly'").first()?
                    .decode(column: "sql", as: String.self)
                #expect(schema?.contains("WITHOUT ROWID") == true, "kept in its key's order (UpdateWorkloadMonthlyClustered)")
            }
            for p in [whole.period, period] {
                let kept = try await MeasureRepository(db).totals(of: [root], p)[root.id]?[.workers]
                let distinct = try await (db as! any SQLDatabase).raw(
                    "SELECT COUNT(DISTINCT person) AS n FROM case_workload WHERE unit_id = \(bind: root.id) AND day >= \(bind: p.from.description) AND day <= \(bind: p.to.description)"
                ).first()?.decode(column: "n", as: Int.self)
                #expect(kept == distinct && (distinct ?? 0) > 1, "\(p.from)…\(p.to)")
            }
            // By category and by channel (a whole month and the days around it): the cases reported alone, as the dashboard
            // reads them, are the full sums' and add up to every case.
            for grouping in [MeasureRepository.Grouping.category, .channel] {
                let full = try await MeasureRepository(db).grouped(root.id, period, by: grouping)
                let reported = try await MeasureRepository(db).grouped(root.id, period, by: grouping, counting: [.reported])
                #expect(reported.map(\.key) == full.map(\.key) && reported.map { $0.counts[.reported] } == full.map { $0.counts[.reported] })
                #expect(reported.reduce(0) { $0 + $1.counts[.reported] } == n && reported.allSatisfy { $0.counts[.closed] == 0 })
                #expect(full.contains { $0.counts[.closed] > 0 })
            }
            // The two departments sent the most, each against a count of the cases its account sees.
            let busiest = try await (db as! any SQLDatabase).raw(
                "SELECT department_key FROM case_department_tallies WHERE unit_id = \(bind: root.id) GROUP BY department_key ORDER BY SUM(reported) DESC LIMIT 2"
            ).all().map { try $0.decode(column: "department_key", as: String.self) }
            #expect(busiest.count == 2)
            for department in busiest {
                let kept = try await MeasureRepository(db).totals(department: department, unit: root.id, period)
                let swift = try await Self.recount(db, unit: root, department: department, period)
                #expect(kept == swift && kept[.reported] > 0, "\(department): the backfill counts what its account sees")
            }
        }
    }

    @Test("a department counts the cases sent to it; a case sent back and on to another takes all its counts along", arguments: TestDatabase.enabled)
    func departments(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let repo = Self.repo(db), measures = MeasureRepository(db)
            let department = CaseActor(id: nil, name: "住建张", role: .department)
            let id = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "井盖缺失", gridID: grid.id), actor: Self.operatorActor,
                at: Self.t0
            ).id
            let period = MeasureMonth(SimpleDate(Self.t0)).period
            func figures(_ key: String, _ unit: UUID) async throws -> TallyCounts { try await measures.totals(department: key, unit: unit, period) }
            // MUT 1: accepted, not yet sent: no department counts it.
            try await repo.apply(.accept(), to: id, actor: Self.operatorActor, in: .everything, at: Self.t0.addingTimeInterval(600))
            let notSent = try await measures.departmentTotals(try await repo.departments(), unit: root.id, period)
            #expect(notSent.allSatisfy { $0.counts.isZero })
            // MUT 2: sent to 住建 and signed for 30 minutes later (in time).
            try await repo.apply(.dispatch(department: "housing"), to: id, actor: Self.operatorActor, in: .everything, at: Self.t0.addingTimeInterval(1200))
            try await repo.apply(.signFor(), to: id, actor: department, in: .everything, at: Self.t0.addingTimeInterval(3000))
            let housing = try await figures("housing", grid.id)
            #expect(housing == TallyCounts([.reported: 1, .due: 1, .responded: 1, .respondedOnTime: 1, .responseSeconds: 600, .handovers: 1, .signedOnTime: 1]))
            let housingDistrict = try await figures("housing", root.id)
            #expect(housingDistrict == housing, "the district counts what its grid counts")
            // MUT 3: 住建 sends it back; it goes on to 市政 and is signed for three hours later (late).
            try await repo.apply(.sendBack(reason: "不属本部门"), to: id, actor: department, in: .everything, at: Self.t0.addingTimeInterval(3600))
            let sentBack = try await figures("housing", grid.id)
            #expect(sentBack.isZero, "a case sent back leaves the department with nothing")
            try await repo.apply(.dispatch(department: "municipal"), to: id, actor: Self.operatorActor, in: .everything, at: Self.t0.addingTimeInterval(4200))
            try await repo.apply(.signFor(), to: id, actor: department, in: .everything, at: Self.t0.addingTimeInterval(4200 + 3 * 3600))
            // validate: 市政 has the case and both its handovers, one signed for in time (住建's).
            let municipal = try await figures("municipal", grid.id)
            #expect(
                municipal == TallyCounts([.reported: 1, .due: 1, .responded: 1, .respondedOnTime: 1, .responseSeconds: 600, .handovers: 2, .signedOnTime: 1]))
            let signing = Measures.signing.value(from: municipal)
            #expect(signing.value == 50 && signing.n == 2)
            let housingAfter = try await figures("housing", grid.id)
            #expect(housingAfter.isZero)
            // The rebuild finds the same.
            try await MeasureRollup.rebuild(db)
            let rebuilt = try await figures("municipal", grid.id)
            #expect(rebuilt == municipal)
        }
    }

    @Test("a grid moved to another community takes its cases' figures with it", arguments: TestDatabase.enabled)
    func movedGrid(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup: a case in the first grid, whose community is not the last grid's
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let (grid, other) = (try #require(grids.first), try #require(grids.last))
            let (from, to) = (try #require(grid.parentID), try #require(other.parentID))
            #expect(from != to)
            _ = try await Self.repo(db).intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "垃圾", gridID: grid.id), actor: Self.operatorActor, at: Self.t0)
            let period = MeasureMonth(SimpleDate(Self.t0)).period
            let measures = MeasureRepository(db)
            let (before, beforeThere) = (try await measures.totals(from, period), try await measures.totals(to, period))
            #expect(before[.reported] == 1 && beforeThere[.reported] == 0)
            // MUT
            _ = try await UnitRepository(db).move(grid.id, to: to, actor: "管理员", in: .everything, at: Self.t0)
            // validate
            let leftBehind = try await measures.totals(from, period)[.reported]
            #expect(leftBehind == 0)
            let arrived = try await measures.totals(to, period)[.reported]
            #expect(arrived == 1)
            let stayed = try await measures.totals(grid.id, period)[.reported]
            #expect(stayed == 1)
            // Every roll-up, the coarse ones too, is what a recount after the move finds (the rows the
            // move left at zero aside: a recount writes none).
            let kept = try await Self.snapshot(db).filter { $0.value.contains { $0 != 0 } }
            try await MeasureRollup.rebuild(db)
            #expect(try await Self.snapshot(db).filter { $0.value.contains { $0 != 0 } } == kept)
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
@testable import WanggeStore
import WanggeTestSupport

@Suite("Demo case history in storage: states, timelines, deadlines, grids, scope, determinism")
struct DemoCaseStoreTests {
    /// 2026-11-27 16:00 China time, the fixture district's today.
    static let now = Date(timeIntervalSince1970: 1_795_766_400)
    static let days = 45

    static func load(_ db: any Database) async throws -> Int {
        try await DemoLoader(db, cipher: TestDatabase.keys.cipher).loadCases(plan: Fixture.plan, days: days, now: now)
    }

    static func cases(_ db: any Database) async throws -> [CaseRow] {
        try await Fixture.sql(db).raw("SELECT \(unsafeRaw: "*") FROM cases ORDER BY tracking_code").all(decoding: CaseRow.self)
    }

    /// The action a stored event stands for. Events keep no level: escalations go one level up.
    static func action(_ e: CaseEventRow, on snapshot: CaseSnapshot, mergedInto: String?) -> CaseAction? {
        let up: [UnitLevel] = [.community, .street, .district]
        switch e.action {
        case .report: return nil
        case .accept: return .accept(note: e.note)
        case .reject: return .reject(reason: e.reason ?? "")
        case .dispatch: return .dispatch(department: e.departmentKey ?? "", note: e.note)
        case .signFor: return .signFor(note: e.note)
        case .handle: return .handle(note: e.note)
        case .verify: return .verify(note: e.note)
        case .returnForRework: return .returnForRework(reason: e.reason ?? "")
        case .close: return .close(note: e.note)
        case .resolveOnSpot: return .resolveOnSpot(note: e.note)
        case .callback: return .callback(rating: e.rating ?? .satisfied, note: e.note)
        case .sendBack: return .sendBack(reason: e.reason ?? "")
        case .escalate: return .escalate(to: Overdue.levelAbove(snapshot.level, in: up) ?? .district, reason: e.reason ?? "")
        case .suspend: return .suspend(reason: e.reason ?? "")
        case .resume: return .resume(note: e.note)
        case .reopen: return .reopen(reason: e.reason ?? "")
        case .markUnsolvable: return .markUnsolvable(reason: e.reason ?? "")
        case .merge: return .merge(into: mergedInto ?? "", note: e.note)
        case .supervise: return .supervise(note: e.note)
        }
    }

    @Test("a short history: every state, timelines the machine accepts, deadlines from the category, cases in their grids", arguments: TestDatabase.enabled)
    func shortHistory(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // MUT
            let written = try await Self.load(db)

            // validate
            let rows = try await Self.cases(db)
            #expect(written == rows.count && rows.count > 300)
            #expect(Set(rows.map(\.state)) == Set(CaseState.allCases))
            #expect(Set(rows.map(\.channel)) == Set(CaseChannel.allCases))
            let grids = try await Fixture.grids(db)
            let gridsByID = Dictionary(uniqueKeysWithValues: grids.values.map { ($0.id, $0) })
            let repo = CaseRepository(db, cipher: TestDatabase.keys.cipher)
            let categories = Dictionary(uniqueKeysWithValues: try await repo.categories().map { ($0.key, $0) })
            var events = 0
            for row in rows {
                if let unit = row.unitID {
                    let grid = try #require(gridsByID[unit], "a case in a grid")
                    let point = try #require(row.point)
                    #expect(grid.area?.contains(point) == true, "\(row.trackingCode) lies in its grid")
                    #expect(row.level <= .grid)
                } else {
                    #expect(row.level == .district && row.point == nil)
                }
                let opened = try #require(try await repo.find(row.id, in: .everything))
                #expect(opened.reporterPhone == nil || Phone.isValid(opened.reporterPhone!), "phones decrypt")
                let timeline = try await repo.timeline(row.id)
                events += timeline.count
                #expect(timeline.first?.action == .report && timeline.first?.at == row.reportedAt)
                #expect(timeline.map(\.seq) == Array(1...timeline.count) && row.version == timeline.count)
                var snapshot = CaseMachine.report(id: row.id.uuidString, level: row.unitID == nil ? .district : .grid, by: timeline[0].actorRole, at: row.reportedAt).snapshot
                for e in timeline.dropFirst() {
                    let action = try #require(Self.action(e, on: snapshot, mergedInto: row.mergedInto))
                    let t = try CaseMachine.apply(action, to: snapshot, by: e.actorRole, at: e.at)
                    #expect(t.event.to == e.toState && t.event.from == e.fromState, "\(row.trackingCode) \(e.action)")
                    #expect(e.at <= Self.now)
                    snapshot = t.snapshot
                }
                #expect(snapshot.state == row.state && snapshot.level == row.level && snapshot.reworkCount == row.reworkCount)
                #expect(snapshot.supervisionCount == row.supervisionCount && snapshot.rating == row.rating && snapshot.outcome == row.outcome)
                let category = try #require(categories[row.categoryKey])
                var expected = CaseDeadlines(
                    reportedAt: row.reportedAt, limits: category.limits, warnFraction: category.warnFraction, excluding: row.suspensionIntervals)
                if let reopened = timeline.last(where: { $0.action == .reopen }) {
                    expected = expected.reopened(at: reopened.at, limits: category.limits, warnFraction: category.warnFraction)
                }
                #expect(abs(row.resolveBy.timeIntervalSince(expected.resolveBy)) < 0.01, "\(row.trackingCode)")
                #expect(abs(row.respondWarnAt.timeIntervalSince(expected.respondWarnAt)) < 0.01)
            }
            #expect(events > rows.count * 5)

            // Every operator queue has something in it; a street's operator sees only the street's cases,
            // a department only its own.
            for queue in [CaseQueue.toAccept, .toDispatch, .toClose, .overdue] {
                let n = try await repo.count(queue, role: .operator_, in: .everything, now: Self.now)
                #expect(n > 0, "\(queue)")
            }
            let street = try await Fixture.unit(db, code: Fixture.plan.units.first { $0.level == .street }!.code)
            let streetGrids = Set(grids.values.filter { $0.path.hasPrefix(street.path) }.map(\.id))
            let streetQueue = try await repo.queue(.toAccept, role: .operator_, in: .subtree(of: street), now: Self.now).rows
            #expect(!streetQueue.isEmpty && streetQueue.allSatisfy { $0.unitID.map(streetGrids.contains) == true })
            let working = rows.filter { $0.state == .dispatched || $0.state == .signedFor }.compactMap(\.departmentKey)
            let department = try #require(working.first { $0 != CaseRepository.gridTeam })
            let scope = Scope.everything.limited(toDepartments: [department])
            let own = try await repo.queue(.mine, role: .department, in: scope, now: Self.now).rows
            #expect(!own.isEmpty && own.allSatisfy { $0.departmentKey == department })
        }
    }

    @Test("every queue read state by state and merged pages through the same cases in the same order as one sorted query", arguments: TestDatabase.enabled)
    func queuesByState(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            _ = try await Self.load(db)
            let repo = CaseRepository(db, cipher: TestDatabase.keys.cipher)
            var seen = 0
            for role in [ActorRole.operator_, .gridWorker, .department, .leader] {
                for queue in CaseQueue.allCases {
                    let condition: SQLQueryString = "\(repo.condition(queue, role: role, now: Self.now)) AND \(Scope.everything.caseCondition())"
                    // Every case the queue holds is in one of the states it is read by.
                    let states = CaseRepository.states(of: queue, role: role)
                    let outside = try await Fixture.sql(db).raw(
                        "SELECT COUNT(*) AS n FROM cases c WHERE \(condition) AND state NOT IN (\(binds: states.map(\.rawValue)))"
                    ).first()?.decode(column: "n", as: Int.self)
                    #expect(outside == 0, "\(queue) for \(role)")
                    var (merged, plain): ([UUID], [UUID]) = ([], [])
                    var after: UUID?
                    repeat {
                        let page = try await repo.queue(queue, role: role, in: .everything, now: Self.now, after: after, limit: 9)
                        merged += page.rows.map(\.id)
                        after = page.next
                    } while after != nil
                    repeat {
                        let page = try await repo.page(where: condition, order: ("resolve_by", ascending: true), after: after, limit: 9)
                        plain += page.rows.map(\.id)
                        after = page.next
                    } while after != nil
                    #expect(merged == plain, "\(queue) for \(role): \(merged.count) vs \(plain.count)")
                    seen += merged.count
                }
            }
            #expect(seen > 200)
        }
    }

    @Test("the same seed and moment write the same cases", arguments: TestDatabase.enabled)
    func deterministic(kind: TestDatabase) async throws {
        var first: [String] = []
        for _ in 0..<2 {
            try await kind.withStore(Fixture.demo) { db in
                _ = try await Self.load(db)
                let rows = try await Self.cases(db)
                struct Step: Decodable { var tracking_code: String; var seq: Int; var action: String; var at: Date }
                let steps = try await Fixture.sql(db).raw(
                    "SELECT c.tracking_code, e.seq, e.action, e.at FROM case_events e JOIN cases c ON c.id = e.case_id ORDER BY c.tracking_code, e.seq"
                ).all(decoding: Step.self)
                let summary =
                    rows.map { "\($0.id) \($0.trackingCode) \($0.publicCode) \($0.state) \($0.categoryKey) \($0.resolveBy.timeIntervalSince1970)" }
                    + steps.map { "\($0.tracking_code) \($0.seq) \($0.action) \($0.at.timeIntervalSince1970)" }
                if first.isEmpty { first = summary } else { #expect(summary == first) }
            }
        }
        #expect(!first.isEmpty)
    }
}

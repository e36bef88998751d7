import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("The dashboard's red and yellow cards: read state by state, the same rows and totals as the rule says")
struct CaseCardsTests {
    @Test("overdue and warning cards of a grid and of the district: most urgent first across states, totals of every match", arguments: TestDatabase.enabled)
    func cards(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let (grid, other) = (grids[0], grids[1])
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let repo = CaseStoreTests.repo(db)
            let now = CaseStoreTests.t0.addingTimeInterval(10 * 86_400)
            let hour = 3600.0
            func make(in unit: UnitRow, state: Int, resolveBy: Date, resolveWarn: Date, respondBy: Date) async throws -> UUID {
                let c = try await repo.intake(
                    CaseStoreTests.draft(at: try CaseStoreTests.point(in: unit)), actor: CaseStoreTests.gridActor, at: CaseStoreTests.t0)
                if state >= 1 { try await repo.apply(.accept(), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: CaseStoreTests.t0) }
                if state >= 2 {
                    try await repo.apply(.dispatch(department: "sanitation"), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: CaseStoreTests.t0)
                }
                try await Fixture.sql(db).raw(
                    """
                    UPDATE cases SET resolve_by = \(bind: resolveBy), resolve_warn_at = \(bind: resolveWarn), \
                    respond_by = \(bind: respondBy), respond_warn_at = \(bind: respondBy.addingTimeInterval(-hour / 2)) WHERE id = \(bind: c.id)
                    """
                ).run()
                return c.id
            }
            // In the grid: states reported, accepted, dispatched in turn. 0–4 past their resolve limit
            // (0 the most overdue); 5 and 7 within it but past their warning; 6 reported and unanswered
            // past its respond limit (overdue, not a warning); 8 neither.
            var ids: [UUID] = []
            for i in 0..<9 {
                let resolveBy = i < 5 ? now.addingTimeInterval(-Double(10 - i) * hour) : now.addingTimeInterval(Double(i) * hour)
                let resolveWarn = i == 8 ? now.addingTimeInterval(hour) : now.addingTimeInterval(-hour)
                let respondBy = i == 6 ? now.addingTimeInterval(-hour) : now.addingTimeInterval(hour)
                ids.append(try await make(in: grid, state: i % 3, resolveBy: resolveBy, resolveWarn: resolveWarn, respondBy: respondBy))
            }
            // In another grid: two the most overdue of all, seen from the district only.
            var elsewhere: [UUID] = []
            for i in 0..<2 {
                let resolveBy = now.addingTimeInterval(-Double(20 - i) * hour)
                elsewhere.append(try await make(in: other, state: i + 1, resolveBy: resolveBy, resolveWarn: resolveBy, respondBy: now.addingTimeInterval(hour)))
            }

            let overdue = try await repo.cards(.overdue, unit: grid, in: .everything, now: now, limit: 3)
            #expect(overdue.rows.map(\.id) == Array(ids[0..<3]), "the three most overdue, across states")
            #expect(overdue.total == 6, "0–4 and the unanswered 6")
            let all = try await repo.cards(.overdue, unit: grid, in: .everything, now: now, limit: 20)
            #expect(all.rows.map(\.id) == Array(ids[0..<5]) + [ids[6]])
            let warning = try await repo.cards(.warning, unit: grid, in: .everything, now: now, limit: 20)
            #expect(warning.rows.map(\.id) == [ids[5], ids[7]] && warning.total == 2)
            let district = try await repo.cards(.overdue, unit: root, in: .everything, now: now, limit: 4)
            #expect(district.rows.map(\.id) == elsewhere + Array(ids[0..<2]) && district.total == 8)
            let none = try await repo.cards(.warning, unit: other, in: .everything, now: now, limit: 20)
            #expect(none.rows.isEmpty && none.total == 0, "no match: zero, not an error")

            // The scope still limits what a unit's cards show when the unit's subtree is not inside it.
            let streetID = try #require(grid.parentID)
            let street = try #require(try await UnitRepository(db).find(streetID, in: .everything))
            let (own, fromGrid) = (Scope.subtree(of: street), Scope.subtree(of: grid))
            #expect(Scope.everything.holdsSubtree(of: root) && own.holdsSubtree(of: street) && own.holdsSubtree(of: grid))
            #expect(!fromGrid.holdsSubtree(of: street) && !fromGrid.holdsSubtree(of: other) && !fromGrid.holdsSubtree(of: root))
            #expect(!Scope(pathPrefix: root.path, includesUnplaced: false).holdsSubtree(of: root), "the top also holds the cases in no unit")
            #expect(!Scope.everything.limited(toDepartments: ["sanitation"]).holdsSubtree(of: grid), "a department sees only what was sent to it")
            let narrowed = try await repo.cards(.overdue, unit: root, in: fromGrid, now: now, limit: 20)
            #expect(narrowed.rows.map(\.id) == Array(ids[0..<5]) + [ids[6]] && narrowed.total == 6, "the district's cards seen from one grid: that grid's")
            let outside = try await repo.cards(.overdue, unit: other, in: fromGrid, now: now, limit: 20)
            #expect(outside.rows.isEmpty && outside.total == 0)
            let sent = try await repo.cards(.overdue, unit: root, in: Scope.everything.limited(toDepartments: ["sanitation"]), now: now, limit: 20)
            #expect(sent.rows.map(\.id) == [elsewhere[1], ids[2]] && sent.total == 2, "a department's: only the cases dispatched to it")
        }
    }
}

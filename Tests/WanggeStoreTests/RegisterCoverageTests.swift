import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

/// Register coverage (格不漏户、户不漏人) and visit coverage (twice a year, once each half-year) as
/// measures: households and people as the register stands, visits up to a period's last day, by hand.
@Suite("Measures from the registers: register coverage and visit coverage")
struct RegisterCoverageTests {
    static func day(_ text: String) -> Date { SimpleDate(iso: text)!.startOfDayInChina.addingTimeInterval(10 * 3600) }

    static func household(_ sql: any SQLDatabase, _ number: String, grid: UUID?, created: String, person: Bool) async throws -> UUID {
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO households (id, number, unit_id, address, kind, created_at) \
            VALUES (\(bind: id), \(bind: number), \(bind: grid), \(bind: "测试路" + number), 'registered', \(bind: day(created)))
            """
        ).run()
        if person {
            try await sql.raw(
                """
                INSERT INTO residents (id, name, household_id, residence_type, unit_id, created_at, updated_at) \
                VALUES (\(bind: UUID()), \(bind: "住户" + number), \(bind: id), 'registered', \(bind: grid), \(bind: day(created)), \(bind: day(created)))
                """
            ).run()
        }
        return id
    }

    static func visit(_ sql: any SQLDatabase, _ household: UUID, grid: UUID, on text: String, state: VisitState = .recorded) async throws {
        try await sql.raw(
            """
            INSERT INTO home_visits (id, household_id, unit_id, state, day, visited_at, visitor_name, seen, met, needs, changes, problems, created_at, updated_at) \
            VALUES (\(bind: UUID()), \(bind: household), \(bind: grid), \(bind: state.rawValue), \(bind: text), \(bind: day(text)), '李网格', '', '[]', '[]', '', '', \
            \(bind: day(text)), \(bind: day(text)))
            """
        ).run()
    }

    static func registers(_ t: TallyCounts) -> [Int] { Tally.fromRegisters.map { t[$0] } }

    @Test("households and people as registered, visits up to the period's end, up the tree, the same for one unit and for a list", arguments: TestDatabase.enabled)
    func handCounted(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let sql = db as! any SQLDatabase
            let grid = try #require(try await Fixture.grids(db).values.sorted { $0.code < $1.code }.first)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let repo = MeasureRepository(db)
            let november = MeasureMonth(year: 2026, month: 11)!.period, december = MeasureMonth(year: 2026, month: 12)!.period
            let before = (
                grid: try await repo.totals(grid.id, november), root: try await repo.totals(root.id, november),
                december: try await repo.totals(grid.id, december)
            )
            // H1: people, visited in September (this half-year). H2: nobody registered, visited in May (the half-year before).
            // H3: people, only a draft visit. H4: people, visited 3 December (after November). H5: nobody, never visited.
            // H6: placed in no grid (the district's alone).
            let h1 = try await Self.household(sql, "T-1", grid: grid.id, created: "2026-10-01", person: true)
            let h2 = try await Self.household(sql, "T-2", grid: grid.id, created: "2026-10-01", person: false)
            let h3 = try await Self.household(sql, "T-3", grid: grid.id, created: "2026-10-01", person: true)
            let h4 = try await Self.household(sql, "T-4", grid: grid.id, created: "2026-10-01", person: true)
            _ = try await Self.household(sql, "T-5", grid: grid.id, created: "2026-12-10", person: false)
            _ = try await Self.household(sql, "T-6", grid: nil, created: "2026-10-01", person: true)
            try await Self.visit(sql, h1, grid: grid.id, on: "2026-09-10")
            try await Self.visit(sql, h2, grid: grid.id, on: "2026-05-20")
            try await Self.visit(sql, h3, grid: grid.id, on: "2026-11-05", state: .draft)
            try await Self.visit(sql, h4, grid: grid.id, on: "2026-12-03")
            // MUT
            let gridNov = try await repo.totals(grid.id, november), rootNov = try await repo.totals(root.id, november)
            let gridDec = try await repo.totals(grid.id, december)
            let listed = try await repo.totals(of: [grid, root], november)
            // validate: [households, with people, in grids, visited]
            let d = zip(Self.registers(gridNov), Self.registers(before.grid)).map { $0 - $1 }
            #expect(d == [5, 3, 5, 1], "November, grid: H1–H5 registered, H1, H3, H4 with people, H1 visited by then")
            let r = zip(Self.registers(rootNov), Self.registers(before.root)).map { $0 - $1 }
            #expect(r == [6, 3, 5, 1], "the district also holds H6, placed in no grid (a household, not in a grid)")
            let dec = zip(Self.registers(gridDec), Self.registers(before.december)).map { $0 - $1 }
            #expect(dec == [5, 3, 5, 2], "December: H4's visit counts too")
            #expect(Self.registers(listed[grid.id] ?? TallyCounts()) == Self.registers(gridNov), "a list of units reads the same numbers")
            #expect(Self.registers(listed[root.id] ?? TallyCounts()) == Self.registers(rootNov))
            // With only the test's households (the grid had none before), the figures by hand.
            if Self.registers(before.grid) == [0, 0, 0, 0] {
                #expect(Measures.visitCoverage.value(from: gridNov).display == "20.0 %")
                #expect(Measures.registerCoverage.value(from: gridNov).display == "60.0 %")
            }
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeTestSupport

@testable import WanggeStore

/// Statistics gathered while a table was nearly empty (a fresh district, a small demo) make SQLite
/// plan as if it still were: a scan is the cheapest plan for a handful of rows. These tests make
/// such statistics on purpose and check what the store does about them.
@Suite("Planner statistics: stale statistics are refreshed, and the intake's lookups never depend on them")
struct PlannerStatisticsTests {
    /// Statistics taken with one row in `rate_buckets`, then thousands of rows added.
    static func staleStatistics(_ sql: any SQLDatabase, rows: Int) async throws {
        try await sql.raw("INSERT INTO rate_buckets (key, window_start, count) VALUES ('seed', 0, 1)").run()
        try await sql.raw("ANALYZE").run()
        for start in stride(from: 0, to: rows, by: 500) {
            let values = (start..<min(rows, start + 500)).map { "('k\($0)', 0, 1)" }.joined(separator: ", ")
            try await sql.raw("INSERT INTO rate_buckets (key, window_start, count) VALUES \(unsafeRaw: values)").run()
        }
    }

    static func analysedRows(_ sql: any SQLDatabase, table: String) async throws -> Int {
        let stat = try await sql.raw("SELECT stat FROM sqlite_stat1 WHERE tbl = \(bind: table) AND idx IS NOT NULL").first()
        return Int(try stat?.decode(column: "stat", as: String.self).split(separator: " ").first ?? "") ?? 0
    }

    @Test("refreshing re-gathers a grown table's statistics on SQLite, and is a no-op on PostgreSQL", arguments: TestDatabase.enabled)
    func refresh(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let sql = Fixture.sql(database)
            try await Self.staleStatistics(sql, rows: 5000)
            if db == .sqlite { #expect(try await Self.analysedRows(sql, table: "rate_buckets") == 1) }
            // MUT
            try await StoreSetup.refreshStatistics(database)
            // validate
            if db == .sqlite {
                #expect(try await Self.analysedRows(sql, table: "rate_buckets") > 1000, "the statistics follow the table's growth")
            }
            #expect(try await Fixture.count(database, "rate_buckets") == 5001)
        }
    }

    /// Statistics saying `table` had one row (as SQLite's ANALYZE writes them when it had): one
    /// `sqlite_stat1` row per index, then reloaded.
    static func pretendOneRow(_ sql: any SQLDatabase, table: String) async throws {
        try await sql.raw("ANALYZE").run()
        try await sql.raw("DELETE FROM sqlite_stat1 WHERE tbl = \(bind: table)").run()
        for index in try await sql.raw("SELECT name FROM pragma_index_list(\(bind: table))").all() {
            let name = try index.decode(column: "name", as: String.self)
            let columns = try await sql.raw("SELECT COUNT(*) AS n FROM pragma_index_info(\(bind: name))").first()?.decode(column: "n", as: Int.self) ?? 1
            let stat = Array(repeating: "1", count: columns + 1).joined(separator: " ")
            try await sql.raw("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (\(bind: table), \(bind: name), \(bind: stat))").run()
        }
        try await sql.raw("ANALYZE sqlite_schema").run()
    }

    @Test("the check that a new case's codes are unused looks both codes up by index, even with statistics from a one-case table")
    func codesByIndex() async throws {
        try await TestDatabase.sqlite.withStore { database in
            // setup: statistics taken when the district had one case
            let sql = Fixture.sql(database)
            try await Self.pretendOneRow(sql, table: "cases")
            // MUT
            // MUT: one case's codes (prepare), and a batch's (the commit)
            for query in [
                CaseRepository.codesTaken(tracking: ["ABCD2345"], public: ["PABCD2345"]),
                CaseRepository.codesTaken(tracking: ["ABCD2345", "EFGH2345", "JKLM2345"], public: ["PABCD2345", "PEFGH2345", "PJKLM2345"]),
            ] {
                let plan = try await sql.raw("EXPLAIN QUERY PLAN \(query)").all().map { try $0.decode(column: "detail", as: String.self) }
                // validate
                #expect(plan.filter { $0.hasPrefix("SEARCH cases USING") }.count == 2, "\(plan)")
                #expect(!plan.contains { $0.contains("SCAN") }, "\(plan)")
            }
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeTestSupport

@testable import WanggeStore

@Suite("Resident search by the start of a name goes through an index on both databases")
struct ResidentSearchPlanTests {
    @Test("a Chinese name prefix: an index range on SQLite, the text_pattern_ops index on PostgreSQL", arguments: TestDatabase.enabled)
    func namePrefix(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let condition = ResidentRepository(db, cipher: TestDatabase.keys.cipher).namePrefix("张伟")
            let count: SQLQueryString = "SELECT COUNT(*) AS n FROM residents WHERE \(condition)"
            // MUT and validate
            if kind == .sqlite {
                let plan = try await Fixture.sql(db).raw("EXPLAIN QUERY PLAN \(count)").all().map { try $0.decode(column: "detail", as: String.self) }
                #expect(plan.contains { $0.hasPrefix("SEARCH residents USING") && $0.contains("name") }, "\(plan)")
                #expect(!plan.contains { $0.contains("SCAN residents") }, "\(plan)")
            } else {
                // An empty table is cheapest to scan: with scans priced out, the plan shows which index can serve the prefix.
                let plan = try await db.transaction { tx in
                    let sql = Fixture.sql(tx)
                    try await sql.raw("SET LOCAL enable_seqscan = off").run()
                    return try await sql.raw("EXPLAIN \(count)").all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                }
                #expect(plan.contains { $0.contains(CreateResidentNamePatternIndex.name) }, "\(plan)")
                #expect(plan.contains { $0.contains("Index Cond") && $0.contains("~>=~") }, "the prefix bounds the index search: \(plan)")
            }
        }
    }
}

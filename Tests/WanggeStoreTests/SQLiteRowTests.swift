import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeTestSupport

@testable import WanggeStore

@Suite("SQLite rows: handed over inline and decoded directly, with the driver's results and errors")
struct SQLiteRowTests {
    @Test("every common column decodes to what SQLiteKit's own decoder gives, and the same values fail, on both paths")
    func directDecodingMatchesTheDriver() async throws {
        try await TestDatabase.sqlite.withStore { database in
            // setup
            let id = UUID()
            let stamp = Date(timeIntervalSince1970: 1_796_120_215.40768)
            for sql in [database.sql, database.sql.bulk] {
                let row = try #require(
                    try await sql.raw(
                        """
                        SELECT \(bind: id.uuidString) AS upper, \(bind: id.uuidString.lowercased()) AS lower, 'not-a-uuid' AS bad, \
                        '甲乙,丙' AS text, 42 AS n, 2.5 AS x, NULL AS empty, 1764547200.25 AS at, X'00FF' AS blob, \(bind: stamp) AS stamp
                        """
                    ).first())
                // MUT / validate
                let fast = try #require(row as? FastSQLiteRow, "SQLite statements run through InlineRowsSQLiteDatabase, the driver's path and the inline one alike")
                let slow = fast.fallback
                func same<D: Decodable & Equatable>(_ column: String, _ type: D.Type) {
                    let a = Result { try fast.decode(column: column, as: D.self) }, b = Result { try slow.decode(column: column, as: D.self) }
                    switch (a, b) {
                    case (.success(let x), .success(let y)): #expect(x == y, "\(column) as \(D.self)")
                    case (.failure, .failure): break
                    default: Issue.record("\(column) as \(D.self): \(a) but the driver gives \(b)")
                    }
                }
                for column in ["upper", "lower", "bad", "text", "n", "x", "empty", "at", "blob", "stamp", "missing"] {
                    same(column, String.self)
                    same(column, String?.self)
                    same(column, UUID.self)
                    same(column, UUID?.self)
                    same(column, Int.self)
                    same(column, Int?.self)
                    same(column, Double.self)
                    same(column, Double?.self)
                    same(column, Date.self)
                    same(column, Date?.self)
                    same(column, Bool?.self)
                }
                #expect(try fast.decode(column: "upper", as: UUID.self) == id && (try fast.decode(column: "lower", as: UUID?.self)) == id)
                #expect(try fast.decode(column: "empty", as: String?.self) == nil && (try fast.decodeNil(column: "empty")))
                #expect(try fast.decode(column: "stamp", as: Date.self) == stamp && (try fast.decode(column: "n", as: Date?.self)) == Date(timeIntervalSince1970: 42))
                #expect(throws: (any Error).self) { try fast.decode(column: "empty", as: String.self) }
                #expect(throws: (any Error).self) { try fast.decode(column: "bad", as: UUID.self) }
            }
        }
    }

    @Test("the canonical UUID form is read in either case; anything else is left to UUID(uuidString:)")
    func canonicalUUIDs() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(CanonicalUUID.parse(id.uuidString) == id && CanonicalUUID.parse(id.uuidString.lowercased()) == id)
        }
        let text = UUID().uuidString
        for bad in [
            "", String(text.dropLast()), text + "0", text.replacingOccurrences(of: "-", with: ""), "G" + text.dropFirst(),
            String(text.prefix(8)) + "+" + text.dropFirst(9), "{\(text)}", "全" + text.dropFirst(),
        ] {
            #expect(CanonicalUUID.parse(bad) == nil, "\(bad)")
        }
    }
}

import FluentKit
import Foundation
import SQLKit

/// Writes many rows with multi-row INSERTs, a few hundred per statement, so that loading a
/// district of a million residents is not a million round trips. Callers wrap it in a transaction.
struct BulkWriter {
    let sql: any SQLDatabase
    /// Kept well under PostgreSQL's 65,535 bind parameters per statement.
    static let maxBinds = 20_000

    func insert(into table: String, columns: [String], rows: [[any Encodable & Sendable]]) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, Self.maxBinds / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var builder = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] {
                builder = builder.values(row.map { SQLBind($0) })
            }
            try await builder.run()
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import FluentSQLiteDriver

/// A value for `BulkWriter`, typed so that a million rows need no `Encodable` round trip.
enum SQLValue: Sendable {
    case text(String)
    case int(Int)
    case real(Double)
    case uuid(UUID)
    case date(Date)
    /// NULL of the column's type (PostgreSQL will not put a text NULL into a uuid column).
    case null(Kind)

    enum Kind: Sendable { case text, int, uuid }

    static func text(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null(.text) }
    static func uuid(_ u: UUID?) -> SQLValue { u.map(SQLValue.uuid) ?? .null(.uuid) }
    static func int(_ i: Int?) -> SQLValue { i.map(SQLValue.int) ?? .null(.int) }

    /// As Fluent stores it in SQLite: UUIDs as text, dates as seconds since 1970.
    var sqlite: SQLiteData {
        switch self {
        case .text(let s): .text(s)
        case .int(let i): .integer(i)
        case .real(let d): .float(d)
        case .uuid(let u): .text(u.text)
        case .date(let d): .float(d.timeIntervalSince1970)
        case .null: .null
        }
    }

    var bind: any Encodable & Sendable {
        switch self {
        case .text(let s): s
        case .int(let i): i
        case .real(let d): d
        case .uuid(let u): u
        case .date(let d): d
        case .null(.text): String?.none
        case .null(.int): Int?.none
        case .null(.uuid): UUID?.none
        }
    }
}

/// Writes many rows with multi-row INSERTs, a few hundred per statement, so that loading a
/// district of a million residents is not a million round trips. Callers wrap it in a transaction.
/// On SQLite the statement goes straight to the connection with its values already converted
/// (no query builder, no encoder: at a million rows these cost more than SQLite itself).
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

    func insert(into table: String, columns: [String], values rows: [[SQLValue]]) async throws {
        guard !rows.isEmpty else { return }
        guard let sqlite = sql as? any SQLiteDatabase else {
            return try await insert(into: table, columns: columns, rows: rows.map { $0.map(\.bind) })
        }
        let perStatement = max(1, Self.maxBinds / columns.count)
        let head = "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let slice = rows[start..<min(start + perStatement, rows.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(slice.count * columns.count)
            for row in slice { for value in row { binds.append(value.sqlite) } }
            let query = head + Array(repeating: tuple, count: slice.count).joined(separator: ", ")
            try await sqlite.query(query, binds, logger: sqlite.logger) { _ in }.get()
        }
    }
}

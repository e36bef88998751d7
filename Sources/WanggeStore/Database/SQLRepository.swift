import FluentKit
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit
import WanggeSecurity

extension Database {
    /// This database as SQLKit sees it. Both drivers Wangge runs on (SQLite and PostgreSQL) are SQL
    /// databases; this is the one place that says so. On SQLite the statements run through
    /// `InlineRowsSQLiteDatabase` on the driver's own path, their rows decoded by `FastSQLiteRow`.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { preconditionFailure("Wangge runs on SQL databases only (SQLite, PostgreSQL)") }
        if let sqlite = self as? any SQLiteDatabase { return InlineRowsSQLiteDatabase(base: sql, sqlite: sqlite, inline: false) }
        return sql
    }
}

/// The SQLite database as Fluent's driver makes it, except for how a statement's rows come back.
/// Every row is a `FastSQLiteRow`. The driver's path (SQLKit → SQLiteKit → the pooled connection's
/// EventLoopFuture `query`) sends every row from the blocking thread that steps the statement to the
/// event loop as a task of its own: an export of 1.2 M residents made 1.2 M cross-thread hops, a third
/// of its time in the kernel switching threads. With `inline` (`bulk`) a query runs through
/// the connection's async `query` instead, which calls back on the stepping thread; SQLKit's `all()`
/// gathers the rows there and resumes once. Small reads and writes are cheaper the driver's way and
/// keep it. Everything else (dialect, sessions, the query log) is the driver's own, and rows fall back
/// to the same default `SQLiteDataDecoder` Fluent's configuration uses.
struct InlineRowsSQLiteDatabase: SQLDatabase {
    let base: any SQLDatabase
    let sqlite: any SQLiteDatabase
    /// Queries' rows on the stepping thread (`bulk`); otherwise the driver's path, rows decoded directly.
    let inline: Bool

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (text, binds) = serialize(query)
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(text), "binds": .array(binds.map { .string("\($0)") })])
        }
        let encoder = SQLiteDataEncoder()
        let data = try binds.map { try encoder.encode($0) }
        let decoder = SQLiteDataDecoder()
        let onSQLiteRow: @Sendable (SQLiteRow) -> Void = { onRow(FastSQLiteRow(row: $0, fallback: $0.sql(decoder: decoder))) }
        // A connection of its own (`IntakeWriter`'s), not the pool's: every statement straight to it.
        if let connection = sqlite as? SQLiteConnection {
            try await connection.query(text, data, onSQLiteRow)
            return
        }
        // Writes, and reads not marked bulk, go the driver's way (a task on the event loop per row).
        guard inline, Self.readsRows(text) else {
            try await sqlite.query(text, data, logger: logger, onSQLiteRow).get()
            return
        }
        // The connection is leased through the pool's future API and used from this task (the async
        // `withConnection` would start a task of its own for every statement). The lease ends when
        // `released` completes.
        let loop = sqlite.eventLoop
        let leased = loop.makePromise(of: SQLiteConnection.self), released = loop.makePromise(of: Void.self)
        sqlite.withConnection { connection -> EventLoopFuture<Void> in
            leased.succeed(connection)
            return released.futureResult
        }.whenFailure { leased.fail($0) }
        let connection: SQLiteConnection
        do { connection = try await leased.futureResult.get() } catch {
            released.succeed(())
            throw error
        }
        do {
            try await connection.query(text, data, onSQLiteRow)
            released.succeed(())
        } catch {
            released.succeed(())
            throw error
        }
    }

    /// Whether a statement is a query (SELECT, WITH, VALUES), which may return many rows.
    static func readsRows(_ text: String) -> Bool {
        let head = text.utf8.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "(") }
        let word = String(decoding: head, as: UTF8.self).uppercased()
        return word == "SELECT" || word == "WITH" || word == "VALUES"
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
    }
}

/// An SQLite row whose most common columns — text as `String` or `UUID`, integers as `Int`, reals as
/// `Double`, numbers as `Date`, NULL as any optional — are decoded straight from the value SQLite gave; everything else,
/// and any value that does not fit, goes to SQLiteKit's own decoder, so results and errors stay the
/// driver's. SQLiteKit asks every value whether its type converts itself and decodes a `UUID` through a
/// nested `Decoder` and `UUID(uuidString:)` (sscanf): a fifth of an export's time went to decoding rows.
struct FastSQLiteRow: SQLRow {
    let row: SQLiteRow
    let fallback: any SQLRow

    var allColumns: [String] { fallback.allColumns }
    func contains(column: String) -> Bool { row.column(column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let data = row.column(column) else { return true }
        return data == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        if let data = row.column(column), let value: D = Self.direct(data) { return value }
        return try fallback.decode(column: column, as: D.self)
    }

    /// The integers in the columns `names`, which follow one another in the row in that order, read in
    /// one pass over the row (not a look-up by name and a generic decode for each); nil when they are
    /// not there in that order or one is not an integer, to leave them to `decode(column:as:)`.
    func integers(named names: [String]) -> [Int]? {
        let columns = row.columns
        guard let first = names.first, let start = columns.firstIndex(where: { $0.name == first }), columns.count - start >= names.count else {
            return nil
        }
        var out: [Int] = []
        out.reserveCapacity(names.count)
        for (offset, name) in names.enumerated() {
            let column = columns[start + offset]
            guard column.name == name, case .integer(let n) = column.data else { return nil }
            out.append(n)
        }
        return out
    }

    /// The value as `D` when the storage class is the one `D` is read from; nil to leave it to SQLiteKit.
    static func direct<D>(_ data: SQLiteData) -> D? {
        switch data {
        case .text(let text):
            if D.self == String.self || D.self == String?.self { return text as? D }
            if D.self == UUID.self || D.self == UUID?.self { return CanonicalUUID.parse(text).flatMap { $0 as? D } }
        case .integer(let n):
            if D.self == Int.self || D.self == Int?.self { return n as? D }
            if D.self == Date.self || D.self == Date?.self { return Date(timeIntervalSince1970: Double(n)) as? D }
        case .float(let x):
            if D.self == Double.self || D.self == Double?.self { return x as? D }
            // A date is stored as seconds since 1970 (SQLiteNIO's `Date(sqliteData:)` reads it the same way).
            if D.self == Date.self || D.self == Date?.self { return Date(timeIntervalSince1970: x) as? D }
        case .null:
            if let optional = D.self as? any ExpressibleByNilLiteral.Type { return optional.init(nilLiteral: ()) as? D }
        case .blob:
            break
        }
        return nil
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits of either case, the form every UUID is stored
/// in; nil for anything else (which `UUID(uuidString:)` then judges).
enum CanonicalUUID {
    static func parse(_ text: String) -> UUID? { parse(utf8: text.utf8) }

    /// The same, from the text's UTF-8 bytes (a slice of a longer text, such as one segment of a path).
    static func parse<Bytes: Sequence<UInt8>>(utf8 text: Bytes) -> UUID? {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var utf8 = text.makeIterator()
            var index = 0, position = 0
            while index < 16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard utf8.next() == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = utf8.next().flatMap(Hex.value), let low = utf8.next().flatMap(Hex.value) else { return false }
                out[index] = high << 4 | low
                index += 1
                position += 2
            }
            return utf8.next() == nil
        }
        return ok ? UUID(uuid: bytes) : nil
    }
}

extension SQLDatabase {
    /// This database for reads of many rows (an export's pages, an import's look-ups, a phone's sync
    /// pages, the measures' rows per unit): on SQLite their rows come back on the thread that steps the
    /// statement (see `InlineRowsSQLiteDatabase`); on PostgreSQL itself. Small reads are faster the
    /// driver's way, which holds the pooled connection for fewer thread hops (intake: 641 cases/s with
    /// every query inline, 738 without).
    var bulk: any SQLDatabase {
        guard let sqlite = self as? InlineRowsSQLiteDatabase else { return self }
        return InlineRowsSQLiteDatabase(base: sqlite.base, sqlite: sqlite.sqlite, inline: true)
    }
}

/// A repository: it works on a Fluent database and writes its queries with SQLKit, always with bound
/// parameters.
protocol SQLRepository: Sendable {
    var db: any Database { get }
}

extension SQLRepository {
    var sql: any SQLDatabase { db.sql }
}

extension SQLQueryString {
    /// A row count (LIMIT, OFFSET) written into the statement as a number, not bound: SQLite (3.47 on)
    /// plans with a bound LIMIT's value, so a statement with `LIMIT ?` is compiled twice — once when
    /// prepared and again at its first step once the value is bound (a dashboard's red and yellow cards
    /// are two such statements of some ninety parameters each). An `Int` cannot carry SQL.
    mutating func appendInterpolation(count n: Int) {
        appendInterpolation(unsafeRaw: String(n))
    }
}

import FluentKit
import FluentSQLiteDriver
import NIOCore
import SQLKit

extension Database {
    /// This database as SQLKit sees it. Both drivers Wangge runs on (SQLite and PostgreSQL) are SQL
    /// databases; this is the one place that says so. On SQLite the statements run through
    /// `InlineRowsSQLiteDatabase`, which hands rows over without a hop per row.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { preconditionFailure("Wangge runs on SQL databases only (SQLite, PostgreSQL)") }
        if let sqlite = self as? any SQLiteDatabase { return InlineRowsSQLiteDatabase(base: sql, sqlite: sqlite) }
        return sql
    }
}

/// The SQLite database as Fluent's driver makes it, except for how a statement's rows come back.
/// The driver's path (SQLKit → SQLiteKit → the pooled connection's EventLoopFuture `query`) sends
/// every row from the blocking thread that steps the statement to the event loop as a task of its
/// own: an export of 1.2 M residents made 1.2 M cross-thread hops, a third of its time in the
/// kernel switching threads. Here the statement runs through the connection's async `query`,
/// which calls back on the stepping thread; SQLKit's `all()` and `first()` gather the rows there
/// and resume once. Everything else (dialect, sessions, the query log) is the driver's own, and
/// the rows are decoded with the same default `SQLiteDataDecoder` Fluent's configuration uses.
struct InlineRowsSQLiteDatabase: SQLDatabase {
    let base: any SQLDatabase
    let sqlite: any SQLiteDatabase

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
        try await sqlite.withConnection { connection in
            try await connection.query(text, data) { onRow($0.sql(decoder: decoder)) }
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
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

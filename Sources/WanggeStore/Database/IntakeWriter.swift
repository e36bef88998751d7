import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// The connection intake's group commit writes on.
///
/// SQLite: a connection of its own, outside the pool. The pool has one connection per event loop
/// (two here), and a batch's transaction held one of them for as long as it ran, so every request
/// on that loop waited for the commit before it could even read its API key — and the next batch
/// then queued behind those reads (measured: 13 ms between one commit and the next `BEGIN`, the
/// writer idle). With its own connection the writer goes from batch to batch while the pool answers
/// reads; SQLite allows one writer at a time anyway, and WAL lets readers go on beside it. The
/// transaction starts with `BEGIN IMMEDIATE`, so it waits for another writer (a case step, the
/// sweeper) at its start, with the busy timeout, rather than failing halfway. The connection is
/// opened on first use, with the pool's settings (`StoreSetup.connectionPragmas`), and dropped after
/// an error it cannot roll back from; the next batch opens a fresh one.
///
/// PostgreSQL: likewise a connection of its own (the pool's connections of an event loop were queued for
/// by that loop's requests, and a batch's `BEGIN` waited behind their reads), with the URL's settings and
/// the schema as search path.
public actor IntakeWriter {
    enum Source: Sendable {
        case pool(any Database)
        case sqlite(path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger, logLevel: Logger.Level?, pragmas: [String])
        case postgres(SQLPostgresConfiguration, eventLoop: any EventLoop, logger: Logger, logLevel: Logger.Level?)
    }

    /// An open connection of the writer's own.
    enum Connection: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresConnection)
    }

    private let source: Source
    private var connection: Connection?

    /// `db` is used only where no connection of the writer's own can be opened (a location other than
    /// a SQLite file or a PostgreSQL URL the driver reads).
    public init(
        db: any Database, location: StoreLocation, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger,
        logQueries: Bool = false, busyTimeout: Int = StoreSetup.defaultBusyTimeout, cacheMiB: Int = StoreSetup.defaultCacheMiB
    ) {
        let level: Logger.Level? = logQueries ? .info : nil
        switch location {
        case .sqlite(let path) where db is any SQLiteDatabase:
            source = .sqlite(
                path: path, threadPool: threadPool, eventLoop: eventLoop, logger: logger, logLevel: level,
                pragmas: StoreSetup.connectionPragmas(busyTimeout: busyTimeout, cacheMiB: cacheMiB))
        case .postgres:
            if let config = try? location.postgresConfiguration() {
                source = .postgres(config, eventLoop: eventLoop, logger: logger, logLevel: level)
            } else {
                source = .pool(db)
            }
        default:
            source = .pool(db)
        }
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    public func transaction(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let sql: any SQLDatabase
        let begin: SQLQueryString
        switch try await open() {
        case nil:
            guard case .pool(let db) = source else { return }
            try await db.transaction { tx in try await body(tx.sql) }
            return
        case .sqlite(let conn, let logLevel):
            sql = InlineRowsSQLiteDatabase(
                base: conn.sql(encoder: SQLiteDataEncoder(), decoder: SQLiteDataDecoder(), queryLogLevel: logLevel), sqlite: conn, inline: true)
            begin = "BEGIN IMMEDIATE"
        case .postgres(let conn, let logLevel):
            sql = conn.sql(queryLogLevel: logLevel)
            begin = "BEGIN"
        }
        try await sql.raw(begin).run()
        do {
            try await body(sql)
            try await sql.raw("COMMIT").run()
        } catch {
            do {
                try await sql.raw("ROLLBACK").run()
            } catch {
                // The database may have rolled back itself (an I/O error, a full disk, a lost connection): start afresh next time.
                await close()
            }
            throw error
        }
    }

    enum Opened {
        case sqlite(SQLiteConnection, Logger.Level?)
        case postgres(PostgresConnection, Logger.Level?)
    }

    /// The writer's own connection, opened now if need be; nil when it writes through the pool.
    private func open() async throws -> Opened? {
        switch (source, connection) {
        case (.pool, _):
            return nil
        case (.sqlite(_, _, _, _, let level, _), .sqlite(let conn)?):
            return .sqlite(conn, level)
        case (.postgres(_, _, _, let level), .postgres(let conn)?):
            return .postgres(conn, level)
        case (.sqlite(let path, let threadPool, let eventLoop, let logger, let level, let pragmas), _):
            let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop).get()
            do {
                for pragma in pragmas + ["PRAGMA foreign_keys = ON"] { _ = try await conn.query(pragma, []) }
            } catch {
                try? await conn.close()
                throw error
            }
            connection = .sqlite(conn)
            return .sqlite(conn, level)
        case (.postgres(let config, let eventLoop, let logger, let level), _):
            let conn = try await PostgresConnection.connect(on: eventLoop, configuration: config.coreConfiguration, id: 0, logger: logger)
            if let path = config.searchPath {
                do {
                    try await conn.sql().raw("SET search_path TO \(idents: path, joinedBy: ",")").run()
                } catch {
                    try? await conn.close()
                    throw error
                }
            }
            connection = .postgres(conn)
            return .postgres(conn, level)
        }
    }

    /// Closes the writer's own connection, if open (the server does so as it stops).
    public func close() async {
        guard let open = connection else { return }
        connection = nil
        switch open {
        case .sqlite(let conn): try? await conn.close()
        case .postgres(let conn): try? await conn.close()
        }
    }
}

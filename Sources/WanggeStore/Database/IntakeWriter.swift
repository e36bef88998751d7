import FluentKit
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
/// opened on first use, with the pool's settings (`StoreSetup.connectionPragmas`; temporary files in
/// memory), and dropped after an error it cannot roll back from; the next batch opens a fresh one.
///
/// PostgreSQL: a pooled connection, as any transaction (the pool there has several per loop).
public actor IntakeWriter {
    enum Source: Sendable {
        case pool(any Database)
        case sqlite(path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger, logLevel: Logger.Level?, pragmas: [String])
    }

    private let source: Source
    private var connection: SQLiteConnection?

    /// `db` is used for PostgreSQL (and for any location that is not a SQLite file).
    public init(
        db: any Database, location: StoreLocation, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger,
        logQueries: Bool = false, busyTimeout: Int = StoreSetup.defaultBusyTimeout, cacheMiB: Int = StoreSetup.defaultCacheMiB
    ) {
        switch location {
        case .sqlite(let path) where db is any SQLiteDatabase:
            source = .sqlite(
                path: path, threadPool: threadPool, eventLoop: eventLoop, logger: logger, logLevel: logQueries ? .info : nil,
                pragmas: StoreSetup.connectionPragmas(busyTimeout: busyTimeout, cacheMiB: cacheMiB))
        default:
            source = .pool(db)
        }
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    public func transaction(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        switch source {
        case .pool(let db):
            try await db.transaction { tx in try await body(tx.sql) }
        case .sqlite(let path, let threadPool, let eventLoop, let logger, let logLevel, let pragmas):
            let conn: SQLiteConnection
            if let open = connection {
                conn = open
            } else {
                conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop).get()
                do {
                    // Statement journals in memory: a batch's multi-row inserts each keep one, and past 64 KiB
                    // SQLite spills it to a temporary file it writes and truncates on every batch. Only this
                    // connection, whose statements are small batches (a pooled one may sort a million rows).
                    for pragma in pragmas + ["PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY"] { _ = try await conn.query(pragma, []) }
                } catch {
                    try? await conn.close()
                    throw error
                }
                connection = conn
            }
            let sql = InlineRowsSQLiteDatabase(
                base: conn.sql(encoder: SQLiteDataEncoder(), decoder: SQLiteDataDecoder(), queryLogLevel: logLevel), sqlite: conn, inline: true)
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                try await body(sql)
                try await sql.raw("COMMIT").run()
            } catch {
                do {
                    try await sql.raw("ROLLBACK").run()
                } catch {
                    // SQLite may have rolled back itself (an I/O error, a full disk): start afresh next time.
                    await close()
                }
                throw error
            }
        }
    }

    /// Closes the SQLite connection, if open (the server does so as it stops).
    public func close() async {
        guard let conn = connection else { return }
        connection = nil
        try? await conn.close()
    }
}

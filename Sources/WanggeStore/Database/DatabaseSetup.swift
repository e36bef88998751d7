import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Where the data lives: an embedded SQLite file by default, PostgreSQL when `DATABASE_URL` is set.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    /// `schema` puts Wangge's tables in a schema of their own (tests use one per test).
    /// `connectionsPerLoop`: PostgreSQL connections per event loop (`WANGGE_DB_CONNECTIONS`, default 4).
    case postgres(url: String, schema: String?, connectionsPerLoop: Int = 4)

    /// The SQLite file's name inside `WANGGE_DATA`.
    public static let sqliteFileName = "wangge.sqlite"

    /// `DATABASE_URL` wins (with `DATABASE_SCHEMA` if set); otherwise `WANGGE_DATA` (default
    /// `./data/`) holds `wangge.sqlite`.
    public static func from(environment env: [String: String]) -> StoreLocation {
        if let url = env["DATABASE_URL"], !url.isEmpty {
            let pool = Int(env["WANGGE_DB_CONNECTIONS"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 4
            return .postgres(url: url, schema: env["DATABASE_SCHEMA"].flatMap { $0.isEmpty ? nil : $0 }, connectionsPerLoop: pool)
        }
        let dir = env["WANGGE_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        return .sqlite(path: (dir as NSString).appendingPathComponent(Self.sqliteFileName))
    }

    public var isPostgres: Bool { if case .postgres = self { true } else { false } }

    /// The Fluent configuration for this location. Creates the SQLite directory if needed.
    /// `logQueries` (`WANGGE_SQL_LOG=1`) logs every statement at `info`: with `WANGGE_LOG_FORMAT=json`
    /// each line has its time to the millisecond and its request id, which is how a slow page is taken
    /// apart statement by statement on a live server.
    public func configuration(logQueries: Bool = false) throws -> DatabaseConfigurationFactory {
        switch self {
        case .sqlite(let path):
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            return .sqlite(.file(path), sqlLogLevel: logQueries ? .info : nil)
        case .postgres(let url, let schema, let pool):
            var config = try SQLPostgresConfiguration(url: url)
            if let schema { config.searchPath = [schema] }
            return .postgres(configuration: config, maxConnectionsPerEventLoop: pool, sqlLogLevel: logQueries ? .info : .debug)
        }
    }

    public var databaseID: DatabaseID { isPostgres ? .psql : .sqlite }
}

public enum StoreSetup {
    /// Makes SQLite durable before anything is acknowledged: WAL keeps readers off the writer's back,
    /// and synchronous=FULL fsyncs the WAL on every commit, so an acknowledged case survives a power cut.
    /// journal_mode is stored in the file; synchronous is per connection, so it is set on every pooled
    /// connection (one per event loop) — and FULL is also the compiled-in default of the bundled SQLite.
    ///
    /// `busyTimeout` (milliseconds): how long a writer waits for another's write lock. The driver's
    /// own busy handler retries at once, for ever, so a waiting writer spun one of the few blocking
    /// threads every SQLite statement runs on at full speed while the writer it waited for needed
    /// that thread; SQLite's timeout sleeps between tries (1, 2, 5 … 100 ms) and gives up with
    /// "busy" after `busyTimeout`, which the web layer answers as 503 with Retry-After (`isBusy`).
    ///
    /// `cacheMiB`: SQLite's page cache per connection (`cache_size`). SQLite's default of 2 MB holds a
    /// sliver of a district's indexes: every other page a dashboard's overdue cards or a ranking read
    /// came from the operating system's cache through a `read` call, half of such a query's time
    /// (7–8 ms vs 4 ms for the overdue cards at 1 M cases). Every page is bounded by this, so the
    /// server's memory grows by at most this much per pooled connection (two on two cores).
    public static func prepare(
        _ databases: Databases, id: DatabaseID, logger: Logger, busyTimeout: Int = defaultBusyTimeout, cacheMiB: Int = defaultCacheMiB
    ) async throws {
        guard id == .sqlite else { return }
        for loop in databases.eventLoopGroup.makeIterator() {
            guard let db = databases.database(id, logger: logger, on: loop) as? any SQLDatabase else { continue }
            try await db.raw("PRAGMA journal_mode=WAL").run()
            for pragma in connectionPragmas(busyTimeout: busyTimeout, cacheMiB: cacheMiB) { try await db.raw(SQLQueryString(pragma)).run() }
        }
    }

    /// The settings every SQLite connection of the server gets (the pool's and `IntakeWriter`'s); see `prepare`.
    public static func connectionPragmas(busyTimeout: Int = defaultBusyTimeout, cacheMiB: Int = defaultCacheMiB) -> [String] {
        ["PRAGMA synchronous=FULL", "PRAGMA busy_timeout=\(max(0, busyTimeout))", "PRAGMA cache_size=-\(max(1, cacheMiB) * 1024)"]
    }

    /// SQLite's page cache per connection in MiB, unless `WANGGE_SQLITE_CACHE_MB` says otherwise.
    public static let defaultCacheMiB = 32

    /// A writer's wait for SQLite's write lock, in milliseconds, unless `WANGGE_SQLITE_BUSY_MS` says
    /// otherwise: as long as a request waits for a pooled connection (10 s).
    public static let defaultBusyTimeout = 10_000

    /// Whether an error says the database is too busy to answer now — no pooled connection came
    /// free in time, or SQLite's write lock did not — rather than that anything is wrong with the
    /// request or the data. Nothing was written (the transaction rolled back); the same request
    /// may simply be sent again.
    public static func isBusy(_ error: any Error) -> Bool {
        switch error {
        case is ConnectionPoolTimeoutError: true
        case let e as SQLiteError: [.busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked].contains(e.reason)
        default: false
        }
    }

    /// On SQLite, makes the current transaction a writer now: a write statement that changes nothing
    /// still takes the write lock (waiting, with the busy timeout, for another writer). A transaction
    /// that reads before its first write must start so: once it has read, SQLite cannot let it wait
    /// for a writer that commits meanwhile, and fails with "database is locked". No-op on PostgreSQL.
    public static func takeWriteLock(on sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "sqlite" else { return }
        try await sql.raw("UPDATE audit_head SET seq = seq WHERE id = -1").run()
    }

    /// Gathers the statistics the query planner chooses indexes by (`ANALYZE`), after a bulk load.
    /// SQLite has none until asked, and without them it guesses: at a million cases a guessed plan
    /// sorted half the table to show 50 rows of a list (6 s instead of 7 ms). `quick` lets SQLite
    /// look only at the tables whose statistics are missing or stale (`PRAGMA optimize`), for after
    /// an import. PostgreSQL's autovacuum keeps its own statistics; there it is a plain `ANALYZE`.
    public static func analyze(_ db: any SQLDatabase, quick: Bool = false) async throws {
        if db.dialect.name == "sqlite", quick {
            try await db.raw("PRAGMA optimize").run()
        } else {
            try await db.raw("ANALYZE").run()
        }
    }

    /// Re-gathers the planner's statistics where they have gone stale, cheaply (SQLite's
    /// `PRAGMA optimize` over every table, each analysis capped; a no-op when no table grew or shrank
    /// much). Statistics from a small demo or a first import otherwise stay as they were while cases
    /// pile up, and plans chosen for a nearly empty table (a scan is cheapest there) outlive it. The
    /// server runs it with each sweeper round (the first as it starts); PostgreSQL's autovacuum does
    /// this itself.
    public static func refreshStatistics(_ db: any Database) async throws {
        guard db is any SQLiteDatabase else { return }
        try await db.sql.raw("PRAGMA optimize=0x10002").run()
    }

    /// Whether the database has been set up before (Fluent's migration table exists and has rows).
    public static func isInitialised(_ db: any Database) async -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let row = try? await sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()
        return ((try? row?.decode(column: "n", as: Int.self)) ?? 0) > 0
    }

    /// Reads back the durability settings, for `/healthz` and tests.
    public static func durability(_ db: any SQLDatabase) async throws -> (journal: String, synchronous: Int)? {
        guard db.dialect.name == "sqlite" else { return nil }
        let journal = try await db.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        let sync = try await db.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
        return (journal ?? "?", sync ?? -1)
    }
}

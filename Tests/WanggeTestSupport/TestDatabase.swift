import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import WanggeSecurity
import WanggeStore

/// The databases every storage and HTTP test runs on: SQLite always, and PostgreSQL when
/// `WANGGE_TEST_POSTGRES_URL` is set (CI sets it; an unreachable server then fails the tests
/// rather than skipping them). Each test gets a database of its own — a copy of a template SQLite
/// file or a PostgreSQL database made from a template (`TemplateDatabases`), or an empty one from
/// `makeLocation` — so tests run in parallel and never see each other's rows.
public enum TestDatabase: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["WANGGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The kinds to run: parameterise a test with `arguments: TestDatabase.enabled`.
    public static var enabled: [TestDatabase] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    public var description: String { rawValue }

    /// One fixed key ring for every test (the key file's text form, for `WANGGE_KEYS`).
    public static let keysText = """
        k2:\(Data(repeating: 2, count: 32).base64EncodedString())
        k1:\(Data(repeating: 1, count: 32).base64EncodedString())
        audit:\(Data(repeating: 9, count: 32).base64EncodedString())
        """
    public static let keys: KeyRing = try! KeyRing.parse(keysText)

    /// A fresh, empty place for one test: the environment to give `configure`, and a clean-up.
    public func makeLocation() async throws -> (environment: [String: String], cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-test-\(UUID().uuidString)").path
            return (["WANGGE_DATA": dir, "WANGGE_KEYS": Self.keysText], { try? FileManager.default.removeItem(atPath: dir) })
        case .postgres:
            guard let url = Self.postgresURL else { throw TestSetupError.noPostgres }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await Self.admin(url) { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
            Self.recordPostgresUse()
            return (
                ["DATABASE_URL": url, "DATABASE_SCHEMA": schema, "WANGGE_KEYS": Self.keysText],
                {
                    try? await Self.admin(url) { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                }
            )
        }
    }

    /// Runs `body` on a migrated database of this kind, without Vapor: for storage tests. The
    /// database is a copy of a template (`TemplateDatabases`) migrated once per process and, for a
    /// template other than `.migrated`, filled by its `prepare` once.
    public func withStore(_ template: StoreTemplate = .migrated, _ body: (any Database) async throws -> Void) async throws {
        try await withStore(template) { db, _ in try await body(db) }
    }

    /// `withStore`, with where the copy lives (for what opens connections of its own, like `IntakeWriter`).
    public func withStore(_ template: StoreTemplate = .migrated, _ body: (any Database, StoreLocation) async throws -> Void) async throws {
        let (env, cleanUp) = try await TemplateDatabases.shared.copy(self, name: template.name) { env in
            try await Self.open(env) { databases, _, logger in
                let migrations = Migrations()
                for m in StoreMigrations.all(keys: Self.keys) { migrations.add(m) }
                let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
                try await migrator.setupIfNeeded().get()
                try await migrator.prepareBatch().get()
                try await template.prepare(databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!)
            }
        }
        do {
            try await Self.open(env) { databases, id, logger in
                try await StoreSetup.prepare(databases, id: id, logger: logger)
                try await body(databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!, StoreLocation.from(environment: env))
            }
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    /// The storage tests' blocking pool for SQLite, of its own like the server's (`blockingThreads`):
    /// NIO's shared pool has a thread per core, and with tests running side by side a writer waiting
    /// for SQLite's lock (sleeping in `busy_timeout`) and another test's long statement could hold both
    /// threads of this machine while the lock's holder waited for one (two sweepers at once timed out
    /// asking for a connection).
    public static let blockingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(8, 4 * System.coreCount))
        pool.start()
        return pool
    }()

    /// Opens the database an environment names, runs `body`, and closes every connection.
    static func open(_ env: [String: String], _ body: (Databases, DatabaseID, Logger) async throws -> Void) async throws {
        let location = StoreLocation.from(environment: env)
        let databases = Databases(threadPool: blockingPool, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(try location.configuration(), as: location.databaseID, isDefault: true)
        do { try await body(databases, location.databaseID, Logger(label: "wangge.test")) } catch {
            await databases.shutdownAsync()
            throw error
        }
        await databases.shutdownAsync()
    }

    /// `url` with its database name replaced.
    static func url(_ url: String, database: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + database
        return parts.string ?? url
    }

    static func admin(_ url: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 1), as: .psql)
        let db = databases.database(.psql, logger: Logger(label: "wangge.test.admin"), on: MultiThreadedEventLoopGroup.singleton.any())!
        do { try await body(db as! any SQLDatabase) } catch {
            await databases.shutdownAsync()
            throw error
        }
        await databases.shutdownAsync()
    }

    /// CI prints how many test databases were made on PostgreSQL, so "the PostgreSQL tests ran"
    /// is a number in the log, not a hope.
    static func recordPostgresUse() {
        guard let path = ProcessInfo.processInfo.environment["WANGGE_TEST_POSTGRES_LOG"] else { return }
        let line = Data("1\n".utf8)
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: line)
        }
    }
}

/// What a storage test starts from: the migrated schema, plus whatever `prepare` adds (a demo
/// district), made once per process under `name` and copied for each test.
public struct StoreTemplate: Sendable {
    public var name: String
    public var prepare: @Sendable (any Database) async throws -> Void

    public init(name: String, prepare: @escaping @Sendable (any Database) async throws -> Void) {
        self.name = name
        self.prepare = prepare
    }

    public static let migrated = StoreTemplate(name: "store") { _ in }
}

public enum TestSetupError: Error {
    case noPostgres
    /// A template's builder returned with a connection still open (its SQLite WAL not checkpointed).
    case templateNotClosed(String)
}

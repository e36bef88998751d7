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
/// rather than skipping them). Each test gets a database of its own — a temporary SQLite file
/// or a fresh PostgreSQL schema — so tests run in parallel and never see each other's rows.
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
            return (["DATABASE_URL": url, "DATABASE_SCHEMA": schema, "WANGGE_KEYS": Self.keysText], {
                try? await Self.admin(url) { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
            })
        }
    }

    /// Runs `body` on a migrated database of this kind, without Vapor: for storage tests.
    public func withStore(_ body: (any Database) async throws -> Void) async throws {
        let (env, cleanUp) = try await makeLocation()
        let location = StoreLocation.from(environment: env)
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(try location.configuration(), as: location.databaseID, isDefault: true)
        let logger = Logger(label: "wangge.test")
        let migrations = Migrations()
        for m in StoreMigrations.all(keys: Self.keys) { migrations.add(m) }
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            try await migrator.setupIfNeeded().get()
            try await migrator.prepareBatch().get()
            try await StoreSetup.prepare(databases, id: location.databaseID, logger: logger)
            try await body(databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!)
        } catch {
            await databases.shutdownAsync()
            await cleanUp()
            throw error
        }
        await databases.shutdownAsync()
        await cleanUp()
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
            FileManager.default.createFile(atPath: path, contents: line)
        }
    }
}

public enum TestSetupError: Error { case noPostgres }

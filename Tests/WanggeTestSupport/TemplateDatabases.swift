import FluentKit
import Foundation
import SQLKit
import Synchronization
import WanggeStore

/// The SQLite templates' directories, removed as the test process exits (each holds a migrated or
/// demo database of some megabytes, and a run of the suite makes several).
private let templateDirectories = Mutex<[String]>([])

private func removeTemplateDirectories() {
    for dir in templateDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: dir) }
}

/// Databases made once per test process and copied for each test: migrating and loading a demo
/// district costs seconds, copying a database milliseconds. A template is built by the closure the
/// first test to ask for it gives (every later test waits for that one build), then
///
/// - SQLite: its file (checkpointed: the builder has closed every connection) is copied into a new
///   directory for each test;
/// - PostgreSQL: it is a database of its own, and each test gets `CREATE DATABASE … TEMPLATE` of it.
///
/// Each test still owns its copy outright, so tests run in parallel and never see each other's rows.
public actor TemplateDatabases {
    public static let shared = TemplateDatabases()

    /// What a built template is: a SQLite file, or a PostgreSQL database name.
    enum Built: Sendable {
        case sqliteFile(String)
        case postgresDatabase(String)
    }

    private var builds: [String: Task<Built, any Error>] = [:]

    /// A fresh copy of the template `name` of `kind`, built by `build` into an empty location the
    /// first time. `build` gets the environment of that location and must close every connection
    /// before it returns.
    public func copy(
        _ kind: TestDatabase, name: String,
        build: @escaping @Sendable ([String: String]) async throws -> Void
    ) async throws
        -> (environment: [String: String], cleanUp: @Sendable () async -> Void)
    {
        let key = "\(kind.rawValue)/\(name)"
        let task: Task<Built, any Error>
        if let existing = builds[key] {
            task = existing
        } else {
            task = Task { try await Self.make(kind, name: name, build: build) }
            builds[key] = task
        }
        let built = try await task.value
        switch built {
        case .sqliteFile(let file):
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-test-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file, toPath: dir + "/" + StoreLocation.sqliteFileName)
            return (["WANGGE_DATA": dir, "WANGGE_KEYS": TestDatabase.keysText], { try? FileManager.default.removeItem(atPath: dir) })
        case .postgresDatabase(let template):
            guard let url = TestDatabase.postgresURL else { throw TestSetupError.noPostgres }
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await TestDatabase.admin(url) { try await $0.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: template)").run() }
            TestDatabase.recordPostgresUse()
            return (
                ["DATABASE_URL": TestDatabase.url(url, database: name), "WANGGE_KEYS": TestDatabase.keysText],
                {
                    try? await TestDatabase.admin(url) { try await $0.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run() }
                }
            )
        }
    }

    static func make(_ kind: TestDatabase, name: String, build: @Sendable ([String: String]) async throws -> Void) async throws -> Built {
        switch kind {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-template-\(name)-\(UUID().uuidString)").path
            let first = templateDirectories.withLock { dirs in
                dirs.append(dir)
                return dirs.count == 1
            }
            if first { atexit { removeTemplateDirectories() } }
            try await build(["WANGGE_DATA": dir, "WANGGE_KEYS": TestDatabase.keysText])
            let file = dir + "/" + StoreLocation.sqliteFileName
            // Every connection is closed, so SQLite has checkpointed: the main file holds everything.
            guard FileManager.default.fileExists(atPath: file),
                !FileManager.default.fileExists(atPath: file + "-wal")
                    || (try? FileManager.default.attributesOfItem(atPath: file + "-wal")[.size] as? Int) == 0
            else {
                throw TestSetupError.templateNotClosed(name)
            }
            return .sqliteFile(file)
        case .postgres:
            guard let url = TestDatabase.postgresURL else { throw TestSetupError.noPostgres }
            let db = "tmpl_" + name.replacingOccurrences(of: "-", with: "_") + "_" + UUID().uuidString.prefix(8).lowercased()
            try await TestDatabase.admin(url) { try await $0.raw("CREATE DATABASE \(ident: db)").run() }
            try await build(["DATABASE_URL": TestDatabase.url(url, database: db), "WANGGE_KEYS": TestDatabase.keysText])
            return .postgresDatabase(db)
        }
    }
}

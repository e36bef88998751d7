import FluentKit
import Foundation
import SQLKit

/// Online backup and restore of the store (R7).
///
/// SQLite: `VACUUM INTO` writes a consistent copy of the database as of one moment (it reads in one
/// transaction, so writers carry on meanwhile under WAL), then the copy is attached and checked with
/// `PRAGMA integrity_check` before it is reported. PostgreSQL: `pg_dump` in its custom format, which
/// is consistent by snapshot too; `pg_restore` puts it back. The key file is never part of a backup:
/// the copy holds only ciphertext, and is useless without the key file kept apart from it.
public enum StoreBackup {
    /// What a backup holds, read from the copy itself.
    public struct Summary: Sendable, Equatable, Codable {
        public var path: String
        public var bytes: Int
        public var integrity: String
        public var cases: Int
        public var residents: Int
        public var auditLastSeq: Int?

        public var isIntact: Bool { integrity == "ok" }
    }

    /// SQLite's string literal for `s`.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Writes a consistent copy of the SQLite database to `path` (which must not exist) and checks it.
    public static func sqliteBackup(_ db: any Database, to path: String) async throws -> Summary {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError(.invalid, "backup.exists", [path]) }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try await db.sql.raw("VACUUM INTO \(unsafeRaw: literal(path))").run()
        return try await inspect(db, file: path)
    }

    /// Attaches the SQLite file at `path` to a connection of `db` and reads its integrity and contents.
    public static func inspect(_ db: any Database, file path: String) async throws -> Summary {
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        // One connection for attach, read and detach (the pool would hand each statement its own).
        return try await db.withConnection { conn in
            let sql = conn.sql
            try await sql.raw("ATTACH DATABASE \(unsafeRaw: literal(path)) AS backup").run()
            do {
                let summary = try await read(sql, schema: "backup", path: path, bytes: bytes)
                try await sql.raw("DETACH DATABASE backup").run()
                return summary
            } catch {
                try? await sql.raw("DETACH DATABASE backup").run()
                throw error
            }
        }
    }

    /// The same for the SQLite database `db` itself (after a restore), its file at `path`.
    public static func inspect(_ db: any Database, main path: String) async throws -> Summary {
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        return try await db.withConnection { try await read($0.sql, schema: "main", path: path, bytes: bytes) }
    }

    static func read(_ sql: any SQLDatabase, schema: String, path: String, bytes: Int) async throws -> Summary {
        let rows = try await sql.raw("PRAGMA \(unsafeRaw: schema).integrity_check").all()
        let integrity = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }.joined(separator: "; ")
        func count(_ table: String) async throws -> Int {
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: schema).\(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return Summary(
            path: path, bytes: bytes, integrity: integrity, cases: try await count("cases"), residents: try await count("residents"),
            auditLastSeq: try await sql.raw("SELECT MAX(seq) AS n FROM \(unsafeRaw: schema).audit_log").first()?.decode(column: "n", as: Int?.self))
    }

    /// Puts the SQLite backup `from` in place of the database file `target`, before anything has opened
    /// it. An existing database is kept beside it as `…before-restore-<time>` (with its WAL), and only
    /// with `force`; without, the restore is refused. Returns where the old file went, if anywhere.
    public static func sqliteRestore(from: String, to target: String, force: Bool, now: Date = Date()) throws -> String? {
        let fm = FileManager.default
        guard fm.fileExists(atPath: from) else { throw StoreError(.invalid, "backup.missing", [from]) }
        var kept: String?
        if fm.fileExists(atPath: target) {
            guard force else { throw StoreError(.invalid, "restore.exists", [target]) }
            let stamp = Int(now.timeIntervalSince1970)
            let aside = "\(target).before-restore-\(stamp)"
            try fm.moveItem(atPath: target, toPath: aside)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: target + suffix) {
                try fm.moveItem(atPath: target + suffix, toPath: aside + suffix)
            }
            kept = aside
        }
        let dir = (target as NSString).deletingLastPathComponent
        if !dir.isEmpty { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try fm.copyItem(atPath: from, toPath: target)
        return kept
    }

    /// `pg_dump` / `pg_restore` for a PostgreSQL store; the tool's own error on failure.
    public static func postgres(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StoreError(.invalid, "backup.tool_failed", [tool, message.trimmingCharacters(in: .whitespacesAndNewlines)]) }
    }

    /// The arguments naming the database (and schema) of a PostgreSQL store for `pg_dump`/`pg_restore`.
    public static func postgresTarget(url: String, schema: String?) -> [String] {
        ["--dbname=\(url)"] + (schema.map { ["--schema=\($0)"] } ?? [])
    }
}

import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge backup [--to FILE]`: a consistent copy of the store while the server keeps writing
/// (SQLite `VACUUM INTO`, checked with `integrity_check`; PostgreSQL `pg_dump -Fc`). Audited.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Where to write the backup (default: WANGGE_DATA/backups/wangge-<UTC time>.sqlite or .dump)")
        var to: String?
    }

    var help: String { "Back up the database while the server runs; the key file is not included (keep it apart)" }

    /// `wangge-20261130T134500Z` for a backup made at `now`.
    static func defaultName(_ now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "wangge-\(f.string(from: now))"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let env = ProcessInfo.processInfo.environment
        let dataDir = env["WANGGE_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let name = Self.defaultName(Date())
        switch StoreLocation.from(environment: env) {
        case .sqlite:
            let target = signature.to ?? (dataDir as NSString).appendingPathComponent("backups/\(name).sqlite")
            let summary = try await StoreBackup.sqliteBackup(app.db, to: target)
            try await app.auditCLI(
                "backup", object: "database", target,
                detail: AuditDetail(["bytes": "\(summary.bytes)", "integrity": summary.integrity, "audit_seq": summary.auditLastSeq.map(String.init)]).text,
                outcome: summary.isIntact ? "ok" : "failed")
            guard summary.isIntact else {
                context.console.error(L10n.t("backup.damaged", target, summary.integrity))
                throw ExitCode(1)
            }
            context.console.print(L10n.t("backup.done", target, summary.bytes, summary.cases, summary.residents, summary.auditLastSeq ?? 0))
        case .postgres(let url, let schema, _):
            let target = signature.to ?? (dataDir as NSString).appendingPathComponent("backups/\(name).dump")
            guard !FileManager.default.fileExists(atPath: target) else { throw StoreError(.invalid, "backup.exists", [target]) }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try StoreBackup.postgres("pg_dump", ["--format=custom", "--no-owner", "--file=\(target)"] + StoreBackup.postgresTarget(url: url, schema: schema))
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber)?.intValue ?? 0
            try await app.auditCLI("backup", object: "database", target, detail: AuditDetail(["bytes": "\(bytes)", "tool": "pg_dump"]).text)
            context.console.print(L10n.t("backup.done_pg", target, bytes))
        }
    }
}

/// `wangge restore --from FILE [--force]`. The file is put in place by `RestoreStep` before the
/// database is opened (see `Wangge.main`); this command then checks what was restored — the
/// database's integrity and the audit chain with this key file — and says what it holds.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The backup file to restore")
        var from: String?
        @Flag(name: "force", help: "Replace an existing database (it is kept beside the new one as …before-restore-<time>)")
        var force: Bool
    }

    var help: String { "Restore a backup made by `wangge backup` (stop the server first), then check its integrity and audit chain" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let location = StoreLocation.from(environment: ProcessInfo.processInfo.environment)
        var intact = true
        if case .sqlite(let path) = location {
            let summary = try await StoreBackup.inspect(app.db, main: path)
            intact = summary.isIntact
            context.console.print(L10n.t("restore.contents", path, summary.integrity, summary.cases, summary.residents, summary.auditLastSeq ?? 0))
        }
        let chain = try await AuditLog(app.db, chain: app.keys.audit).verify(pageSize: 5000) { _, _ in }
        context.console.print(chain.message())
        try await app.auditCLI(
            "restore", object: "database", signature.from ?? "-", detail: AuditDetail(["chain_intact": "\(chain.isIntact)", "integrity_ok": "\(intact)"]).text,
            outcome: chain.isIntact && intact ? "ok" : "failed")
        guard chain.isIntact, intact else {
            context.console.error(L10n.t("restore.failed_checks"))
            throw ExitCode(1)
        }
    }
}

/// The part of `wangge restore` that must happen before the database is opened: the backup file
/// replaces the SQLite file, or `pg_restore` loads the dump. Nothing for any other command.
struct RestoreStep {
    var from: String
    var force: Bool

    /// `wangge restore --from FILE [--force]` (also `--from=FILE`), unless help is asked for.
    init?(arguments: [String]) {
        let args = Array(arguments.dropFirst())
        guard args.first == "restore", !Wangge.asksForHelp(arguments) else { return nil }
        var from: String?
        var i = 1
        while i < args.count {
            if args[i] == "--from", i + 1 < args.count {
                from = args[i + 1]
                i += 1
            } else if args[i].hasPrefix("--from=") {
                from = String(args[i].dropFirst("--from=".count))
            }
            i += 1
        }
        guard let from else { return nil }
        self.from = from
        self.force = args.contains("--force")
    }

    /// Puts the backup in place; prints where an existing SQLite database was kept.
    func perform(environment env: [String: String]) throws {
        switch StoreLocation.from(environment: env) {
        case .sqlite(let path):
            if let kept = try StoreBackup.sqliteRestore(from: from, to: path, force: force) {
                FileHandle.standardError.write(Data((L10n.t("restore.kept", kept) + "\n").utf8))
            }
        case .postgres(let url, let schema, _):
            guard FileManager.default.fileExists(atPath: from) else { throw StoreError(.invalid, "backup.missing", [from]) }
            guard force else { throw StoreError(.invalid, "restore.pg_force", []) }
            try StoreBackup.postgres(
                "pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction"] + StoreBackup.postgresTarget(url: url, schema: schema) + [from])
        }
    }
}

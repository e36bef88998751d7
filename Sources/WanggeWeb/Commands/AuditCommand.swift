import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge audit verify` and `wangge audit prune --days N`.
struct AuditCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand(), "prune": AuditPruneCommand()] }
    var help: String { "Verify the audit log's hash chain, or delete entries past the retention period (at least 184 days)" }
}

/// Walks the whole chain with a progress bar; exits 1 naming the first entry that was edited,
/// inserted or deleted, so a cron job or monitoring check can alert on it.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "page-size", help: "Entries read per query (default 5000)")
        var pageSize: Int?
    }

    var help: String { "Check every audit entry against the hash chain; exits 1 naming the first one edited, inserted or deleted" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let bar = ProgressBar(L10n.t("audit.verifying"))
        let result = try await AuditLog(app.db, chain: app.keys.audit).verify(pageSize: max(1, signature.pageSize ?? 5000)) { bar.update($0, $1) }
        try await app.auditCLI(
            "verify", object: "audit_log", result.lastSeq.map(String.init) ?? "-",
            detail: AuditDetail(["checked": "\(result.checked)", "finding": result.firstBadSeq.map(String.init)]).text,
            outcome: result.isIntact ? "ok" : "failed")
        guard result.isIntact else {
            context.console.error(result.message())
            context.console.error(L10n.t("audit.verify.checked_before", result.checked))
            throw ExitCode(1)
        }
        context.console.print(result.message())
    }
}

/// Deletes entries older than `--days` (never fewer than 184) and moves the chain's base, so
/// `verify` still starts cleanly. The pruning is itself an audit entry.
struct AuditPruneCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "days", help: "Delete entries older than this many days (at least 184)")
        var days: Int?
    }

    var help: String { "Delete audit entries older than --days N (N ≥ 184, GB/T 22239 and the Cybersecurity Law art. 21)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let minimum = AuditLog.minimumRetentionDays
        guard let days = signature.days, days >= minimum else { throw StoreError(.invalid, "audit.retention", ["\(minimum)"]) }
        let app = context.application
        let now = Date()
        let cutoff = now.addingTimeInterval(-Double(days) * 86400)
        let result = try await AuditLog(app.db, chain: app.keys.audit).prune(olderThan: cutoff, now: now, actor: "cli")
        if let through = result.throughSeq {
            context.console.print(L10n.t("audit.pruned", result.deleted, AuditPage.time(cutoff), through))
        } else {
            context.console.print(L10n.t("audit.pruned_none", AuditPage.time(cutoff)))
        }
    }
}

extension Application {
    /// Records what a command did. The command line runs as the operator of the machine, so
    /// the actor is "cli" with no account, role or address.
    func auditCLI(_ action: String, object type: String, _ id: String, detail: String, outcome: String = "ok") async throws {
        try await AuditLog(db, chain: keys.audit).append(Self.cliEntry(action, object: type, id, detail: detail, outcome: outcome))
    }

    static func cliEntry(_ action: String, object type: String, _ id: String, detail: String, outcome: String = "ok") -> AuditEntry {
        AuditEntry(at: Date(), actorID: nil, actor: "cli", role: "-", ip: "-", action: action, objectType: type, objectID: id, detail: detail, outcome: outcome)
    }
}

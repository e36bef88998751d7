import Fluent
import SQLKit
import Vapor
import WanggeStore

extension Request {
    /// The client's address: the first X-Forwarded-For hop when behind the load balancer
    /// (trusted only when WANGGE_TRUST_PROXY=1), else the socket peer.
    var clientIP: String {
        if policy.trustProxy, let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "-"
    }

    /// Records what this request did in the audit log, as the signed-in account (or `actor`
    /// when nobody is signed in yet, as for a failed log-in).
    func audit(
        _ action: String, object type: String, _ id: String, detail: String = "", outcome: String = "ok",
        actor: AuditActor? = nil
    ) async throws {
        try await AuditLog(db, chain: keys.audit).append(auditEntry(action, object: type, id, detail: detail, outcome: outcome, actor: actor))
    }

    /// The entry `audit` would append, for a write that commits it in its own transaction.
    func auditEntry(
        _ action: String, object type: String, _ id: String, detail: String = "", outcome: String = "ok", actor: AuditActor? = nil
    ) -> AuditEntry {
        let who = actor ?? auditActor
        return AuditEntry(
            at: Date(), actorID: who.id, actor: who.name, role: who.role, ip: clientIP, action: action,
            objectType: type, objectID: id, detail: detail, outcome: outcome)
    }

    /// Makes a change and its audit entry in one transaction: both commit or neither does (a change
    /// can never be left unaudited by a failed append). `entry` gives the object id and detail from
    /// the change's result, or nil when the result changed nothing (a replay answered from what is stored). On SQLite the write lock is taken first, so the chain head read for the
    /// entry cannot race another writer.
    @discardableResult
    func audited<T: Sendable>(
        _ action: String, object type: String, actor: AuditActor? = nil, _ change: @escaping @Sendable (any Database) async throws -> T,
        entry: @escaping @Sendable (T) -> (id: String, detail: String)?
    ) async throws -> T {
        try await audited(actor: actor, change) { result in
            entry(result).map { [AuditNote(action, object: type, $0.id, detail: $0.detail)] } ?? []
        }
    }

    /// As `audited(_:object:…)`, for a change that several entries describe (a finding and the
    /// component state it changed): all of them commit with the change, in order, or none does.
    @discardableResult
    func audited<T: Sendable>(
        actor: AuditActor? = nil, _ change: @escaping @Sendable (any Database) async throws -> T,
        entries: @escaping @Sendable (T) -> [AuditNote]
    ) async throws -> T {
        let base = auditEntry("", object: "", "", actor: actor)
        let chain = keys.audit
        return try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
            try await StoreSetup.takeWriteLock(on: sql)
            let result = try await change(tx)
            let notes = entries(result)
            if !notes.isEmpty {
                _ = try await AuditLog.append(notes.map { $0.entry(from: base) }, chain: chain, on: sql)
            }
            return result
        }
    }

    /// A case step's audit entry, made from the step's result inside its transaction (see `StepAudit`).
    func stepAudit(actor: AuditActor? = nil, detail: @escaping @Sendable (CaseRow) -> String) -> StepAudit {
        let base = auditEntry("case.act", object: "case", "", actor: actor)
        return StepAudit(chain: keys.audit) { row in
            var e = base
            e.objectID = row.id.uuidString
            e.detail = detail(row)
            return e
        }
    }

    /// Who this request acts as in the audit log: the signed-in account, or nobody (`-`).
    var auditActor: AuditActor { viewer.map { AuditActor($0.account) } ?? .nobody }
}

/// What one audit entry says about a change; who, when and from where come from the request.
struct AuditNote: Sendable {
    var action: String
    var objectType: String
    var objectID: String
    var detail: String

    init(_ action: String, object type: String, _ id: String, detail: String = "") {
        (self.action, objectType, objectID, self.detail) = (action, type, id, detail)
    }

    func entry(from base: AuditEntry) -> AuditEntry {
        var e = base
        (e.action, e.objectType, e.objectID, e.detail) = (action, objectType, objectID, detail)
        return e
    }
}

/// Who an audit entry names: an account, or for those without one (a resident, an Open311 client,
/// someone failing to log in) a name and a role of their own.
struct AuditActor: Sendable, Equatable {
    var id: UUID?
    var name: String
    var role: String

    init(id: UUID? = nil, name: String, role: String) {
        self.id = id
        self.name = name
        self.role = role
    }

    init(_ account: AccountRow) { self.init(id: account.id, name: account.username, role: account.role.rawValue) }

    static let nobody = AuditActor(name: "-", role: "-")
    static let resident = AuditActor(name: "-", role: "resident")
}

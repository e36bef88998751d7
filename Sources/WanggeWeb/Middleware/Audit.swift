import Vapor
import WanggeStore

extension Request {
    /// The client's address: the first X-Forwarded-For hop when behind the load balancer
    /// (trusted only when WANGGE_TRUST_PROXY=1), else the socket peer.
    var clientIP: String {
        if Environment.get("WANGGE_TRUST_PROXY") == "1", let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "-"
    }

    /// Records what this request did in the audit log, as the signed-in account (or `actor`
    /// when nobody is signed in yet, as for a failed log-in).
    func audit(
        _ action: String, object type: String, _ id: String, detail: String = "", outcome: String = "ok",
        actor: (id: UUID?, name: String, role: String)? = nil
    ) async throws {
        let who = actor ?? viewer.map { ($0.account.id, $0.account.username, $0.role.rawValue) } ?? (nil, "-", "-")
        try await AuditLog(db, chain: keys.audit).append(
            AuditEntry(
                at: Date(), actorID: who.0, actor: who.1, role: who.2, ip: clientIP, action: action,
                objectType: type, objectID: id, detail: detail, outcome: outcome))
    }
}

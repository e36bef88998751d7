import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Roles that read visits and coverage in their part of the tree.
    func requireVisitReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsVisits, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that record visits, with the actor a visit is recorded under.
    func requireVisitor() throws -> CaseController.Worker {
        let v = try requireViewer()
        guard v.role.visitsHouseholds, v.allows(.registerWrite), let role = ActorRole(v.role) else {
            throw Abort(.forbidden, reason: L10n.t("auth.forbidden"))
        }
        return .init(viewer: v, actor: CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }

    /// The signer for audit entries written inside a repository's transaction.
    var auditSigner: AuditSigner {
        let who = auditActor
        return AuditSigner(actorID: who.id, actor: who.name, role: who.role, ip: clientIP, chain: keys.audit)
    }

    /// The level of the unit the viewer's account is bound to (nil when bound to none).
    func boundLevel(_ v: Viewer) async throws -> UnitLevel? {
        guard let id = v.account.unitID else { return nil }
        return try await UnitRepository(db).find(id, in: .everything)?.level
    }
}

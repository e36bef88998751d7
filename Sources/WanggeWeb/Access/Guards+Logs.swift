import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Roles that read the social and needs logs of their part of the tree.
    func requireLogReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsLogs, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that write the logs, with the actor their entries are recorded under.
    func requireLogKeeper() throws -> CaseController.Worker {
        let v = try requireViewer()
        guard v.role.keepsLogs, v.allows(.registerWrite), let role = ActorRole(v.role) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return .init(viewer: v, actor: CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }
}

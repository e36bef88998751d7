import Vapor
import WanggeCore
import WanggeStore

/// Who may use the patrol and worked-example routes; which rows they see is the data layer's `Scope`.
/// An API token must carry the register scope the kind of work needs.
extension Request {
    /// The grid worker, who writes patrols, with the actor their steps are recorded under.
    func requirePatrolWalker() throws -> CaseController.Worker {
        let v = try requireViewer()
        guard v.role.walksPatrols, v.allows(.registerWrite), let role = ActorRole(v.role) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return .init(viewer: v, actor: CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }

    /// Roles that read the patrols of their scope.
    func requirePatrolReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsPatrols, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that read the library of worked examples.
    func requireExampleReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsExamples, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that write a closed case up as a worked example, or publish one.
    func requireExampleKeeper() throws -> CaseController.Worker {
        let v = try requireViewer()
        guard v.role.keepsExamples, v.allows(.registerWrite), let role = ActorRole(v.role) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return .init(viewer: v, actor: CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }
}

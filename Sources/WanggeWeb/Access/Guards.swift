import Vapor
import WanggeCore
import WanggeStore

/// Who may use a route, in one place: each guard returns the signed-in viewer when their role (and,
/// for an API token, its scopes) allows the kind of work, and refuses otherwise — 401 for nobody
/// signed in, 403 for a role that may not. Which rows they then see is the data layer's `Scope`;
/// unmasked personal data has a gate of its own (`Unmask`).
extension Request {
    /// The viewer, or 401 (API) / a redirect to log-in (pages) via `LoginRequired`.
    func requireViewer() throws -> Viewer {
        guard let viewer else { throw Abort(.unauthorized) }
        return viewer
    }

    /// Roles that keep the grid tree (units, boundaries, teams).
    func requireTreeManager() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.managesTree, v.allows(.treeWrite) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that read the register of people and places.
    func requireRegisterReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsRegister, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that change the register.
    func requireRegisterEditor() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.editsRegister, v.allows(.registerWrite) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// The auditor, signed in with a session (API tokens carry no audit scope), or 403.
    func requireAuditor() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsAuditLog, v.tokenScopes == nil else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// Roles that work cases, with the actor their steps are recorded under.
    func requireCaseWorker() throws -> CaseController.Worker {
        let viewer = try requireViewer()
        guard viewer.role.worksCases, let role = ActorRole(viewer.role) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return .init(viewer: viewer, actor: CaseActor(id: viewer.account.id, name: viewer.account.displayName, role: role))
    }

    /// Either side of account administration (the system or the security administrator).
    func requireAccountAdministrator() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.managesAccounts || v.role.managesRoles else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }
}

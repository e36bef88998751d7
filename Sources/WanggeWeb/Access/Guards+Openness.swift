import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Roles that read the openness pages of their part of the tree.
    func requireOpennessReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsOpenness, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    /// A viewer allowed by `allowed` (a role test) to write, with the register-write token scope.
    func requireOpenness(_ allowed: (Role) -> Bool) throws -> Viewer {
        let v = try requireViewer()
        guard allowed(v.role), v.allows(.registerWrite) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }
}

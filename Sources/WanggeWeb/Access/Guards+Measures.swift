import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Roles that read the dashboards and the measures API.
    func requireMeasureReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsMeasures, v.allows(.registerRead), v.scope.departments == nil else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }
}

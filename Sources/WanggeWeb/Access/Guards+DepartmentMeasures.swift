import Vapor
import WanggeCore

extension Request {
    /// Who may read departments' figures: those who read the measures, and a department's own
    /// account (its scope limits it to its own departments; those figures count only cases sent to it).
    func requireDepartmentMeasureReader() throws -> Viewer {
        let v = try requireViewer()
        guard v.role.readsMeasures || v.role == .department, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }
}

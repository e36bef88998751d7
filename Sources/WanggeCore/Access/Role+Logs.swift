extension Role {
    /// Roles that read the social log and the needs log of the grids in their scope (a community's
    /// or street's staff see all their grids' entries).
    public var readsLogs: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader: true
        default: false
        }
    }

    /// Roles that write the logs: the grid team that is there, and (for needs) the command centre
    /// that takes a resident's call and strikes the need off when it is resolved.
    public var keepsLogs: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_: true
        default: false
        }
    }
}

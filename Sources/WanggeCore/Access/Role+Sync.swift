extension Role {
    /// Roles that work offline on a phone with a copy of their grids.
    public var syncsOffline: Bool {
        switch self {
        case .gridWorker, .proxyAgent: true
        default: false
        }
    }

    /// Who decides a sync conflict on register data: the worker whose change clashed (their own
    /// conflicts only), or a supervisor who edits the register of the grids below them.
    public var syncConflictDecider: SyncConflictDecider? {
        switch self {
        case .gridWorker, .proxyAgent: .worker
        case .operator_, .sysAdmin: .supervisor
        default: nil
        }
    }

    /// Roles that watch their workers' phones (devices silent for days).
    public var watchesDevices: Bool {
        switch self {
        case .operator_, .leader, .sysAdmin: true
        default: false
        }
    }
}

extension Role {
    /// Roles that walk patrols: the grid worker, in their own grid.
    public var walksPatrols: Bool { self == .gridWorker }

    /// Roles that read patrols of the grids in their scope (the community's and street's staff and
    /// leaders above the grid see how the grids are walked).
    public var readsPatrols: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader: true
        default: false
        }
    }

    /// Roles that save a closed request or case as a worked example (服务案例): the proxy agent, the
    /// operator and the community's grid staff who handled it.
    public var keepsExamples: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_: true
        default: false
        }
    }

    /// Roles that read the staff library of worked examples.
    public var readsExamples: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader, .department: true
        default: false
        }
    }
}

extension Role {
    /// Roles that visit households and record the visits: the grid worker and the proxy agent, in
    /// the grids they are bound to.
    public var visitsHouseholds: Bool {
        switch self {
        case .gridWorker, .proxyAgent: true
        default: false
        }
    }

    /// Roles that read visits and visit coverage in their part of the tree.
    public var readsVisits: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader: true
        default: false
        }
    }
}

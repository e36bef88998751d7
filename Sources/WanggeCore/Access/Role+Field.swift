extension Role {
    /// Roles whose work is in the field, in one or a few grids: they start on the worker's day
    /// (today's cases, needs and visits, and one-tap entry to each action).
    public var worksInField: Bool {
        switch self {
        case .gridWorker, .proxyAgent: true
        default: false
        }
    }
}

extension Role {
    /// Roles that read the measures of their part of the tree: leaders, the command centre and the
    /// grid team (its own grid). A department sees only the cases sent to it, so a unit's figures,
    /// which count every case, are not its to read.
    public var readsMeasures: Bool {
        switch self {
        case .leader, .operator_, .gridWorker, .proxyAgent: true
        default: false
        }
    }
}

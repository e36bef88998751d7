extension Role {
    /// The market desk: the street's or community's office sets up providers and items, reviews
    /// orders (审单) and places them (派单), as it runs the command centre's intake.
    public var keepsMarket: Bool { self == .operator_ }

    /// Roles that read the market's orders and figures in their part of the tree: the desk, leaders,
    /// and the grid team, who order for residents (a proxy agent's 代办) and follow up.
    public var readsMarket: Bool {
        switch self {
        case .operator_, .leader, .gridWorker, .proxyAgent: true
        default: false
        }
    }

    /// Roles that order for a resident (代办): the grid team, from the grid's public order page.
    public var ordersForResidents: Bool {
        switch self {
        case .gridWorker, .proxyAgent: true
        default: false
        }
    }
}

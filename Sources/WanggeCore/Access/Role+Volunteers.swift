extension Role {
    /// Roles that read a community's volunteer service (teams, activities, records, venues).
    public var readsVolunteers: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader, .sysAdmin: true
        default: false
        }
    }

    /// The community's staff who keep it: register volunteers, run activities, record hours,
    /// issue certificates, redeem points and book venues.
    public var keepsVolunteers: Bool {
        switch self {
        case .operator_, .sysAdmin: true
        default: false
        }
    }
}

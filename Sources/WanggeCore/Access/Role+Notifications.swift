extension Role {
    /// Roles that watch what reporters are told and send a dead letter again: the command centre's
    /// operators, who answer residents, and the system administrator, who keeps the senders running.
    public var watchesOutbox: Bool {
        switch self {
        case .operator_, .sysAdmin: true
        default: false
        }
    }
}

extension Role {
    /// Roles that keep the case loop's reference data (C2): the category tree with its
    /// departments and time limits, the department list, and the routing rules. The system
    /// administrator keeps the system; a leader answers for how cases are routed in their area.
    /// Categories and departments are shared by the whole database, so changing them also needs
    /// an account bound to a district; routing rules are limited to units in the account's scope.
    public var configuresCases: Bool {
        switch self {
        case .sysAdmin, .leader: true
        default: false
        }
    }
}

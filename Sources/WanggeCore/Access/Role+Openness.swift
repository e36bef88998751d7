extension Role {
    /// Roles that read the openness pages of their part of the tree (power lists, tasks, decisions).
    public var readsOpenness: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .department, .leader, .sysAdmin: true
        default: false
        }
    }

    /// The unit's administrators, who keep its power list, run its decisions and publish notices:
    /// the command centre's staff of the street or community, and the system administrator.
    public var keepsOpenness: Bool {
        switch self {
        case .operator_, .sysAdmin: true
        default: false
        }
    }

    /// Who marks a grid's 党员中心户 and names the neighbours it looks after: the community's
    /// office, the grid's own worker, and the system administrator.
    public var keepsCentralHouseholds: Bool {
        switch self {
        case .operator_, .gridWorker, .sysAdmin: true
        default: false
        }
    }

    /// A department (职能部门) submits tasks for communities; it does not review them.
    public var submitsTasks: Bool { self == .department }

    /// Who records that a notice's sheet is up on a building's board: those who publish notices, and
    /// the grid workers who put the sheets up.
    public var postsNotices: Bool { keepsOpenness || self == .gridWorker }

    /// The street's or community's office reviews tasks against the four lists.
    public var reviewsTasks: Bool { self == .operator_ }
}

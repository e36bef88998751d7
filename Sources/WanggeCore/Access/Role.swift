/// The roles of DOMAIN.md §2. An account holds one role and is bound to a part of the grid tree.
public enum Role: String, Sendable, Codable, CaseIterable {
    case resident
    case gridWorker = "grid_worker"
    case proxyAgent = "proxy_agent"
    case operator_ = "operator"
    case department
    case leader
    case sysAdmin = "sys_admin"
    case securityAdmin = "security_admin"
    case auditor

    public var nameKey: String { "role.\(rawValue)" }

    /// Roles that work with the register of people and places (see, search, edit within scope).
    public var readsRegister: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .leader, .sysAdmin: true
        case .resident, .department, .securityAdmin, .auditor: false
        }
    }

    /// Roles that may change base data (residents, households, buildings) within their scope.
    public var editsRegister: Bool {
        switch self {
        case .gridWorker, .operator_, .sysAdmin: true
        default: false
        }
    }

    /// Roles that manage the grid tree and staff.
    public var managesTree: Bool { self == .sysAdmin }

    /// Roles whose work needs full ID numbers and phones on request (a logged "show" action).
    public var mayUnmask: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_: true
        default: false
        }
    }

    /// Roles that may see sensitive care/attention tags such as 刑满释放.
    public var seesSensitiveTags: Bool {
        switch self {
        case .gridWorker, .operator_: true
        default: false
        }
    }
}

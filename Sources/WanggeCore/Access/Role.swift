/// The roles of the domain. An account holds one role and is bound to a part of the grid tree.
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

    /// Roles that must log in with a second factor (TOTP): those that hold the keys to the system.
    public var requiresTOTP: Bool {
        switch self {
        case .sysAdmin, .securityAdmin, .auditor: true
        default: false
        }
    }

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

    /// 三权分立: only the auditor reads the audit log (and changes nothing); the system
    /// administrator, whose actions it records, may not read it.
    public var readsAuditLog: Bool { self == .auditor }

    /// Roles that work cases: see the case screens and act on cases within their scope.
    public var worksCases: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_, .department, .leader: true
        default: false
        }
    }

    /// Roles that register cases taken by phone, at a window or found on patrol.
    public var entersCases: Bool {
        switch self {
        case .gridWorker, .proxyAgent, .operator_: true
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

    /// 三权分立: the three roles that hold the system's keys. Only the security administrator
    /// grants them; no one else can make an account privileged.
    public var isPrivileged: Bool {
        switch self {
        case .sysAdmin, .securityAdmin, .auditor: true
        default: false
        }
    }

    /// The system administrator creates accounts, resets passwords and disables accounts, but
    /// cannot change anyone's role.
    public var managesAccounts: Bool { self == .sysAdmin }

    /// The security administrator changes roles (including the privileged ones), unlocks locked
    /// accounts and resets a lost second factor, but cannot create accounts or set passwords.
    public var managesRoles: Bool { self == .securityAdmin }

    /// The roles a system administrator may give a new account: every role that is not privileged.
    public static var assignableByAccountManager: [Role] { allCases.filter { !$0.isPrivileged } }
}

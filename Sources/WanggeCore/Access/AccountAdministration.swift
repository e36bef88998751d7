/// Who may do what to whose account (三权分立, GB/T 22239-2019 level 3), as one pure rule that the
/// administration page, its buttons and the tests all ask.
///
/// - The system administrator creates ordinary accounts, resets their passwords, disables and
///   enables them — never a privileged account (system administrator, security administrator,
///   auditor): if it could reset an auditor's password it could log in as the auditor, enrol its own
///   second factor and read the log that records its own actions.
/// - The security administrator changes roles, unlocks, resets a lost second factor, and does for
///   privileged accounts what the system administrator does for ordinary ones. Making an account
///   privileged issues it a fresh one-time password and clears its second factor, so the credentials
///   an earlier creator knew no longer open it and the enrolment that follows is bound to what the
///   security administrator handed over.
/// - Nobody acts on their own account, and nobody disables or demotes the last active holder of a
///   privileged role: a duty must never be left without anyone to perform it.
public enum AccountAdministration {
    public enum Action: String, Sendable, CaseIterable {
        case create, resetPassword = "reset-password", disable, enable, changeRole = "role", unlock, resetTOTP = "reset-totp"
    }

    /// The account acted on, as the rule needs to see it.
    public struct Target: Sendable {
        public var role: Role
        public var isDisabled: Bool
        public var isSelf: Bool
        public init(role: Role, isDisabled: Bool, isSelf: Bool) {
            self.role = role
            self.isDisabled = isDisabled
            self.isSelf = isSelf
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// Not this role's side of the split.
        case notYourDuty
        /// Acting on one's own account.
        case ownAccount
        /// The last active holder of a privileged role would be disabled or demoted.
        case lastHolder(Role)

        public var messageKey: String {
            switch self {
            case .notYourDuty: "auth.forbidden"
            case .ownAccount: "admin.not_self"
            case .lastHolder: "admin.last_holder"
            }
        }
    }

    /// Nil when `actor` may take `action` on `target`; otherwise why not. `newRole` is the role a
    /// role change or a new account would get; `activeHolders` counts the active (not disabled)
    /// accounts per role.
    public static func refusal(
        _ action: Action, actor: Role, target: Target?, newRole: Role? = nil,
        activeHolders: [Role: Int] = [:]
    ) -> Refusal? {
        if target?.isSelf == true { return .ownAccount }
        switch action {
        case .create:
            guard actor.managesAccounts, !(newRole?.isPrivileged ?? false) else { return .notYourDuty }
        case .resetPassword, .disable, .enable:
            // Privileged accounts are the security administrator's alone; ordinary ones the system administrator's.
            let privileged = target?.role.isPrivileged ?? false
            guard privileged ? actor.managesRoles : actor.managesAccounts else { return .notYourDuty }
        case .changeRole, .unlock, .resetTOTP:
            guard actor.managesRoles else { return .notYourDuty }
        }
        if let target, target.role.isPrivileged, !target.isDisabled {
            let leaves = action == .disable || (action == .changeRole && newRole != nil && newRole != target.role)
            if leaves && (activeHolders[target.role] ?? 0) <= 1 { return .lastHolder(target.role) }
        }
        return nil
    }

    /// Whether a change of role must re-issue the account's credentials (see above).
    public static func reissuesCredentials(from old: Role, to new: Role) -> Bool { new.isPrivileged && new != old }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Account administration, split three ways (三权分立, GB/T 22239-2019 level 3) by the pure rule
/// `AccountAdministration`: the system administrator creates ordinary accounts, resets their
/// passwords and disables them; the security administrator changes roles, unlocks, resets a lost
/// second factor and looks after the privileged accounts; the auditor reads the audit log and does
/// none of this. Every change, and every refused attempt, is written to the audit log ("permission"
/// for roles, else "account"); a change that takes credentials away ends the account's sessions.
enum AdminController {
    typealias Action = AccountAdministration.Action

    /// What the page says after a change; `secret` is a temporary password, shown this once.
    struct Notice {
        var message: String
        var secret: String?
    }

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.adminAccounts.pattern, use: index)
        pages.post(SiteURL.adminAccounts.pattern, use: create)
        pages.post(SiteURL.adminAccount(UUID(), action: "").pattern, use: act)
    }

    static func index(req: Request) async throws -> Response {
        try await render(req, try req.requireAccountAdministrator())
    }

    static func render(
        _ req: Request, _ v: Viewer, notice: Notice? = nil, problem: String? = nil, form: [String: String] = [:],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let accounts = try await AccountRepository(req.db).all()
        let bound = try await AccountRepository(req.db).allDepartments()
        let departments = try await CaseRepository(req.db, cipher: req.keys.cipher).departments().filter { $0.key != CaseRepository.gridTeam }
        let units = Dictionary(uniqueKeysWithValues: try await UnitRepository(req.db).all(in: .everything).map { ($0.id, $0) })
        let body = AdminPage.render(
            departments: departments, bound: bound, viewer: v, accounts: accounts, units: units, csrf: CSRF.token(req), notice: notice, problem: problem,
            form: form, now: req.now)
        let res = Layout.response(req, body, title: L10n.t("admin.title"))
        res.status = status
        return res
    }

    static func refuse(_ req: Request, _ action: String, _ id: String, detail: String, reason: String = L10n.t("auth.forbidden")) async throws -> Never {
        try await req.audit(action, object: "account", id, detail: detail, outcome: "denied")
        throw Abort(.forbidden, reason: reason)
    }

    struct CreateForm: Content {
        var username: String?
        var display_name: String?
        var role: String?
        var unit: String?
        var departments: [String]?

        /// The text fields, to fill the form again after a refusal.
        var values: [String: String] {
            ["username": username, "display_name": display_name, "role": role, "unit": unit].compactMapValues { $0 }
        }
    }

    static func create(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let posted = (try? req.content.decode(CreateForm.self)) ?? CreateForm()
        let form = posted.values
        let username = form["username"]?.trimmingSpaces() ?? ""
        let roleName = form["role"] ?? ""
        guard AccountAdministration.refusal(.create, actor: v.role, target: nil) == nil else { try await refuse(req, "account", "", detail: "create \(username)") }
        guard let role = Role(rawValue: roleName) else {
            return try await render(req, v, problem: L10n.t("admin.bad_role", roleName), form: form, status: .unprocessableEntity)
        }
        // Only the security administrator makes an account privileged.
        guard AccountAdministration.refusal(.create, actor: v.role, target: nil, newRole: role) == nil else {
            try await refuse(req, "permission", "", detail: "create \(username) role=\(role.rawValue)")
        }
        let displayName = form["display_name"]?.trimmingSpaces() ?? ""
        guard (1...50).contains(displayName.count) else {
            return try await render(req, v, problem: L10n.t("admin.bad_display_name"), form: form, status: .unprocessableEntity)
        }
        let code = form["unit"]?.trimmingSpaces() ?? ""
        var unit: UnitRow?
        if !code.isEmpty {
            unit = try await UnitRepository(req.db).find(code: code, in: v.scope)
            if unit == nil { return try await render(req, v, problem: L10n.t("admin.unknown_unit", code), form: form, status: .unprocessableEntity) }
        } else if role != .resident {
            return try await render(req, v, problem: L10n.t("admin.unit_required"), form: form, status: .unprocessableEntity)
        }
        // A department account works for the departments chosen here, and sees only their cases.
        let departments = (posted.departments ?? []).filter { !$0.isEmpty }
        if role == .department {
            do {
                guard !departments.isEmpty else { throw StoreError(.invalid, "admin.departments_required", field: "departments") }
                try await AccountRepository(req.db).checkDepartments(departments)
            } catch let e as StoreError {
                return try await render(req, v, problem: e.message(), form: form, status: .unprocessableEntity)
            }
        }
        let password = TemporaryPassword.make()
        // Hashed before the transaction: it is slow on purpose, and the write lock is not held meanwhile.
        let hash = try await req.password.async.hash(password)
        let (now, unitID, unitCode) = (req.now, unit?.id, unit?.code ?? "-")
        let account: AccountRow
        do {
            account = try await req.audited("account", object: "account") { db in
                let made = try await AccountRepository(db).create(
                    username: username, displayName: displayName, passwordHash: hash, role: role, unitID: unitID, mustChangePassword: true, at: now)
                if role == .department { try await AccountRepository(db).setDepartments(made.id, departments) }
                return made
            } entry: { made in
                (
                    made.id.uuidString,
                    "create \(made.username) role=\(role.rawValue) unit=\(unitCode)"
                        + (role == .department ? " departments=\(departments.sorted().joined(separator: ","))" : "")
                )
            }
        } catch let e as StoreError where e.field == "username" {
            return try await render(req, v, problem: e.message(), form: form, status: .unprocessableEntity)
        }
        return try await render(req, v, notice: Notice(message: L10n.t("admin.created", account.username), secret: password))
    }

    static func act(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        guard let action = Action(rawValue: req.parameters.get("action") ?? ""), action != .create else { throw StoreError.notFound("page") }
        let rawID = req.parameters.get("id") ?? ""
        let audited = action == .changeRole ? "permission" : "account"
        // Not this role's side at all: refused before the account is even looked up.
        guard v.role.managesAccounts || v.role.managesRoles else { try await refuse(req, audited, rawID, detail: action.rawValue) }
        let accounts = AccountRepository(req.db)
        let target = try await accounts.get(try req.id())
        let about = "\(action.rawValue) \(target.username)"
        var newRole: Role?
        if action == .changeRole {
            let form = (try? req.content.decode([String: String].self)) ?? [:]
            guard let role = Role(rawValue: form["role"] ?? "") else {
                return try await render(req, v, problem: L10n.t("admin.bad_role", form["role"] ?? ""), status: .unprocessableEntity)
            }
            newRole = role
        }
        let all = try await accounts.all()
        if let refusal = AccountAdministration.refusal(
            action, actor: v.role, target: subject(target, viewer: v), newRole: newRole,
            activeHolders: activeHolders(all))
        {
            let reason = refusal == .notYourDuty ? L10n.t("auth.forbidden") : L10n.t(refusal.messageKey, L10n.t(target.role.nameKey))
            try await refuse(req, audited, rawID, detail: about + (newRole.map { " → \($0.rawValue)" } ?? ""), reason: reason)
        }
        // A new password is hashed before the transaction (slow on purpose; the write lock is not held meanwhile).
        let reissues = newRole.map { AccountAdministration.reissuesCredentials(from: target.role, to: $0) } ?? false
        let password = action == .resetPassword || reissues ? TemporaryPassword.make() : nil
        var hash: String?
        if let password { hash = try await req.password.async.hash(password) }
        let detail: String
        switch action {
        case .create: throw StoreError.notFound("page")
        case .changeRole:
            detail = "role \(target.username) \(target.role.rawValue) → \(newRole?.rawValue ?? "-")" + (reissues ? "; credentials reissued" : "")
        default: detail = about
        }
        let (now, newHash, role) = (req.now, hash, newRole)
        try await req.audited(audited, object: "account") { db in
            let accounts = AccountRepository(db), sessions = SessionRepository(db)
            switch action {
            case .create: throw StoreError.notFound("page")
            case .resetPassword:
                try await accounts.resetPassword(target.id, hash: newHash ?? "", at: now)
                try await sessions.deleteAll(of: target.id)
            case .disable, .enable:
                try await accounts.setDisabled(target.id, action == .disable, at: now)
                if action == .disable { try await sessions.deleteAll(of: target.id) }
            case .changeRole:
                guard let role else { throw StoreError.notFound("page") }
                try await accounts.setRole(target.id, role)
                try await sessions.deleteAll(of: target.id)
                if let hash = newHash {
                    // Whoever knew the old password (its creator included) must not be the one who enrols the second factor.
                    try await accounts.resetPassword(target.id, hash: hash, at: now)
                    try await accounts.resetTOTP(target.id)
                }
            case .unlock:
                try await accounts.unlock(target.id)
            case .resetTOTP:
                try await accounts.resetTOTP(target.id)
                try await sessions.deleteAll(of: target.id)
            }
        } entry: { _ in
            (target.id.uuidString, detail)
        }
        let notice: Notice
        switch action {
        case .create: throw StoreError.notFound("page")
        case .resetPassword: notice = Notice(message: L10n.t("admin.password_reset", target.username), secret: password)
        case .disable, .enable: notice = Notice(message: L10n.t(action == .disable ? "admin.disabled" : "admin.enabled", target.username))
        case .changeRole:
            notice = Notice(
                message: L10n.t(password != nil ? "admin.role_changed_reissued" : "admin.role_changed", target.username, L10n.t((newRole ?? target.role).nameKey)),
                secret: password)
        case .unlock: notice = Notice(message: L10n.t("admin.unlocked", target.username))
        case .resetTOTP: notice = Notice(message: L10n.t("admin.totp_reset", target.username))
        }
        return try await render(req, v, notice: notice)
    }

    /// The target as the rule sees it.
    static func subject(_ a: AccountRow, viewer: Viewer) -> AccountAdministration.Target {
        .init(role: a.role, isDisabled: a.isDisabled, isSelf: a.id == viewer.account.id)
    }

    /// Active (not disabled) accounts per role.
    static func activeHolders(_ accounts: [AccountRow]) -> [Role: Int] {
        accounts.filter { !$0.isDisabled }.reduce(into: [:]) { $0[$1.role, default: 0] += 1 }
    }
}

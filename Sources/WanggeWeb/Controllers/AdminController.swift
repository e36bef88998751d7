import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Account administration, split three ways (三权分立, GB/T 22239-2019 level 3): the system
/// administrator creates accounts, resets passwords and disables accounts; the security
/// administrator changes roles, unlocks accounts and resets a lost second factor; the auditor
/// reads the audit log and does none of this. Nobody acts on their own account. Every change,
/// and every refused attempt, is written to the audit log ("permission" for roles, else "account").
enum AdminController {
    enum Action: String, CaseIterable {
        case resetPassword = "reset-password", disable, enable, role, unlock, resetTOTP = "reset-totp"

        func allowed(for role: Role) -> Bool {
            switch self {
            case .resetPassword, .disable, .enable: role.managesAccounts
            case .role, .unlock, .resetTOTP: role.managesRoles
            }
        }

        var auditAction: String { self == .role ? "permission" : "account" }
    }

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

    static func requireAdministrator(_ req: Request) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.managesAccounts || v.role.managesRoles else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    static func index(req: Request) async throws -> Response {
        try await render(req, try requireAdministrator(req))
    }

    static func render(_ req: Request, _ v: Viewer, notice: Notice? = nil, problem: String? = nil, form: [String: String] = [:],
                       status: HTTPStatus = .ok) async throws -> Response {
        let accounts = try await AccountRepository(req.db).all()
        let units = Dictionary(uniqueKeysWithValues: try await UnitRepository(req.db).all(in: .everything).map { ($0.id, $0) })
        let body = AdminPage.render(viewer: v, accounts: accounts, units: units, csrf: CSRF.token(req), notice: notice, problem: problem,
                                    form: form, now: req.now)
        let res = try await LoginController.render(req, body, title: L10n.t("admin.title"))
        res.status = status
        return res
    }

    static func refuse(_ req: Request, _ action: String, _ id: String, detail: String, reason: String = L10n.t("auth.forbidden")) async throws -> Never {
        try await req.audit(action, object: "account", id, detail: detail, outcome: "denied")
        throw Abort(.forbidden, reason: reason)
    }

    static func create(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let username = form["username"]?.trimmingSpaces() ?? ""
        let roleName = form["role"] ?? ""
        guard v.role.managesAccounts else { try await refuse(req, "account", "", detail: "create \(username)") }
        guard let role = Role(rawValue: roleName) else {
            return try await render(req, v, problem: L10n.t("admin.bad_role", roleName), form: form, status: .unprocessableEntity)
        }
        // Only the security administrator makes an account privileged.
        guard Role.assignableByAccountManager.contains(role) else { try await refuse(req, "permission", "", detail: "create \(username) role=\(role.rawValue)") }
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
        let password = TemporaryPassword.make()
        let account: AccountRow
        do {
            account = try await AccountRepository(req.db).create(username: username, displayName: displayName, passwordHash: try await req.password.async.hash(password),
                                                                 role: role, unitID: unit?.id, mustChangePassword: true, at: req.now)
        } catch let e as StoreError where e.field == "username" {
            return try await render(req, v, problem: e.message(), form: form, status: .unprocessableEntity)
        }
        try await req.audit("account", object: "account", account.id.uuidString, detail: "create \(account.username) role=\(role.rawValue) unit=\(unit?.code ?? "-")")
        return try await render(req, v, notice: Notice(message: L10n.t("admin.created", account.username), secret: password))
    }

    static func act(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        guard let action = Action(rawValue: req.parameters.get("action") ?? "") else { throw StoreError.notFound("page") }
        let rawID = req.parameters.get("id") ?? ""
        guard action.allowed(for: v.role) else { try await refuse(req, action.auditAction, rawID, detail: action.rawValue) }
        let accounts = AccountRepository(req.db)
        let target = try await accounts.get(try req.id())
        let about = "\(action.rawValue) \(target.username)"
        guard target.id != v.account.id else { try await refuse(req, action.auditAction, rawID, detail: about, reason: L10n.t("admin.not_self")) }
        let notice: Notice
        switch action {
        case .resetPassword:
            let password = TemporaryPassword.make()
            try await accounts.resetPassword(target.id, hash: try await req.password.async.hash(password), at: req.now)
            try await req.audit("account", object: "account", target.id.uuidString, detail: about)
            notice = Notice(message: L10n.t("admin.password_reset", target.username), secret: password)
        case .disable, .enable:
            try await accounts.setDisabled(target.id, action == .disable, at: req.now)
            try await req.audit("account", object: "account", target.id.uuidString, detail: about)
            notice = Notice(message: L10n.t(action == .disable ? "admin.disabled" : "admin.enabled", target.username))
        case .role:
            let form = (try? req.content.decode([String: String].self)) ?? [:]
            guard let role = Role(rawValue: form["role"] ?? "") else {
                return try await render(req, v, problem: L10n.t("admin.bad_role", form["role"] ?? ""), status: .unprocessableEntity)
            }
            try await accounts.setRole(target.id, role)
            try await req.audit("permission", object: "account", target.id.uuidString, detail: "role \(target.username) \(target.role.rawValue) → \(role.rawValue)")
            notice = Notice(message: L10n.t("admin.role_changed", target.username, L10n.t(role.nameKey)))
        case .unlock:
            try await accounts.unlock(target.id)
            try await req.audit("account", object: "account", target.id.uuidString, detail: about)
            notice = Notice(message: L10n.t("admin.unlocked", target.username))
        case .resetTOTP:
            try await accounts.resetTOTP(target.id)
            try await req.audit("account", object: "account", target.id.uuidString, detail: about)
            notice = Notice(message: L10n.t("admin.totp_reset", target.username))
        }
        return try await render(req, v, notice: notice)
    }
}

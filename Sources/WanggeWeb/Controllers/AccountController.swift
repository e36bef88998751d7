import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The signed-in user's own page: who they are, where in the tree they work, what their role
/// may do, and changing their password.
enum AccountController {
    struct PasswordForm: Content {
        var current: String
        var new: String
        var confirm: String
    }

    static func show(req: Request) async throws -> Response {
        try await render(req, message: nil, error: nil)
    }

    static func render(_ req: Request, message: String?, error: String?, newToken: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let v = try req.requireViewer()
        var unit: UnitRow?
        if let id = v.account.unitID { unit = try await UnitRepository(req.db).find(id, in: .everything) }
        let tokens = try await ApiTokenRepository(req.db).list(accountID: v.account.id)
        let notice = v.mustChangePassword && message == nil && error == nil ? L10n.t("account.must_change") : nil
        let body = AccountPage.render(v, unit: unit, csrf: CSRF.token(req), message: message, error: error ?? notice) + TokenSection.render(tokens, csrf: CSRF.token(req), newToken: newToken, role: v.role)
        let res = Layout.response(req, body, title: L10n.t("account.title"))
        res.status = status
        return res
    }

    static func changePassword(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let form = try req.content.decode(PasswordForm.self)
        guard try await req.password.async.verify(form.current, created: v.account.passwordHash) else {
            // A wrong current password counts toward the lock-out like a failed log-in; once locked,
            // the session ends (someone may be guessing at an unattended, signed-in screen).
            if try await LoginController.countFailure(req, v.account, detail: "wrong current password") != nil {
                req.session.destroy()
                return req.redirect(to: SiteURL.login.path)
            }
            return try await render(req, message: nil, error: L10n.t("account.wrong_current"), status: .unprocessableEntity)
        }
        guard form.new == form.confirm else { return try await render(req, message: nil, error: L10n.t("account.mismatch"), status: .unprocessableEntity) }
        guard PasswordRules.isStrong(form.new) else { return try await render(req, message: nil, error: L10n.t("account.weak_password"), status: .unprocessableEntity) }
        guard form.new != form.current else { return try await render(req, message: nil, error: L10n.t("account.same_password"), status: .unprocessableEntity) }
        let hash = try await req.password.async.hash(form.new)
        let session = req.session.id?.string
        try await req.audited("password_changed", object: "account") { db in
            try await AccountRepository(db).setPassword(v.account.id, hash: hash, at: req.now)
            // Every other session of the account ends: whoever knew the old password is signed out everywhere.
            try await SessionRepository(db).deleteAll(of: v.account.id, except: session)
        } entry: { _ in
            (v.account.id.uuidString, "")
        }
        req.viewer?.mustChangePassword = false
        return try await render(req, message: L10n.t("account.password_changed"), error: nil)
    }

    struct TokenForm: Content {
        var name: String
        var scopes: [String]?
        var days: String?
    }

    /// Makes an API token for the signed-in account; its value is shown once, on this answer.
    static func createToken(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let form = try req.content.decode(TokenForm.self)
        let scopes = Set((form.scopes ?? []).compactMap(TokenScope.init(rawValue:))).intersection(TokenSection.offered(for: v.role))
        let days = try form.days.flatMap { $0.isEmpty ? nil : $0 }.map { try Request.integer($0, name: "days", in: 1...365) } ?? 90
        do {
            let made = try await req.audited("token_created", object: "api_token") { db in
                try await ApiTokenRepository(db).create(
                    accountID: v.account.id, name: form.name, scopes: scopes, expiresAt: req.now.addingTimeInterval(Double(days) * 86400), now: req.now)
            } entry: { made in
                (made.row.id.uuidString, "\(made.row.name): \(made.row.scopes), \(days) d")
            }
            return try await render(req, message: L10n.t("token.created"), error: nil, newToken: made.token)
        } catch let e as StoreError {
            return try await render(req, message: nil, error: e.message(), status: .unprocessableEntity)
        }
    }

    static func revokeToken(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let id = try req.id()
        try await req.audited("token_revoked", object: "api_token") { db in
            try await ApiTokenRepository(db).revoke(id, accountID: v.account.id, now: req.now)
        } entry: { _ in
            (id.uuidString, "")
        }
        return try await render(req, message: L10n.t("token.revoked"), error: nil)
    }
}

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
        let res = try await LoginController.render(req, body, title: L10n.t("account.title"))
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
        try await AccountRepository(req.db).setPassword(v.account.id, hash: try await req.password.async.hash(form.new), at: req.now)
        // Every other session of the account ends: whoever knew the old password is signed out everywhere.
        try await SessionRepository(req.db).deleteAll(of: v.account.id, except: req.session.id?.string)
        try await req.audit("password_changed", object: "account", v.account.id.uuidString)
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
            let made = try await ApiTokenRepository(req.db).create(
                accountID: v.account.id, name: form.name, scopes: scopes,
                expiresAt: req.now.addingTimeInterval(Double(days) * 86400), now: req.now)
            try await req.audit("token_created", object: "api_token", made.row.id.uuidString, detail: "\(made.row.name): \(made.row.scopes), \(days) d")
            return try await render(req, message: L10n.t("token.created"), error: nil, newToken: made.token)
        } catch let e as StoreError {
            return try await render(req, message: nil, error: e.message(), status: .unprocessableEntity)
        }
    }

    static func revokeToken(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let id = try req.id()
        try await ApiTokenRepository(req.db).revoke(id, accountID: v.account.id, now: req.now)
        try await req.audit("token_revoked", object: "api_token", id.uuidString)
        return try await render(req, message: L10n.t("token.revoked"), error: nil)
    }
}

enum AccountPage {
    static func render(_ v: Viewer, unit: UnitRow?, csrf: String, message: String?, error: String?) -> HTML {
        let r = v.role
        let abilities: [(Bool, String)] = [
            (r.readsRegister, "account.can.read_register"), (r.editsRegister, "account.can.edit_register"),
            (r.managesTree, "account.can.manage_tree"), (r.mayUnmask, "account.can.unmask"), (r.seesSensitiveTags, "account.can.sensitive_tags"),
        ]
        return [
            message.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            el(
                "dl", ["class": "facts"],
                [
                    el("div", [el("dt", .t("login.username")), el("dd", .text(v.account.username))]),
                    el("div", [el("dt", .t("account.role")), el("dd", .t(r.nameKey))]),
                    el("div", [el("dt", .t("account.scope")), el("dd", unit.map { .text("\($0.name)(\($0.code))") } ?? .t("account.no_scope"))]),
                    el("div", [el("dt", .t("account.abilities")), el("dd", .text(abilities.filter(\.0).map { L10n.t($0.1) }.joined(separator: "、").nilIfEmpty ?? L10n.t("account.no_abilities")))]),
                ]),
            el("h2", .t("account.change_password")),
            el(
                "form", ["method": "post", "action": SiteURL.account.path, "class": "card narrow"],
                [
                    el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                    el("label", [.t("account.current"), el("input", ["type": "password", "name": "current", "autocomplete": "current-password", "required": "required"])]),
                    el("label", [.t("account.new"), el("input", ["type": "password", "name": "new", "autocomplete": "new-password", "required": "required", "minlength": "8"])]),
                    el("label", [.t("account.confirm"), el("input", ["type": "password", "name": "confirm", "autocomplete": "new-password", "required": "required", "minlength": "8"])]),
                    el("p", ["class": "meta"], .t("account.weak_password")),
                    el("button", ["type": "submit"], .t("account.change_password")),
                ]),
        ]
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// The account's API tokens: a phone terminal or an integration logs in with one instead of a
/// password, limited to the scopes chosen here (never more than the account's role allows).
enum TokenSection {
    static func offered(for role: Role) -> Set<TokenScope> {
        var scopes: Set<TokenScope> = []
        if role.readsRegister { scopes.insert(.registerRead) }
        if role.editsRegister { scopes.insert(.registerWrite) }
        if role.managesTree { scopes.insert(.treeWrite) }
        if role.mayUnmask { scopes.insert(.personalReveal) }
        return scopes
    }

    static func render(_ tokens: [ApiTokenRow], csrf: String, newToken: String?, role: Role) -> HTML {
        let allowed = offered(for: role)
        let offered = TokenScope.allCases.filter { allowed.contains($0) }
        guard !offered.isEmpty || !tokens.isEmpty else { return .empty }
        return el(
            "section",
            [
                el("h2", .t("token.title")),
                el("p", ["class": "meta"], .t("token.help")),
                newToken.map { el("p", ["class": "ok", "role": "status"], [.t("token.shown_once"), el("code", ["class": "secret"], .text($0))]) } ?? .empty,
                tokens.isEmpty
                    ? .empty
                    : HTML.table(
                        ["col.name", "token.scopes", "token.expires", "token.last_used", "col.state"],
                        tokens.map { t in
                            [
                                .text(t.name), .text(t.scopeSet.map { L10n.t($0.nameKey) }.sorted().joined(separator: "、")),
                                .text(t.expiresAt.map(dateText) ?? "—"), .text(t.lastUsedAt.map(dateText) ?? "—"),
                                t.revokedAt != nil
                                    ? .t("token.revoked_state")
                                    : el(
                                        "form", ["method": "post", "action": "/account/tokens/\(t.id.uuidString)/revoke", "class": "inline"],
                                        [
                                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                            el("button", ["type": "submit", "class": "link"], .t("token.revoke")),
                                        ]),
                            ]
                        }),
                offered.isEmpty
                    ? .empty
                    : el(
                        "form", ["method": "post", "action": "/account/tokens", "class": "card narrow"],
                        [
                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                            el("label", [.t("col.name"), el("input", ["name": "name", "required": "required", "maxlength": "60", "placeholder": L10n.t("token.name_hint")])]),
                            el(
                                "fieldset",
                                [el("legend", .t("token.scopes"))]
                                    + offered.map { scope in
                                        el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "scopes[]", "value": scope.rawValue]), .t(scope.nameKey)])
                                    }),
                            el("label", [.t("token.days"), el("input", ["name": "days", "type": "number", "min": "1", "max": "365", "value": "90"])]),
                            el("button", ["type": "submit"], .t("token.create")),
                        ]),
            ])
    }

    static func dateText(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}

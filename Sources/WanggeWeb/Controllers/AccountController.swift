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

    static func render(_ req: Request, message: String?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let v = try req.requireViewer()
        var unit: UnitRow?
        if let id = v.account.unitID { unit = try await UnitRepository(req.db).find(id, in: .everything) }
        let res = try await LoginController.render(req, AccountPage.render(v, unit: unit, csrf: CSRF.token(req), message: message, error: error), title: L10n.t("account.title"))
        res.status = status
        return res
    }

    static func changePassword(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        let form = try req.content.decode(PasswordForm.self)
        guard try await req.password.async.verify(form.current, created: v.account.passwordHash) else {
            return try await render(req, message: nil, error: L10n.t("account.wrong_current"), status: .unprocessableEntity)
        }
        guard form.new == form.confirm else { return try await render(req, message: nil, error: L10n.t("account.mismatch"), status: .unprocessableEntity) }
        guard PasswordRules.isStrong(form.new) else { return try await render(req, message: nil, error: L10n.t("account.weak_password"), status: .unprocessableEntity) }
        guard form.new != form.current else { return try await render(req, message: nil, error: L10n.t("account.same_password"), status: .unprocessableEntity) }
        try await AccountRepository(req.db).setPassword(v.account.id, hash: try await req.password.async.hash(form.new))
        return try await render(req, message: L10n.t("account.password_changed"), error: nil)
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
            el("dl", ["class": "facts"], [
                el("div", [el("dt", .t("login.username")), el("dd", .text(v.account.username))]),
                el("div", [el("dt", .t("account.role")), el("dd", .t(r.nameKey))]),
                el("div", [el("dt", .t("account.scope")), el("dd", unit.map { .text("\($0.name)(\($0.code))") } ?? .t("account.no_scope"))]),
                el("div", [el("dt", .t("account.abilities")), el("dd", .text(abilities.filter(\.0).map { L10n.t($0.1) }.joined(separator: "、").nilIfEmpty ?? L10n.t("account.no_abilities")))]),
            ]),
            el("h2", .t("account.change_password")),
            el("form", ["method": "post", "action": SiteURL.account.path, "class": "card narrow"], [
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

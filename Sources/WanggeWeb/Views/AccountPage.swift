import Fluent
import Vapor
import WanggeCore
import WanggeStore

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

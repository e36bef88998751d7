import Foundation
import WanggeCore
import WanggeStore

/// `/admin/accounts`: every account with its role, scope and state, and the actions the viewer's
/// side of the three-way split allows. A temporary password appears once, in the notice.
enum AdminPage {
    static func render(
        departments: [DepartmentRow] = [], bound: [UUID: [String]] = [:],
        viewer v: Viewer, accounts: [AccountRow], units: [UUID: UnitRow], csrf: String, notice: AdminController.Notice?,
        problem: String?, form: [String: String], now: Date
    ) -> HTML {
        let names = Dictionary(departments.map { ($0.key, $0.nameZh) }) { a, _ in a }
        let holders = AdminController.activeHolders(accounts)
        return [
            notice.map { n in
                el(
                    "div", ["class": "ok", "role": "status"],
                    [
                        el("p", .text(n.message)),
                        n.secret.map { el("p", [.t("admin.temporary_password"), el("code", ["class": "secret"], .text($0))]) } ?? .empty,
                        n.secret == nil ? .empty : el("p", ["class": "meta"], .t("admin.temporary_help")),
                    ])
            } ?? .empty,
            problem.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            el("p", ["class": "meta"], .t(v.role.managesAccounts ? "admin.help_accounts" : "admin.help_roles")),
            v.role.managesAccounts ? createForm(csrf: csrf, form: form, departments: departments) : .empty,
            el("h2", .t("admin.list", accounts.count)),
            HTML.table(
                ["login.username", "admin.display_name", "account.role", "account.scope", "admin.state", "admin.actions"],
                accounts.map { a in
                    [
                        el("span", ["class": "code"], .text(a.username)), .text(a.displayName), .t(a.role.nameKey),
                        .text(
                            (a.unitID.flatMap { units[$0] }.map { "\($0.name)(\($0.code))" } ?? L10n.t("account.no_scope"))
                                + (a.role == .department
                                    ? " · " + ((bound[a.id] ?? []).map { names[$0] ?? $0 }.joined(separator: "、").nilIfEmpty ?? L10n.t("admin.no_departments")) : "")),
                        .text(states(a, now: now).joined(separator: "、")),
                        a.id == v.account.id ? .t("admin.yourself") : actions(a, viewer: v, holders: holders, csrf: csrf, now: now),
                    ]
                }),
        ]
    }

    static func states(_ a: AccountRow, now: Date) -> [String] {
        var s: [String] = []
        if a.disabledAt != nil { s.append(L10n.t("admin.state.disabled")) }
        if let until = a.lockedUntil, until > now { s.append(L10n.t("admin.state.locked")) }
        if a.mustChangePassword { s.append(L10n.t("admin.state.must_change")) }
        if a.totpSecret != nil { s.append(L10n.t("admin.state.totp")) }
        return s.isEmpty ? [L10n.t("admin.state.active")] : s
    }

    static func button(_ a: AccountRow, _ action: AdminController.Action, csrf: String, label: String, confirm: String? = nil) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.adminAccount(a.id, action: action.rawValue).path, "class": "inline", "data-confirm": confirm],
            [
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("button", ["type": "submit", "class": "small"], .t(label)),
            ])
    }

    /// Only the buttons the split allows this viewer on this account (the server checks again).
    static func actions(_ a: AccountRow, viewer v: Viewer, holders: [Role: Int], csrf: String, now: Date) -> HTML {
        let target = AdminController.subject(a, viewer: v)
        func may(_ action: AdminController.Action, _ newRole: Role? = nil) -> Bool {
            AccountAdministration.refusal(action, actor: v.role, target: target, newRole: newRole, activeHolders: holders) == nil
        }
        var parts: [HTML] = []
        if may(.resetPassword) {
            parts.append(button(a, .resetPassword, csrf: csrf, label: "admin.reset_password", confirm: L10n.t("admin.reset_confirm", a.username)))
        }
        if a.disabledAt == nil, may(.disable) {
            parts.append(button(a, .disable, csrf: csrf, label: "admin.disable", confirm: L10n.t("admin.disable_confirm", a.username)))
        } else if a.disabledAt != nil, may(.enable) {
            parts.append(button(a, .enable, csrf: csrf, label: "admin.enable"))
        }
        if may(.changeRole) {
            let roles = Role.allCases.filter { $0 == a.role || may(.changeRole, $0) }
            if roles.count > 1 {
                parts.append(
                    el(
                        "form", ["method": "post", "action": SiteURL.adminAccount(a.id, action: AdminController.Action.changeRole.rawValue).path, "class": "inline"],
                        [
                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                            el(
                                "select", ["name": "role", "aria-label": L10n.t("account.role")],
                                roles.map {
                                    el("option", ["value": $0.rawValue, "selected": $0 == a.role ? "selected" : nil], .t($0.nameKey))
                                }),
                            el("button", ["type": "submit", "class": "small"], .t("admin.change_role")),
                        ]))
            }
        }
        if let until = a.lockedUntil, until > now, may(.unlock) { parts.append(button(a, .unlock, csrf: csrf, label: "admin.unlock")) }
        if a.totpSecret != nil, may(.resetTOTP) {
            parts.append(button(a, .resetTOTP, csrf: csrf, label: "admin.reset_totp", confirm: L10n.t("admin.totp_confirm", a.username)))
        }
        return parts.isEmpty ? .text("—") : el("div", ["class": "actions"], parts)
    }

    static func createForm(csrf: String, form: [String: String], departments: [DepartmentRow] = []) -> HTML {
        el(
            "section",
            [
                el("h2", .t("admin.create")),
                el(
                    "form", ["method": "post", "action": SiteURL.adminAccounts.path, "class": "card"],
                    [
                        el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                        el(
                            "label",
                            [
                                .t("login.username"),
                                el(
                                    "input",
                                    [
                                        "name": "username", "value": form["username"], "required": "required", "maxlength": "64",
                                        "autocomplete": "off", "pattern": "[A-Za-z0-9._\\-]+",
                                    ]),
                            ]),
                        el("label", [.t("admin.display_name"), el("input", ["name": "display_name", "value": form["display_name"], "required": "required", "maxlength": "50"])]),
                        el(
                            "label",
                            [
                                .t("account.role"),
                                el(
                                    "select", ["name": "role"],
                                    Role.assignableByAccountManager.map {
                                        el("option", ["value": $0.rawValue, "selected": $0.rawValue == form["role"] ? "selected" : nil], .t($0.nameKey))
                                    }),
                            ]),
                        el("label", [.t("admin.unit_code"), el("input", ["name": "unit", "value": form["unit"], "inputmode": "numeric", "maxlength": "20"])]),
                        departments.isEmpty
                            ? .empty
                            : el(
                                "label",
                                [
                                    .t("admin.departments"),
                                    el(
                                        "select", ["name": "departments[]", "multiple": "multiple", "size": "5"],
                                        departments.map { el("option", ["value": $0.key], .text($0.nameZh)) }),
                                ]),
                        el("p", ["class": "meta"], .t("admin.create_help")),
                        el("button", ["type": "submit"], .t("admin.create")),
                    ]),
            ])
    }
}

import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

enum LoginPage {
    static func render(csrf: String, next: String?, error: String?, username: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.login.path, "class": "card narrow"],
            [
                error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("input", ["type": "hidden", "name": "next", "value": next]),
                el("label", [.t("login.username"), el("input", ["name": "username", "value": username, "autocomplete": "username", "required": "required", "autofocus": "autofocus"])]),
                el("label", [.t("login.password"), el("input", ["name": "password", "type": "password", "autocomplete": "current-password", "required": "required"])]),
                el("button", ["type": "submit"], .t("login.submit")),
            ]) + el("p", ["class": "narrow"], HTML.link(SiteURL.mailbox.path, L10n.t("mailbox.link")))
    }

    /// The second step: a code from the authenticator app, or — the first time — setting one up.
    static func code(csrf: String, enrolment: WanggeSecurity.TOTP?, account: String, error: String?) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.loginCode.path, "class": "card narrow"],
            [
                error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                enrolment.map { totp in
                    el(
                        "div",
                        [
                            el("p", .t("login.enrol_help")),
                            el("p", [.t("login.enrol_key"), el("code", ["class": "secret"], .text(groups(totp.base32)))]),
                            el("p", ["class": "meta"], .text(totp.provisioningURI(account: account, issuer: "Wangge"))),
                        ])
                } ?? el("p", .t("login.code_help")),
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("label", [.t("login.code"), el("input", ["name": "code", "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]{6,7}", "required": "required", "autofocus": "autofocus"])]),
                el("button", ["type": "submit"], .t("login.verify")),
            ])
    }

    /// "ABCD EFGH …", easier to type into a phone.
    static func groups(_ s: String) -> String {
        stride(from: 0, to: s.count, by: 4).map { i in
            String(s.dropFirst(i).prefix(4))
        }.joined(separator: " ")
    }
}

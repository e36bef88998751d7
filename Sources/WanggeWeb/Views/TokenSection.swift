import Fluent
import Vapor
import WanggeCore
import WanggeStore

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
                                .text(t.expiresAt.map(ChinaTime.formatMinutes) ?? "—"), .text(t.lastUsedAt.map(ChinaTime.formatMinutes) ?? "—"),
                                t.revokedAt != nil
                                    ? .t("token.revoked_state")
                                    : el(
                                        "form", ["method": "post", "action": SiteURL.accountTokenRevoke(t.id).path, "class": "inline"],
                                        [
                                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                            el("button", ["type": "submit", "class": "link"], .t("token.revoke")),
                                        ]),
                            ]
                        }),
                offered.isEmpty
                    ? .empty
                    : el(
                        "form", ["method": "post", "action": SiteURL.accountTokens.path, "class": "card narrow"],
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
}

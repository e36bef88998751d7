import Foundation
import WanggeCore
import WanggeStore

/// The auditor's page: the chain's status with a "verify now" button, the search form, and the
/// entries found, newest first, with times in China Standard Time and actions named in Chinese.
enum AuditPage {
    struct Model {
        var search: AuditSearch
        var page: Int
        var pageSize: Int
        var entries: [AuditRecord]
        var total: Int
        var actions: [String]
        var verification: AuditVerification?
        var csrf: String
    }

    static func render(_ m: Model) -> HTML {
        [
            chainBox(m.verification, csrf: m.csrf),
            form(m.search, actions: m.actions),
            m.entries.isEmpty
                ? el("p", ["class": "meta"], .t("audit.none"))
                : HTML.table(
                    ["audit.seq", "audit.time", "audit.actor", "audit.role", "audit.ip", "audit.action", "audit.object", "audit.detail", "audit.outcome"],
                    m.entries.map(row)),
            Layout.pager(total: m.total, page: m.page, size: m.pageSize) { SiteURL.audit(m.search, page: $0).path },
            el("p", HTML.link(SiteURL.auditExport(m.search).path, L10n.t("audit.export_csv"), cls: "button")),
        ]
    }

    static func chainBox(_ v: AuditVerification?, csrf: String) -> HTML {
        let status: HTML
        if let v {
            status =
                v.isIntact
                ? el("p", ["class": "ok", "role": "status"], .text(v.message()))
                : el("p", ["class": "alert", "role": "alert"], .text(v.message() + " " + L10n.t("audit.verify.checked_before", v.checked)))
        } else {
            status = el("p", ["class": "meta"], .t("audit.chain_unchecked"))
        }
        return el(
            "section", ["class": "card", "id": "chain"],
            [
                el("h2", .t("audit.chain")),
                el("p", ["class": "meta"], .t("audit.chain_help")),
                status,
                el(
                    "form", ["method": "post", "action": SiteURL.auditVerify.path, "class": "inline"],
                    [
                        el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                        el("button", ["type": "submit"], .t("audit.verify_now")),
                    ]),
            ])
    }

    static func form(_ s: AuditSearch, actions: [String]) -> HTML {
        return el(
            "form", ["method": "get", "action": SiteURL.audit().path, "class": "card"],
            [
                SearchForm.text("audit.actor", "actor", s.actor),
                SearchForm.choice("audit.action", "action", s.action, actions.map { ($0, actionName($0)) }),
                SearchForm.text("audit.object_id", "object_id", s.objectID),
                SearchForm.choice("audit.outcome", "outcome", s.outcome, ["ok", "refused", "failed", "denied"].map { ($0, outcomeName($0)) }),
                SearchForm.text("audit.from", "from", s.from, type: "date"),
                SearchForm.text("audit.to", "to", s.to, type: "date"),
                SearchForm.text("audit.text", "q", s.q, type: "search"),
                s.objectType.map { el("input", ["type": "hidden", "name": "object_type", "value": $0]) } ?? .empty,
                el("button", ["type": "submit"], .t("audit.search")),
                HTML.link(SiteURL.audit().path, L10n.t("audit.reset")),
            ])
    }

    static func row(_ r: AuditRecord) -> [HTML] {
        [
            .text("\(r.seq)"),
            .text(time(r.at)),
            .text(r.actor),
            .text(roleName(r.role)),
            .text(r.ip),
            .text(actionName(r.action)),
            .text(objectName(r.objectType) + (r.objectID == "-" || r.objectID.isEmpty ? "" : " · " + r.objectID)),
            .text(detail(r.detail)),
            r.outcome == "ok" ? .text(outcomeName(r.outcome)) : el("span", ["class": "flag"], .text(outcomeName(r.outcome))),
        ]
    }

    /// "2026-11-27 14:05:09" in China Standard Time, whatever the server's zone.
    static func time(_ date: Date) -> String { ChinaTime.format(date) }

    /// The Chinese name of a known code, or the code itself for one the table does not know yet.
    static func named(_ prefix: String, _ code: String) -> String {
        L10n.has(prefix + code) ? L10n.t(prefix + code) : code
    }

    static func actionName(_ a: String) -> String { named("audit.action.", a) }
    static func objectName(_ o: String) -> String { named("audit.object.", o) }
    static func outcomeName(_ o: String) -> String { named("audit.outcome.", o) }
    static func roleName(_ r: String) -> String { Role(rawValue: r).map { L10n.t($0.nameKey) } ?? r }

    /// `inserted=3; kind=residents` shown as "新增:3;类别:residents"; free text as it is.
    static func detail(_ text: String) -> String {
        AuditDetail.pairs(text).map { k, v in
            k.isEmpty ? v : "\(named("audit.detail.", k)):\(k == "kind" ? named("import.kind.", v) : named("audit.value.", v))"
        }.joined(separator: ";")
    }
}

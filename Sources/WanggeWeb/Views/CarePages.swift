import Foundation
import WanggeCore
import WanggeStore

/// A person's care archive: who they are in care for, the visit frequency, and — once read through
/// the gate — the notes and contacts, with the form to change them.
enum CarePages {
    static func archive(
        person: ResidentRow, groups: [CareGroup], summary: CareArchive?, shown: CareArchive?, mayRead: Bool, mayWrite: Bool, form: LogPages.Form?, csrf: String,
        notice: String?
    ) -> HTML {
        let form = form ?? LogPages.Form()
        var facts: [(String, HTML)] = [
            ("care.groups", .text(groups.isEmpty ? "—" : groups.map { L10n.t($0.nameKey) }.joined(separator: "、")))
        ]
        if let s = summary {
            facts.append(("care.frequency", .t(s.frequency.nameKey)))
            facts.append(("need.recorded_by", .t("care.updated", s.updatedBy, ChinaTime.formatMinutes(s.updatedAt))))
        }
        let notes = shown?.notes
        return [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            el(
                "article", ["class": "card"],
                [
                    el("p", HTML.link(SiteURL.resident(person.id).path, person.name)),
                    el("dl", ["class": "facts"], facts.map { el("div", [el("dt", .t($0.0)), el("dd", $0.1)]) }),
                    summary == nil ? el("p", ["class": "meta"], .t("care.none")) : .empty,
                ]),
            notes.map { n in
                el(
                    "section", ["class": "card"],
                    [
                        el("h2", .t("care.nav")),
                        el(
                            "dl", ["class": "facts"],
                            [("care.needs", n.needs), ("care.home_care", n.homeCare), ("care.health", n.health)].map {
                                el("div", [el("dt", .t($0.0)), el("dd", ["class": "log-text"], .text($0.1.isEmpty ? "—" : $0.1))])
                            }),
                        el("ul", n.contacts.map { c in el("li", [.text("\(c.name)（\(c.relation)）"), el("a", ["href": "tel:\(c.phone)"], .text(c.phone))]) }),
                    ])
            } ?? .empty,
            summary != nil && shown == nil
                ? (mayRead
                    ? el(
                        "form", ["method": "post", "action": SiteURL.careRead(person.id).path, "class": "card"],
                        [
                            CaseSetupPages.hidden(csrf), el("p", ["class": "meta"], .t("care.read_help")),
                            CaseSetupPages.field("reason", CaseSetupPages.input("reason", form.value("reason"), form.problems, max: 200), form.problems, label: "rights.reveal_reason"),
                            el("button", ["type": "submit"], .t("care.read")),
                        ]) : el("p", ["class": "meta"], .t("care.masked"))) : .empty,
            mayWrite && !groups.isEmpty && (summary == nil || shown != nil) ? editForm(person.id, shown: shown, form: form, csrf: csrf) : .empty,
        ]
    }

    static func editForm(_ id: UUID, shown: CareArchive?, form: LogPages.Form, csrf: String) -> HTML {
        let n = shown?.notes
        func value(_ key: String, _ stored: String?) -> String { form.values[key] ?? stored ?? "" }
        func area(_ key: String, _ stored: String?, label: String) -> HTML {
            CaseSetupPages.field(
                key, element("textarea", [("name", key), ("rows", "3"), ("maxlength", String(CareArchiveRepository.maxNote))], [.text(value(key, stored))]), form.problems,
                label: label)
        }
        let contacts = n?.contacts.map { "\($0.name) / \($0.relation) / \($0.phone)" }.joined(separator: "\n")
        return el(
            "form", ["method": "post", "action": SiteURL.care(id).path, "class": "card"],
            [
                el("h2", .t("care.edit")),
                CaseSetupPages.hidden(csrf),
                CaseSetupPages.field(
                    "frequency",
                    el(
                        "select", ["name": "frequency"],
                        CaseSetupPages.options(CareFrequency.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: value("frequency", shown?.frequency.rawValue ?? "monthly"))),
                    form.problems, label: "care.frequency"),
                area("needs", n?.needs, label: "care.needs"),
                area("home_care", n?.homeCare, label: "care.home_care"),
                area("health", n?.health, label: "care.health"),
                area("contacts", contacts, label: "care.contacts"),
                el("button", ["type": "submit"], .t("care.save")),
            ])
    }
}

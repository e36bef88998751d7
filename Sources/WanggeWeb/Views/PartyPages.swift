import Foundation
import WanggeCore
import WanggeStore

/// The party overlay's page: the counts of a unit, and for a grid its organisations and the
/// registered members with their hours, with the forms that add to them. Phone first.
enum PartyPages {
    typealias Form = LogPages.Form

    static func page(
        unit: UnitRow, counts: PartyCounts, orgs: [PartyOrg], members: [PartyMember], canEdit: Bool, form: Form, today: String, csrf: String, notice: String?
    ) -> HTML {
        let field = { (name: String, key: String, control: HTML) in OpennessPages.field(name, key, control, form) }
        func select<T: RawRepresentable>(_ all: [T], _ key: (T) -> String) -> HTML where T.RawValue == String {
            el("select", ["name": "kind"], CaseSetupPages.options(all.map { ($0.rawValue, L10n.t(key($0))) }, selected: form.value("kind")))
        }
        // The service forms sit on each member's card: their problem is shown at the top.
        let serviceProblem = ["hours", "activity", "day"].lazy.compactMap { form.problems[$0] }.first
        return [
            LogPages.notices(notice, serviceProblem),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
            el("p", ["class": "meta"], .t("party.intro")),
            el("p", ["class": "ok"], .t("party.counts", counts.members, PartyRules.hoursText(counts.minutes))),
            unit.level == .grid
                ? el(
                    "section", ["id": "party-orgs"],
                    [
                        el("h2", .t("party.orgs")),
                        orgs.isEmpty
                            ? el("p", .t("party.none"))
                            : el("ul", orgs.map { o in el("li", .text("\(o.name)（\(L10n.t(o.kind.nameKey))）· \(L10n.t("party.secretary"))：\(o.secretary)")) }),
                    ]) : .empty,
            unit.level == .grid
                ? el(
                    "section", ["id": "party-members"],
                    [el("h2", .t("party.members"))]
                        + (members.isEmpty ? [el("p", .t("party.none"))] : members.map { member($0, canEdit: canEdit, today: today, csrf: csrf) })) : .empty,
            canEdit
                ? el(
                    "form", ["method": "post", "action": SiteURL.partyOrgs(unit.id).path, "class": "card"],
                    [
                        el("h2", .t("party.add_org")), CaseSetupPages.hidden(csrf),
                        field("kind", "party.kind", select(PartyOrgKind.allCases, \.nameKey)),
                        field("name", "party.name", OpennessPages.input("name", form, max: 60, required: true)),
                        field("secretary", "party.secretary", OpennessPages.input("secretary", form, max: 20, required: true)),
                        el("button", ["type": "submit"], .t("party.add_org")),
                    ]) : .empty,
            canEdit
                ? el(
                    "form", ["method": "post", "action": SiteURL.partyMembers(unit.id).path, "class": "card"],
                    [
                        el("h2", .t("party.add_member")), CaseSetupPages.hidden(csrf),
                        field("kind", "party.kind", select(PartyMemberKind.allCases, \.nameKey)),
                        field("name", "party.name", OpennessPages.input("name", form, max: 20, required: true)),
                        field("workplace", "party.workplace", OpennessPages.input("workplace", form, max: 60, required: true)),
                        field(
                            "registered_on", "party.registered_on",
                            element("input", [("type", "date"), ("name", "registered_on"), ("value", form.values["registered_on"] ?? today)], [])),
                        el("button", ["type": "submit"], .t("party.add_member")),
                    ]) : .empty,
        ]
    }

    static func member(_ m: PartyMember, canEdit: Bool, today: String, csrf: String) -> HTML {
        el(
            "article", ["class": "card", "id": "m-\(m.id.uuidString)"],
            [
                el("h3", .text(m.name)),
                el(
                    "p", ["class": "meta"],
                    [el("span", ["class": "badge"], .t(m.kind.nameKey)), .text(" · \(m.workplace) · \(L10n.t("party.registered_on"))：\(m.registeredOn)")]),
                el("p", .t("party.member_hours", PartyRules.hoursText(m.monthMinutes), PartyRules.hoursText(m.totalMinutes))),
                canEdit
                    ? el(
                        "form", ["method": "post", "action": SiteURL.partyService(m.id).path, "class": "review"],
                        [
                            CaseSetupPages.hidden(csrf),
                            el("label", ["class": "field"], [el("span", .t("party.day")), element("input", [("type", "date"), ("name", "day"), ("value", today)], [])]),
                            el("label", ["class": "field"], [el("span", .t("party.activity")), el("input", ["name": "activity", "maxlength": "100", "required": "required"])]),
                            el(
                                "label", ["class": "field"],
                                [el("span", .t("party.hours")), el("input", ["name": "hours", "type": "number", "min": "0.5", "max": "12", "step": "0.5", "required": "required"])]),
                            el("button", ["type": "submit", "class": "secondary"], .t("party.add_hours")),
                        ]) : .empty,
            ])
    }
}

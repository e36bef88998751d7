import Foundation
import WanggeCore
import WanggeStore

/// 党员中心户 on the party page, and the 党建 section of the grid and community pages.
extension PartyPages {
    /// The grid's central households, each with its member and neighbours, and (for those who
    /// keep them) the form that sets one and a button that takes the mark off.
    static func centrals(unit: UnitRow, _ list: [CentralHousehold], canSet: Bool, form: Form, csrf: String) -> HTML {
        let field = { (name: String, key: String, control: HTML) in OpennessPages.field(name, key, control, form) }
        return el(
            "section", ["id": "party-central"],
            [
                el("h2", .t("central.heading")),
                el("p", ["class": "meta"], .t("central.intro", String(CentralHouseholdRules.maxNeighbours))),
                list.isEmpty
                    ? el("p", .t("party.none"))
                    : el(
                        "div",
                        list.map { c in
                            el(
                                "article", ["class": "card", "id": "c-\(c.id.uuidString)"],
                                [
                                    el("h3", [HTML.link(SiteURL.household(c.householdID).path, c.number), .text(" · \(c.member)")]),
                                    el(
                                        "p",
                                        [.t("central.neighbours", String(c.neighbours.count)), .text("：")]
                                            + c.neighbours.enumerated().flatMap { i, n in
                                                [i == 0 ? .empty : .text("、"), HTML.link(SiteURL.household(n.householdID).path, n.number)]
                                            }),
                                    canSet
                                        ? el(
                                            "form", ["method": "post", "action": SiteURL.partyCentralRemove(c.id).path, "class": "inline"],
                                            [CaseSetupPages.hidden(csrf), el("button", ["type": "submit", "class": "secondary"], .t("central.remove"))]) : .empty,
                                ])
                        }),
                canSet
                    ? el(
                        "form", ["method": "post", "action": SiteURL.partyCentral(unit.id).path, "class": "card"],
                        [
                            el("h3", .t("central.set")), CaseSetupPages.hidden(csrf),
                            field("household", "central.household", OpennessPages.input("household", form, max: 40, required: true)),
                            field("member", "central.member", OpennessPages.input("member", form, max: 20, required: true)),
                            field("neighbours", "central.neighbour_numbers", OpennessPages.input("neighbours", form, max: 600, required: true)),
                            el("button", ["type": "submit"], .t("central.set")),
                        ]) : .empty,
            ])
    }

    /// The 党建 section of a grid's or community's page: for a grid its organisations, central
    /// households and members with this month's hours; for a community a line per grid.
    static func section(unit: UnitRow, _ s: UnitController.PartySection) -> HTML {
        el(
            "section", ["id": "party", "class": "party-section"],
            [
                el("h2", .t("party.section")),
                el("p", ["class": "ok"], .t("party.counts", s.counts.members, PartyRules.hoursText(s.counts.minutes))),
                unit.level == .grid ? gridLines(s) : communityLines(s),
                el("p", ["class": "actions"], HTML.link(SiteURL.party(unit.id).path, L10n.t("party.open"), cls: "button secondary")),
            ])
    }

    static func gridLines(_ s: UnitController.PartySection) -> HTML {
        [
            el(
                "p",
                [el("strong", .t("party.orgs")), .text("：")]
                    + (s.orgs.isEmpty
                        ? [.t("party.none")]
                        : [.text(s.orgs.map { "\($0.name)（\(L10n.t($0.kind.nameKey))）· \(L10n.t("party.secretary"))：\($0.secretary)" }.joined(separator: "；"))])),
            el(
                "p",
                [el("strong", .t("central.heading")), .text("：")]
                    + (s.centrals.isEmpty
                        ? [.t("party.none")]
                        : s.centrals.enumerated().flatMap { i, c -> [HTML] in
                            [
                                i == 0 ? .empty : .text("；"), HTML.link(SiteURL.household(c.householdID).path, c.number),
                                .text(" \(c.member) · \(L10n.t("central.neighbours", String(c.neighbours.count)))"),
                            ]
                        })),
            s.members.isEmpty
                ? el("p", [el("strong", .t("party.members")), .text("："), .t("party.none")])
                : HTML.table(
                    // The hours first after the name: on a phone the later columns scroll.
                    ["party.name", "party.month_hours", "party.kind", "party.workplace", "party.registered_on"],
                    s.members.map { m in
                        [
                            .text(m.name), .text(PartyRules.hoursText(m.monthMinutes)), .t(m.kind.nameKey), .text(m.workplace),
                            .text(m.registeredOn),
                        ]
                    }),
        ]
    }

    static func communityLines(_ s: UnitController.PartySection) -> HTML {
        s.grids.isEmpty
            ? el("p", .t("party.none"))
            : HTML.table(
                ["log.grid", "party.orgs", "central.heading", "party.members", "party.month_hours"],
                s.grids.map { g in
                    [
                        HTML.link(SiteURL.party(g.unitID).path, g.name), .text(g.orgs.isEmpty ? "—" : g.orgs.joined(separator: "、")),
                        .text(String(g.centrals)), .text(String(g.members)), .text(PartyRules.hoursText(g.minutes)),
                    ]
                })
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The contact cards: each an A6 card with crop marks (`section.contact-card`, sized by the print
/// CSS), alone on its page with the print and download buttons, or many on a community's sheet.
/// Phones appear only when their owner agreed to publish them; no other personal data is printed.
enum ContactCardPages {
    /// Services a card lists by name before "and N more": an A6 card holds no more.
    static let servicesOnCard = 8

    static func single(_ m: ContactCardController.GridCards, card: HTML) -> HTML {
        [controls(m.grid), card]
    }

    static func controls(_ grid: UnitRow) -> HTML {
        el(
            "p", ["class": "actions no-print"],
            [
                el("a", ["class": "button", "href": "#", "data-print": "1"], .t("card.print")),
                HTML.link(SiteURL.gridQR(grid.id, format: "png").path, L10n.t("card.download_png"), cls: "button secondary"),
                HTML.link(SiteURL.gridQR(grid.id, format: "svg").path, L10n.t("card.download_svg"), cls: "button secondary"),
                HTML.link(SiteURL.buildingCards(grid.id).path, L10n.t("card.buildings"), cls: "button secondary"),
                HTML.link(SiteURL.unit(grid.id).path, grid.name),
            ])
    }

    static func sheet(_ unit: UnitRow, _ grids: [ContactCardController.GridCards]) -> HTML {
        guard !grids.isEmpty else { return el("p", .t("card.none")) }
        let cards = grids.flatMap { g in [gridCard(g)] + g.agents.map { agentCard(g, $0) } }
        return [
            el(
                "p", ["class": "actions no-print"],
                [
                    el("span", ["class": "meta"], .t("card.sheet_intro", cards.count)),
                    el("a", ["class": "button", "href": "#", "data-print": "1"], .t("card.print")),
                ]),
            el("div", ["class": "card-sheet"], cards),
        ]
    }

    /// The grid's building codes for the printer: one A6 card per building.
    static func buildingSheet(_ m: ContactCardController.GridCards, _ cards: [ContactCardController.BuildingCard]) -> HTML {
        [
            el(
                "p", ["class": "actions no-print"],
                [
                    el("span", ["class": "meta"], .t("card.buildings_intro", cards.count)),
                    el("a", ["class": "button", "href": "#", "data-print": "1"], .t("card.print")),
                    HTML.link(SiteURL.gridCard(m.grid.id).path, L10n.t("card.grid_title")),
                ]),
            cards.isEmpty ? el("p", .t("card.no_buildings")) : el("div", ["class": "card-sheet"], cards.map { buildingCard(m, $0) }),
        ]
    }

    /// 楼栋便民二维码: a building's own code, to hang in its stairwell.
    static func buildingCard(_ m: ContactCardController.GridCards, _ c: ContactCardController.BuildingCard) -> HTML {
        let worker = m.team.first { $0.kindKey.hasPrefix("grid_worker") && $0.phonePublic }
        let people = c.agents + (worker.map { w in c.agents.contains { $0.assignmentID == w.assignmentID } ? [] : [w] } ?? [])
        return frame(
            kind: "building-card",
            [
                el("p", ["class": "card-kind"], .t("card.building_title")),
                el("h2", .text(c.building.name)),
                el("p", ["class": "card-sub"], .text("\(c.building.address) · \(m.grid.name)")),
                el(
                    "ul", ["class": "card-team"],
                    people.map { p in
                        el(
                            "li",
                            [el("span", ["class": "who"], [el("strong", .text(p.name)), .text(" "), el("span", ["class": "kind"], .text(p.kindName))]), phone(p)])
                    }),
                el(
                    "div", ["class": "card-qr"],
                    [
                        QRCodeSVG.inline(c.qr, title: L10n.t("card.qr_alt", c.building.name, c.reportURL)),
                        el("p", [el("strong", .t("card.scan_building")), el("br"), el("span", ["class": "url"], .text(c.reportURL))]),
                    ]),
            ])
    }

    /// A card's frame: the four crop marks outside the trim line, then the content.
    static func frame(kind: String, _ content: [HTML]) -> HTML {
        el(
            "section", ["class": "contact-card \(kind)"],
            ["tl", "tr", "bl", "br"].map { el("span", ["class": "crop \($0)", "aria-hidden": "true"]) } + [el("div", ["class": "card-body"], content)])
    }

    static func phone(_ m: TeamMember) -> HTML {
        guard m.phonePublic, let p = m.phone else { return el("span", ["class": "meta"], .t("card.no_phone")) }
        return el("a", ["class": "phone", "href": "tel:\(p)"], .text(p))
    }

    static func qr(_ m: ContactCardController.GridCards) -> HTML {
        el(
            "div", ["class": "card-qr"],
            [
                QRCodeSVG.inline(m.qr, title: L10n.t("card.qr_alt", m.grid.name, m.reportURL)),
                el("p", [el("strong", .t("card.scan")), el("br"), el("span", ["class": "url"], .text(m.reportURL))]),
            ])
    }

    static func buildingNames(_ buildings: [BuildingRow]) -> String { buildings.map(\.name).joined(separator: "、") }

    /// 便民服务联系卡: the grid's whole team.
    static func gridCard(_ m: ContactCardController.GridCards) -> HTML {
        frame(
            kind: "grid-card",
            [
                el("p", ["class": "card-kind"], .t("card.grid_title")),
                el("h2", .text(m.grid.name)),
                el("p", ["class": "card-sub"], .t("card.team")),
                el(
                    "ul", ["class": "card-team"],
                    m.team.map { member in
                        let covers = m.covers[member.assignmentID] ?? []
                        return el(
                            "li",
                            [
                                el("span", ["class": "who"], [el("strong", .text(member.name)), .text(" "), el("span", ["class": "kind"], .text(member.kindName))]),
                                phone(member),
                                el(
                                    "span", ["class": "does"],
                                    .text(([member.duty ?? L10n.t("card.duty_default")] + (covers.isEmpty ? [] : [buildingNames(covers)])).joined(separator: " · "))),
                            ])
                    }),
                qr(m),
            ])
    }

    /// 党员代办联系卡: one proxy agent, the buildings they cover and the services they take on.
    static func agentCard(_ m: ContactCardController.GridCards, _ agent: TeamMember) -> HTML {
        let covers = m.covers[agent.assignmentID] ?? []
        let handled = m.services.filter { $0.mode != .explain }
        let shown = handled.prefix(servicesOnCard)
        return frame(
            kind: "agent-card",
            [
                el("p", ["class": "card-kind"], .t("card.agent_title")),
                el("h2", .text(agent.name)),
                el("p", ["class": "card-sub"], .text("\(agent.kindName) · \(m.grid.name)")),
                agent.duty.map { el("p", ["class": "card-sub"], .text($0)) } ?? .empty,
                el("p", ["class": "card-phone"], phone(agent)),
                el(
                    "dl", ["class": "card-facts"],
                    [
                        el("div", [el("dt", .t("card.agent_scope")), el("dd", .text(covers.isEmpty ? m.grid.name : buildingNames(covers)))]),
                        el(
                            "div",
                            [
                                el("dt", .t("card.agent_services")),
                                el(
                                    "dd",
                                    [
                                        el("ul", ["class": "card-services"], shown.map { s in el("li", [.text(s.nameZh), .text(" "), el("em", .t(s.mode.nameKey))]) }),
                                        handled.count > shown.count ? el("span", ["class": "meta"], .t("card.more_services", handled.count - shown.count)) : .empty,
                                    ]),
                            ]),
                    ]),
                qr(m),
            ])
    }
}

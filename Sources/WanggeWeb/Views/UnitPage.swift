import Foundation
import WanggeCore
import WanggeStore

enum UnitPage {
    /// `admin` is the administrator's section (empty for other roles); `endMember` draws the
    /// administrator's "end" button beside a team member.
    static func render(
        _ m: UnitController.Model, notice: String? = nil, error: String? = nil, admin: HTML = .empty, showsLogs: Bool = false,
        endMember: ((UUID) -> HTML)? = nil, editMember: ((TeamMember) -> HTML)? = nil
    ) -> HTML {
        let u = m.unit
        return [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            Layout.breadcrumbs(m.lineage.map { ($0.name, SiteURL.unit($0.id).path) }),
            el(
                "p", ["class": "meta"],
                [
                    el("span", ["class": "badge"], .t(u.level.nameKey)),
                    el("span", ["class": "code"], .text(UnitCode.display(u.code))),
                ]),
            stats(m.totals, level: u.level),
            children(m),
            m.party.map { PartyPages.section(unit: u, $0) } ?? .empty,
            u.level >= .grid ? grid(m, endMember: endMember, editMember: editMember) : .empty,
            el(
                "p", ["class": "actions"],
                [
                    HTML.link(SiteURL.coverage(unit: u.id).path, L10n.t("unit.coverage_link"), cls: "button"),
                    u.level == .grid ? HTML.link(SiteURL.gridCard(u.id).path, L10n.t("card.grid_link"), cls: "button secondary") : .empty,
                    u.level >= .community && u.level <= .grid ? HTML.link(SiteURL.unitCards(u.id).path, L10n.t("card.sheet_link"), cls: "button secondary") : .empty,
                    showsLogs && u.level >= .community && u.level <= .grid ? HTML.link(SiteURL.socialLog(u.id).path, L10n.t("log.nav"), cls: "button secondary") : .empty,
                    showsLogs && u.level >= .community && u.level <= .grid ? HTML.link(SiteURL.needs(u.id).path, L10n.t("need.nav"), cls: "button secondary") : .empty,
                    showsLogs && u.level >= .community && u.level <= .grid ? HTML.link(SiteURL.unitPatrols(u.id).path, L10n.t("patrol.nav"), cls: "button secondary") : .empty,
                    // The roles that read the logs are those that read visits (`Role.readsVisits`).
                    showsLogs && u.level >= .community && u.level <= .grid ? HTML.link(SiteURL.visits(u.id).path, L10n.t("visit.nav"), cls: "button secondary") : .empty,

                    u.level <= .community ? HTML.link(SiteURL.powers(u.id).path, L10n.t("power.nav"), cls: "button secondary") : .empty,
                    u.level <= .community ? HTML.link(SiteURL.tasks(u.id).path, L10n.t("admission.nav"), cls: "button secondary") : .empty,
                    u.level == .community ? HTML.link(SiteURL.decisions(u.id).path, L10n.t("decision.nav"), cls: "button secondary") : .empty,
                    u.level <= .community ? HTML.link(SiteURL.portal(u.code).path, L10n.t("portal.nav"), cls: "button secondary") : .empty,
                    HTML.link(SiteURL.notices(u.id).path, L10n.t("notice.title"), cls: "button secondary"),
                    u.level == .grid ? HTML.link(SiteURL.gridNotices(u.code).path, L10n.t("reach.grid_feed_link"), cls: "button secondary") : .empty,
                    u.level <= .community ? HTML.link(SiteURL.stations(u.id).path, L10n.t("station.nav"), cls: "button secondary") : .empty,
                    u.level <= .grid ? HTML.link(SiteURL.party(u.id).path, L10n.t("party.nav"), cls: "button secondary") : .empty,
                    u.level == .community ? HTML.link(SiteURL.volunteers(u.id).path, L10n.t("volunteer.nav"), cls: "button secondary") : .empty,
                    u.level == .community ? HTML.link(SiteURL.venues(u.id).path, L10n.t("venue.nav"), cls: "button secondary") : .empty,
                ]),
            admin,
        ]
    }

    static func stats(_ t: UnitTotals, level: UnitLevel) -> HTML {
        var items: [(String, Int)] = []
        if level < .grid { items.append(("stat.grids", t.grids)) }
        items += [("stat.buildings", t.buildings), ("stat.households", t.households), ("stat.residents", t.residents), ("stat.staff", t.staff)]
        return el("dl", ["class": "stats"], items.map { key, n in el("div", [el("dt", .t(key)), el("dd", .number(n))]) })
    }

    static func children(_ m: UnitController.Model) -> HTML {
        guard !m.children.isEmpty else { return .empty }
        // Households in round steps from zero (0–1,000, 1,000–2,000, …), so near-equal units share a colour.
        let scheme = MapClassViews.households(m.children.map(\.totals.households))
        var perClass = Array(repeating: 0, count: scheme.classCount)
        let shapes = m.children.compactMap { c -> MapSVG.Shape? in
            let i = scheme.classIndex(Double(c.totals.households))
            perClass[i] += 1
            return c.unit.area.map {
                MapSVG.Shape(
                    area: $0, label: shortName(c.unit.name, under: m.unit.name), url: SiteURL.unit(c.unit.id).path, value: c.totals.households,
                    cls: MapClassViews.cls(i, of: scheme.classCount, .amount), note: L10n.t("kpimap.households", c.totals.households))
            }
        }
        let legend = MapClassViews.legend(scheme, .amount, counts: perClass, insufficient: nil) { String(format: "%.0f", $0) }
        let rows: [[HTML]] = m.children.map { c in
            let understaffed = c.unit.level == .grid && c.totals.staff < m.teamMinimum
            return [
                HTML.link(SiteURL.unit(c.unit.id).path, c.unit.name),
                el("span", ["class": "code"], .text(c.unit.code)),
                .number(c.totals.households),
                .number(c.totals.residents),
                understaffed ? el("span", ["class": "flag"], .t("unit.understaffed", c.totals.staff)) : .number(c.totals.staff),
            ]
        }
        return el(
            "section",
            [
                el("h2", .t("unit.children", L10n.t(m.children[0].unit.level.nameKey), m.children.count)),
                MapSVG.render(shapes: shapes, legend: L10n.t("map.legend_households")), shapes.isEmpty ? .empty : legend,
                HTML.table(["col.name", "col.code", "stat.households", "stat.residents", "stat.staff"], rows),
            ])
    }

    /// "幸福里社区第1网格" under "幸福里社区" reads "第1网格" on the map, where space is short.
    static func shortName(_ name: String, under parent: String) -> String {
        name.hasPrefix(parent) && name.count > parent.count ? String(name.dropFirst(parent.count)) : name
    }

    static func grid(_ m: UnitController.Model, endMember: ((UUID) -> HTML)?, editMember: ((TeamMember) -> HTML)? = nil) -> HTML {
        let teamRows: [[HTML]] = m.team.map { member in
            let covers = m.covers[member.assignmentID] ?? []
            let isAgent = member.kindKey == "proxy_agent" || !covers.isEmpty
            return [
                .text(member.name + " ") + (member.accountID == nil ? .empty : el("span", ["class": "badge"], .t("grid.has_account"))),
                .text(member.kindName),
                .text(member.phone.map(Mask.phone) ?? "—") + (member.phone != nil && !member.phonePublic ? el("span", ["class": "meta"], .t("staff.phone_hidden")) : .empty),
                .text(member.duty ?? ""),
                .text(covers.map(\.name).joined(separator: "、")),
                isAgent ? HTML.link(SiteURL.agentCard(m.unit.id, assignment: member.assignmentID).path, L10n.t("card.agent_link")) : .empty,
            ]
                + (endMember.map { end in [end(member.assignmentID)] } ?? [])
        }
        let dots = m.buildings.map { MapSVG.Dot(point: $0.point, title: $0.name, cls: $0.kind == "shop" ? "shop" : "building") }
        let shapes = m.unit.area.map { [MapSVG.Shape(area: $0, label: m.unit.name, url: nil, value: 0)] } ?? []
        let residentRows: [[HTML]] = m.residents.map { r in
            [
                HTML.link(SiteURL.resident(r.id).path, r.name), .text(r.idNumber ?? r.documentNumber ?? "—"), .text(r.phone ?? "—"),
                .text(r.householdNumber ?? "—"), .text(r.tags.map { L10n.t("tag.\($0)") }.joined(separator: "、")),
            ]
        }
        return [
            el(
                "section",
                [
                    el("h2", .t("grid.team", m.team.count)),
                    m.team.count < m.teamMinimum ? el("p", ["class": "alert"], .t("grid.team_gap", m.teamMinimum)) : .empty,
                    HTML.table(["col.name", "col.kind", "col.phone", "col.duty", "col.buildings", ""] + (endMember == nil ? [] : [""]), teamRows),
                    editMember.map { edit in HTML(m.team.map(edit)) } ?? .empty,
                ]),
            el(
                "section",
                [
                    el("h2", .t("grid.buildings", m.buildings.count)),
                    MapSVG.render(shapes: shapes, dots: dots, legend: L10n.t("map.legend_buildings")),
                    HTML.table(
                        ["col.code", "col.name", "col.kind", "col.floors"],
                        m.buildings.map {
                            [el("span", ["class": "code"], .text($0.code)), .text($0.name), .t("building.\($0.kind)"), .text($0.floors.map(String.init) ?? "—")]
                        }),
                ]),
            el(
                "section",
                [
                    el("h2", .t("grid.organisations", m.organisations.count)),
                    HTML.table(
                        ["col.name", "col.kind", "col.address", "col.contact"],
                        m.organisations.map {
                            [
                                .text($0.name), .t("organisation.\($0.kind)"), .text($0.address),
                                .text([$0.contactName, $0.contactPhone.map(Mask.phone)].compactMap { $0 }.joined(separator: " ")),
                            ]
                        }),
                ]),
            el(
                "section",
                [
                    el("h2", .t("grid.components", m.components.count)),
                    HTML.table(
                        ["col.code", "col.class", "col.kind", "col.state"],
                        m.components.map {
                            [
                                el("span", ["class": "code"], .text($0.code)), .t("component.\($0.classKey)"), .text($0.subtype),
                                $0.state == "ok" ? .t("component.state.ok") : el("span", ["class": "flag"], .t("component.state.\($0.state)")),
                            ]
                        }),
                ]),
            el(
                "section",
                [
                    el("h2", .t("grid.residents", m.residentTotal)),
                    HTML.table(["col.name", "col.id_number", "col.phone", "col.household", "col.tags"], residentRows),
                    Layout.pager(total: m.residentTotal, page: m.page, size: UnitController.pageSize) {
                        SiteURL.unit(m.unit.id).path + SiteURL.query(["page": String($0)])
                    },
                ]),
        ]
    }
}

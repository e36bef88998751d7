import Foundation
import WanggeCore
import WanggeStore

/// A grid's patrols and a patrol's page. Phone first: the buttons the worker needs on the way
/// (record where I am, record a finding, end) come first, the path drawn over the grid below.
enum PatrolPages {
    static func list(unit: UnitRow, patrols: [Patrol], canStart: Bool, csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            el("p", ["class": "meta"], .t("patrol.intro")),
            canStart
                ? el(
                    "form", ["method": "post", "action": SiteURL.unitPatrols(unit.id).path, "class": "card"],
                    [CaseSetupPages.hidden(csrf), el("button", ["type": "submit"], .t("patrol.start"))])
                : .empty,
            patrols.isEmpty ? el("p", .t("patrol.none")) : el("div", ["class": "table-wrap"], table(patrols, rollUp: unit.level != .grid)),
            el("p", ["class": "actions"], [HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
        ]
    }

    static func table(_ patrols: [Patrol], rollUp: Bool) -> HTML {
        el(
            "table", ["class": "list"],
            [
                el(
                    "thead",
                    el(
                        "tr",
                        [el("th", .t("patrol.started_at")), rollUp ? el("th", .t("log.grid")) : .empty, el("th", .t("patrol.worker")), el("th", .t("patrol.state"))])),
                el(
                    "tbody",
                    patrols.map { p in
                        el(
                            "tr",
                            [
                                el("td", HTML.link(SiteURL.patrol(p.id).path, ChinaTime.formatMinutes(p.startedAt))),
                                rollUp ? el("td", .text(p.unitName)) : .empty,
                                el("td", .text(p.workerName)),
                                el("td", stateBadge(p)),
                            ])
                    }),
            ])
    }

    static func stateBadge(_ p: Patrol) -> HTML {
        el("span", ["class": p.state == .started ? "badge warn" : "badge"], .t(p.state.nameKey))
    }

    struct Model {
        var patrol: Patrol
        var grid: UnitRow
        var points: [PatrolPoint]
        var findings: [PatrolFinding]
        var categories: [CategoryRow]
        var components: [ComponentRow]
        var canWrite: Bool
        var csrf: String
        var notice: String?
        var error: String?
        var form: LogPages.Form

        var writing: Bool { canWrite && patrol.state == .started }
    }

    static func detail(_ m: Model) -> HTML {
        let p = m.patrol
        let outside = m.points.filter(\.outside).count
        return [
            LogPages.notices(m.notice, m.error),
            el(
                "p", ["class": "meta"],
                [
                    stateBadge(p), .text(" "), .text(p.workerName), .text(" · "), .t("patrol.from", ChinaTime.formatMinutes(p.startedAt)),
                    p.endedAt.map { HTML.text(" · " + L10n.t("patrol.to", ChinaTime.formatMinutes($0))) } ?? .empty,
                    .text(" · "), .t("patrol.counts", m.points.count, m.findings.count),
                    outside > 0 ? el("span", ["class": "badge warn"], .t("patrol.outside_count", outside)) : .empty,
                ]),
            m.writing ? pointForm(m) : .empty,
            map(m),
            m.writing ? findingForm(m) : .empty,
            el("h2", .t("patrol.findings")),
            m.findings.isEmpty ? el("p", .t("patrol.no_findings")) : el("div", ["class": "log-entries"], m.findings.map { finding($0, m) }),
            m.writing
                ? el(
                    "form", ["method": "post", "action": SiteURL.patrolEnd(p.id).path, "class": "card"],
                    [CaseSetupPages.hidden(m.csrf), el("p", ["class": "meta"], .t("patrol.end_help")), el("button", ["type": "submit", "class": "secondary"], .t("patrol.end"))])
                : .empty,
            el("p", ["class": "actions"], [HTML.link(SiteURL.unitPatrols(m.grid.id).path, L10n.t("patrol.nav")), HTML.link(SiteURL.unit(m.grid.id).path, m.grid.name)]),
            m.writing ? ReportPickers.scripts + el("script", ["src": SiteURL.asset("patrol.js").path, "defer": "defer"]) : .empty,
        ]
    }

    /// "Here I am": the position comes from the phone (patrol.js fills it in); without one nothing is sent.
    static func pointForm(_ m: Model) -> HTML {
        el(
            "form",
            [
                "method": "post", "action": SiteURL.patrolPoints(m.patrol.id).path, "class": "card patrol-point", "data-patrol-point": "1",
                "data-api": "/api/v1/patrols/\(m.patrol.id.uuidString)/points",
                "data-locating": L10n.t("picker.msg.locating"), "data-failed": L10n.t("patrol.geo_failed"), "data-saved": L10n.t("patrol.point_saved"),
            ],
            [
                CaseSetupPages.hidden(m.csrf),
                el("input", ["type": "hidden", "name": "lon"]),
                el("input", ["type": "hidden", "name": "lat"]),
                el("p", ["class": "meta", "role": "status", "data-point-status": "1"], .t("patrol.point_help")),
                el("button", ["type": "submit"], .t("patrol.add_point")),
                el(
                    "label", ["class": "check", "hidden": "hidden", "data-js": "1"],
                    [el("input", ["type": "checkbox", "data-follow": "1"]), .t("patrol.follow")]),
            ])
    }

    static func findingForm(_ m: Model) -> HTML {
        let f = m.form
        let states = [("", L10n.t("patrol.component_state_same"))] + ComponentState.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        let components = [("", L10n.t("patrol.component_none"))] + m.components.map { c in (c.id.uuidString, "\(c.code) \(c.subtype)（\(L10n.t("component.state.\(c.state)"))）") }
        let onSpot = m.categories.filter { $0.onSpot && $0.active }.map(\.nameZh)
        return el(
            "form", ["method": "post", "action": SiteURL.patrolFindings(m.patrol.id).path, "enctype": "multipart/form-data", "class": "card"],
            [
                el("h2", .t("patrol.add_finding")),
                CaseSetupPages.hidden(m.csrf),
                ReportPickers.category(m.categories, common: [], selected: f.values["category"]),
                LogPages.field("text", L10n.t("patrol.finding_text"), LogPages.textarea("text", f, max: PatrolRepository.maxText), f),
                ReportPickers.location(
                    mapURL: SiteURL.caseNewMap.path, suggestURL: SiteURL.caseNewAddresses().path, addresses: [],
                    values: ReportPickers.Values(address: f.values["address"], lon: f.values["lon"], lat: f.values["lat"])),
                LogPages.field(
                    "component", L10n.t("patrol.component"), el("select", ["name": "component"], CaseSetupPages.options(components, selected: f.value("component"))), f),
                LogPages.field(
                    "component_state", L10n.t("patrol.component_state"),
                    el("select", ["name": "component_state"], CaseSetupPages.options(states, selected: f.value("component_state"))), f),
                el(
                    "label", ["class": "check"],
                    [el("input", ["type": "checkbox", "name": "on_spot", "value": "1", "checked": f.value("on_spot").isEmpty ? nil : "checked"]), .t("patrol.on_spot")]),
                onSpot.isEmpty ? .empty : el("p", ["class": "meta"], .t("patrol.on_spot_help", onSpot.joined(separator: "、"))),
                LogPages.field(
                    CaseRepository.photosField, L10n.t("patrol.photo"),
                    el("input", ["type": "file", "name": "\(CaseRepository.photosField)[]", "accept": "image/jpeg,image/png,image/webp", "capture": "environment"]), f),
                el("button", ["type": "submit"], .t("patrol.save_finding")),
            ])
    }

    static func map(_ m: Model) -> HTML {
        guard let area = m.grid.area else { return .empty }
        var dots = m.points.filter(\.outside).map { MapSVG.Dot(point: $0.point, title: L10n.t("patrol.outside"), cls: "dot-outside") }
        dots += m.findings.compactMap { f in f.point.map { MapSVG.Dot(point: $0, title: f.text, cls: f.trackingCode == nil ? "dot-finding" : "dot-case") } }
        return MapSVG.render(
            shapes: [MapSVG.Shape(area: area, label: m.grid.name, url: nil, value: 0)], dots: dots,
            lines: [MapSVG.Line(points: m.points.map(\.point), cls: "patrol-path")], legend: L10n.t("patrol.map_legend"))
    }

    static func finding(_ f: PatrolFinding, _ m: Model) -> HTML {
        let category = m.categories.first { $0.key == f.categoryKey }?.nameZh ?? f.categoryKey
        return el(
            "article", ["class": "card log-entry", "id": "finding-\(f.id.uuidString)"],
            [
                el(
                    "p", ["class": "meta"],
                    [
                        el("time", .text(ChinaTime.formatMinutes(f.recordedAt))),
                        el("span", ["class": "badge"], .text(category)),
                        f.outside ? el("span", ["class": "badge warn"], .t("patrol.outside")) : .empty,
                        f.onSpot ? el("span", ["class": "badge"], .t("patrol.on_spot_badge")) : .empty,
                        f.hasPhoto ? el("span", ["class": "badge"], .t("patrol.has_photo")) : .empty,
                    ]),
                el("p", ["class": "log-text"], .text(f.text)),
                f.hasPhoto
                    ? el(
                        "a", ["href": SiteURL.findingPhoto(m.patrol.id, finding: f.id).path],
                        el("img", ["src": SiteURL.findingPhoto(m.patrol.id, finding: f.id).path, "alt": L10n.t("patrol.photo_alt"), "class": "finding-photo", "loading": "lazy"]))
                    : .empty,
                f.address.map { el("p", ["class": "meta"], .text($0)) } ?? .empty,
                f.componentCode.map { code in
                    el("p", ["class": "meta"], [.t("patrol.component"), .text("：\(code)"), f.componentState.map { HTML.text(" → " + L10n.t($0.nameKey)) } ?? .empty])
                } ?? .empty,
                caseLine(f, m),
            ])
    }

    static func caseLine(_ f: PatrolFinding, _ m: Model) -> HTML {
        if let caseID = f.caseID, let code = f.trackingCode {
            return el("p", [.t("patrol.is_case"), .text(" "), HTML.link(SiteURL.caseDetail(caseID).path, TrackingCode.display(code))])
        }
        guard m.canWrite, f.trackingCode == nil else { return .empty }
        return el(
            "form", ["method": "post", "action": SiteURL.findingCase(m.patrol.id, finding: f.id).path, "class": "inline"],
            [CaseSetupPages.hidden(m.csrf), el("button", ["type": "submit", "class": "secondary"], .t(f.onSpot ? "patrol.to_case_on_spot" : "patrol.to_case"))])
    }
}

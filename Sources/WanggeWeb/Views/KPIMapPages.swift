import Foundation
import WanggeCore
import WanggeStore

/// The KPI map: the child units coloured by a measure in graded classes, with the legend saying
/// how the classes were drawn, units with too few cases hatched, and a table of the same figures.
enum KPIMapPages {
    static func page(_ m: KPIMapController.Model) -> HTML {
        let period = MeasureQuery(m.period)
        return [
            Layout.breadcrumbs(
                m.lineage.map { (name: $0.name, url: SiteURL.dashboardMap($0.id, measure: m.measure.id, period: period, category: m.points?.category.key).path) }
            ),
            el(
                "p", ["class": "actions"],
                HTML.link(SiteURL.dashboard(m.unit.id, period: period).path, L10n.t("kpimap.back"), cls: "button secondary"),
                HTML.link(SiteURL.rankings(unit: m.unit.id, month: m.period.month?.description).path, L10n.t("rank.nav"), cls: "button secondary")),
            picker(m),
            m.children.isEmpty ? el("p", ["class": "meta"], .t("kpimap.no_children")) : map(m),
        ]
    }

    static func picker(_ m: KPIMapController.Model) -> HTML {
        let month = m.period.month ?? MeasureMonth(m.period.to)
        let options = Measures.all.map { x in
            el("option", ["value": x.id, "selected": x.id == m.measure.id ? "selected" : nil], .t(x.nameKey))
        }
        let chosen = m.points?.category.key
        let categories =
            [el("option", ["value": ""], .t("kpimap.no_points"))]
            + m.categories.map { c in
                el("option", ["value": c.key, "selected": c.key == chosen ? "selected" : nil], .text((c.parentKey == nil ? "" : "　") + c.nameZh))
            }
        return el(
            "form", ["method": "get", "action": SiteURL.dashboardMap(m.unit.id).path, "class": "inline period-picker"],
            el("label", .t("kpimap.measure"), el("select", ["name": "measure"], options)),
            el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": month.description])),
            el("label", .t("kpimap.points"), el("select", ["name": "category"], categories)),
            el("button", ["type": "submit"], .t("dashboard.show")))
    }

    /// The case points on the map: on time, and late (a red dot with a white ring).
    static func dots(_ m: KPIMapController.Model) -> [MapSVG.Dot] {
        (m.points?.dots ?? []).compactMap { d in
            guard let lon = d.row.lon, let lat = d.row.lat else { return nil }
            let title = d.row.publicCode + " · " + ReportTables.summary(d.row) + (d.late ? " · " + L10n.t("kpimap.late") : "")
            return MapSVG.Dot(point: GeoPoint(lon: lon, lat: lat), title: title, cls: d.late ? "case-late" : "case-on-time")
        }
    }

    /// What the points show, with links to the same cases in the case list.
    static func pointsNote(_ m: KPIMapController.Model) -> HTML {
        guard let p = m.points else { return .empty }
        var s = CaseSearch()
        s.unit = m.unit.id.uuidString
        s.category = p.category.key
        s.from = m.period.from.description
        s.to = m.period.to.description
        let all = SiteURL.cases(queue: "all", search: s).path
        return el(
            "div", ["class": "map-points"],
            el(
                "ul", ["class": "map-legend"],
                el("li", el("span", ["class": "dot case-on-time"]), .t("kpimap.points_on_time", p.dots.count - p.late)),
                el("li", el("span", ["class": "dot case-late"]), .t("kpimap.points_late", p.late))),
            el(
                "p", ["class": "meta"], .t("kpimap.points_note", p.category.nameZh, p.total, p.unplaced), .text(" "),
                HTML.link(all, L10n.t("kpimap.points_list"))))
    }

    /// The data Leaflet draws from (when installed): each unit's boundary, class, label and link, the
    /// case points, and the tile layer if any. The SVG map stays in the page for print and no script.
    static func leafletData(_ m: KPIMapController.Model, palette: MapClassViews.Palette) -> String {
        let period = MeasureQuery(m.period)
        var units: [[String: Any]] = []
        for c in m.children {
            guard let boundary = c.unit.boundary else { continue }
            units.append([
                "geojson": boundary, "cls": MapClassViews.cls(m.placement(c.value), m.scheme, palette),
                "label": c.unit.name + " · " + c.value.display + " · " + L10n.t("measure.n", c.value.n),
                "url": SiteURL.dashboard(c.unit.id, period: period).path,
            ])
        }
        let points: [[String: Any]] = dots(m).map { ["lon": $0.point.lon, "lat": $0.point.lat, "title": $0.title, "cls": $0.cls] }
        var data: [String: Any] = ["units": units, "points": points]
        if let tiles = m.leaflet?.tiles { data["tiles"] = tiles }
        if let a = m.leaflet?.attribution { data["attribution"] = a }
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: json, as: UTF8.self)
    }

    /// "95 %" for a rate's edge, "5.1 %" when not whole (as the figures show), "12.5" for hours and ratios.
    static func edge(_ m: Measure) -> (Double) -> String {
        { value in
            let number = value.rounded() == value ? FixedDecimal.format(value, places: 0) : FixedDecimal.format(value, places: 1)
            return m.kind == .rate ? number + " %" : number
        }
    }

    /// The coloured map with its legend and how the classes were drawn: the page's map and the monthly report's.
    static func figure(_ m: KPIMapController.Model) -> HTML {
        let palette = MapClassViews.Palette.quality(m.measure.direction)
        var perClass = Array(repeating: 0, count: m.scheme.classCount)
        var insufficient = 0
        for c in m.children {
            switch m.placement(c.value) {
            case .inClass(let i): perClass[i] += 1
            case .insufficient: insufficient += 1
            }
        }
        let period = MeasureQuery(m.period)
        let shapes = m.children.compactMap { c -> MapSVG.Shape? in
            guard let area = c.unit.area else { return nil }
            let placement = m.placement(c.value)
            let note = placement == .insufficient ? L10n.t("kpimap.insufficient_short") + " · " + L10n.t("measure.n", c.value.n) : c.value.display + " · " + L10n.t("measure.n", c.value.n)
            return MapSVG.Shape(
                area: area, label: UnitPage.shortName(c.unit.name, under: m.unit.name), url: SiteURL.dashboard(c.unit.id, period: period).path,
                cls: MapClassViews.cls(placement, m.scheme, palette), note: note)
        }
        let method = L10n.t(
            m.scheme.method == .bands ? "kpimap.method_bands" : "kpimap.method_quantiles", m.scheme.minimumN)
        let unmapped = m.children.filter { $0.unit.area == nil }.map(\.unit.name)
        let svg = MapSVG.render(shapes: shapes, dots: dots(m), legend: L10n.t("kpimap.caption"))
        let drawn: HTML
        if m.leaflet != nil {
            // Leaflet takes over when it loads (the script hides the SVG); without it the SVG stands.
            drawn = el(
                "div", ["data-kpi-map": leafletData(m, palette: palette)],
                el("div", ["class": "map kpi-leaflet", "hidden": "hidden", "role": "img", "aria-label": L10n.t("kpimap.caption")]), svg)
        } else {
            drawn = svg
        }
        return [
            drawn,
            MapClassViews.legend(m.scheme, palette, counts: perClass, insufficient: insufficient, format: edge(m.measure)),
            pointsNote(m),
            el("p", ["class": "meta"], .text(method)),
            unmapped.isEmpty ? .empty : el("p", ["class": "meta"], .t("kpimap.unmapped", unmapped.joined(separator: "、"))),
        ]
    }

    static func map(_ m: KPIMapController.Model) -> HTML {
        let palette = MapClassViews.Palette.quality(m.measure.direction)
        let period = MeasureQuery(m.period)
        let rows: [[HTML]] = m.children.map { c in
            let placement = m.placement(c.value)
            return [
                HTML.link(SiteURL.dashboard(c.unit.id, period: period).path, c.unit.name),
                el("span", ["class": "swatch \(MapClassViews.cls(placement, m.scheme, palette))"]),
                .text(placement == .insufficient ? L10n.t("kpimap.insufficient_short") + "（" + c.value.display + "）" : c.value.display),
                .number(c.value.n),
                HTML.link(
                    SiteURL.dashboardMap(c.unit.id, measure: m.measure.id, period: period, category: m.points?.category.key).path, L10n.t("kpimap.open_map")),
            ]
        }
        return [
            el("h2", .text(L10n.t(m.measure.nameKey) + " · " + L10n.t("dashboard.period", m.period.from.description, m.period.to.description))),
            el("p", ["class": "formula"], .t(m.measure.formulaKey)),
            figure(m),
            m.leaflet == nil
                ? .empty
                : [
                    el("link", ["rel": "stylesheet", "href": SiteURL.leaflet("leaflet.css").path]),
                    el("script", ["src": SiteURL.leaflet("leaflet.js").path, "defer": "defer"]),
                    el("script", ["src": SiteURL.asset("kpimap.js").path, "defer": "defer"]),
                ],
            el(
                "div", ["class": "table-wrap"],
                HTML.table(
                    [L10n.t("dashboard.unit"), L10n.t("kpimap.class"), L10n.t(m.measure.nameKey), "n", L10n.t("kpimap.map")], rows)),
        ]
    }
}

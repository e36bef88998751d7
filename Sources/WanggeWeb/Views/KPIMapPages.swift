import Foundation
import WanggeCore
import WanggeStore

/// The KPI map: the child units coloured by a measure in graded classes, with the legend saying
/// how the classes were drawn, units with too few cases hatched, and a table of the same figures.
enum KPIMapPages {
    static func page(_ m: KPIMapController.Model) -> HTML {
        let period = MeasureQuery(m.period)
        return [
            Layout.breadcrumbs(m.lineage.map { (name: $0.name, url: SiteURL.dashboardMap($0.id, measure: m.measure.id, period: period).path) }),
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
        return el(
            "form", ["method": "get", "action": SiteURL.dashboardMap(m.unit.id).path, "class": "inline period-picker"],
            el("label", .t("kpimap.measure"), el("select", ["name": "measure"], options)),
            el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": month.description])),
            el("button", ["type": "submit"], .t("dashboard.show")))
    }

    /// "95 %" for a rate's edge, "5.1 %" when not whole (as the figures show), "12.5" for hours and ratios.
    static func edge(_ m: Measure) -> (Double) -> String {
        { value in
            let number = value.rounded() == value ? String(format: "%.0f", value) : String(format: "%.1f", value)
            return m.kind == .rate ? number + " %" : number
        }
    }

    static func map(_ m: KPIMapController.Model) -> HTML {
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
        let rows: [[HTML]] = m.children.map { c in
            let placement = m.placement(c.value)
            return [
                HTML.link(SiteURL.dashboard(c.unit.id, period: period).path, c.unit.name),
                el("span", ["class": "swatch \(MapClassViews.cls(placement, m.scheme, palette))"]),
                .text(placement == .insufficient ? L10n.t("kpimap.insufficient_short") + "（" + c.value.display + "）" : c.value.display),
                .number(c.value.n),
                HTML.link(SiteURL.dashboardMap(c.unit.id, measure: m.measure.id, period: period).path, L10n.t("kpimap.open_map")),
            ]
        }
        return [
            el("h2", .text(L10n.t(m.measure.nameKey) + " · " + L10n.t("dashboard.period", m.period.from.description, m.period.to.description))),
            el("p", ["class": "formula"], .t(m.measure.formulaKey)),
            MapSVG.render(shapes: shapes, legend: L10n.t("kpimap.caption")),
            MapClassViews.legend(m.scheme, palette, counts: perClass, insufficient: insufficient, format: edge(m.measure)),
            el("p", ["class": "meta"], .text(method)),
            unmapped.isEmpty ? .empty : el("p", ["class": "meta"], .t("kpimap.unmapped", unmapped.joined(separator: "、"))),
            el(
                "div", ["class": "table-wrap"],
                HTML.table(
                    [L10n.t("dashboard.unit"), L10n.t("kpimap.class"), L10n.t(m.measure.nameKey), "n", L10n.t("kpimap.map")], rows)),
        ]
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The departments within a unit: each one's figures with n, linked to its dashboard and its cases,
/// and (for leaders) the month's ranking with the formula, each score's parts and the departments
/// with too few cases to rank.
enum DepartmentDashboardPages {
    /// The columns of the departments' table.
    static let columns: [Measure] = [
        Measures.signing, Measures.solving, Measures.satisfaction, Measures.onTimeClosing, Measures.closing, Measures.rework,
    ]

    static func overview(_ m: DepartmentDashboardController.Overview) -> HTML {
        [
            Layout.breadcrumbs(
                m.lineage.map { (name: $0.name, url: SiteURL.departmentDashboard(unit: $0.id, period: MeasureQuery(m.period)).path) }),
            el("p", ["class": "meta"], .t("dept.overview_intro")),
            picker(m),
            table(m),
            ranking(m),
        ]
    }

    static func picker(_ m: DepartmentDashboardController.Overview) -> HTML {
        let month = m.period.month ?? MeasureMonth(m.period.to)
        let link = { (q: MeasureQuery) in SiteURL.departmentDashboard(unit: m.unit.id, period: q).path }
        return el(
            "div", ["class": "period-picker"],
            el(
                "form", ["method": "get", "action": SiteURL.departmentDashboard().path, "class": "inline"],
                el("input", ["type": "hidden", "name": "unit", "value": m.unit.id.uuidString]),
                el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": month.description])),
                el("button", ["type": "submit"], .t("dashboard.show"))),
            el(
                "p", ["class": "actions"],
                HTML.link(link(MeasureQuery(month: month.previous.description)), L10n.t("dashboard.prev")),
                el("strong", .t("dashboard.period", m.period.from.description, m.period.to.description)),
                month.next <= MeasureMonth(m.today) ? HTML.link(link(MeasureQuery(month: month.next.description)), L10n.t("dashboard.next")) : .empty))
    }

    /// The cases behind one department's counter in the unit and period.
    static func cases(_ m: DepartmentDashboardController.Overview, _ key: String, _ tally: Tally?) -> String? {
        if let tally, !Tally.perCase.contains(tally) { return nil }
        var s = CaseSearch()
        s.unit = m.unit.id.uuidString
        s.department = key
        s.sent = "1"
        s.from = m.period.from.description
        s.to = m.period.to.description
        s.counted = tally?.rawValue
        return SiteURL.cases(queue: "all", search: s).path
    }

    static func table(_ m: DepartmentDashboardController.Overview) -> HTML {
        guard !m.figures.isEmpty else { return el("p", ["class": "meta"], .t("dept.none")) }
        let headers = [L10n.t("case.field.department"), L10n.t("tally.reported")] + columns.map { L10n.t($0.nameKey) }
        let rows: [[HTML]] = m.figures.map { f -> [HTML] in
            let figures: [HTML] = columns.map { measure -> HTML in
                let v = measure.value(from: f.counts)
                let number = cases(m, f.department.key, measure.numerator.parts.first?.tally).map { el("a", ["href": $0], .text(v.display)) } ?? .text(v.display)
                return [number, el("span", ["class": "n"], .text(" " + L10n.t("measure.n", v.n)))]
            }
            return [
                HTML.link(SiteURL.departmentDashboard(f.department.key, unit: m.unit.id, period: MeasureQuery(m.period)).path, f.department.nameZh),
                cases(m, f.department.key, .reported).map { el("a", ["href": $0], HTML.number(f.counts[.reported])) } ?? .empty,
            ] + figures
        }
        let formulas: [HTML] = columns.map { el("li", .text(L10n.t($0.nameKey) + " = " + L10n.t($0.formulaKey))) }
        return [
            el("h2", .t("dept.figures")), el("div", ["class": "table-wrap"], HTML.table(headers, rows)),
            el("ul", ["class": "meta formulas"], formulas),
        ]
    }

    static func ranking(_ m: DepartmentDashboardController.Overview) -> HTML {
        guard let r = m.ranking else { return .empty }
        let link = { (key: String) in SiteURL.departmentDashboard(key, unit: m.unit.id, period: MeasureQuery(m.period)).path }
        let ranked: [[HTML]] = r.ranked.enumerated().map { i, row in
            [.text(String(i + 1)), HTML.link(link(row.id), row.name), RankingPages.scoreCell(row.score)]
        }
        let unranked: [[HTML]] = r.unranked.map { row in [HTML.link(link(row.id), row.name), .text(L10n.t("measure.n", row.score.n))] }
        return el(
            "section", ["class": "rank-board"],
            el("h2", .t("dept.ranking", r.ranked.count)),
            RankingPages.formula(m.config),
            ranked.isEmpty
                ? el("p", ["class": "meta"], .t("rank.none_ranked"))
                : el("div", ["class": "table-wrap"], HTML.table([L10n.t("rank.rank"), L10n.t("case.field.department"), L10n.t("rank.score")], ranked)),
            unranked.isEmpty
                ? .empty
                : [
                    el("h3", .t("rank.insufficient", m.config.minimumN, unranked.count)),
                    el("div", ["class": "table-wrap"], HTML.table([L10n.t("case.field.department"), "n"], unranked)),
                ])
    }
}

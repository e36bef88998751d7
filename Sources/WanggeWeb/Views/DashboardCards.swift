import Foundation
import WanggeCore
import WanggeStore

/// The dashboard's red and yellow cards: how many of the unit's cases are overdue (超期) and near
/// their limit (预警) now, the first few of each linking to the case, and the full lists. Also the
/// line of downloads of the dashboard's tables and its monthly report.
enum DashboardCards {
    /// One card's cases: the first `shown` and how many in all.
    struct List: Sendable {
        var rows: [CaseRow]
        var total: Int
    }

    struct Model: Sendable {
        var overdue: List
        var warning: List
    }

    /// How many cases each card lists before the link to the full list.
    static let shown = 20

    static func section(_ m: DashboardController.Model) -> HTML {
        guard let cards = m.cards else { return .empty }
        return el(
            "div", ["class": "case-cards"],
            card(m, cards.overdue, cls: "red", title: "dashboard.cards.overdue", search: { $0.overdue = "1" }),
            card(m, cards.warning, cls: "yellow", title: "dashboard.cards.warning", search: { $0.warning = "1" }))
    }

    static func card(_ m: DashboardController.Model, _ list: List, cls: String, title: String, search: (inout CaseSearch) -> Void) -> HTML {
        var s = CaseSearch()
        s.unit = m.unit.id.uuidString
        if let d = m.department {
            s.department = d.key
            s.sent = "1"
        }
        search(&s)
        let full = SiteURL.cases(queue: "all", search: s).path
        let items: [HTML] = list.rows.map { c in
            el(
                "li", HTML.link(SiteURL.caseDetail(c.id).path, c.publicCode), .text(" " + ReportTables.summary(c)),
                el("span", ["class": "meta"], .text(" " + L10n.t("dashboard.cards.limit", ChinaTime.formatMinutes(c.resolveBy)))))
        }
        return el(
            "section", ["class": "case-card \(cls)"],
            el("h3", .t(title), .text(" "), el("a", ["href": full, "class": "count"], HTML.number(list.total))),
            list.rows.isEmpty ? el("p", ["class": "meta"], .t("dashboard.cards.none")) : el("ol", items),
            list.total > list.rows.count ? el("p", HTML.link(full, L10n.t("dashboard.cards.all", list.total))) : .empty)
    }

    /// Downloads of the dashboard's tables for its period, and the monthly report of its month.
    static func downloads(_ m: DashboardController.Model) -> HTML {
        let period = MeasureQuery(m.period), id = m.unit.id
        let csv: [HTML] = [ReportTables.ID.measures, .children, .restatements, .overdueNow, .warningNow].map { t in
            [.text(" · "), HTML.link(SiteURL.reportExport(id, format: "csv", table: t.rawValue, of: "dashboard", period: period).path, t.title + " CSV")]
        }
        let month = m.period.month ?? MeasureMonth(m.period.to)
        return el(
            "p", ["class": "meta downloads"], .t("report.download"), .text(" "),
            HTML.link(SiteURL.reportExport(id, format: "xlsx", of: "dashboard", period: period).path, L10n.t("report.xlsx_all")), HTML(csv),
            .text(" · "), HTML.link(SiteURL.monthlyReport(id, month: month.description).path, L10n.t("report.monthly", month.description)))
    }
}

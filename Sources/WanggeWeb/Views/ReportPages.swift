import Foundation
import WanggeCore
import WanggeStore

/// The monthly report of a unit, for the meeting: a header with the unit, the month, when it was
/// generated and whether the month is frozen, then one section a page when printed (A4, no
/// navigation): the measures with formula and n, the dashboard's charts, the child units, the
/// restatements of the month and the cases overdue at its end. Each table downloads as CSV and XLSX.
enum ReportPages {
    static func page(_ r: ReportController.Model) -> HTML {
        let m = r.dashboard
        return el(
            "div", ["class": "report"],
            toolbar(r),
            head(r),
            section(
                "dashboard.measures", r, .measures,
                el("div", ["class": "measures"], Measures.all.map { DashboardPages.card($0.value(from: m.totals), m) })),
            r.map.map { map in
                section(
                    nil, r, nil,
                    [
                        el("h2", .t("report.map", L10n.t(map.measure.nameKey))), el("p", ["class": "formula"], .t(map.measure.formulaKey)),
                        KPIMapPages.figure(map),
                        el(
                            "p", ["class": "meta no-print"],
                            HTML.link(SiteURL.dashboardMap(map.unit.id, measure: map.measure.id, period: MeasureQuery(month: r.month.description)).path, L10n.t("report.map_open"))),
                    ])
            } ?? .empty,
            section("report.charts", r, nil, m.totals[.reported] == 0 ? el("p", ["class": "meta"], .t("dashboard.none")) : DashboardPages.charts(m)),
            // The dashboard's own tables bring their headings; an empty one gets the heading and a word.
            m.children.isEmpty
                ? section("dashboard.children", r, .children, el("p", ["class": "meta"], .t("report.no_children")))
                : section(nil, r, .children, DashboardPages.children(m)),
            m.restatements.isEmpty
                ? section("dashboard.restatements", r, .restatements, el("p", ["class": "meta"], .t("report.no_restatements")))
                : section(nil, r, .restatements, DashboardPages.restatements(m)),
            section("report.overdue", r, .overdueAtEnd, overdue(r)))
    }

    /// The buttons above the report, left out of print: print (or save as PDF), the workbook, another month.
    static func toolbar(_ r: ReportController.Model) -> HTML {
        let id = r.dashboard.unit.id
        return el(
            "div", ["class": "no-print report-tools"],
            el(
                "p", ["class": "actions"],
                el("a", ["class": "button", "href": "#", "data-print": "1"], .t("report.print")),
                HTML.link(SiteURL.reportExport(id, format: "xlsx", period: MeasureQuery(month: r.month.description)).path, L10n.t("report.xlsx_all"), cls: "button secondary"),
                HTML.link(SiteURL.dashboard(id, period: MeasureQuery(month: r.month.description)).path, L10n.t("report.to_dashboard"))),
            el(
                "form", ["method": "get", "action": SiteURL.monthlyReport(id).path, "class": "inline"],
                el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": r.month.description])),
                el("button", ["type": "submit", "class": "secondary"], .t("dashboard.show"))))
    }

    /// The header printed on the first page: unit, month, generation time, frozen or provisional.
    static func head(_ r: ReportController.Model) -> HTML {
        let status: HTML
        if let f = r.frozen {
            status = el("span", ["class": "badge frozen"], .t("report.frozen", ChinaTime.formatMinutes(f.frozenAt), f.frozenBy))
        } else {
            status = el(
                "span", ["class": "flag provisional"],
                .t("report.provisional", ChinaTime.formatMinutes(MeasureFreeze.automatic(r.month))))
        }
        let lineage = r.dashboard.lineage.map(\.name).joined(separator: " › ")
        return el(
            "div", ["class": "report-head"],
            el("h2", .t("report.heading", r.dashboard.unit.name, r.month.description)),
            el("p", ["class": "meta"], .text(lineage)),
            el(
                "p", .t("dashboard.period", r.month.first.description, r.month.last.description), .text(" · "),
                .t("report.generated", ChinaTime.formatMinutes(r.generatedAt)), .text(" "), status))
    }

    /// A section, a page of its own when printed, with its table's downloads at the end.
    static func section(_ title: String?, _ r: ReportController.Model, _ table: ReportTables.ID?, _ body: HTML) -> HTML {
        el("section", ["class": "report-section"], title.map { el("h2", .t($0)) } ?? .empty, body, table.map { downloads(r, $0) } ?? .empty)
    }

    static func downloads(_ r: ReportController.Model, _ table: ReportTables.ID) -> HTML {
        let id = r.dashboard.unit.id, period = MeasureQuery(month: r.month.description)
        return el(
            "p", ["class": "meta no-print downloads"], .t("report.download"), .text(" "),
            HTML.link(SiteURL.reportExport(id, format: "csv", table: table.rawValue, period: period).path, "CSV"), .text(" · "),
            HTML.link(SiteURL.reportExport(id, format: "xlsx", table: table.rawValue, period: period).path, "XLSX"))
    }

    /// The cases overdue at the end of the month, most overdue first, each linking to the case.
    static func overdue(_ r: ReportController.Model) -> HTML {
        let end = r.end
        let intro = el("p", ["class": "meta"], .t("report.overdue_intro", r.overdueTotal, ChinaTime.formatMinutes(end)))
        guard !r.overdue.isEmpty else { return intro }
        let table = ReportTables.cases(.overdueAtEnd, r.overdue, names: r.categoryNames, at: end)
        let rows: [[HTML]] = zip(r.overdue, table.rows).map { c, cells in
            [HTML.link(SiteURL.caseDetail(c.id).path, c.publicCode)] + cells.dropFirst().map { .text($0.csv) }
        }
        let more = r.overdueTotal > r.overdue.count ? el("p", ["class": "meta"], .t("report.overdue_more", r.overdue.count)) : HTML.empty
        return [intro, el("div", ["class": "table-wrap"], HTML.table(table.headers, rows)), more]
    }
}

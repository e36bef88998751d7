import Foundation
import WanggeCore
import WanggeStore

/// The tables of a report or a dashboard as they are downloaded (CSV, XLSX): the same figures the
/// pages show, from the same model, so a number is the same on the page and in the file.
enum ReportTables {
    /// The tables, by the name a download asks for (`table=`).
    enum ID: String, CaseIterable, Sendable {
        case measures, trend, categories, channels, children, restatements
        case overdueAtEnd = "overdue"
        case overdueNow = "overdue_now"
        case warningNow = "warning_now"

        /// The sheet's name (Chinese, well under Excel's 31 characters).
        var title: String { L10n.t("report.table.\(rawValue)") }
    }

    typealias Cell = ExportTable.Cell

    /// Every table of the figures: the measures, the charts' numbers, the child units, the restatements.
    static func figures(_ m: DashboardController.Model) -> [ExportTable] {
        [measures(m.totals), trend(m), categories(m), channels(m), children(m), restatements(m)]
    }

    /// One row per measure: its value (rounded as shown), what it is in, numerator, denominator, n, formula.
    static func measures(_ totals: TallyCounts) -> ExportTable {
        let headers = ["report.col.measure", "report.col.value", "report.col.unit", "dashboard.numerator", "dashboard.denominator", "report.col.n", "report.col.formula"]
        let rows: [[Cell]] = Measures.values(from: totals).map { v in
            [
                .text(L10n.t(v.measure.nameKey)), .value(v.value), .text(L10n.t("report.unit.\(v.measure.kind.unitName)")), .int(v.numerator),
                .int(v.denominator), .int(v.n), .text(L10n.t(v.measure.formulaKey)),
            ]
        }
        return ExportTable(name: ID.measures.title, headers: headers.map { L10n.t($0) }, rows: rows)
    }

    /// The trend chart's bars: a row per day (or month), cases split as the chart stacks them.
    static func trend(_ m: DashboardController.Model) -> ExportTable {
        let headers = [L10n.t(m.monthly ? "dashboard.month" : "dashboard.day"), L10n.t("tally.reported")] + DashboardPages.series.map(\.name)
        let byKey = Dictionary(m.trend.map { ($0.key, $0.counts) }) { a, _ in a }
        var keys: [String] = []
        if m.monthly {
            keys = m.period.months.map(\.description)
        } else {
            var day = m.period.from
            while day <= m.period.to {
                keys.append(day.description)
                day = day.adding(days: 1)
            }
        }
        let rows: [[Cell]] = keys.map { key in
            let t = byKey[key] ?? TallyCounts()
            return [.text(key), .int(t[.reported])] + DashboardPages.split(t).map(Cell.int)
        }
        return ExportTable(name: ID.trend.title, headers: headers, rows: rows)
    }

    static func categories(_ m: DashboardController.Model) -> ExportTable {
        ExportTable(
            name: ID.categories.title, headers: [L10n.t("report.col.category"), L10n.t("tally.reported")],
            rows: m.categories.map { [.text($0.name), .int($0.reported)] })
    }

    static func channels(_ m: DashboardController.Model) -> ExportTable {
        ExportTable(
            name: ID.channels.title, headers: [L10n.t("report.col.channel"), L10n.t("tally.reported")],
            rows: m.channels.map { [.text(L10n.t($0.channel.nameKey)), .int($0.reported)] })
    }

    /// The child units with the dashboard's columns, each measure's value followed by its n.
    static func children(_ m: DashboardController.Model) -> ExportTable {
        let headers =
            [L10n.t("dashboard.unit"), L10n.t("tally.reported")]
            + DashboardPages.columns.flatMap { [L10n.t($0.nameKey), L10n.t("report.col.n_of", L10n.t($0.nameKey))] }
        let rows: [[Cell]] = m.children.map { child in
            [.text(child.unit.name), .int(child.counts[.reported])]
                + DashboardPages.columns.flatMap { measure -> [Cell] in
                    let v = measure.value(from: child.counts)
                    return [.value(v.value), .int(v.n)]
                }
        }
        return ExportTable(name: ID.children.title, headers: headers, rows: rows)
    }

    static func restatements(_ m: DashboardController.Model) -> ExportTable {
        let headers = ["dashboard.restated_at", "dashboard.day", "dashboard.case", "dashboard.step", "dashboard.who", "dashboard.moved"].map { L10n.t($0) }
        let rows: [[Cell]] = m.restatements.map { r in
            [
                .text(ChinaTime.formatMinutes(r.recordedAt)), .text(r.day.description), .text(r.caseID.uuidString.lowercased()), .text(L10n.t(r.action.nameKey)),
                .text(r.actorName), .text(r.measures.map { L10n.t($0.nameKey) }.joined(separator: "、")),
            ]
        }
        return ExportTable(name: ID.restatements.title, headers: headers, rows: rows)
    }

    /// A list of cases: code, category, what, state, reported, the resolve limit, and hours past it at `at`.
    static func cases(_ id: ID, _ rows: [CaseRow], names: [String: String], at: Date) -> ExportTable {
        let headers = ["report.col.code", "report.col.category", "report.col.summary", "report.col.state", "report.col.reported", "report.col.limit", "report.col.hours_over"]
        return ExportTable(
            name: id.title, headers: headers.map { L10n.t($0) },
            rows: rows.map { c in
                [
                    .text(c.publicCode), .text(names[c.categoryKey] ?? c.categoryKey), .text(summary(c)), .text(L10n.t(c.state.nameKey)),
                    .text(ChinaTime.formatMinutes(c.reportedAt)), .text(ChinaTime.formatMinutes(c.resolveBy)), .value(hoursOver(c, at: at)),
                ]
            })
    }

    /// The case's title, or the start of its description.
    static func summary(_ c: CaseRow) -> String {
        let t = c.title.trimmingSpaces()
        return t.isEmpty ? String(c.description.prefix(40)) : t
    }

    /// Hours past the resolve limit at `at` (one decimal); nil when the limit had not passed.
    static func hoursOver(_ c: CaseRow, at: Date) -> Double? {
        let s = at.timeIntervalSince(c.resolveBy)
        return s > 0 ? (s / 360).rounded() / 10 : nil
    }
}

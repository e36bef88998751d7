import Foundation
import WanggeCore
import WanggeStore

/// A unit's dashboard: the period picker, every measure with its formula and n, charts of its
/// cases over time, by category and by channel, its child units in a table, and the changes that
/// came after a month was frozen. Each number leads to the cases it counts.
enum DashboardPages {
    static func page(_ m: DashboardController.Model) -> HTML {
        [
            Layout.breadcrumbs(m.lineage.map { (name: $0.name, url: m.url(unit: $0.id)) }),
            m.department.map { el("h2", .t("dept.heading", $0.nameZh)) } ?? .empty,
            el("p", ["class": "meta"], .t(m.department == nil ? "dashboard.intro" : "dept.intro")),
            picker(m),
            freezeNotes(m),
            views(m),
            m.department == nil ? DashboardCards.downloads(m) : .empty,
            DashboardCards.section(m),
            el("h2", .t("dashboard.measures")),
            el("div", ["class": "measures"], m.measures.map { card($0.value(from: m.totals), m) }),
            m.totals[.reported] == 0 ? el("p", ["class": "meta"], .t("dashboard.none")) : charts(m),
            children(m),
            restatements(m),
        ]
    }

    /// The list of cases behind a counter of this unit and period.
    static func cases(
        _ m: DashboardController.Model, _ tally: Tally?, unit: UUID? = nil, category: String? = nil, channel: CaseChannel? = nil,
        from: SimpleDate? = nil, to: SimpleDate? = nil
    ) -> String? {
        if let tally, Tally.fromRegisters.contains(tally) { return registers(tally, unit: unit ?? m.unit.id) }
        // The party page lists the members registered and their service; the market's and volunteers' have their own pages.
        if let tally, tally == .partyMembers || tally == .partyMembersServing { return SiteURL.party(unit ?? m.unit.id).path }
        if let tally, !Tally.perCase.contains(tally) { return nil }
        var s = CaseSearch()
        s.unit = (unit ?? m.unit.id).uuidString
        s.from = (from ?? m.period.from).description
        s.to = (to ?? m.period.to).description
        s.counted = tally?.rawValue
        s.category = category
        s.channel = channel?.rawValue
        if let d = m.department {
            s.department = d.key
            s.sent = "1"
        }
        return SiteURL.cases(queue: "all", search: s).path
    }

    /// This page for another period.
    static func url(_ m: DashboardController.Model, _ period: MeasureQuery) -> String {
        m.department.map { SiteURL.departmentDashboard($0.key, unit: m.unit.id, period: period).path } ?? SiteURL.dashboard(m.unit.id, period: period).path
    }

    /// The register behind a count read from the registers: the visit plan for visits, the
    /// coverage audit (what is missing from the grid tree) for the households and people.
    static func registers(_ tally: Tally, unit: UUID) -> String {
        tally == .householdsVisited ? SiteURL.visits(unit).path : SiteURL.coverage(unit: unit).path
    }

    static func picker(_ m: DashboardController.Model) -> HTML {
        let action = m.department.map { SiteURL.departmentDashboard($0.key).path } ?? SiteURL.dashboard(m.unit.id).path
        let unit: HTML = m.department == nil ? .empty : el("input", ["type": "hidden", "name": "unit", "value": m.unit.id.uuidString])
        let month = m.period.month ?? MeasureMonth(m.period.to)
        return el(
            "div", ["class": "period-picker"],
            el(
                "form", ["method": "get", "action": action, "class": "inline"],
                unit, el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": month.description])),
                el("button", ["type": "submit"], .t("dashboard.show"))),
            el(
                "form", ["method": "get", "action": action, "class": "inline"],
                unit, el("label", .t("dashboard.from"), el("input", ["type": "date", "name": "from", "value": m.period.from.description])),
                el("label", .t("dashboard.to"), el("input", ["type": "date", "name": "to", "value": m.period.to.description])),
                el("button", ["type": "submit", "class": "secondary"], .t("dashboard.show"))),
            el(
                "p", ["class": "actions"],
                HTML.link(url(m, MeasureQuery(month: month.previous.description)), L10n.t("dashboard.prev")),
                el("strong", .t("dashboard.period", m.period.from.description, m.period.to.description)),
                month.next <= MeasureMonth(m.today)
                    ? HTML.link(url(m, MeasureQuery(month: month.next.description)), L10n.t("dashboard.next")) : .empty))
    }

    /// The unit's other views: the KPI map of the units below it and the rankings.
    static func views(_ m: DashboardController.Model) -> HTML {
        if m.department != nil {
            return el(
                "p", ["class": "actions"],
                HTML.link(SiteURL.departmentDashboard(unit: m.unit.id, period: MeasureQuery(m.period)).path, L10n.t("dept.all"), cls: "button secondary"))
        }
        return el(
            "p", ["class": "actions"],
            m.children.isEmpty ? .empty : HTML.link(SiteURL.dashboardMap(m.unit.id, period: MeasureQuery(m.period)).path, L10n.t("kpimap.nav"), cls: "button secondary"),
            HTML.link(SiteURL.rankings(unit: m.unit.id, month: m.period.month?.description).path, L10n.t("rank.nav"), cls: "button secondary"),
            HTML.link(SiteURL.departmentDashboard(unit: m.unit.id, period: MeasureQuery(m.period)).path, L10n.t("dept.nav"), cls: "button secondary"))
    }

    static func freezeNotes(_ m: DashboardController.Model) -> HTML {
        // A long period names its frozen months as one range, not one badge a month.
        let months = m.frozen.map(\.month)
        let named = months.count > 2 ? L10n.t("measures.months_range", months.first ?? "", months.last ?? "", months.count) : months.joined(separator: "、")
        let frozen: [HTML] = months.isEmpty ? [] : [el("span", ["class": "badge"], .t("measures.month_frozen", named))]
        let open = m.freezesAt.suffix(1).map { month, at in
            el("span", .t("measures.month_freeze_due", month.description, ChinaTime.formatMinutes(at)))
        }
        return frozen.isEmpty && open.isEmpty ? .empty : el("p", ["class": "meta"], frozen + open)
    }

    static func card(_ v: MeasureValue, _ m: DashboardController.Model) -> HTML {
        let num = v.measure.numerator.parts.first?.tally
        let den = v.measure.denominator.parts
        func linked(_ text: HTML, _ tally: Tally?) -> HTML { cases(m, tally).map { el("a", ["href": $0], text) } ?? text }
        let denominator: [HTML] = den.enumerated().map { i, part in
            [
                i == 0 ? .empty : .text(part.sign < 0 ? " − " : " + "),
                linked(HTML.number(m.totals[part.tally]), part.tally),
            ]
        }
        return el(
            "section", ["class": "measure"],
            el("h3", .t(v.measure.nameKey)),
            el("p", ["class": "figure"], linked(.text(v.display), num)),
            el("p", ["class": "formula"], .t(v.measure.formulaKey)),
            el(
                "p", ["class": "meta"],
                el("span", .text(L10n.t("dashboard.numerator") + " "), linked(HTML.number(v.numerator), num)),
                el("span", [.text(L10n.t("dashboard.denominator") + " ")] + denominator),
                el("span", .t("measure.n", v.n))))
    }

    static let series = [
        ChartSVG.Series(name: L10n.t("dashboard.series.closed"), colour: "#2e7d32"),
        ChartSVG.Series(name: L10n.t("dashboard.series.open"), colour: "#1f5fa8"),
        ChartSVG.Series(name: L10n.t("dashboard.series.suspended"), colour: "#e0a100"),
        ChartSVG.Series(name: L10n.t("dashboard.series.not_taken"), colour: "#98a2b3"),
    ]

    /// A period's cases split by where they stand: closed, in progress, suspended, not taken on.
    static func split(_ t: TallyCounts) -> [Int] {
        [t[.closed], t[.due] - t[.closed] - t[.suspended], t[.suspended], t[.reported] - t[.due]]
    }

    static func charts(_ m: DashboardController.Model) -> HTML {
        let byKey = Dictionary(m.trend.map { ($0.key, $0.counts) }) { a, _ in a }
        var bars: [ChartSVG.Bar] = []
        if m.monthly {
            for month in m.period.months {
                let from = max(month.first, m.period.from), to = min(month.last, m.period.to)
                bars.append(.init(label: month.description, values: split(byKey[month.description] ?? TallyCounts()), url: cases(m, nil, from: from, to: to)))
            }
        } else {
            var day = m.period.from
            while day <= m.period.to {
                let label = String(day.description.suffix(5))
                bars.append(.init(label: label, values: split(byKey[day.description] ?? TallyCounts()), url: cases(m, nil, from: day, to: day)))
                day = day.adding(days: 1)
            }
        }
        let trendTitle = L10n.t(m.monthly ? "dashboard.trend_monthly" : "dashboard.trend")
        return [
            el("h2", .text(trendTitle)),
            ChartSVG.stacked(bars, series: series, label: trendTitle),
            el("h2", .t("dashboard.by_category")),
            ChartSVG.rows(
                m.categories.map { (label: $0.name, value: $0.reported, url: cases(m, nil, category: $0.key)) }, label: L10n.t("dashboard.by_category")),
            el("h2", .t("dashboard.by_channel")),
            ChartSVG.rows(
                m.channels.map { (label: L10n.t($0.channel.nameKey), value: $0.reported, url: cases(m, nil, channel: $0.channel)) },
                label: L10n.t("dashboard.by_channel"), colour: "#6941c6"),
        ]
    }

    /// The measures a leader compares child units by, in the table's columns.
    static let columns: [Measure] = [
        Measures.onTimeClosing, Measures.closing, Measures.satisfaction, Measures.response, Measures.rework, Measures.workload, Measures.visitCoverage,
    ]

    /// The same for a department's figures in each child unit.
    static let departmentColumns: [Measure] = [
        Measures.onTimeClosing, Measures.closing, Measures.satisfaction, Measures.signing, Measures.rework,
    ]

    static func children(_ m: DashboardController.Model) -> HTML {
        guard !m.children.isEmpty else { return .empty }
        let shown = m.department == nil ? columns : departmentColumns
        let headers = [L10n.t("dashboard.unit"), L10n.t("tally.reported")] + shown.map { L10n.t($0.nameKey) }
        let rows: [[HTML]] = m.children.map { child -> [HTML] in
            let figures: [HTML] = shown.map { measure -> HTML in
                let v = measure.value(from: child.counts)
                let first = measure.numerator.parts.first?.tally
                let number = cases(m, first, unit: child.unit.id).map { el("a", ["href": $0], .text(v.display)) } ?? .text(v.display)
                return [number, el("span", ["class": "n"], .text(" " + L10n.t("measure.n", v.n)))]
            }
            return [
                HTML.link(m.url(unit: child.unit.id), child.unit.name),
                cases(m, .reported, unit: child.unit.id).map { el("a", ["href": $0], HTML.number(child.counts[.reported])) } ?? .empty,
            ] + figures
        }
        return [el("h2", .t("dashboard.children")), el("div", ["class": "table-wrap"], HTML.table(headers, rows))]
    }

    static func restatements(_ m: DashboardController.Model) -> HTML {
        guard !m.restatements.isEmpty else { return .empty }
        let headers = ["dashboard.restated_at", "dashboard.day", "dashboard.case", "dashboard.step", "dashboard.who", "dashboard.moved"].map { L10n.t($0) }
        let rows: [[HTML]] = m.restatements.map { r -> [HTML] in
            [
                .text(ChinaTime.formatMinutes(r.recordedAt)), .text(r.day.description),
                HTML.link(SiteURL.caseDetail(r.caseID).path, String(r.caseID.uuidString.prefix(8))),
                .t(r.action.nameKey), .text(r.actorName), .text(r.measures.map { L10n.t($0.nameKey) }.joined(separator: "、")),
            ]
        }
        return [
            el("h2", .t("dashboard.restatements")), el("p", ["class": "meta"], .t("dashboard.restatements_intro")),
            el("div", ["class": "table-wrap"], HTML.table(headers, rows)),
        ]
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The worker's day: counts, one-tap actions and today's list, phone first.
enum WorkerDayPages {
    static func day(_ d: WorkerDayController.Day, role: Role) -> HTML {
        let counts = WorkerDay.counts(d.tasks)
        func total(_ k: DayTask.Kind) -> Int { counts[k]?.values.reduce(0, +) ?? 0 }
        let late = d.tasks.filter { $0.urgency == .overdue }.count
        let stats: [HTML] = [
            stat("day.count.cases", total(.workCase), more: d.more[DayTask.Kind.workCase.rawValue] == true, cls: nil),
            stat("day.count.visits", total(.visit), more: d.more[DayTask.Kind.visit.rawValue] == true, cls: nil),
            stat("day.count.needs", total(.need), more: d.more[DayTask.Kind.need.rawValue] == true, cls: nil),
            stat("day.count.late", late, more: false, cls: late > 0 ? "bad" : "good"),
        ]
        return [
            el("p", ["class": "meta"], [el("span", .t("day.date", d.date)), el("span", .text(d.grids.map(\.name).joined(separator: "、")))]),
            el("dl", ["class": "stats"], stats),
            notices(d.notices),
            actions(d.grids.first, role: role),
            el("h2", .t("day.list")),
            d.tasks.isEmpty ? el("p", ["class": "ok"], .t("day.none")) : el("div", ["class": "day-tasks"], d.tasks.map(task)),
            el("h2", .t("day.grids")),
            el("div", ["class": "day-grids"], d.grids.map(grid)),
        ]
    }

    static func stat(_ key: String, _ n: Int, more: Bool, cls: String?) -> HTML {
        el("div", ["class": cls], [el("dt", .t(key)), el("dd", .text(more ? "\(n)+" : "\(n)"))])
    }

    static func notices(_ n: WorkerDayController.Notices) -> HTML {
        var lines: [HTML] = []
        if n.overdueCases > 0 { lines.append(el("li", HTML.link(SiteURL.cases(queue: CaseQueue.overdue.rawValue).path, L10n.t("day.notice.overdue", n.overdueCases)))) }
        if n.warningCases > 0 { lines.append(el("li", HTML.link(SiteURL.cases(queue: CaseQueue.warning.rawValue).path, L10n.t("day.notice.warning", n.warningCases)))) }
        if n.staleNeeds > 0 { lines.append(el("li", .t("day.notice.stale_needs", n.staleNeeds, WorkerDay.needStaleDays))) }
        return lines.isEmpty ? .empty : el("ul", ["class": "alert day-notices"], lines)
    }

    static func actions(_ grid: WorkerDayController.Grid?, role: Role) -> HTML {
        var links: [HTML] = []
        if role.entersCases { links.append(HTML.link(SiteURL.caseNew.path, L10n.t("day.action.case"), cls: "button")) }
        if let grid {
            links += [
                HTML.link(SiteURL.visits(grid.id).path, L10n.t("day.action.visits"), cls: "button"),
                HTML.link(SiteURL.unitPatrols(grid.id).path, L10n.t("patrol.nav"), cls: "button"),
                HTML.link(SiteURL.needs(grid.id).path, L10n.t("need.add"), cls: "button"),
                HTML.link(SiteURL.socialLog(grid.id).path, L10n.t("log.add"), cls: "button"),
                HTML.link(SiteURL.gridCard(grid.id).path, L10n.t("day.action.card"), cls: "button secondary"),
            ]
        }
        links += [
            HTML.link(SiteURL.residents().path, L10n.t("day.action.residents"), cls: "button secondary"),
            HTML.link(SiteURL.services.path, L10n.t("day.action.services"), cls: "button secondary"),
        ]
        return el("nav", ["class": "day-actions", "aria-label": L10n.t("day.actions")], links)
    }

    static func url(_ t: DayTask) -> String {
        switch t.kind {
        case .workCase: SiteURL.caseDetail(t.id).path
        case .need: SiteURL.need(t.id).path
        case .visit: SiteURL.householdVisit(t.id).path
        }
    }

    static func task(_ t: DayTask) -> HTML {
        el(
            "article", ["class": "card day-task urgency-\(t.urgency.rawValue)"],
            [
                el(
                    "p", ["class": "meta"],
                    [
                        el("span", ["class": "badge"], .t("day.kind.\(t.kind.rawValue)")),
                        t.urgency == .open ? .empty : el("span", ["class": "badge urgency"], .t(t.urgency.nameKey)),
                    ]),
                el("p", ["class": "day-title"], HTML.link(url(t), t.title)),
                el(
                    "p", ["class": "meta"],
                    [
                        t.place.map { el("span", .text($0)) } ?? .empty,
                        t.due.map { due in
                            // A visit is due by a day (its deadline is the end of it); a case by the minute.
                            t.kind == .visit
                                ? el("span", .t("day.visit_due", SimpleDate(due.addingTimeInterval(-1)).description))
                                : el("span", .t("day.due", ChinaTime.formatMinutes(due)))
                        } ?? .empty,
                        t.since.map { since in
                            t.kind == .visit
                                ? el("span", .t("day.last_visit", SimpleDate(since).description))
                                : el("span", .t("day.since", ChinaTime.formatMinutes(since)))
                        } ?? (t.kind == .visit ? el("span", .t("day.never_visited")) : .empty),
                    ]),
            ])
    }

    static func grid(_ g: WorkerDayController.Grid) -> HTML {
        el(
            "article", ["class": "card day-grid"],
            [
                el("h3", HTML.link(SiteURL.unit(g.id).path, g.name)),
                el("p", ["class": "meta"], [el("span", ["class": "code"], .text(g.code)), el("span", .t("day.log_today", g.logToday))]),
                g.buildings.isEmpty ? .empty : el("p", .t("day.buildings", g.buildings.joined(separator: "、"))),
                el(
                    "p", ["class": "actions"],
                    [
                        HTML.link(SiteURL.unit(g.id).path, L10n.t("day.register")),
                        HTML.link(SiteURL.socialLog(g.id).path, L10n.t("log.nav")),
                        HTML.link(SiteURL.needs(g.id).path, L10n.t("need.nav")),
                    ]),
            ])
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The monthly assessment: the formula and weights, the 红黑榜 of grids and communities with each
/// score's parts and n, the units not ranked for too few cases, and the 十佳网格员 / 十佳代办员.
enum RankingPages {
    static func page(_ m: RankingController.Model) -> HTML {
        [
            Layout.breadcrumbs(m.lineage.map { (name: $0.name, url: SiteURL.rankings(unit: $0.id, month: m.month.description).path) }),
            picker(m),
            formula(m.config),
            m.boards.isEmpty ? el("p", ["class": "meta"], .t("rank.none")) : .empty,
            HTML(m.boards.map { board(m, $0) }),
            people(m, m.gridWorkers, title: "rank.top_workers"),
            people(m, m.agents, title: "rank.top_agents"),
        ]
    }

    static func picker(_ m: RankingController.Model) -> HTML {
        let modes: [HTML] = [ScoringConfig.Mode.points, .deductions].map { mode in
            el("option", ["value": mode.rawValue, "selected": mode == m.config.mode ? "selected" : nil], .t("rank.mode.\(mode.rawValue)"))
        }
        return el(
            "form", ["method": "get", "action": SiteURL.rankings().path, "class": "inline period-picker"],
            el("input", ["type": "hidden", "name": "unit", "value": m.unit.id.uuidString]),
            el("label", .t("dashboard.month"), el("input", ["type": "month", "name": "month", "value": m.month.description])),
            el("label", .t("rank.mode"), el("select", ["name": "mode"], modes)),
            el("button", ["type": "submit"], .t("dashboard.show")))
    }

    /// "得分 = 40 × 按期结案率的 Wilson 下限 + …" with the minimum n.
    static func formulaText(_ c: ScoringConfig) -> String {
        let terms = c.rules.compactMap { r in Measures.named(r.measure).map { (m: $0, points: r.points) } }
        // The minimum is checked on the n of the first rule's measure (应结案数, 派遣次数, …).
        let basis = L10n.t((terms.first?.m.basis ?? .due).nameKey)
        switch c.mode {
        case .points:
            let sum = terms.map { t in
                let name = L10n.t(t.m.nameKey)
                return L10n.t("rank.term.points", String(format: "%g", t.points), t.m.direction == .lowerIsBetter ? "(1 − \(name))" : name)
            }
            .joined(separator: " + ")
            return L10n.t("rank.formula.points", sum, c.minimumN, basis)
        case .deductions:
            let sum = terms.map { L10n.t("rank.term.deductions", String(format: "%g", $0.points), L10n.t("rank.short.\($0.m.id)")) }.joined(separator: " − ")
            return L10n.t("rank.formula.deductions", String(format: "%g", c.base), sum, c.minimumN, basis)
        }
    }

    static func formula(_ c: ScoringConfig) -> HTML {
        el("section", ["class": "rank-formula"], el("p", ["class": "formula"], .text(formulaText(c))), el("p", ["class": "meta"], .t("rank.fairness")))
    }

    /// One score with its parts: "92.35" then "按期结案率 95.0 % (n 40) → 35.2".
    static func scoreCell(_ s: Score) -> HTML {
        let parts = s.parts.map { p in
            L10n.t("rank.part", L10n.t(p.measure.nameKey), p.value.display, p.value.n, FixedDecimal.format(p.points, places: 2))
        }
        return [
            el("strong", .text(s.total.map { FixedDecimal.format($0, places: 2) } ?? "—")),
            el("span", ["class": "n"], .text(" " + L10n.t("measure.n", s.n))),
            el("div", ["class": "meta"], .text(parts.joined(separator: "；"))),
        ]
    }

    static func rows(_ m: RankingController.Model, _ list: ArraySlice<(unit: UnitRow, score: Score)>, rankFrom: Int) -> [[HTML]] {
        list.enumerated().map { i, r in
            [
                .text(String(rankFrom + i)),
                HTML.link(SiteURL.dashboard(r.unit.id, period: MeasureQuery(month: m.month.description)).path, r.unit.name),
                scoreCell(r.score),
            ]
        }
    }

    static func board(_ m: RankingController.Model, _ b: RankingController.Board) -> HTML {
        let level = L10n.t(b.level.nameKey)
        let split = Scoring.boards(count: b.ranked.count)
        let headers = [L10n.t("rank.rank"), level, L10n.t("rank.score")]
        let unranked: [[HTML]] = b.unranked.map { r in
            [HTML.link(SiteURL.dashboard(r.unit.id, period: MeasureQuery(month: m.month.description)).path, r.unit.name), .text(L10n.t("measure.n", r.score.n))]
        }
        return el(
            "section", ["class": "rank-board"],
            el("h2", .t("rank.board", level, b.ranked.count)),
            el("h3", ["class": "red-board"], .t("rank.red")),
            b.ranked.isEmpty
                ? el("p", ["class": "meta"], .t("rank.none_ranked"))
                : el("div", ["class": "table-wrap"], HTML.table(headers, rows(m, b.ranked[split.red], rankFrom: 1))),
            split.black.isEmpty
                ? .empty
                : [
                    el("h3", ["class": "black-board"], .t("rank.black")),
                    el("div", ["class": "table-wrap"], HTML.table(headers, rows(m, b.ranked[split.black], rankFrom: split.black.lowerBound + 1))),
                ],
            unranked.isEmpty
                ? .empty
                : [
                    el("h3", .t("rank.insufficient", m.config.minimumN, unranked.count)),
                    el("div", ["class": "table-wrap"], HTML.table([level, "n"], unranked)),
                ],
            participation(m, b))
    }

    /// The participation measures (报到党员服务率, 服务市场满意率, 志愿者参与率) of every unit of a
    /// board, each with its n, and their formulas: shown whether or not the weights count them.
    static let participationMeasures = [Measures.partyService, Measures.marketSatisfaction, Measures.volunteerParticipation]

    /// A board of more units than this shows its participation as links to the KPI map (every unit
    /// coloured by the measure) instead of a row per unit: a district's 1,000 grids made the page 262 KB.
    static let participationRowsUpTo = 120

    static func participation(_ m: RankingController.Model, _ b: RankingController.Board) -> HTML {
        guard !b.units.isEmpty else { return .empty }
        guard b.units.count <= participationRowsUpTo else {
            return [
                el("h3", .t("rank.participation")),
                el(
                    "p", ["class": "meta"],
                    HTML(
                        participationMeasures.map { measure -> HTML in
                            [
                                HTML.link(
                                    SiteURL.dashboardMap(m.unit.id, measure: measure.id, period: MeasureQuery(month: m.month.description)).path,
                                    L10n.t("rank.participation_map", L10n.t(measure.nameKey), b.units.count)),
                                .text(" "),
                            ]
                        })),
                HTML(participationMeasures.map { el("p", ["class": "meta"], .text("\(L10n.t($0.nameKey)) = \(L10n.t($0.formulaKey))")) }),
            ]
        }
        let rows: [[HTML]] = b.units.map { u in
            [HTML.link(SiteURL.dashboard(u.unit.id, period: MeasureQuery(month: m.month.description)).path, u.unit.name)]
                + participationMeasures.map { measure -> HTML in
                    let v = measure.value(from: u.counts)
                    return [.text(v.display), el("span", ["class": "n"], .text(" " + L10n.t("measure.n", v.n)))]
                }
        }
        return [
            el("h3", .t("rank.participation")),
            HTML.table([L10n.t(b.level.nameKey)] + participationMeasures.map { L10n.t($0.nameKey) }, rows),
            HTML(participationMeasures.map { el("p", ["class": "meta"], .text("\(L10n.t($0.nameKey)) = \(L10n.t($0.formulaKey))")) }),
        ]
    }

    static func people(_ m: RankingController.Model, _ list: [RankingController.PersonRow], title: String) -> HTML {
        let rows: [[HTML]] = list.enumerated().map { i, p in
            [
                .text(String(i + 1)), .text(p.person.name),
                HTML.link(SiteURL.dashboard(p.grid.id, period: MeasureQuery(month: m.month.description)).path, p.grid.name),
                scoreCell(p.score), .number(p.person.steps),
            ]
        }
        return el(
            "section", ["class": "rank-board"],
            el("h2", .t(title)),
            el("p", ["class": "meta"], .t("rank.people_rule")),
            rows.isEmpty
                ? el("p", ["class": "meta"], .t("rank.none_ranked"))
                : el(
                    "div", ["class": "table-wrap"],
                    HTML.table([L10n.t("rank.rank"), L10n.t("rank.person"), L10n.t(UnitLevel.grid.nameKey), L10n.t("rank.score"), L10n.t("tally.work_steps")], rows)))
    }
}

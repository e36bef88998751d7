import Foundation
import WanggeCore
import WanggeStore

/// The tables of weights: for each, the formula in effect this month, its versions (from which
/// month, saved by whom and when), and a form for a new version.
enum WeightsPages {
    /// The form's values for a table as it stands: its points per rate, base, minimum n, and the month.
    static func values(_ c: ScoringConfig, from month: MeasureMonth) -> [String: String] {
        var out = ["base": String(format: "%g", c.base), "minimum_n": String(c.minimumN), "effective_from": month.description]
        for r in c.rules { out["points.\(r.measure)"] = String(format: "%g", r.points) }
        return out
    }

    /// The table typed into the form, the month it takes effect from, and what could not be read
    /// at all (a number that is not one, a month that is not one). Blank points leave a rate out.
    static func read(_ form: [String: String], table: ScoringWeights.Table) -> (ScoringConfig, MeasureMonth?, [FieldProblem]) {
        var problems: [FieldProblem] = []
        var rules: [ScoringConfig.Rule] = []
        for m in ScoringWeights.weighable {
            guard let raw = form["points.\(m.id)"]?.trimmingSpaces().trimmedOrNil else { continue }
            guard let p = Double(raw), p.isFinite else {
                problems.append(FieldProblem("points.\(m.id)", "weights.not_a_number"))
                continue
            }
            rules.append(ScoringConfig.Rule(measure: m.id, points: p))
        }
        var config = table.seed
        config.rules = rules
        if table.seed.mode == .deductions {
            if let b = form["base"]?.trimmingSpaces().trimmedOrNil.flatMap(Double.init) { config.base = b } else { problems.append(FieldProblem("base", "weights.not_a_number")) }
        }
        if let n = form["minimum_n"]?.trimmingSpaces().trimmedOrNil.flatMap({ Int($0) }) {
            config.minimumN = n
        } else {
            problems.append(FieldProblem("minimum_n", "weights.not_a_number"))
        }
        let month = form["effective_from"]?.trimmingSpaces().trimmedOrNil.flatMap(MeasureMonth.init)
        if month == nil { problems.append(FieldProblem("effective_from", "measures.bad_month")) }
        return (config, month, problems)
    }

    static func page(_ tables: [WeightsController.TableModel], month: MeasureMonth, csrf: String, notice: String?) -> HTML {
        [
            CaseSetupPages.noticeLine(notice),
            el("p", ["class": "meta"], .t("weights.intro", month.description)),
            HTML(tables.map { table($0, month: month, csrf: csrf) }),
        ]
    }

    static func label(_ field: String) -> String {
        if field.hasPrefix("points."), let m = Measures.named(String(field.dropFirst("points.".count))) { return L10n.t(m.nameKey) }
        return L10n.has("weights.field.\(field)") ? L10n.t("weights.field.\(field)") : field
    }

    static func table(_ t: WeightsController.TableModel, month: MeasureMonth, csrf: String) -> HTML {
        let deductions = t.table.seed.mode == .deductions
        let history: [[HTML]] = t.versions.reversed().map { v in
            [
                .text(v.from == ScoringWeights.seedMonth ? L10n.t("weights.seeded") : v.from.description),
                .text(RankingPages.formulaText(v.config)), .text(v.savedBy), .text(ChinaTime.formatMinutes(v.savedAt)),
            ]
        }
        func input(_ name: String, type: String = "number", step: String = "any") -> HTML {
            element(
                "input",
                [
                    ("name", name), ("type", type), ("value", t.values[name] ?? ""), ("step", type == "number" ? step : nil),
                    ("inputmode", type == "number" ? "decimal" : nil), ("aria-invalid", t.problems[name] == nil ? nil : "true"),
                ], [])
        }
        func field(_ name: String, _ control: HTML, help: String? = nil) -> HTML {
            el(
                "label", ["class": "field"],
                [
                    .text(label(name)), control, help.map { el("span", ["class": "meta"], .t($0)) } ?? .empty,
                    t.problems[name].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty,
                ])
        }
        let summary: HTML =
            t.problems.isEmpty
            ? .empty
            : el(
                "div", ["class": "alert", "role": "alert"],
                [
                    el("p", .t("case.setup.fix_fields")),
                    el("ul", t.problems.sorted { $0.key < $1.key }.map { f, message in el("li", .text("\(label(f)): \(message)")) }),
                ])
        return el(
            "section", ["class": "weights", "id": t.table.rawValue],
            el("h2", .t(t.table.nameKey)),
            el("p", ["class": "formula"], .text(RankingPages.formulaText(t.current.config))),
            el("p", ["class": "meta"], .t("weights.in_effect", month.description, t.current.from == ScoringWeights.seedMonth ? L10n.t("weights.seeded") : t.current.from.description)),
            el("div", ["class": "table-wrap"], HTML.table([L10n.t("weights.from"), L10n.t("weights.formula"), L10n.t("weights.by"), L10n.t("weights.at")], history)),
            el("h3", .t("weights.new_version")),
            summary,
            el(
                "form", ["method": "post", "action": SiteURL.scoringWeightsTable(t.table.rawValue).path, "class": "card filters"],
                [
                    CaseSetupPages.hidden(csrf),
                    el("p", ["class": "meta wide"], .t(deductions ? "weights.help.deductions" : "weights.help.points")),
                    field("effective_from", input("effective_from", type: "month"), help: "weights.help.month"),
                ] + ScoringWeights.weighable.map { m in field("points.\(m.id)", input("points.\(m.id)")) }
                    + [
                        deductions ? field("base", input("base")) : .empty,
                        field("minimum_n", input("minimum_n", step: "1")),
                        el("p", ["class": "actions"], el("button", ["type": "submit"], .t("weights.save"))),
                    ]))
    }
}

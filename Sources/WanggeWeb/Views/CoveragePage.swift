import Fluent
import Vapor
import WanggeCore
import WanggeStore

enum CoveragePage {
    static func render(_ r: CoverageReport) -> HTML {
        let t = r.totals
        let placedHouseholds = max(0, t.households)
        let summary = el(
            "dl", ["class": "stats"],
            [
                stat("coverage.households_placed", "\(placedHouseholds)", ok: r.householdsWithoutGridCount == 0),
                stat("coverage.households_unplaced", "\(r.householdsWithoutGridCount)", ok: r.householdsWithoutGridCount == 0),
                stat("coverage.residents_unplaced", "\(r.residentsWithoutHouseholdCount)", ok: r.residentsWithoutHouseholdCount == 0),
                stat("coverage.buildings_outside", "\(r.buildingsOutsideGrids.count)", ok: r.buildingsOutsideGrids.isEmpty),
                stat("coverage.grids_no_team", "\(r.gridsWithoutTeam.count)", ok: r.gridsWithoutTeam.isEmpty),
                stat("coverage.grids_understaffed", "\(r.gridsUnderstaffed.count)", ok: r.gridsUnderstaffed.isEmpty),
            ])
        return [
            el("p", ["class": r.isComplete ? "ok" : "alert"], .t(r.isComplete ? "coverage.complete" : "coverage.incomplete")),
            summary,
            list("coverage.households_unplaced", r.householdsWithoutGrid, total: r.householdsWithoutGridCount) { SiteURL.household($0).path },
            list("coverage.residents_unplaced", r.residentsWithoutHousehold, total: r.residentsWithoutHouseholdCount) { SiteURL.resident($0).path },
            list("coverage.buildings_outside", r.buildingsOutsideGrids, total: r.buildingsOutsideGrids.count) { _ in nil },
            list("coverage.grids_no_team", r.gridsWithoutTeam, total: r.gridsWithoutTeam.count) { SiteURL.unit($0).path },
            list("coverage.grids_understaffed", r.gridsUnderstaffed, total: r.gridsUnderstaffed.count) { SiteURL.unit($0).path },
        ]
    }

    static func stat(_ key: String, _ value: String, ok: Bool) -> HTML {
        el("div", ["class": ok ? "good" : "bad"], [el("dt", .t(key)), el("dd", .text(value))])
    }

    static func list(_ key: String, _ items: [CoverageReport.Item], total: Int, url: (UUID) -> String?) -> HTML {
        guard !items.isEmpty else { return .empty }
        return el(
            "section",
            [
                el("h2", [.t(key), .text(" (\(total))")]),
                HTML.table(
                    ["col.name", "col.detail"],
                    items.map { item in
                        [url(item.id).map { HTML.link($0, item.label) } ?? .text(item.label), .text(item.detail)]
                    }),
                total > items.count ? el("p", ["class": "meta"], .t("coverage.more", total - items.count)) : .empty,
            ])
    }
}

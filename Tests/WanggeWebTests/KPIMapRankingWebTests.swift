import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The KPI map and the rankings: classes, legend, scope, small numbers not ranked")
struct KPIMapRankingWebTests {
    static let category = "city_appearance.exposed_garbage"

    /// A community with two grids: 12 cases in the first, each accepted and closed at once (on time,
    /// answered in time, none rated or sent back), and 3 such cases in the second — too few to class or rank.
    static func cases(_ app: Application) async throws -> (community: UnitRow, full: UnitRow, small: UnitRow, month: MeasureMonth) {
        let units = UnitRepository(app.db)
        let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
        var found: (UnitRow, [UnitRow])?
        for c in communities {
            let grids = try await units.children(of: c.id, in: .everything).filter { $0.level == .grid }.sorted { $0.code < $1.code }
            if grids.count >= 2 {
                found = (c, grids)
                break
            }
        }
        let (community, grids) = try #require(found)
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let op = CaseActor(id: nil, name: "王受理", role: .operator_)
        let at = app.clock.now().addingTimeInterval(-900)
        // The first grid's cases are reported by its own grid worker: their own cases, for their personal score.
        let worker = try #require(
            try await RankingRepository(app.db).people(of: [grids[0].id], kinds: RankingController.gridWorkerKinds, month: MeasureMonth(SimpleDate(at))).first)
        for (grid, count) in [(grids[0], 12), (grids[1], 3)] {
            let reporter = grid.id == grids[0].id ? CaseActor(id: nil, name: worker.name, role: .gridWorker) : op
            for i in 0..<count {
                let c = try await repo.intake(
                    CaseIntake(categoryKey: category, channel: .hotline, title: "", description: "垃圾\(i)", gridID: grid.id), actor: reporter, at: at)
                try await repo.apply(.accept(), to: c.id, actor: op, in: .everything, at: at.addingTimeInterval(60))
                try await repo.apply(.close(note: "已清理"), to: c.id, actor: op, in: .everything, at: at.addingTimeInterval(120))
            }
        }
        return (community, grids[0], grids[1], MeasureMonth(SimpleDate(at)))
    }

    /// The operator (a street's account) and a street outside their scope.
    static func outsider(_ app: Application) async throws -> (Browser, UnitRow) {
        var op = try await Browser.login(app, as: "operator")
        let own = try await op.api(.GET, "/api/v1/measures")
        let ownID = try #require((own.json as? [String: Any])?["unit"] as? String)
        let streets = try await UnitRepository(app.db).all(in: .everything, level: .street)
        return (op, try #require(streets.first { $0.id.uuidString != ownID }))
    }

    @Test("the map of a community: one shape per grid, fixed bands on the legend, the small grid hatched, links to dashboards", arguments: TestDatabase.enabled)
    func map(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (community, full, small, month) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let res = try await leader.get(SiteURL.dashboardMap(community.id, measure: "on_time_closing", period: MeasureQuery(month: month.description)).path)
            let html = res.body.string
            #expect(res.status == .ok)
            let kids = try await UnitRepository(app.db).children(of: community.id, in: .everything)
            let shapes = html.components(separatedBy: "<path class=").count - 1
            #expect(shapes == kids.filter { $0.area != nil }.count && shapes >= 2)
            #expect(html.contains("class=\"map-legend\"") && html.contains(HTML.escape(L10n.t("kpimap.method_bands", ClassBreaks.minimumN))))
            // 12 of 12 on time: the top band (green); 3 cases: hatched, never coloured.
            #expect(html.contains("<a href=\"\(SiteURL.dashboard(full.id, period: MeasureQuery(month: month.description)).path)\"><path class=\"good3\""))
            #expect(html.contains("<a href=\"\(SiteURL.dashboard(small.id, period: MeasureQuery(month: month.description)).path)\"><path class=\"nodata\""))
            // Returns use quartiles, said so on the page.
            let rework = try await leader.get(SiteURL.dashboardMap(community.id, measure: "rework").path)
            #expect(rework.status == .ok && rework.body.string.contains(HTML.escape(L10n.t("kpimap.method_quantiles", ClassBreaks.minimumN))))
            let bad = try await leader.get(SiteURL.dashboardMap(community.id, measure: "nonsense").path)
            #expect(bad.status == .badRequest && bad.body.string.contains("measure"))
            // The dashboard links to the map and the rankings.
            let dash = try await leader.get(SiteURL.dashboard(community.id).path)
            #expect(dash.body.string.contains("/dashboard/\(community.id.uuidString)/map") && dash.body.string.contains("/rankings?unit="))
            // A street's operator: another street's units are 404.
            let (browser, other) = try await Self.outsider(app)
            var op = browser
            let outside = try await op.get(SiteURL.dashboardMap(other.id).path)
            #expect(outside.status == .notFound)
        }
    }

    @Test("rankings: the full grid ranked with its formula and n, the small one listed as 样本不足, API agrees, scope holds", arguments: TestDatabase.enabled)
    func rankings(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (community, full, small, month) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let page = try await leader.get(SiteURL.rankings(unit: community.id, month: month.description).path)
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains(HTML.escape(L10n.t("rank.red"))) && html.contains(HTML.escape(full.name)))
            #expect(html.contains(HTML.escape(L10n.t("rank.insufficient", 10, 1))) && html.contains(HTML.escape(small.name)))
            #expect(html.contains(HTML.escape(L10n.t("rank.top_workers"))) && html.contains(HTML.escape(L10n.t("rank.top_agents"))))

            let api = try await leader.api(.GET, "/api/v1/rankings?unit=\(community.id)&month=\(month.description)")
            let json = try #require(api.json as? [String: Any])
            #expect(json["mode"] as? String == "points" && json["minimum_n"] as? Int == 10)
            let boards = try #require(json["boards"] as? [[String: Any]])
            let grids = try #require(boards.first { $0["level"] as? String == "grid" })
            let ranked = try #require(grids["ranked"] as? [[String: Any]])
            let insufficient = try #require(grids["insufficient"] as? [[String: Any]])
            #expect(ranked.count == 1 && insufficient.count == 1)
            #expect(ranked.first?["unit"] as? String == full.id.uuidString && ranked.first?["rank"] as? Int == 1 && ranked.first?["n"] as? Int == 12)
            // 12 of 12 at the Wilson bound is 12 ÷ (12 + 1.96²) = 0.75750; none rated gives 0 of 30 points:
            // 40 × 0.7575 + 20 × 0.7575 + 10 × 0.7575 = 53.02.
            #expect(ranked.first?["score"] as? Double == 53.02)
            #expect(insufficient.first?["unit"] as? String == small.id.uuidString && insufficient.first?["n"] as? Int == 3)
            // Grid workers of the ranked grid only.
            let workers = try #require(json["grid_workers"] as? [[String: Any]])
            #expect(!workers.isEmpty && workers.allSatisfy { $0["grid"] as? String == full.id.uuidString })
            // The worker who reported the grid's 12 cases is scored on them (the grid's figures, here); no one else has cases of their own.
            #expect(workers.count == 1 && workers.first?["score"] as? Double == 53.02 && workers.first?["n"] as? Int == 12)
            let agents = try #require(json["proxy_agents"] as? [[String: Any]])
            #expect(agents.isEmpty, "a proxy agent who took no step on a case has no score of their own")
            // 扣分制: nothing fell short but the unrated satisfaction (0 of 0): 100.
            let deductions = try await leader.api(.GET, "/api/v1/rankings?unit=\(community.id)&month=\(month.description)&mode=deductions")
            let dj = try #require(deductions.json as? [String: Any])
            let dBoards = try #require(dj["boards"] as? [[String: Any]])
            let dRanked = try #require(dBoards.first { $0["level"] as? String == "grid" }?["ranked"] as? [[String: Any]])
            #expect(dRanked.first?["score"] as? Double == 100)

            let badMode = try await leader.api(.GET, "/api/v1/rankings?mode=best")
            let badMonth = try await leader.get("/rankings?month=2026-13")
            #expect(badMode.status == .badRequest && badMonth.status == .badRequest)
            let (browser, other) = try await Self.outsider(app)
            var op = browser
            let outside = try await op.get(SiteURL.rankings(unit: other.id).path)
            let apiOutside = try await op.api(.GET, "/api/v1/rankings?unit=\(other.id)")
            #expect(outside.status == .notFound && apiOutside.status == .notFound)
        }
    }

    @Test("a frozen month's people are scored as they stood at the freeze: a case added to the month later changes no score", arguments: TestDatabase.enabled)
    func frozenPeople(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, full, _, month) = try await Self.cases(app)
            let worker = try #require(try await RankingRepository(app.db).people(of: [full.id], kinds: RankingController.gridWorkerKinds, month: month).first)
            var leader = try await Browser.login(app, as: "leader")
            let url = "/api/v1/rankings?unit=\(community.id)&month=\(month.description)"
            let before = try #require(try await leader.api(.GET, url).json as? [String: Any])
            app.testClock.advance(40 * 86_400)
            try await MeasureMonths.freeze(month, by: "测试员", at: app.clock.now(), on: app.db)
            // MUT: a case of the frozen month reported by the worker after the freeze (a late entry).
            let late = month.period.from.startOfDayInChina.addingTimeInterval(3 * 86_400)
            _ = try await CaseRepository(app.db, cipher: app.keys.cipher).intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "补录", gridID: full.id),
                actor: CaseActor(id: nil, name: worker.name, role: .gridWorker), at: late)
            leader = try await Browser.login(app, as: "leader")  // 40 days on, the first session is over
            let after = try #require(try await leader.api(.GET, url).json as? [String: Any])
            // validate
            let n: ([String: Any]) -> Int? = { ($0["grid_workers"] as? [[String: Any]])?.first?["n"] as? Int }
            #expect(n(before) == 12 && n(after) == 12, "the frozen copy, not the 13 cases there are now")
            #expect((before["grid_workers"] as? [[String: Any]])?.first?["score"] as? Double == (after["grid_workers"] as? [[String: Any]])?.first?["score"] as? Double)
            let sql = app.db as! any SQLDatabase
            let live = try await sql.raw(RankingRepository.ownCasesQuery(grids: [full.id], names: [worker.name], month.period, sql)).all()
            #expect(try live.first?.decode(column: "reported", as: Int.self) == 13, "the cases themselves do have the late one")
            let rolledUp = try await sql.raw(
                """
                SELECT CAST(SUM(reported) AS BIGINT) AS n FROM case_person_tallies_monthly \
                WHERE month = \(bind: month.description) AND unit_id = \(bind: full.id) AND person = \(bind: worker.name)
                """
            ).first()?.decode(column: "n", as: Int.self)
            #expect(rolledUp == 12)
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Dashboards on the web: the leader's landing page, scope, empty periods, the measures API")
struct DashboardWebTests {
    static let category = "city_appearance.exposed_garbage"

    /// Two cases in the operator's street, one closed on time, on the test clock's day.
    /// The days the two cases fall on (a range, in case the first is just before midnight).
    static func days(_ app: Application) -> MeasureQuery {
        let now = app.clock.now()
        return MeasureQuery(from: SimpleDate(now.addingTimeInterval(-7200)).description, to: SimpleDate(now).description)
    }

    static func cases(_ app: Application) async throws -> (street: UnitRow, other: UnitRow, grid: UnitRow) {
        let units = UnitRepository(app.db)
        let streets = try await units.all(in: .everything, level: .street).sorted { $0.code < $1.code }
        let grid = try #require(try await units.all(in: .subtree(of: streets[0]), level: .grid).sorted { $0.code < $1.code }.first)
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let op = CaseActor(id: nil, name: "王受理", role: .operator_)
        let now = app.clock.now()
        let a = try await repo.intake(
            CaseIntake(categoryKey: category, channel: .hotline, title: "", description: "路边垃圾", gridID: grid.id), actor: op, at: now.addingTimeInterval(-7200))
        _ = try await repo.intake(CaseIntake(categoryKey: category, channel: .qr, title: "", description: "楼道垃圾", gridID: grid.id), actor: .resident, at: now)
        for (i, step) in [CaseAction.accept(), .close(note: "已清理")].enumerated() {
            try await repo.apply(step, to: a.id, actor: op, in: .everything, at: now.addingTimeInterval(-7000 + Double(i) * 60))
        }
        return (streets[0], streets[1], grid)
    }

    @Test("a leader lands on the dashboard: every measure with its formula and n, charts, child units, numbers linking to cases", arguments: TestDatabase.enabled)
    func leader(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (street, _, grid) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            // MUT
            let home = try await leader.get("/")
            let page = try await leader.get("/dashboard")
            let streetPage = try await leader.get(SiteURL.dashboard(street.id, period: Self.days(app)).path)
            // validate
            #expect(home.status == .seeOther && home.headers.first(name: .location) == "/dashboard")
            let html = page.body.string
            #expect(page.status == .ok)
            for m in Measures.all {
                #expect(html.contains(HTML.escape(L10n.t(m.nameKey))) && html.contains(HTML.escape(L10n.t(m.formulaKey))), "\(m.id)")
            }
            #expect(html.contains("<svg") && html.contains(L10n.t("dashboard.series.closed")))
            #expect(html.contains(HTML.escape(street.name)), "the district's table lists its streets")
            #expect(html.contains("counted=closed_on_time"), "a figure links to the cases behind it")
            #expect(html.contains("overdue=1"), "the unit's overdue cases are one link away")
            // The street: two cases, one closed on time out of two due: 50.0 %.
            let s = streetPage.body.string
            #expect(streetPage.status == .ok && s.contains("50.0 %") && s.contains(L10n.t("measure.n", 2)))
            // The case list behind 按期结案数 holds the one closed case.
            var search = CaseSearch()
            search.unit = grid.id.uuidString
            search.counted = "closed_on_time"
            let list = try await leader.get(SiteURL.cases(queue: "all", search: search).path)
            #expect(list.status == .ok && list.body.string.contains("路边垃圾") && !list.body.string.contains("楼道垃圾"))
        }
    }

    @Test("a street's operator sees the street; another street is 404; a department is refused", arguments: TestDatabase.enabled)
    func scope(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, other, _) = try await Self.cases(app)
            var op = try await Browser.login(app, as: "operator")
            let own = try await op.get("/dashboard")
            let outside = try await op.get(SiteURL.dashboard(other.id).path)
            let apiOutside = try await op.api(.GET, "/api/v1/measures?unit=\(other.id)")
            #expect(own.status == .ok && own.body.string.contains(HTML.escape(street.name)))
            #expect(outside.status == .notFound && apiOutside.status == .notFound)
            var department = try await Browser.login(app, as: "department")
            let refused = try await department.get("/dashboard")
            #expect(refused.status == .forbidden)
        }
    }

    @Test(
        "a frozen month's dashboard lists the steps restated into it, with the categories kept per instance; an open month reads none",
        arguments: TestDatabase.enabled)
    func restated(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: a case reported last month, which is then frozen, and a step on it today
            let now = app.clock.now()
            let lastMonth = MeasureMonth(MeasureMonth(SimpleDate(now)).first.adding(days: -1))
            let units = UnitRepository(app.db)
            let grid = try #require(try await units.all(in: .everything, level: .grid).sorted { $0.code < $1.code }.first)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let op = CaseActor(id: nil, name: "王受理", role: .operator_)
            let c = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .qr, title: "", description: "楼道垃圾", gridID: grid.id), actor: .resident,
                at: lastMonth.first.adding(days: 9).startOfDayInChina.addingTimeInterval(10 * 3600))
            let open = try await DashboardController.query(
                on: app.db, unit: grid.id, period: lastMonth.period, scope: .everything, now: now, tallies: app.tallyCache)
            try await MeasureMonths.freeze(lastMonth, by: "王主任", at: now, on: app.db)
            try await repo.apply(.accept(), to: c.id, actor: op, in: .everything, at: now)
            // MUT
            let frozen = try await DashboardController.query(
                on: app.db, unit: grid.id, period: lastMonth.period, scope: .everything, now: now, tallies: app.tallyCache)
            let thisMonth = try await DashboardController.query(
                on: app.db, unit: grid.id, period: MeasureMonth(SimpleDate(now)).period, scope: .everything, now: now, tallies: app.tallyCache)
            // validate
            #expect(open.frozen.isEmpty && open.restatements.isEmpty)
            #expect(frozen.frozen.map(\.month) == [lastMonth.description])
            #expect(frozen.restatements.map(\.actorName) == ["王受理"] && frozen.restatements.first?.action == .accept)
            #expect(thisMonth.frozen.isEmpty && thisMonth.restatements.isEmpty)
            // The categories came from the instance's copy the second time; a change to the catalogue is seen at once.
            #expect(frozen.categories.map(\.key) == open.categories.map(\.key) && !frozen.categories.isEmpty)
            let top = try #require(frozen.categories.first)
            try await (app.db as! any SQLDatabase).raw("UPDATE case_categories SET name_zh = '改名类' WHERE key = \(bind: top.key)").run()
            let renamed = try await DashboardController.query(
                on: app.db, unit: grid.id, period: lastMonth.period, scope: .everything, now: now, tallies: app.tallyCache)
            #expect(renamed.categories.first { $0.key == top.key }?.name == "改名类")
        }
    }

    @Test("an empty period shows n = 0 and — instead of a rate; bad periods name the field", arguments: TestDatabase.enabled)
    func emptyAndBad(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var leader = try await Browser.login(app, as: "leader")
            let empty = try await leader.get("/dashboard?month=2020-01")
            #expect(empty.status == .ok && empty.body.string.contains(L10n.t("measure.n", 0)) && empty.body.string.contains("—"))
            #expect(empty.body.string.contains(L10n.t("dashboard.none")))
            let api = try await leader.api(.GET, "/api/v1/measures?month=2020-01")
            let json = try #require(api.json as? [String: Any])
            let figures = try #require(json["measures"] as? [[String: Any]])
            #expect(figures.count == Measures.all.count)
            // The case measures; register and visit coverage read the register, which is not empty.
            let fromCases = figures.filter { f in ![Measures.registerCoverage.id, Measures.visitCoverage.id].contains(f["id"] as? String ?? "") }
            #expect(fromCases.count == Measures.all.count - 2)
            #expect(fromCases.allSatisfy { ($0["n"] as? Int) == 0 && $0["value"] is NSNull })
            let bad = try await leader.get("/dashboard?month=2020-13")
            #expect(bad.status == .badRequest && bad.body.string.contains("month"))
            let backwards = try await leader.api(.GET, "/api/v1/measures?from=2026-11-02&to=2026-11-01")
            #expect(backwards.status == .badRequest && backwards.body.string.contains("to"))
        }
    }

    @Test("the API gives each measure with value, numerator, denominator, n and formula, as the page does", arguments: TestDatabase.enabled)
    func api(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, _, _) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let res = try await leader.api(.GET, "/api/v1/measures?unit=\(street.id)&" + Self.days(app).items.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: "&"))
            let json = try #require(res.json as? [String: Any])
            let figures = try #require(json["measures"] as? [[String: Any]])
            let onTime = try #require(figures.first { $0["id"] as? String == "on_time_closing" })
            #expect(onTime["numerator"] as? Int == 1 && onTime["denominator"] as? Int == 2 && onTime["n"] as? Int == 2)
            #expect(onTime["value"] as? Double == 50 && onTime["formula"] as? String == L10n.t("measure.on_time_closing.formula"))
            #expect((json["counts"] as? [String: Int])?["reported"] == 2)
        }
    }

    @Test("charts: a round scale, bars stacked in their series' colours, each bar a link to its cases, names escaped")
    func charts() {
        #expect([0, 1, 5, 6, 42, 50, 51, 999].map(ChartSVG.niceStep) == [1, 1, 1, 2, 10, 10, 20, 200])
        let bars = [
            ChartSVG.Bar(label: "11-01", values: [3, 1], url: "/cases?from=2026-11-01"),
            ChartSVG.Bar(label: "<11-02>", values: [0, 0], url: nil),
        ]
        let svg = ChartSVG.stacked(bars, series: [.init(name: "已结案", colour: "#2e7d32"), .init(name: "办理中", colour: "#1f5fa8")], label: "走势").description
        #expect(svg.contains(#"<a href="/cases?from=2026-11-01">"#))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 2 + 2, "two parts of the first bar, two legend swatches; an empty bar draws nothing")
        #expect(svg.contains("&lt;11-02&gt;") && !svg.contains("<11-02>"))
        // The scale: 4 cases in steps of 1, lines at 0 … 4.
        #expect(svg.contains(">4</text>") && !svg.contains(">5</text>"))
        // Coordinates as `%.1f` writes them.
        for v in [0, 0.04, 0.06, 1, 12.34, 12.36, 599.95001, -3.26, -0.4, 1e6 + 0.1] {
            #expect(ChartSVG.fmt(v) == String(format: "%.1f", v), "\(v)")
        }
    }
}

import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Department dashboards on the web: scope, figures, drill-down, ranking, API")
struct DepartmentDashboardWebTests {
    /// Two cases sent to 住建 in the first street's first grid: one signed for in time and closed on
    /// time, one sent and not yet signed for; a third case only accepted (no department counts it).
    static func cases(_ app: Application) async throws -> (street: UnitRow, grid: UnitRow, period: MeasureQuery) {
        let units = UnitRepository(app.db)
        let street = try #require(try await units.all(in: .everything, level: .street).sorted { $0.code < $1.code }.first)
        let grid = try #require(try await units.all(in: .subtree(of: street), level: .grid).sorted { $0.code < $1.code }.first)
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let op = CaseActor(id: nil, name: "王受理", role: .operator_), dept = CaseActor(id: nil, name: "住建张", role: .department)
        let now = app.clock.now(), t = now.addingTimeInterval(-4 * 3600)
        func intake(_ text: String) async throws -> UUID {
            try await repo.intake(
                CaseIntake(categoryKey: DashboardWebTests.category, channel: .hotline, title: "", description: text, gridID: grid.id), actor: op, at: t
            ).id
        }
        let a = try await intake("路灯不亮"), b = try await intake("井盖松动"), c = try await intake("树枝折断")
        for id in [a, b, c] { try await repo.apply(.accept(), to: id, actor: op, in: .everything, at: t.addingTimeInterval(60)) }
        for id in [a, b] { try await repo.apply(.dispatch(department: "housing"), to: id, actor: op, in: .everything, at: t.addingTimeInterval(120)) }
        try await repo.apply(.signFor(), to: a, actor: dept, in: .everything, at: t.addingTimeInterval(600))
        try await repo.apply(.handle(note: "已修复"), to: a, actor: dept, in: .everything, at: t.addingTimeInterval(1200))
        try await repo.apply(.verify(), to: a, actor: op, in: .everything, at: t.addingTimeInterval(1800))
        try await repo.apply(.close(), to: a, actor: op, in: .everything, at: t.addingTimeInterval(2400))
        let period = MeasureQuery(from: SimpleDate(t).description, to: SimpleDate(now).description)
        return (street, grid, period)
    }

    @Test("a department's account sees its own department's dashboard with hand-counted figures; another department is 404", arguments: TestDatabase.enabled)
    func ownDepartment(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (_, grid, period) = try await Self.cases(app)
            var department = try await Browser.login(app, as: "department")
            var police = try await Browser.login(app, as: "police")
            // MUT
            let page = try await department.get(SiteURL.departmentDashboard("housing", unit: grid.id, period: period).path)
            let other = try await department.get(SiteURL.departmentDashboard("police", unit: grid.id, period: period).path)
            let overview = try await department.get(SiteURL.departmentDashboard(unit: grid.id, period: period).path)
            let foreign = try await police.get(SiteURL.departmentDashboard("housing", unit: grid.id, period: period).path)
            let home = try await department.get("/cases")
            // validate
            let html = page.body.string
            #expect(page.status == .ok)
            for m in Measures.departmental { #expect(html.contains(HTML.escape(L10n.t(m.nameKey))), "\(m.id)") }
            #expect(!html.contains(HTML.escape(L10n.t(Measures.workload.nameKey))), "work per person is not a department's figure")
            // 2 sent, 1 closed on time of 2 due: 50.0 %; 1 of 2 handovers signed for so far: 50.0 %; 1 solved of 1 closed: 100.0 %.
            #expect(html.contains("50.0 %") && html.contains("100.0 %") && html.contains(L10n.t("measure.n", 2)))
            #expect(html.contains("department=housing") && html.contains("sent=1"), "numbers lead to the department's cases")
            #expect(other.status == .notFound && foreign.status == .notFound)
            let o = overview.body.string
            #expect(overview.status == .ok && o.contains("住建") && o.contains("市政") && !o.contains("公安"), "only its own departments")
            #expect(!o.contains(L10n.t("dept.ranking", 0)), "a department's account is shown no ranking of others")
            #expect(home.body.string.contains(SiteURL.departmentDashboard().path), "the department finds its dashboard in the menu")
        }
    }

    @Test("the cases behind a department's number are exactly the ones counted, for its account and for a leader", arguments: TestDatabase.enabled)
    func drillDown(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (_, grid, period) = try await Self.cases(app)
            var search = CaseSearch()
            search.unit = grid.id.uuidString
            search.department = "housing"
            search.sent = "1"
            search.from = period.from
            search.to = period.to
            search.counted = "reported"
            for who in ["department", "leader"] {
                var b = try await Browser.login(app, as: who)
                let list = try await b.get(SiteURL.cases(queue: "all", search: search).path)
                let s = list.body.string
                #expect(list.status == .ok && s.contains("路灯不亮") && s.contains("井盖松动"), "\(who)")
                #expect(!s.contains("树枝折断"), "\(who): the case only accepted is not the department's")
            }
        }
    }

    @Test("a leader sees every department, ranked with formula and n, and the API gives the same figures", arguments: TestDatabase.enabled)
    func leaderRanking(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, _, period) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let page = try await leader.get(SiteURL.departmentDashboard(unit: street.id, period: period).path)
            let html = page.body.string
            #expect(page.status == .ok && html.contains("公安") && html.contains("住建"))
            #expect(html.contains(HTML.escape(RankingPages.formulaText(.departments))))
            #expect(html.contains(HTML.escape(L10n.t("dept.ranking", 0))), "no department was sent the minimum n: none ranked")
            let street404 = try await leader.get(SiteURL.departmentDashboard("housing", unit: UUID(), period: period).path)
            #expect(street404.status == .notFound)
            let items = period.items.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: "&")
            let api = try await leader.api(.GET, "/api/v1/measures/departments?unit=\(street.id)&\(items)")
            let json = try #require(api.json as? [String: Any])
            let departments = try #require(json["departments"] as? [[String: Any]])
            let housing = try #require(departments.first { $0["key"] as? String == "housing" })
            #expect((housing["counts"] as? [String: Int])?["reported"] == 2 && (housing["counts"] as? [String: Int])?["handovers"] == 2)
            let figures = try #require(housing["measures"] as? [[String: Any]])
            let signing = try #require(figures.first { $0["id"] as? String == "signing" })
            #expect(signing["value"] as? Double == 50 && signing["n"] as? Int == 2)
            #expect(housing["rank"] as? Int == nil && housing["score"] as? Double == nil, "2 handovers are below the minimum n: not ranked")
            let bad = try await leader.api(.GET, "/api/v1/measures/departments?unit=nope")
            #expect(bad.status == .badRequest && bad.body.string.contains("unit"))
        }
    }
}

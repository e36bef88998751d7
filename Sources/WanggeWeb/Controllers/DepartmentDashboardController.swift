import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The departments' dashboards (A1): `/dashboard/departments` lists every department in reach with
/// its figures within a unit and ranks them (12345-style: 及时签收率, 解决率, 满意率); and
/// `/dashboard/departments/{key}` is one department's dashboard, the unit dashboard's shape over the
/// cases sent to it. A department's account reads only its own departments (another key: 404), a
/// leader any department within their part of the tree. Figures come from the department roll-ups.
enum DepartmentDashboardController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.departmentDashboard().pattern, use: overview)
        pages.get(SiteURL.departmentDashboard("key").pattern, use: show)
    }

    /// The departments side by side, and ranked when the viewer may compare them.
    struct Overview {
        var unit: UnitRow
        var lineage: [UnitRow]
        var period: MeasurePeriod
        var figures: [DepartmentFigures]
        /// Nil for a department's own account: it sees its own figures, not a ranking of others.
        var ranking: Ranking?

        typealias Ranking = (ranked: [(id: String, name: String, score: Score)], unranked: [(id: String, name: String, score: Score)])
        var config: ScoringConfig
        var today: SimpleDate
    }

    static func overview(req: Request) async throws -> Response {
        let v = try req.requireDepartmentMeasureReader()
        let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
        let model = try await overview(on: req.db, unit: try MeasureQuery.unit(req), period: period, scope: v.scope, today: SimpleDate(req.now))
        return Layout.response(req, DepartmentDashboardPages.overview(model), title: L10n.t("dept.title", model.unit.name))
    }

    static func overview(on db: any Database, unit id: UUID?, period: MeasurePeriod, scope: Scope, today: SimpleDate) async throws -> Overview {
        let repo = MeasureRepository(db)
        let unit = try await repo.departmentUnit(id, in: scope)
        let departments = try await repo.departments(in: scope)
        let figures = try await repo.departmentTotals(departments, unit: unit.id, period)
        // Ranked with the weights in effect for the period's (last) month.
        let config = try await ScoringWeightsRepository(db).config(.departments, for: period.month ?? MeasureMonth(period.to)).config
        var ranking: Overview.Ranking?
        if scope.departments == nil {
            ranking = Scoring.rank(figures.map { (id: $0.department.key, name: $0.department.nameZh, counts: $0.counts) }, config: config)
        }
        return Overview(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), period: period, figures: figures, ranking: ranking,
            config: config, today: today)
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireDepartmentMeasureReader()
        guard let key = req.parameters.get("key")?.trimmedOrNil else { throw StoreError.notFound("department") }
        let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
        let categories = try await CaseController.repo(req).categories()
        var model = try await query(
            on: req.db, department: key, unit: try MeasureQuery.unit(req), period: period, scope: v.scope, categories: categories, now: req.now)
        // The cards count the department's cases as its own account sees them: sent to it, in the unit.
        let scope = v.scope.limited(toDepartments: [key])
        let repo = CaseController.repo(req)
        let overdue = try await repo.cards(.overdue, unit: model.unit, in: scope, now: req.now, limit: DashboardCards.shown)
        let warning = try await repo.cards(.warning, unit: model.unit, in: scope, now: req.now, limit: DashboardCards.shown)
        model.cards = DashboardCards.Model(overdue: .init(rows: overdue.rows, total: overdue.total), warning: .init(rows: warning.rows, total: warning.total))
        let name = model.department?.nameZh ?? key
        return Layout.response(req, DashboardPages.page(model), title: L10n.t("dept.dashboard_title", name, model.unit.name))
    }

    /// One department's dashboard within `unit` (the top of the viewer's part of the tree when nil):
    /// 404 for a department or unit out of scope.
    static func query(
        on db: any Database, department key: String, unit id: UUID?, period: MeasurePeriod, scope: Scope, categories: [CategoryRow], now: Date
    ) async throws -> DashboardController.Model {
        let repo = MeasureRepository(db)
        let department = try await repo.department(key, in: scope)
        let unit = try await repo.departmentUnit(id, in: scope)
        let monthly = period.days > 62
        let kids = try await UnitRepository(db).children(of: unit.id, in: scope)
        let byKid = try await repo.totals(department: key, units: kids.map(\.id), period)
        let months = Set(period.months.map(\.description))
        let frozen = try await repo.frozenMonths().filter { months.contains($0.month) }
        let open = period.months.filter { m in !frozen.contains { $0.month == m.description } }
        return DashboardController.Model(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), period: period,
            totals: try await repo.totals(department: key, unit: unit.id, period),
            trend: try await repo.grouped(department: key, unit: unit.id, period, by: monthly ? .month : .day), monthly: monthly,
            categories: DashboardController.byTopCategory(try await repo.grouped(department: key, unit: unit.id, period, by: .category), categories),
            channels: DashboardController.byChannel(try await repo.grouped(department: key, unit: unit.id, period, by: .channel)),
            children: kids.map { (unit: $0, counts: byKid[$0.id] ?? TallyCounts()) }, restatements: [], frozen: frozen,
            freezesAt: open.map { ($0, MeasureFreeze.automatic($0)) },
            today: SimpleDate(now), department: department)
    }
}

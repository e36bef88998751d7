import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The dashboards (A1): `/dashboard` for the viewer's own unit and `/dashboard/{unit}` for any unit
/// in scope (outside it: 404), for a month or a range of days. Every figure is read from the
/// roll-ups, which the case steps keep current, so a page costs a few sums, not a pass over cases.
enum DashboardController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.dashboard().pattern, use: own)
        pages.get(SiteURL.dashboard(UUID()).pattern, use: show)
    }

    /// Everything one dashboard shows.
    struct Model {
        var unit: UnitRow
        var lineage: [UnitRow]
        var period: MeasurePeriod
        var totals: TallyCounts
        /// By day, or by month for periods longer than two months.
        var trend: [(key: String, counts: TallyCounts)]
        var monthly: Bool
        /// Top-level category key, its name, and its cases.
        var categories: [(key: String, name: String, reported: Int)]
        var channels: [(channel: CaseChannel, reported: Int)]
        var children: [(unit: UnitRow, counts: TallyCounts)]
        var restatements: [Restatement]
        /// The months of the period that are frozen, and when those still open freeze by themselves.
        var frozen: [MeasureMonths.Frozen]
        var freezesAt: [(MeasureMonth, Date)]
        var today: SimpleDate
        /// The red and yellow cards (cases overdue and near their limit now), when read.
        var cards: DashboardCards.Model? = nil
        /// On a department's dashboard: the department, whose cases alone the figures count.
        var department: DepartmentRow? = nil

        /// The measures the page shows: a department answers for fewer than a unit.
        var measures: [Measure] { department == nil ? Measures.all : Measures.departmental }

        /// This page for another unit (a child, or one up the breadcrumbs).
        func url(unit: UUID) -> String {
            department.map { SiteURL.departmentDashboard($0.key, unit: unit, period: MeasureQuery(period)).path }
                ?? SiteURL.dashboard(unit, period: MeasureQuery(period)).path
        }
    }

    static func own(req: Request) async throws -> Response {
        try await render(req, try req.requireMeasureReader(), unit: nil)
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireMeasureReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("unit") }
        return try await render(req, v, unit: id)
    }

    /// The dashboard of unit `id`, or with `nil` of the viewer's own.
    static func render(_ req: Request, _ v: Viewer, unit id: UUID?) async throws -> Response {
        let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
        var model = try await query(on: req.db, unit: id, period: period, scope: v.scope, now: req.now, tallies: req.application.tallyCache)
        let repo = CaseController.repo(req)
        let overdue = try await repo.cards(.overdue, unit: model.unit, in: v.scope, now: req.now, limit: DashboardCards.shown)
        let warning = try await repo.cards(.warning, unit: model.unit, in: v.scope, now: req.now, limit: DashboardCards.shown)
        model.cards = DashboardCards.Model(overdue: .init(rows: overdue.rows, total: overdue.total), warning: .init(rows: warning.rows, total: warning.total))
        return Layout.response(req, DashboardPages.page(model), title: L10n.t("dashboard.title", model.unit.name))
    }

    /// The dashboard of `unit` (`nil`: the top of `scope`) for `period`, read in `scope` (404 outside it).
    /// `categories`: the catalogue when the caller has read it; else the repository's (kept per instance).
    static func query(
        on db: any Database, unit id: UUID?, period: MeasurePeriod, scope: Scope, categories given: [CategoryRow]? = nil, now: Date,
        tallies: TallyCache? = nil
    ) async throws -> Model {
        let repo = try await MeasureRepository(db, tallies: tallies).reading()
        let unit = try await repo.unit(id, in: scope)
        let monthly = period.days > 62
        let categoryRows = try await repo.grouped(unit.id, period, by: .category, counting: [.reported])
        let channels = try await repo.grouped(unit.id, period, by: .channel, counting: [.reported])
        let frozenRows = try await repo.frozenMonths()
        let months = Set(period.months.map(\.description))
        let frozen = frozenRows.filter { months.contains($0.month) }
        let open = period.months.filter { m in !frozen.contains { $0.month == m.description } }
        let counted = try await repo.withChildren(unit, period)
        let categories = if let given { given } else { try await repo.categories() }
        // Restatements are recorded only into frozen months, and a month never thaws: none to read
        // for a period with no frozen month (today's month, the one read most).
        let restatements = frozen.isEmpty ? [] : try await repo.restatements(unit.id, period)
        return Model(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), period: period, totals: counted.totals,
            trend: try await repo.grouped(unit.id, period, by: monthly ? .month : .day), monthly: monthly,
            categories: byTopCategory(categoryRows, categories), channels: byChannel(channels),
            children: counted.children, restatements: restatements,
            frozen: frozen, freezesAt: open.map { ($0, MeasureFreeze.automatic($0)) }, today: SimpleDate(now))
    }

    /// Cases reported by top-level category (sub-categories counted in their top one), most first.
    static func byTopCategory(_ rows: [(key: String, counts: TallyCounts)], _ categories: [CategoryRow]) -> [(key: String, name: String, reported: Int)] {
        var roots: [String: String] = [:]
        let parents = Dictionary(categories.map { ($0.key, $0.parentKey) }) { a, _ in a }
        for c in categories {
            var key = c.key
            while let p = parents[key] ?? nil { key = p }
            roots[c.key] = key
        }
        let names = Dictionary(categories.map { ($0.key, $0.nameZh) }) { a, _ in a }
        var byRoot: [String: Int] = [:]
        for row in rows { byRoot[roots[row.key] ?? row.key, default: 0] += row.counts[.reported] }
        return byRoot.map { (key: $0.key, name: names[$0.key] ?? $0.key, reported: $0.value) }.sorted { ($1.reported, $0.key) < ($0.reported, $1.key) }
    }

    /// Cases reported by channel, most first.
    static func byChannel(_ rows: [(key: String, counts: TallyCounts)]) -> [(channel: CaseChannel, reported: Int)] {
        rows.compactMap { row in CaseChannel(rawValue: row.key).map { (channel: $0, reported: row.counts[.reported]) } }.sorted { $0.reported > $1.reported }
    }
}

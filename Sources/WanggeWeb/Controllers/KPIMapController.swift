import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The KPI map (A1 map): `/dashboard/{unit}/map?measure=&month=` draws the unit's child units
/// coloured by one measure in graded classes, read from the same roll-ups as the dashboard (a few
/// sums per page, never a pass over cases). Outside scope: 404.
enum KPIMapController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.dashboardMap(UUID()).pattern, use: show)
    }

    /// Everything the map page shows.
    struct Model {
        var unit: UnitRow
        var lineage: [UnitRow]
        var period: MeasurePeriod
        var measure: Measure
        var children: [(unit: UnitRow, value: MeasureValue)]
        var scheme: ClassScheme
        var today: SimpleDate
        /// The categories to pick case points from (top level first, as in the case list).
        var categories: [CategoryRow] = []
        /// The period's cases of one category as points, when a category is chosen.
        var points: CasePoints? = nil
        /// Leaflet is installed: the page also draws the map with it (tiles when configured).
        var leaflet: LeafletMap? = nil

        func placement(_ v: MeasureValue) -> ClassScheme.Placement { scheme.place(v.value, n: v.n) }
    }

    /// The cases of one category reported in the period under the unit, as points; late ones marked.
    struct CasePoints {
        var category: CategoryRow
        /// Cases with a place, with whether each is late: closed after its resolve limit, or still
        /// open past it now (not counting cases not taken on, or suspended with the clock stopped).
        var dots: [(row: CaseRow, late: Bool)]
        /// Every case of the category in the period, with or without a place.
        var total: Int
        var late: Int { dots.filter { $0.late }.count }
        /// Cases left off the map: no place recorded, or beyond the most drawn.
        var unplaced: Int { total - dots.count }
    }

    /// Where Leaflet draws from: the tile template when one is configured (else boundaries alone).
    struct LeafletMap {
        var tiles: String?
        var attribution: String?
    }

    /// The most case points one map draws.
    static let maxPoints = 3000

    static func isLate(_ c: CaseRow, now: Date) -> Bool {
        guard c.state != .rejected && c.state != .merged && c.state != .suspended else { return false }
        return (c.closedAt ?? now) > c.resolveBy
    }

    /// The case points of `category` (a key of the category tree, with its sub-categories) in the
    /// unit over the period, read in `scope`; an unknown category is 400 naming the field.
    static func points(
        _ repo: CaseRepository, category key: String, categories: [CategoryRow], unit: UnitRow, period: MeasurePeriod, scope: Scope, now: Date
    ) async throws -> CasePoints {
        guard let category = categories.first(where: { $0.key == key }) else {
            throw BadParameter("category", expected: L10n.t("kpimap.category_expected"))
        }
        var filter = CaseFilter()
        filter.unitID = unit.id
        filter.categoryKey = key
        filter.from = period.from
        filter.to = period.to
        let page = try await repo.search(filter, in: scope, now: now, limit: maxPoints, counting: true)
        let dots = page.rows.filter { $0.lon != nil && $0.lat != nil }.map { (row: $0, late: isLate($0, now: now)) }
        return CasePoints(category: category, dots: dots, total: page.total ?? page.rows.count)
    }

    /// The measure named by `measure` (按期结案率 when absent); an unknown id is 400 naming the field.
    static func measure(_ req: Request) throws -> Measure {
        guard let raw = req.query[String.self, at: "measure"]?.trimmedOrNil else { return Measures.onTimeClosing }
        guard let m = Measures.named(raw) else { throw BadParameter("measure", expected: Measures.all.map(\.id).joined(separator: ", ")) }
        return m
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireMeasureReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("unit") }
        let measure = try measure(req)
        let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
        var model = try await query(on: req.db, unit: id, measure: measure, period: period, scope: v.scope, now: req.now, tallies: req.application.tallyCache)
        let repo = CaseController.repo(req)
        model.categories = try await repo.categories().filter(\.active)
        if let key = req.query[String.self, at: "category"]?.trimmedOrNil {
            model.points = try await points(repo, category: key, categories: model.categories, unit: model.unit, period: period, scope: v.scope, now: req.now)
        }
        let settings = req.application.mapSettings
        if settings.leafletInstalled { model.leaflet = LeafletMap(tiles: settings.tiles, attribution: settings.tileAttribution) }
        return Layout.response(req, KPIMapPages.page(model), title: L10n.t("kpimap.title", model.unit.name))
    }

    static func query(
        on db: any Database, unit id: UUID, measure: Measure, period: MeasurePeriod, scope: Scope, now: Date, tallies: TallyCache? = nil
    ) async throws -> Model {
        let repo = MeasureRepository(db, tallies: tallies)
        let unit = try await repo.unit(id, in: scope)
        let children = try await repo.children(of: unit, period).map { (unit: $0.unit, value: measure.value(from: $0.counts)) }
        return Model(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), period: period, measure: measure, children: children,
            scheme: ClassBreaks.scheme(for: measure, values: children.map(\.value)), today: SimpleDate(now))
    }
}

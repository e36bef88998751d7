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

        func placement(_ v: MeasureValue) -> ClassScheme.Placement { scheme.place(v.value, n: v.n) }
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
        let model = try await query(on: req.db, unit: id, measure: measure, period: period, scope: v.scope, now: req.now)
        return Layout.response(req, KPIMapPages.page(model), title: L10n.t("kpimap.title", model.unit.name))
    }

    static func query(on db: any Database, unit id: UUID, measure: Measure, period: MeasurePeriod, scope: Scope, now: Date) async throws -> Model {
        let repo = MeasureRepository(db)
        let unit = try await repo.unit(id, in: scope)
        let children = try await repo.children(of: unit, period).map { (unit: $0.unit, value: measure.value(from: $0.counts)) }
        return Model(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), period: period, measure: measure, children: children,
            scheme: ClassBreaks.scheme(for: measure, values: children.map(\.value)), today: SimpleDate(now))
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `GET /api/v1/measures?unit=&month=` or `&from=&to=`: every measure of a unit in scope for a
/// period, with its value, numerator, denominator, n and formula, read from the same roll-ups
/// and the same registry as the dashboard, so the numbers agree.
enum MeasuresAPI {
    struct Figure: Content {
        var id: String
        var name: String
        var formula: String
        /// Percent for rates, hours for times, a plain ratio for work per person; null when the denominator is 0.
        var value: Double?
        var unit: String
        var display: String
        var numerator: Int
        var denominator: Int
        var n: Int

        enum CodingKeys: String, CodingKey { case id, name, formula, value, unit, display, numerator, denominator, n }

        /// `value` is written as null when there is nothing to divide by, not left out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(formula, forKey: .formula)
            try c.encode(value, forKey: .value)
            try c.encode(unit, forKey: .unit)
            try c.encode(display, forKey: .display)
            try c.encode(numerator, forKey: .numerator)
            try c.encode(denominator, forKey: .denominator)
            try c.encode(n, forKey: .n)
        }
    }

    struct Answer: Content {
        var unit: UUID
        var unitName: String
        var level: String
        var from: String
        var to: String
        /// The months of the period that are frozen.
        var frozenMonths: [String]
        var measures: [Figure]
        /// The counters the measures are computed from.
        var counts: [String: Int]
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("measures") { req async throws -> Answer in
            let v = try req.requireMeasureReader()
            let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
            let repo = MeasureRepository(req.db)
            let unit: UnitRow
            if let raw = req.query[String.self, at: "unit"]?.trimmedOrNil {
                guard let id = UUID(uuidString: raw) else { throw BadParameter("unit", expected: "UUID") }
                unit = try await repo.unit(id, in: v.scope)
            } else {
                guard let root = try await UnitRepository(req.db).roots(in: v.scope).first else { throw StoreError.notFound("unit") }
                unit = root
            }
            let totals = try await repo.totals(unit.id, period)
            let months = Set(period.months.map(\.description))
            let frozen = try await repo.frozenMonths().map(\.month).filter { months.contains($0) }
            return Answer(
                unit: unit.id, unitName: unit.name, level: unit.level.rawValue, from: period.from.description, to: period.to.description,
                frozenMonths: frozen,
                measures: Measures.values(from: totals).map { v in
                    Figure(
                        id: v.measure.id, name: L10n.t(v.measure.nameKey), formula: L10n.t(v.measure.formulaKey), value: v.value,
                        unit: v.measure.kind.unitName, display: v.display, numerator: v.numerator, denominator: v.denominator, n: v.n)
                },
                counts: Dictionary(uniqueKeysWithValues: Tally.allCases.map { ($0.rawValue, totals[$0]) }))
        }
    }
}

extension Measure.Kind {
    /// What a measure's value is in, for programs reading the API.
    var unitName: String {
        switch self {
        case .rate: "percent"
        case .averageHours: "hours"
        case .ratio: "ratio"
        }
    }
}

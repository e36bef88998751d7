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
            let repo = MeasureRepository(req.db, tallies: req.application.tallyCache)
            let unit = try await repo.unit(try MeasureQuery.unit(req), in: v.scope)
            let totals = try await repo.totals(unit.id, period)
            let months = Set(period.months.map(\.description))
            let frozen = try await repo.frozenMonths().map(\.month).filter { months.contains($0) }
            return Answer(
                unit: unit.id, unitName: unit.name, level: unit.level.rawValue, from: period.from.description, to: period.to.description,
                frozenMonths: frozen,
                measures: Measures.values(from: totals).map(Figure.init),
                counts: Dictionary(uniqueKeysWithValues: Tally.allCases.map { ($0.rawValue, totals[$0]) }))
        }
        api.get("measures", "departments") { req async throws -> DepartmentsAnswer in
            let v = try req.requireDepartmentMeasureReader()
            let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
            let overview = try await DepartmentDashboardController.overview(
                on: req.db, unit: try MeasureQuery.unit(req), period: period, scope: v.scope, today: SimpleDate(req.now))
            // Rank (0 when 样本不足) and score by department, for those who may compare departments.
            var scores: [String: (rank: Int, score: Score)]?
            if let r = overview.ranking {
                var byKey: [String: (rank: Int, score: Score)] = [:]
                for (i, row) in r.ranked.enumerated() { byKey[row.id] = (i + 1, row.score) }
                for row in r.unranked { byKey[row.id] = (0, row.score) }
                scores = byKey
            }
            return DepartmentsAnswer(
                unit: overview.unit.id, unitName: overview.unit.name, from: period.from.description, to: period.to.description,
                departments: overview.figures.map { f in
                    let score = scores?[f.department.key]
                    return DepartmentsAnswer.Department(
                        key: f.department.key, name: f.department.nameZh, rank: score.flatMap { $0.rank > 0 ? $0.rank : nil }, score: score?.score.total,
                        measures: Measures.departmental.map { Figure($0.value(from: f.counts)) },
                        counts: Dictionary(uniqueKeysWithValues: Tally.perCase.map { ($0.rawValue, f.counts[$0]) }))
                })
        }
    }

    /// `GET /api/v1/measures/departments?unit=&month=`: each department's measures within a unit
    /// (a department's own account: its own departments only), with rank and score (得分制 of
    /// 及时签收率, 解决率, 满意率) for those who may compare departments; rank null when 样本不足.
    struct DepartmentsAnswer: Content {
        struct Department: Content {
            var key: String
            var name: String
            var rank: Int?
            var score: Double?
            var measures: [Figure]
            var counts: [String: Int]
        }
        var unit: UUID
        var unitName: String
        var from: String
        var to: String
        var departments: [Department]
    }
}

extension MeasuresAPI.Figure {
    init(_ v: MeasureValue) {
        self.init(
            id: v.measure.id, name: L10n.t(v.measure.nameKey), formula: L10n.t(v.measure.formulaKey), value: v.value,
            unit: v.measure.kind.unitName, display: v.display, numerator: v.numerator, denominator: v.denominator, n: v.n)
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

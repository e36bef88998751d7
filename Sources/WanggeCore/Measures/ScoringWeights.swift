import Foundation

/// The weights of the rankings as data: three named tables (得分制 and 扣分制 for grids and
/// communities, and the departments' 得分制), each kept in versions that take effect from a month.
/// A month is always scored with the version in effect for it, so an edit never rewrites a month
/// already scored: a new version may only start in the current month or later.
public enum ScoringWeights {
    /// The named tables.
    public enum Table: String, Sendable, CaseIterable, Codable {
        case points
        case deductions
        case departments

        public var nameKey: String { "weights.table.\(rawValue)" }

        /// What a table starts with (the seeded weights).
        public var seed: ScoringConfig {
            switch self {
            case .points: .standard
            case .deductions: .standardDeductions
            case .departments: .departments
            }
        }
    }

    /// The month the seeds take effect from: before any data.
    public static let seedMonth = MeasureMonth(year: 2000, month: 1)!

    /// 得分制 weights are points out of this total.
    public static let pointsTotal = 100.0
    /// The most one case may take off under 扣分制.
    public static let maxDeduction = 10.0
    public static let baseRange = 1.0...1000.0
    public static let minimumNRange = 1...10_000

    /// The rates a table may weigh: every rate of the registry.
    public static var weighable: [Measure] { Measures.all.filter { $0.kind == .rate } }

    /// One problem with a table of weights, named by its field.
    public struct Problem: Sendable, Equatable {
        public var field: String
        public var key: String
        public var args: [String]

        public init(_ field: String, _ key: String, _ args: [String] = []) {
            (self.field, self.key, self.args) = (field, key, args)
        }
    }

    /// What is wrong with `config` taking effect from `month` when today is in `current`: each rule
    /// a rate of the registry with points in range (得分制: above 0 and summing to 100; 扣分制: above
    /// 0 and at most 10 a case), a base in range, a minimum n in range, and a month not yet past.
    public static func problems(_ config: ScoringConfig, from month: MeasureMonth, current: MeasureMonth) -> [Problem] {
        var out: [Problem] = []
        if config.rules.isEmpty { out.append(Problem("rules", "weights.no_rules")) }
        for rule in config.rules {
            let field = "points.\(rule.measure)"
            guard weighable.contains(where: { $0.id == rule.measure }) else {
                out.append(Problem(field, "weights.not_a_rate", [rule.measure]))
                continue
            }
            let limit = config.mode == .points ? pointsTotal : maxDeduction
            if !(rule.points.isFinite && rule.points > 0 && rule.points <= limit) {
                out.append(Problem(field, "weights.points_range", [String(format: "%g", limit)]))
            }
        }
        if Set(config.rules.map(\.measure)).count != config.rules.count { out.append(Problem("rules", "weights.duplicate")) }
        if config.mode == .points, !config.rules.isEmpty {
            let sum = config.rules.reduce(0) { $0 + $1.points }
            if abs(sum - pointsTotal) > 1e-6 { out.append(Problem("rules", "weights.sum", [String(format: "%g", sum), String(format: "%g", pointsTotal)])) }
        }
        if config.mode == .deductions, !(config.base.isFinite && baseRange.contains(config.base)) {
            out.append(Problem("base", "weights.base_range", [String(format: "%g", baseRange.lowerBound), String(format: "%g", baseRange.upperBound)]))
        }
        if !minimumNRange.contains(config.minimumN) {
            out.append(Problem("minimum_n", "weights.minimum_n_range", [String(minimumNRange.lowerBound), String(minimumNRange.upperBound)]))
        }
        if month < current { out.append(Problem("effective_from", "weights.past_month", [current.description])) }
        return out
    }

    /// The version in effect for `month`: the latest that starts on or before it.
    public static func inEffect<V>(_ versions: [(from: MeasureMonth, value: V)], for month: MeasureMonth) -> V? {
        versions.filter { $0.from <= month }.max { $0.from < $1.from }?.value
    }
}

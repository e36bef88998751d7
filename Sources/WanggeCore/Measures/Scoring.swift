import Foundation

/// Assessment (A2): a score for a unit from its recorded counters only, with weights as data.
///
/// Two ways to score, both common in 网格化 assessment:
/// - 得分制 (`points`): each rule gives up to its points in proportion to the rate, taken at its
///   Wilson lower bound, so 7 of 7 on time is not worth more than 95 of 100 on time.
/// - 扣分制 (`deductions`): start from `base` and take off the rule's points for every case that
///   fell short (each case not closed on time, each unhappy rating, each case sent back), down to 0.
/// Below `minimumN` (the n of the first rule's measure) a unit is 样本不足 and gets no score.
public struct ScoringConfig: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable {
        case points
        case deductions
    }

    /// One line of the table of weights: a rate of the registry and its points.
    public struct Rule: Sendable, Hashable, Codable {
        public var measure: String
        public var points: Double

        public init(measure: String, points: Double) {
            self.measure = measure
            self.points = points
        }
    }

    public var mode: Mode
    public var rules: [Rule]
    /// 扣分制's starting score.
    public var base: Double
    public var minimumN: Int

    public init(mode: Mode, rules: [Rule], base: Double = 100, minimumN: Int = 10) {
        self.mode = mode
        self.rules = rules
        self.base = base
        self.minimumN = minimumN
    }

    /// The seeded weights (得分制, 100 points): 按期结案率 40, 满意率 30, 返工率 20, 响应率 10.
    public static let standard = ScoringConfig(
        mode: .points,
        rules: [
            Rule(measure: Measures.onTimeClosing.id, points: 40), Rule(measure: Measures.satisfaction.id, points: 30),
            Rule(measure: Measures.rework.id, points: 20), Rule(measure: Measures.response.id, points: 10),
        ])

    /// The seeded deductions (扣分制, from 100): each case not closed on time −0.5, each unhappy
    /// rating −1, each case sent back after 核查 −1, each report not responded to in time −0.2.
    public static let standardDeductions = ScoringConfig(
        mode: .deductions,
        rules: [
            Rule(measure: Measures.onTimeClosing.id, points: 0.5), Rule(measure: Measures.satisfaction.id, points: 1),
            Rule(measure: Measures.rework.id, points: 1), Rule(measure: Measures.response.id, points: 0.2),
        ])

    /// Rules must name rates of the registry with points above zero; the problem names the rule.
    public func problems() -> [String] {
        var out: [String] = []
        if rules.isEmpty { out.append("rules") }
        for r in rules {
            guard let m = Measures.named(r.measure), m.kind == .rate else {
                out.append(r.measure)
                continue
            }
            if !(r.points > 0 && r.points.isFinite) { out.append(r.measure) }
        }
        return out
    }
}

/// A unit's score and what it rests on.
public struct Score: Sendable, Hashable {
    /// One rule's part of the score.
    public struct Part: Sendable, Hashable {
        public var measure: Measure
        public var value: MeasureValue
        /// 得分制: the share of the good outcome at its Wilson lower bound (0…1); 扣分制: the cases that fell short.
        public var basis: Double
        /// Points given (得分制) or taken off (扣分制).
        public var points: Double
    }

    /// Nil when the unit is 样本不足 (n below the minimum).
    public var total: Double?
    /// The n the minimum is checked on (the first rule's measure).
    public var n: Int
    public var parts: [Part]

    public var isRanked: Bool { total != nil }
}

public enum Scoring {
    /// z for a 95 % interval.
    public static let z = 1.96

    /// Wilson score interval's lower bound for `successes` of `n` (0 when n is 0).
    public static func wilsonLower(successes: Int, of n: Int, z: Double = z) -> Double {
        guard n > 0 else { return 0 }
        let nn = Double(n), p = Double(min(max(successes, 0), n)) / nn, z2 = z * z
        let centre = p + z2 / (2 * nn)
        let spread = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return max(0, (centre - spread) / (1 + z2 / nn))
    }

    /// The good outcomes and the cases a rate rests on: for a rate where lower is better (返工率)
    /// the good outcome is the complement (cases not sent back).
    static func outcome(_ v: MeasureValue) -> (good: Int, of: Int) {
        let den = max(v.denominator, 0), num = min(max(v.numerator, 0), den)
        return v.measure.direction == .lowerIsBetter ? (den - num, den) : (num, den)
    }

    /// Score one unit's counters under `config`.
    public static func score(_ counts: TallyCounts, config: ScoringConfig) -> Score {
        var parts: [Score.Part] = []
        for rule in config.rules {
            guard let m = Measures.named(rule.measure), m.kind == .rate else { continue }
            let v = m.value(from: counts)
            let (good, of) = outcome(v)
            switch config.mode {
            case .points:
                let share = wilsonLower(successes: good, of: of)
                parts.append(.init(measure: m, value: v, basis: share, points: rule.points * share))
            case .deductions:
                let short = Double(of - good)
                parts.append(.init(measure: m, value: v, basis: short, points: rule.points * short))
            }
        }
        let n = parts.first?.value.n ?? 0
        guard !parts.isEmpty, n >= config.minimumN else { return Score(total: nil, n: n, parts: parts) }
        let sum = parts.reduce(0) { $0 + $1.points }
        let total = config.mode == .points ? sum : max(0, config.base - sum)
        return Score(total: (total * 100).rounded() / 100, n: n, parts: parts)
    }

    /// Units ranked by score, best first (ties by name); those 样本不足 are returned apart, unranked.
    public static func rank<ID: Hashable>(_ units: [(id: ID, name: String, counts: TallyCounts)], config: ScoringConfig) -> (
        ranked: [(id: ID, name: String, score: Score)], unranked: [(id: ID, name: String, score: Score)]
    ) {
        let scored = units.map { (id: $0.id, name: $0.name, score: score($0.counts, config: config)) }
        // The order is found on plain arrays of totals and names: sorting the tuples themselves moves
        // them through their generic value witnesses (a ranking's 1,100 units: 5 % of the page).
        let totals = scored.map { $0.score.total ?? 0 }, names = scored.map(\.name)
        let order = scored.indices.filter { scored[$0].score.isRanked }.sorted { i, j in
            totals[i] != totals[j] ? totals[i] > totals[j] : names[i] < names[j]
        }
        return (order.map { scored[$0] }, scored.filter { !$0.score.isRanked })
    }

    /// The monthly 红黑榜 of `count` ranked units (best first): the top and the bottom, at most
    /// `size` each and never the same unit on both (with 3 units: two red, one black).
    public static func boards(count: Int, size: Int = 5) -> (red: Range<Int>, black: Range<Int>) {
        let red = min(size, (count + 1) / 2), black = min(size, count / 2)
        return (0..<red, (count - black)..<count)
    }
}

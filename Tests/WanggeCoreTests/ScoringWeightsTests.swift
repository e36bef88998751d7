import Foundation
import Testing
@testable import WanggeCore

@Suite("Weights as data: the checks on a table and the version in effect for a month")
struct ScoringWeightsTests {
    static let november = MeasureMonth(year: 2026, month: 11)!

    static func keys(_ c: ScoringConfig, from month: MeasureMonth = november) -> [String] {
        ScoringWeights.problems(c, from: month, current: november).map { "\($0.field):\($0.key)" }
    }

    @Test("the seeds pass; sums, ranges, rates only, and no month gone by")
    func problems() {
        for t in ScoringWeights.Table.allCases { #expect(Self.keys(t.seed).isEmpty, "\(t)") }
        var c = ScoringConfig.standard
        c.rules[0].points = 30  // 30 + 30 + 20 + 10 = 90
        #expect(Self.keys(c) == ["rules:weights.sum"])
        #expect(Self.keys(.standard, from: Self.november.previous) == ["effective_from:weights.past_month"])
        #expect(Self.keys(.standard, from: Self.november.next).isEmpty, "a later month is fine")
        var d = ScoringConfig.standardDeductions
        d.rules[0].points = 11
        d.base = 0
        d.minimumN = 0
        #expect(
            Set(Self.keys(d))
                == ["points.on_time_closing:weights.points_range", "base:weights.base_range", "minimum_n:weights.minimum_n_range"])
        let notRate = ScoringConfig(mode: .points, rules: [.init(measure: "workload", points: 100)])
        #expect(Self.keys(notRate) == ["points.workload:weights.not_a_rate"])
        let twice = ScoringConfig(mode: .points, rules: [.init(measure: "rework", points: 50), .init(measure: "rework", points: 50)])
        #expect(Self.keys(twice) == ["rules:weights.duplicate"])
        #expect(Self.keys(ScoringConfig(mode: .points, rules: [])) == ["rules:weights.no_rules"])
        // The coverage measures may be weighed like any rate.
        let visits = ScoringConfig(mode: .points, rules: [.init(measure: "on_time_closing", points: 80), .init(measure: "visit_coverage", points: 20)])
        #expect(Self.keys(visits).isEmpty)
    }

    @Test("a month is scored with the latest version that starts on or before it")
    func inEffect() {
        let versions = [(from: ScoringWeights.seedMonth, value: "seed"), (from: Self.november.next, value: "december")]
        #expect(ScoringWeights.inEffect(versions, for: Self.november) == "seed")
        #expect(ScoringWeights.inEffect(versions, for: Self.november.next) == "december")
        #expect(ScoringWeights.inEffect(versions, for: Self.november.next.next) == "december")
        #expect(ScoringWeights.inEffect(versions, for: MeasureMonth(year: 1999, month: 12)!) == nil)
    }
}

import Foundation
import Testing
import WanggeCore

/// The map's classes and the assessment's scores against figures worked out by hand.
@Suite("Map classes and scores")
struct ClassBreaksScoringTests {
    @Test("Fixed rate bands: < 80, 80–90, 90–95, ≥ 95; an edge opens the upper class")
    func bands() {
        let s = ClassScheme(method: .bands, breaks: ClassBreaks.rateBands, minimumN: 10)
        #expect(s.classCount == 4)
        #expect(s.classIndex(79.9) == 0)
        #expect(s.classIndex(80) == 1)
        #expect(s.classIndex(89.99) == 1)
        #expect(s.classIndex(90) == 2)
        #expect(s.classIndex(95) == 3)
        #expect(s.classIndex(100) == 3)
        #expect(s.range(of: 0).lower == nil && s.range(of: 0).upper == 80)
        #expect(s.range(of: 3).lower == 95 && s.range(of: 3).upper == nil)
        #expect(s.place(97, n: 10) == .inClass(3))
        #expect(s.place(97, n: 9) == .insufficient)
        #expect(s.place(nil, n: 50) == .insufficient)
    }

    @Test("Quartiles of 1…8 split 1 2 | 3 4 | 5 6 | 7 8")
    func quartiles() {
        #expect(ClassBreaks.quantiles([8, 1, 7, 2, 6, 3, 5, 4], classes: 4) == [3, 5, 7])
        let s = ClassScheme(method: .quantiles, breaks: [3, 5, 7])
        #expect([1.0, 2, 3, 4, 5, 6, 7, 8].map(s.classIndex) == [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test("Ties stay in one class; all-equal values and no values make one class")
    func ties() {
        // Sorted 1 1 1 1 2 2 3 4: positions 2, 4, 6 hold 1, 2, 3; the edge 1 equals the smallest and is dropped.
        #expect(ClassBreaks.quantiles([1, 1, 1, 1, 2, 2, 3, 4], classes: 4) == [2, 3])
        #expect(ClassBreaks.quantiles([5, 5, 5], classes: 4).isEmpty)
        #expect(ClassBreaks.quantiles([], classes: 4).isEmpty)
        #expect(ClassBreaks.quantiles([2, 1], classes: 4) == [2])
        #expect(ClassScheme(method: .quantiles, breaks: []).classCount == 1)
    }

    @Test("Household steps: 3,303 and 3,231 fall in the same class")
    func steps() {
        // max 3,303 over 5 classes: 660.6 a class, rounded up to 1,000; edges 1,000 2,000 3,000.
        let edges = ClassBreaks.steps(max: 3303, classes: 5)
        #expect(edges == [1000, 2000, 3000])
        let s = ClassScheme(method: .steps, breaks: edges)
        #expect(s.classIndex(3303) == s.classIndex(3231))
        #expect(s.classIndex(999) == 0)
        // max 90 over 5: 18 rounds up to 20; edges 20 40 60 80.
        #expect(ClassBreaks.steps(max: 90, classes: 5) == [20, 40, 60, 80])
        #expect(ClassBreaks.steps(max: 0, classes: 5).isEmpty)
    }

    @Test("Rates where higher is better get the fixed bands; returns and hours get quartiles over units with enough n")
    func schemeChoice() {
        #expect(ClassBreaks.scheme(for: Measures.onTimeClosing, values: []).method == .bands)
        func rework(_ reworked: Int, _ due: Int) -> MeasureValue { Measures.rework.value(from: TallyCounts([.reworked: reworked, .due: due])) }
        // 1/10, 2/10, 3/10, 4/10 measured; 0/5 too few. Sorted 10 20 30 40 → edges at positions 1, 2, 3.
        let s = ClassBreaks.scheme(for: Measures.rework, values: [rework(1, 10), rework(2, 10), rework(3, 10), rework(4, 10), rework(0, 5)])
        #expect(s.method == .quantiles)
        #expect(s.breaks == [20, 30, 40])
        #expect(Measures.rework.direction == .lowerIsBetter)
        #expect(Measures.workload.direction == .neutral)
    }

    /// 20 cases due, none suspended, 18 closed on time, 2 sent back, all 20 responded in time; 10 rated, 9 satisfied.
    static let counts = TallyCounts([
        .reported: 20, .due: 20, .closed: 20, .closedOnTime: 18, .reworked: 2, .respondedOnTime: 20, .responded: 20, .rated: 10, .satisfied: 9,
    ])

    @Test("Wilson lower bounds by hand")
    func wilson() {
        // 9 of 10: (0.9 + 0.19208 − 1.96·√(0.009 + 0.009604)) ÷ 1.38416 = 0.59584
        #expect(abs(Scoring.wilsonLower(successes: 9, of: 10) - 0.59584) < 0.00001)
        // 18 of 20: (0.9 + 0.09604 − 1.96·√(0.0045 + 0.002401)) ÷ 1.19208 = 0.69896
        #expect(abs(Scoring.wilsonLower(successes: 18, of: 20) - 0.69896) < 0.00001)
        // 20 of 20: (1 + 0.09604 − 0.09604) ÷ 1.19208 = 0.83887 — a perfect record of 20 is not 100 %.
        #expect(abs(Scoring.wilsonLower(successes: 20, of: 20) - 0.83887) < 0.00001)
        #expect(Scoring.wilsonLower(successes: 0, of: 0) == 0)
        #expect(Scoring.wilsonLower(successes: 7, of: 7) < Scoring.wilsonLower(successes: 95, of: 100))
    }

    @Test("得分制: 40·0.69896 + 30·0.59584 + 20·0.69896 + 10·0.83887 = 68.20")
    func points() {
        let s = Scoring.score(Self.counts, config: .standard)
        #expect(s.total == 68.20)
        #expect(s.n == 20)
        #expect(s.parts.map(\.measure.id) == ["on_time_closing", "satisfaction", "rework", "response"])
        // 返工率 2 of 20 scores its complement, 18 of 20 not sent back.
        #expect(abs(s.parts[2].basis - 0.69896) < 0.00001)
    }

    @Test("扣分制: 100 − 2·0.5 − 1·1 − 2·1 − 0·0.2 = 96")
    func deductions() {
        let s = Scoring.score(Self.counts, config: .standardDeductions)
        #expect(s.total == 96)
        #expect(s.parts.map(\.basis) == [2, 1, 2, 0])
        var many = Self.counts
        many[.reworked] = 20
        many[.due] = 20
        let floor = Scoring.score(many, config: ScoringConfig(mode: .deductions, rules: [.init(measure: "rework", points: 10)]))
        #expect(floor.total == 0)
    }

    @Test("Units with n below the minimum are not scored or ranked; ties rank by name")
    func smallN() {
        let seven = TallyCounts([.due: 7, .closedOnTime: 7, .closed: 7, .reported: 7, .respondedOnTime: 7, .rated: 7, .satisfied: 7])
        #expect(Scoring.score(seven, config: .standard).total == nil)
        #expect(Scoring.score(seven, config: .standard).n == 7)
        let r = Scoring.rank([(id: 1, name: "B", counts: Self.counts), (id: 2, name: "A", counts: Self.counts), (id: 3, name: "C", counts: seven)], config: .standard)
        #expect(r.ranked.map(\.id) == [2, 1])
        #expect(r.unranked.map(\.id) == [3])
    }

    @Test("Weights must name rates of the registry with points above zero")
    func problems() {
        #expect(ScoringConfig.standard.problems().isEmpty)
        #expect(ScoringConfig(mode: .points, rules: [.init(measure: "workload", points: 5), .init(measure: "closing", points: 0)]).problems() == ["workload", "closing"])
        #expect(ScoringConfig(mode: .points, rules: []).problems() == ["rules"])
    }

    @Test("红黑榜: at most five each, never the same unit on both")
    func boards() {
        #expect(Scoring.boards(count: 12).red == 0..<5)
        #expect(Scoring.boards(count: 12).black == 7..<12)
        #expect(Scoring.boards(count: 3).red == 0..<2)
        #expect(Scoring.boards(count: 3).black == 2..<3)
        #expect(Scoring.boards(count: 1).black.isEmpty)
        #expect(Scoring.boards(count: 0).red.isEmpty)
    }
}

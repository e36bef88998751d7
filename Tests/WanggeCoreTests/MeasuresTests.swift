import Foundation
import Testing
import WanggeCore

/// The registry of measures against figures worked out by hand from a small set of cases.
@Suite("Measures: counters per case and the figures computed from them")
struct MeasuresTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static func h(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    /// Seven cases, each reported at t0 with a 2 h response and a 24 h resolve limit:
    /// A closed on time, solved, rated 满意, called back, responded after 1 h;
    /// B closed late (30 h), solved, rated 不满意, called back, responded late (3 h);
    /// C suspended (缓办), responded after 1 h;
    /// D rejected (不予受理) after 0.5 h;
    /// E closed as unsolvable after 10 h, once sent back after a failed 核查, responded after 1 h;
    /// F dispatched again after two failed 核查, responded after 1.5 h;
    /// G still waiting, not responded.
    static let cases: [CaseFacts] = [
        CaseFacts(
            state: .calledBack, outcome: .solved, rating: .satisfied, reportedAt: t0, respondedAt: h(1), respondBy: h(2), closedAt: h(20), resolveBy: h(24)),
        CaseFacts(
            state: .calledBack, outcome: .solved, rating: .dissatisfied, reportedAt: t0, respondedAt: h(3), respondBy: h(2), closedAt: h(30),
            resolveBy: h(24)),
        CaseFacts(state: .suspended, reportedAt: t0, respondedAt: h(1), respondBy: h(2), resolveBy: h(24)),
        CaseFacts(state: .rejected, outcome: .rejected, reportedAt: t0, respondedAt: h(0.5), respondBy: h(2), resolveBy: h(24)),
        CaseFacts(
            state: .closed, outcome: .unsolvable, reportedAt: t0, respondedAt: h(1), respondBy: h(2), closedAt: h(10), resolveBy: h(24), reworkCount: 1),
        CaseFacts(state: .dispatched, reportedAt: t0, respondedAt: h(1.5), respondBy: h(2), resolveBy: h(24), reworkCount: 2),
        CaseFacts(state: .reported, reportedAt: t0, respondBy: h(2), resolveBy: h(24)),
    ]

    static var totals: TallyCounts {
        var t = cases.map(CaseTallies.counts(of:)).reduce(TallyCounts(), +)
        // Two handovers: one signed after 1 h, one after 3 h.
        t += CaseTallies.counts(ofStep: StepFacts(action: .dispatch, from: .accepted, to: .dispatched, at: h(1)))
        t += CaseTallies.counts(ofStep: StepFacts(action: .signFor, from: .dispatched, to: .signedFor, at: h(2), handedOverAt: h(1)))
        t += CaseTallies.counts(ofStep: StepFacts(action: .returnForRework, from: .handled, to: .dispatched, at: h(5)))
        t += CaseTallies.counts(ofStep: StepFacts(action: .signFor, from: .dispatched, to: .signedFor, at: h(8), handedOverAt: h(5)))
        // Supervising a dispatched case hands nothing over.
        t += CaseTallies.counts(ofStep: StepFacts(action: .supervise, from: .dispatched, to: .dispatched, at: h(9)))
        t[.workSteps] = 10
        t[.workers] = 4
        return t
    }

    @Test("the counters of the seven cases, counted by hand")
    func counters() {
        let t = Self.totals
        let expected: [Tally: Int] = [
            .reported: 7, .due: 6, .suspended: 1, .closed: 3, .closedOnTime: 2, .solved: 2, .reworked: 2, .responded: 6,
            .respondedOnTime: 5, .responseSeconds: 8 * 3600, .resolutionSeconds: 60 * 3600, .rated: 2, .satisfied: 1, .calledBack: 2,
            .handovers: 2, .signedOnTime: 1, .workSteps: 10, .workers: 4,
        ]
        for tally in Tally.allCases { #expect(t[tally] == expected[tally] ?? 0, "\(tally)") }
    }

    @Test("each measure from the counters: value, numerator, denominator and n")
    func figures() {
        let values = Dictionary(uniqueKeysWithValues: Measures.values(from: Self.totals).map { ($0.measure.id, $0) })
        func check(_ m: Measure, _ num: Int, _ den: Int, _ n: Int, _ display: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let v = values[m.id]
            #expect(v?.numerator == num && v?.denominator == den && v?.n == n, "\(m.id)", sourceLocation: sourceLocation)
            #expect(v?.display == display, "\(m.id)", sourceLocation: sourceLocation)
        }
        // 缓办 leaves the denominator: 2 ÷ (6 − 1), not 2 ÷ 6.
        check(Measures.onTimeClosing, 2, 5, 6, "40.0 %")
        check(Measures.closing, 3, 5, 6, "60.0 %")
        check(Measures.rework, 2, 6, 6, "33.3 %")
        check(Measures.response, 5, 7, 7, "71.4 %")
        check(Measures.signing, 1, 2, 2, "50.0 %")
        check(Measures.solving, 2, 3, 3, "66.7 %")
        check(Measures.satisfaction, 1, 2, 2, "50.0 %")
        check(Measures.callback, 2, 3, 3, "66.7 %")
        check(Measures.responseTime, 8 * 3600, 6, 6, "1.3 小时")
        check(Measures.resolutionTime, 60 * 3600, 3, 3, "20.0 小时")
        check(Measures.workload, 10, 4, 4, "2.5")
        #expect(abs((values["on_time_closing"]?.value ?? 0) - 40) < 1e-9)
    }

    @Test("register and visit coverage from the registers' counts, by hand")
    func coverage() {
        // 12 households: 10 placed in grids (8 with people registered), 2 in no grid; 4 of the 10 visited this half-year.
        let t = TallyCounts([.households: 12, .householdsInGrids: 10, .householdsWithPeople: 8, .householdsVisited: 4])
        let register = Measures.registerCoverage.value(from: t), visit = Measures.visitCoverage.value(from: t)
        #expect(register.numerator == 8 && register.denominator == 12 && register.n == 12 && register.display == "66.7 %")
        #expect(visit.numerator == 4 && visit.denominator == 10 && visit.n == 10 && visit.display == "40.0 %")
        #expect(Measures.visitCoverage.direction == .higherIsBetter && Measures.registerCoverage.kind == .rate)
        // Not kept per case: no roll-up column, and a case adds nothing to them.
        #expect(Tally.fromRegisters.allSatisfy { !Tally.perCase.contains($0) })
        let none = Measures.visitCoverage.value(from: TallyCounts([.households: 3]))
        #expect(none.value == nil && none.display == "—" && none.n == 0)
    }

    @Test("a period with no cases: every figure is — with n = 0, never a division by zero or 0 %")
    func empty() {
        for v in Measures.values(from: TallyCounts()) {
            #expect(v.value == nil && v.display == "—" && v.n == 0 && v.numerator == 0 && v.denominator == 0, "\(v.measure.id)")
        }
        // Everything suspended: the closing rates have nothing left to divide by.
        var t = TallyCounts()
        t[.reported] = 2
        t[.due] = 2
        t[.suspended] = 2
        #expect(Measures.onTimeClosing.value(from: t).display == "—")
        #expect(Measures.onTimeClosing.value(from: t).n == 2)
    }

    @Test("a step changes the counters by the difference of the case before and after")
    func stepDelta() {
        let open = CaseFacts(state: .handled, reportedAt: Self.t0, respondedAt: Self.h(1), respondBy: Self.h(2), resolveBy: Self.h(24))
        var returned = open
        returned.state = .dispatched
        returned.reworkCount = 1
        let delta = CaseTallies.counts(of: returned) - CaseTallies.counts(of: open)
        #expect(delta == TallyCounts([.reworked: 1]))
        // Reopening a closed case takes it out of 结案 again.
        let closed = CaseFacts(
            state: .closed, outcome: .solved, reportedAt: Self.t0, respondedAt: Self.h(1), respondBy: Self.h(2), closedAt: Self.h(3), resolveBy: Self.h(24))
        var reopened = closed
        reopened.state = .accepted
        reopened.outcome = nil
        reopened.closedAt = nil
        let back = CaseTallies.counts(of: reopened) - CaseTallies.counts(of: closed)
        #expect(back == TallyCounts([.closed: -1, .closedOnTime: -1, .solved: -1, .resolutionSeconds: -3 * 3600]))
    }

    @Test("months, periods and the automatic freeze")
    func periods() throws {
        let october = try #require(MeasureMonth("2026-10"))
        #expect(october.period.days == 31 && october.next.description == "2026-11" && october.previous.description == "2026-09")
        #expect(MeasureMonth("2026-13") == nil && MeasureMonth("2026-1") == nil)
        let december = try #require(MeasureMonth("2026-12"))
        #expect(december.next.description == "2027-01")
        // October freezes on 6 November 00:00 China time (five days after it ends).
        #expect(ChinaTime.format(MeasureFreeze.automatic(october)) == "2026-11-06 00:00:00")
        #expect(!MeasureFreeze.isFrozenByRule(october, now: MeasureFreeze.automatic(october).addingTimeInterval(-1)))
        #expect(MeasureFreeze.isFrozenByRule(october, now: MeasureFreeze.automatic(october)))
        let range = try #require(MeasurePeriod(from: SimpleDate(iso: "2026-10-30")!, to: SimpleDate(iso: "2026-11-02")!))
        #expect(range.days == 4 && range.months.map(\.description) == ["2026-10", "2026-11"] && range.month == nil)
        #expect(october.period.month == october)
        #expect(MeasurePeriod(from: SimpleDate(iso: "2026-11-02")!, to: SimpleDate(iso: "2026-10-30")!) == nil)
    }

    @Test("a period cut into whole months and the days around them, for the coarse roll-ups")
    func periodParts() throws {
        func cut(_ from: String, _ to: String) throws -> String {
            let p = try #require(MeasurePeriod(from: SimpleDate(iso: from)!, to: SimpleDate(iso: to)!))
            let months = p.parts.months.map { "\($0.lowerBound)…\($0.upperBound)" } ?? "-"
            return ([months] + p.parts.days.map { "\($0.from)~\($0.to)" }).joined(separator: " ")
        }
        #expect(try cut("2026-11-01", "2026-11-30") == "2026-11…2026-11")
        #expect(try cut("2026-11-02", "2026-11-30") == "- 2026-11-02~2026-11-30")
        #expect(try cut("2026-11-01", "2026-11-29") == "- 2026-11-01~2026-11-29")
        #expect(try cut("2026-11-05", "2026-11-05") == "- 2026-11-05~2026-11-05")
        #expect(try cut("2026-10-30", "2026-11-02") == "- 2026-10-30~2026-11-02")
        #expect(try cut("2026-10-30", "2026-12-31") == "2026-11…2026-12 2026-10-30~2026-10-31")
        #expect(try cut("2026-01-01", "2026-03-15") == "2026-01…2026-02 2026-03-01~2026-03-15")
        #expect(try cut("2025-12-31", "2027-01-01") == "2026-01…2026-12 2025-12-31~2025-12-31 2027-01-01~2027-01-01")
        #expect(try cut("2024-02-01", "2024-02-29") == "2024-02…2024-02")
    }

    @Test("every measure and counter has its name and formula in the table")
    func strings() {
        for m in Measures.all {
            #expect(L10n.has(m.nameKey) && L10n.has(m.formulaKey), "\(m.id)")
        }
        for t in Tally.allCases { #expect(L10n.has(t.nameKey), "\(t)") }
        #expect(Set(Measures.all.map(\.id)).count == Measures.all.count)
    }
}

import Foundation
import Testing

@testable import WanggeCore

@Suite("Participation in assessment and 党员中心户 rules: measures from hand-counted counters, weighable, checked input")
struct ParticipationMeasuresTests {
    @Test("the three participation measures from counters counted by hand: value, n and — when nothing is counted")
    func measures() {
        // 12 members registered, 9 of them served; 40 orders rated, 35 satisfied or basically satisfied; 25 volunteers, 6 served.
        let t = TallyCounts([.partyMembers: 12, .partyMembersServing: 9, .marketRated: 40, .marketSatisfied: 35, .volunteers: 25, .volunteersActive: 6])
        let service = Measures.partyService.value(from: t), market = Measures.marketSatisfaction.value(from: t)
        let volunteers = Measures.volunteerParticipation.value(from: t)
        #expect(service.numerator == 9 && service.denominator == 12 && service.n == 12 && service.display == "75.0 %")
        #expect(market.numerator == 35 && market.denominator == 40 && market.n == 40 && market.display == "87.5 %")
        #expect(volunteers.numerator == 6 && volunteers.denominator == 25 && volunteers.n == 25 && volunteers.display == "24.0 %")
        for m in [Measures.partyService, Measures.marketSatisfaction, Measures.volunteerParticipation] {
            #expect(m.direction == .higherIsBetter && m.kind == .rate)
            #expect(L10n.has(m.nameKey) && L10n.has(m.formulaKey))
            let none = m.value(from: TallyCounts())
            #expect(none.value == nil && none.display == "—" && none.n == 0)
        }
        // Not kept per case: no roll-up column for them, and the registers' counters stay apart.
        #expect(Tally.fromParticipation.allSatisfy { !Tally.perCase.contains($0) && !Tally.fromRegisters.contains($0) && L10n.has($0.nameKey) })
    }

    @Test("weighable: a 得分制 table may give them points (summing to 100); the seeded tables stay valid without them")
    func weighable() {
        let ids = ScoringWeights.weighable.map(\.id)
        #expect(ids.contains("party_service") && ids.contains("market_satisfaction") && ids.contains("volunteer_participation"))
        let current = MeasureMonth(year: 2026, month: 11)!
        for table in ScoringWeights.Table.allCases {
            #expect(ScoringWeights.problems(table.seed, from: current, current: current).isEmpty, "\(table)")
        }
        let config = ScoringConfig(
            mode: .points,
            rules: [
                .init(measure: "on_time_closing", points: 40), .init(measure: "satisfaction", points: 30), .init(measure: "party_service", points: 20),
                .init(measure: "market_satisfaction", points: 10),
            ], minimumN: 1)
        #expect(ScoringWeights.problems(config, from: current, current: current).isEmpty)
        // Scored by hand: on time 0 of 0 → 0; satisfaction 0 of 0 → 0; party 12 of 12 at its Wilson lower bound; market 35 of 40.
        let t = TallyCounts([.due: 1, .partyMembers: 12, .partyMembersServing: 12, .marketRated: 40, .marketSatisfied: 35])
        let score = Scoring.score(t, config: config)
        let party = Scoring.wilsonLower(successes: 12, of: 12), market = Scoring.wilsonLower(successes: 35, of: 40)
        #expect(abs((score.total ?? -1) - ((20 * party + 10 * market) * 100).rounded() / 100) < 1e-9)
        #expect(abs(party - 0.7575) < 0.001, "12 of 12 is worth about 75.8 %, not 100 %")
    }

    @Test("党员中心户 input: numbers split on any separator; one to ten neighbours, none twice, not itself; each problem names its field")
    func centralRules() throws {
        #expect(CentralHouseholdRules.numbers(" H1，H2、H3;H4 H5\nH6 ") == ["H1", "H2", "H3", "H4", "H5", "H6"])
        let ok = try CentralHouseholdRules.check(member: " 李建华 ", household: " H0 ", neighbours: "H1,H2")
        #expect(ok.member == "李建华" && ok.household == "H0" && ok.neighbours == ["H1", "H2"])
        func problem(_ member: String, _ household: String, _ neighbours: String) -> OpennessProblem? {
            do {
                _ = try CentralHouseholdRules.check(member: member, household: household, neighbours: neighbours)
                return nil
            } catch { return error }
        }
        #expect(problem("", "H0", "H1")?.field == "member")
        #expect(problem("李", " ", "H1")?.field == "household")
        #expect(problem("李", "H0", " , ")?.messageKey == "central.neighbours_required")
        #expect(problem("李", "H0", (1...11).map { "H\($0)" }.joined(separator: ","))?.messageKey == "central.too_many")
        #expect(problem("李", "H0", (1...10).map { "H\($0)" }.joined(separator: ",")) == nil, "ten is still a few")
        #expect(problem("李", "H0", "H1,H1")?.messageKey == "central.repeated")
        #expect(problem("李", "H0", "H1,H0")?.messageKey == "central.self")
        #expect(problem(String(repeating: "李", count: 21), "H0", "H1")?.field == "member")
    }
}

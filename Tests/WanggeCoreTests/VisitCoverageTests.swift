import Foundation
import Testing
import WanggeCore

@Suite("Home visits: the coverage rule, the due list and the counts")
struct VisitCoverageTests {
    static func d(_ s: String) -> SimpleDate { SimpleDate(iso: s)! }
    static let today = d("2026-11-30")
    static let gridA = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let gridB = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!

    static func h(_ n: Int, _ grid: UUID, _ building: String, _ room: String, _ last: String?, _ care: CareFrequency? = nil) -> HouseholdVisitFacts {
        HouseholdVisitFacts(
            householdID: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!, number: "H\(n)", gridID: grid,
            building: building, room: room, lastVisit: last.map(d), careEvery: care)
    }

    /// Ten households worked out by hand for 30 November 2026 (second half-year: 1 July–31 December;
    /// the previous one 1 January–30 June 2026).
    static let fixture: [HouseholdVisitFacts] = [
        h(1, gridA, "1栋", "101", "2026-09-10"),  // visited this half
        h(2, gridA, "1栋", "102", "2026-03-05"),  // due: last in the previous half
        h(3, gridA, "2栋", "201", "2025-11-20"),  // overdue: missed the whole first half
        h(4, gridA, "1栋", "301", nil),  // overdue: never visited
        h(5, gridA, "2栋", "101", "2026-11-25", .weekly),  // weekly, next on 2 December: visited, next due by the care rule
        h(6, gridA, "2栋", "102", "2026-11-20", .weekly),  // weekly, next on 27 November: due
        h(7, gridB, "3栋", "101", "2026-10-01", .monthly),  // monthly: 31 October due, 30 November overdue
        h(8, gridB, "3栋", "102", "2026-07-01"),  // the first day of the half counts
        h(9, gridB, "3栋", "103", "2026-06-30"),  // the last day of the previous half: due
        h(10, gridB, "3栋", "104", "2025-12-31", .quarterly),  // overdue both ways; the care rule's day is earlier
    ]

    static func numbers(_ list: [VisitDue]) -> [String] { list.map(\.facts.number) }

    @Test("half-years run 1 January–30 June and 1 July–31 December")
    func halfYears() {
        #expect(VisitCoverage.halfYear(containing: Self.d("2026-06-30")) == (Self.d("2026-01-01"), Self.d("2026-06-30")))
        #expect(VisitCoverage.halfYear(containing: Self.d("2026-07-01")) == (Self.d("2026-07-01"), Self.d("2026-12-31")))
        #expect(VisitCoverage.previousHalfYear(before: Self.d("2026-01-15")) == (Self.d("2025-07-01"), Self.d("2025-12-31")))
        #expect(VisitCoverage.previousHalfYear(before: Self.d("2026-11-30")) == (Self.d("2026-01-01"), Self.d("2026-06-30")))
    }

    @Test("day arithmetic crosses months, leap days and years")
    func days() {
        #expect(Self.d("1970-01-01").dayNumber == 0)
        #expect(Self.d("2000-03-01").dayNumber == 11017)
        #expect(Self.d("2024-02-28").adding(days: 1) == Self.d("2024-02-29"))
        #expect(Self.d("2024-02-28").adding(days: 2) == Self.d("2024-03-01"))
        #expect(Self.d("2025-12-31").adding(days: 91) == Self.d("2026-04-01"))
        #expect(Self.d("2026-01-01").adding(days: -1) == Self.d("2025-12-31"))
    }

    @Test("each fixture household's status, deciding rule and day, as worked out by hand")
    func statuses() {
        let expected: [(VisitStatus, CareFrequency?, String)] = [
            (.visited, nil, "2027-06-30"),
            (.due, nil, "2026-12-31"),
            (.overdue, nil, "2026-06-30"),
            (.overdue, nil, "2026-06-30"),
            (.visited, .weekly, "2026-12-02"),
            (.due, .weekly, "2026-11-27"),
            (.overdue, .monthly, "2026-10-31"),
            (.visited, nil, "2027-06-30"),
            (.due, nil, "2026-12-31"),
            (.overdue, .quarterly, "2026-04-01"),
        ]
        for (facts, want) in zip(Self.fixture, expected) {
            let got = VisitCoverage.status(of: facts, on: Self.today)
            #expect(got.status == want.0, "\(facts.number)")
            #expect(got.byCare == want.1, "\(facts.number)")
            #expect(got.dueBy == Self.d(want.2), "\(facts.number)")
        }
    }

    @Test("a weekly elder makes a household visited this half-year due again after seven days")
    func careBeatsHalfYear() {
        let h = Self.h(11, Self.gridA, "1栋", "101", "2026-11-23", .weekly)
        #expect(VisitCoverage.status(of: h, on: Self.d("2026-11-29")).status == .visited)
        #expect(VisitCoverage.status(of: h, on: Self.d("2026-11-30")).status == .due)
        #expect(VisitCoverage.status(of: h, on: Self.d("2026-12-07")).status == .overdue)
    }

    @Test("the due list in each order")
    func dueList() {
        let byStatus = VisitCoverage.dueList(Self.fixture, on: Self.today)
        #expect(Self.numbers(byStatus) == ["H4", "H3", "H7", "H10", "H2", "H6", "H9"])
        let byBuilding = VisitCoverage.dueList(Self.fixture, on: Self.today, order: .building)
        #expect(Self.numbers(byBuilding) == ["H2", "H4", "H6", "H3", "H7", "H9", "H10"])
        let byLast = VisitCoverage.dueList(Self.fixture, on: Self.today, order: .lastVisit)
        #expect(Self.numbers(byLast) == ["H4", "H3", "H10", "H2", "H9", "H7", "H6"])
    }

    @Test("counts per grid and rolled up")
    func counts() {
        let counts = VisitCoverage.counts(Self.fixture, on: Self.today)
        #expect(counts[Self.gridA] == VisitCounts(households: 6, visited: 2, due: 2, overdue: 2))
        #expect(counts[Self.gridB] == VisitCounts(households: 4, visited: 1, due: 1, overdue: 2))
        #expect(counts[Self.gridA]?.percent == 33)
        #expect(counts[Self.gridB]?.percent == 25)
        let all = counts.values.reduce(VisitCounts(), +)
        #expect(all == VisitCounts(households: 10, visited: 3, due: 3, overdue: 4))
        #expect(all.percent == 30)
        #expect(VisitCounts().percent == 0)
    }
}

@Suite("Home visits: the visit machine")
struct VisitMachineTests {
    /// The specification: a new visit or a draft may be submitted; a recorded one may not.
    static let submittable: Set<VisitState?> = [nil, .draft]

    @Test("a submission with no problems is recorded, with problems a draft, and a recorded visit is final")
    func submit() throws {
        #expect(VisitMachine.submittable == Self.submittable)
        for state in [nil] + VisitState.allCases.map(Optional.some) {
            if Self.submittable.contains(state) {
                #expect(try VisitMachine.submit(from: state, seen: "家中整洁", met: 0, problems: 0) == .recorded)
                #expect(try VisitMachine.submit(from: state, seen: "", met: 2, problems: 1) == .draft)
            } else {
                #expect(throws: VisitProblem.alreadyRecorded) { try VisitMachine.submit(from: state, seen: "家中整洁", met: 1, problems: 0) }
            }
        }
    }

    @Test("a visit says what was seen or whom the worker met")
    func nothing() {
        #expect(throws: VisitProblem.nothingRecorded) { try VisitMachine.submit(from: nil, seen: "  \n", met: 0, problems: 0) }
    }
}

@Suite("Care archives: groups and who may read them")
struct CareArchiveRulesTests {
    static let today = SimpleDate(iso: "2026-11-30")!

    @Test("60 on the birthday, tags, and living alone decide the groups")
    func groups() {
        let sixty = CareGroup.of(birthDate: SimpleDate(iso: "1966-11-30"), tags: [], householdSize: 3, on: Self.today)
        #expect(sixty == [.elderly])
        let almost = CareGroup.of(birthDate: SimpleDate(iso: "1966-12-01"), tags: [], householdSize: 3, on: Self.today)
        #expect(almost.isEmpty)
        let more = CareGroup.of(birthDate: SimpleDate(iso: "1990-01-01"), tags: ["disabled", "veteran", "empty_nester"], householdSize: 1, on: Self.today)
        #expect(more == [.disabled, .livingAlone, .emptyNester])
    }

    @Test("only the grid team and the community's staff read care notes")
    func access() {
        // The specification, role by role: readers at a grid-bound account, and at a street-bound one.
        let atGrid: Set<Role> = [.gridWorker, .proxyAgent, .operator_]
        let atStreet: Set<Role> = [.gridWorker, .proxyAgent]
        for role in Role.allCases {
            #expect(CareAccess.mayRead(role: role, boundTo: .grid) == atGrid.contains(role), "\(role)")
            #expect(CareAccess.mayRead(role: role, boundTo: .community) == atGrid.contains(role), "\(role)")
            #expect(CareAccess.mayRead(role: role, boundTo: .street) == atStreet.contains(role), "\(role)")
            #expect(CareAccess.mayWrite(role: role, boundTo: .grid) == (atGrid.contains(role) && role != .proxyAgent), "\(role)")
        }
        #expect(!CareAccess.mayRead(role: .leader, boundTo: .grid))
        #expect(!CareAccess.mayRead(role: .operator_, boundTo: nil))
    }

    @Test("frequencies are ordered by their interval")
    func frequencies() {
        #expect(CareFrequency.allCases.map(\.days) == [7, 14, 30, 91])
        #expect([CareFrequency.monthly, .weekly].min() == .weekly)
    }
}

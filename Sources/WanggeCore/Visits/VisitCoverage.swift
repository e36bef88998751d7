import Foundation

/// One household as the coverage rule sees it: where it is, when it was last visited (recorded
/// visits only) and how often its most frequently visited care person is to be seen.
public struct HouseholdVisitFacts: Sendable, Equatable {
    public var householdID: UUID
    public var number: String
    public var gridID: UUID
    public var building: String?
    public var room: String?
    public var lastVisit: SimpleDate?
    public var careEvery: CareFrequency?

    public init(
        householdID: UUID, number: String, gridID: UUID, building: String? = nil, room: String? = nil, lastVisit: SimpleDate? = nil,
        careEvery: CareFrequency? = nil
    ) {
        (self.householdID, self.number, self.gridID, self.building, self.room) = (householdID, number, gridID, building, room)
        (self.lastVisit, self.careEvery) = (lastVisit, careEvery)
    }
}

/// Where a household stands against the visiting rule.
public enum VisitStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// Visited as often as the rule asks.
    case visited
    /// The visit of the current period is still to be made.
    case due
    /// A whole period went by without a visit (or the household was never visited).
    case overdue

    public var nameKey: String { "visit.status.\(rawValue)" }
    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A household's standing, with the rule that decided it and the day by which it is (or was) to
/// be visited.
public struct VisitDue: Sendable, Equatable {
    public var facts: HouseholdVisitFacts
    public var status: VisitStatus
    /// The care frequency when that rule, not the half-year rule, decided the status.
    public var byCare: CareFrequency?
    public var dueBy: SimpleDate

    public init(facts: HouseholdVisitFacts, status: VisitStatus, byCare: CareFrequency?, dueBy: SimpleDate) {
        (self.facts, self.status, self.byCare, self.dueBy) = (facts, status, byCare, dueBy)
    }
}

/// Visit counts of a grid (or of everything below a unit).
public struct VisitCounts: Sendable, Equatable {
    public var households = 0
    public var visited = 0
    public var due = 0
    public var overdue = 0

    public init(households: Int = 0, visited: Int = 0, due: Int = 0, overdue: Int = 0) {
        (self.households, self.visited, self.due, self.overdue) = (households, visited, due, overdue)
    }

    /// Visited share in whole percent, rounded down (100 only when every household is visited).
    public var percent: Int { households == 0 ? 0 : visited * 100 / households }

    public static func + (a: Self, b: Self) -> Self {
        Self(households: a.households + b.households, visited: a.visited + b.visited, due: a.due + b.due, overdue: a.overdue + b.overdue)
    }
}

/// The visiting rule: every household is visited at least twice a year, once in each calendar
/// half-year (1 January–30 June, 1 July–31 December), the street's two organised rounds of home
/// visits. A household not yet visited in the current half-year is due (to be visited by its last
/// day); one not visited in the previous half-year either, or never, is overdue.
///
/// A household with a care person visited more often (weekly, monthly, …) is also due once that
/// interval has passed since its last visit, and overdue once twice the interval has; the stricter
/// of the two rules decides.
public enum VisitCoverage {
    /// The calendar half-year holding `day`: its first and last day.
    public static func halfYear(containing day: SimpleDate) -> (start: SimpleDate, end: SimpleDate) {
        day.month <= 6
            ? (SimpleDate(year: day.year, month: 1, day: 1)!, SimpleDate(year: day.year, month: 6, day: 30)!)
            : (SimpleDate(year: day.year, month: 7, day: 1)!, SimpleDate(year: day.year, month: 12, day: 31)!)
    }

    /// The half-year before the one holding `day`.
    public static func previousHalfYear(before day: SimpleDate) -> (start: SimpleDate, end: SimpleDate) {
        halfYear(containing: halfYear(containing: day).start.adding(days: -1))
    }

    public static func status(of facts: HouseholdVisitFacts, on today: SimpleDate) -> VisitDue {
        let current = halfYear(containing: today)
        let previous = previousHalfYear(before: today)
        var result: VisitDue
        switch facts.lastVisit {
        case let last? where last >= current.start:
            result = VisitDue(facts: facts, status: .visited, byCare: nil, dueBy: halfYear(containing: current.end.adding(days: 1)).end)
        case let last? where last >= previous.start:
            result = VisitDue(facts: facts, status: .due, byCare: nil, dueBy: current.end)
        default:
            result = VisitDue(facts: facts, status: .overdue, byCare: nil, dueBy: previous.end)
        }
        if let every = facts.careEvery {
            let care: VisitDue
            if let last = facts.lastVisit {
                let next = last.adding(days: every.days)
                let status: VisitStatus = today < next ? .visited : today < last.adding(days: 2 * every.days) ? .due : .overdue
                care = VisitDue(facts: facts, status: status, byCare: every, dueBy: next)
            } else {
                care = VisitDue(facts: facts, status: .overdue, byCare: every, dueBy: today)
            }
            if care.status > result.status || (care.status == result.status && care.dueBy < result.dueBy) { result = care }
        }
        return result
    }

    /// How the due list is ordered: by status (overdue first) then place, by building and room (a
    /// round of the stairwells), or by last visit (never visited first, then the longest ago).
    public enum Order: String, Sendable, CaseIterable {
        case status, building, lastVisit = "last_visit"

        public var nameKey: String { "visit.order.\(rawValue)" }
    }

    /// The households that are due or overdue on `today`, in `order`.
    public static func dueList(_ households: [HouseholdVisitFacts], on today: SimpleDate, order: Order = .status) -> [VisitDue] {
        let due = households.map { status(of: $0, on: today) }.filter { $0.status != .visited }
        func place(_ a: VisitDue, before b: VisitDue) -> Bool {
            (a.facts.building ?? "", a.facts.room ?? "", a.facts.number) < (b.facts.building ?? "", b.facts.room ?? "", b.facts.number)
        }
        switch order {
        case .status:
            return due.sorted { $0.status != $1.status ? $0.status > $1.status : place($0, before: $1) }
        case .building:
            return due.sorted { place($0, before: $1) }
        case .lastVisit:
            return due.sorted { a, b in
                switch (a.facts.lastVisit, b.facts.lastVisit) {
                case let (x?, y?) where x != y: x < y
                case (nil, _?): true
                case (_?, nil): false
                default: place(a, before: b)
                }
            }
        }
    }

    /// Counts per grid, for every grid that has households.
    public static func counts(_ households: [HouseholdVisitFacts], on today: SimpleDate) -> [UUID: VisitCounts] {
        var result: [UUID: VisitCounts] = [:]
        for h in households {
            var c = result[h.gridID, default: VisitCounts()]
            c.households += 1
            switch status(of: h, on: today).status {
            case .visited: c.visited += 1
            case .due: c.due += 1
            case .overdue: c.overdue += 1
            }
            result[h.gridID] = c
        }
        return result
    }
}

extension SimpleDate {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar (civil-from-days, H. Hinnant).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `n` days after `dayNumber`.
    public init(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }

    /// The day `n` days later (earlier when negative).
    public func adding(days n: Int) -> SimpleDate { SimpleDate(dayNumber: dayNumber + n) }
}

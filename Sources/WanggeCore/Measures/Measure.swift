import Foundation

/// A sum of counters with signs: the numerator or denominator of a measure (应结案数 − 缓办数).
public struct TallyTerm: Sendable, Hashable {
    public var parts: [(tally: Tally, sign: Int)]

    public init(_ parts: [(Tally, Int)]) { self.parts = parts.map { (tally: $0.0, sign: $0.1) } }
    public static func just(_ tally: Tally) -> TallyTerm { TallyTerm([(tally, 1)]) }

    public func value(in counts: TallyCounts) -> Int { parts.reduce(0) { $0 + counts[$1.tally] * $1.sign } }

    public static func == (a: TallyTerm, b: TallyTerm) -> Bool {
        a.parts.map(\.tally) == b.parts.map(\.tally) && a.parts.map(\.sign) == b.parts.map(\.sign)
    }
    public func hash(into h: inout Hasher) {
        for p in parts {
            h.combine(p.tally)
            h.combine(p.sign)
        }
    }
}

/// One measure of the command view (A1a), defined once: its id, its name, the formula shown beside
/// every number, and how it is computed from the counters. Pages, the API and reports all take
/// their numbers from `value(from:)`, so a number is the same wherever it appears.
public struct Measure: Sendable, Hashable, Identifiable {
    public enum Kind: Sendable, Hashable {
        /// numerator ÷ denominator as a percentage.
        case rate
        /// numerator ÷ denominator in hours (a sum of seconds over a count).
        case averageHours
        /// numerator ÷ denominator as a plain ratio (steps per person).
        case ratio
    }

    public var id: String
    public var kind: Kind
    public var numerator: TallyTerm
    public var denominator: TallyTerm
    /// The counter that says how many cases (or people) the figure rests on: n.
    public var basis: Tally

    public var nameKey: String { "measure.\(id)" }
    /// The formula in words: "按期结案数 ÷ (应结案数 − 缓办数)".
    public var formulaKey: String { "measure.\(id).formula" }

    /// The figure from summed counters; a zero denominator gives no value (shown as —), never 0 %.
    public func value(from counts: TallyCounts) -> MeasureValue {
        let num = numerator.value(in: counts), den = denominator.value(in: counts)
        var v: Double?
        if den > 0 {
            switch kind {
            case .rate: v = Double(num) / Double(den) * 100
            case .averageHours: v = Double(num) / Double(den) / 3600
            case .ratio: v = Double(num) / Double(den)
            }
        }
        return MeasureValue(measure: self, numerator: num, denominator: den, value: v, n: counts[basis])
    }
}

/// A measure's figure with what it rests on.
public struct MeasureValue: Sendable, Hashable {
    public var measure: Measure
    public var numerator: Int
    public var denominator: Int
    /// Nil when the denominator is 0: there is nothing to divide, not a rate of 0.
    public var value: Double?
    /// How many cases (or people) the figure rests on.
    public var n: Int

    /// "93.7 %", "5.2 小时", "12.3", or "—".
    public var display: String {
        guard let value else { return "—" }
        switch measure.kind {
        case .rate: return FixedDecimal.format(value, places: 1) + " %"
        case .averageHours: return L10n.t("measure.unit.hours", FixedDecimal.format(value, places: 1))
        case .ratio: return FixedDecimal.format(value, places: 1)
        }
    }
}

/// The registry: every measure Wangge shows, in the order pages list them.
///
/// Cases are counted in the period they were reported in (立案口径), so a month's figures describe
/// that month's cases and settle as they are worked; once the month is frozen they stand.
/// Register coverage and visit coverage are read from the registers as they stand at the period's
/// last day (`Tally.fromRegisters`), not from cases; they are not frozen with a month. Participation
/// (party members' service, the service market's ratings, volunteers) is read the same way from
/// its own registers (`Tally.fromParticipation`).
public enum Measures {
    public static let onTimeClosing = Measure(
        id: "on_time_closing", kind: .rate, numerator: .just(.closedOnTime), denominator: TallyTerm([(.due, 1), (.suspended, -1)]), basis: .due)
    public static let closing = Measure(
        id: "closing", kind: .rate, numerator: .just(.closed), denominator: TallyTerm([(.due, 1), (.suspended, -1)]), basis: .due)
    public static let rework = Measure(id: "rework", kind: .rate, numerator: .just(.reworked), denominator: .just(.due), basis: .due)
    public static let response = Measure(
        id: "response", kind: .rate, numerator: .just(.respondedOnTime), denominator: .just(.reported), basis: .reported)
    public static let signing = Measure(
        id: "signing", kind: .rate, numerator: .just(.signedOnTime), denominator: .just(.handovers), basis: .handovers)
    public static let solving = Measure(id: "solving", kind: .rate, numerator: .just(.solved), denominator: .just(.closed), basis: .closed)
    public static let satisfaction = Measure(
        id: "satisfaction", kind: .rate, numerator: .just(.satisfied), denominator: .just(.rated), basis: .rated)
    public static let callback = Measure(id: "callback", kind: .rate, numerator: .just(.calledBack), denominator: .just(.closed), basis: .closed)
    public static let responseTime = Measure(
        id: "response_time", kind: .averageHours, numerator: .just(.responseSeconds), denominator: .just(.responded), basis: .responded)
    public static let resolutionTime = Measure(
        id: "resolution_time", kind: .averageHours, numerator: .just(.resolutionSeconds), denominator: .just(.closed), basis: .closed)
    public static let workload = Measure(
        id: "workload", kind: .ratio, numerator: .just(.workSteps), denominator: .just(.workers), basis: .workers)

    /// 登记覆盖率 (格不漏户、户不漏人): households placed in a grid with people registered, over all households.
    public static let registerCoverage = Measure(
        id: "register_coverage", kind: .rate, numerator: .just(.householdsWithPeople), denominator: .just(.households), basis: .households)
    /// 走访覆盖率: households visited this half-year (twice a year, one each half), over households in grids.
    public static let visitCoverage = Measure(
        id: "visit_coverage", kind: .rate, numerator: .just(.householdsVisited), denominator: .just(.householdsInGrids), basis: .householdsInGrids)

    /// 报到党员服务率: registered party members with a service entry in the period, over those registered.
    public static let partyService = Measure(
        id: "party_service", kind: .rate, numerator: .just(.partyMembersServing), denominator: .just(.partyMembers), basis: .partyMembers)
    /// 服务市场满意率: (满意 + 基本满意) over rated orders of the period, as the market's own figures count them.
    public static let marketSatisfaction = Measure(
        id: "market_satisfaction", kind: .rate, numerator: .just(.marketSatisfied), denominator: .just(.marketRated), basis: .marketRated)
    /// 志愿者参与率: volunteers with hours recorded in the period, over the volunteers on the register.
    public static let volunteerParticipation = Measure(
        id: "volunteer_participation", kind: .rate, numerator: .just(.volunteersActive), denominator: .just(.volunteers), basis: .volunteers)

    public static let all: [Measure] = [
        onTimeClosing, closing, rework, response, signing, solving, satisfaction, callback, responseTime, resolutionTime, workload, registerCoverage,
        visitCoverage, partyService, marketSatisfaction, volunteerParticipation,
    ]

    public static func named(_ id: String) -> Measure? { all.first { $0.id == id } }

    /// Every measure's figure from one set of counters.
    public static func values(from counts: TallyCounts) -> [MeasureValue] { all.map { $0.value(from: counts) } }
}

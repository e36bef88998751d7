import Foundation

/// One counter the measures are computed from. Each case adds to the counters of the day it was
/// reported (China time), its grid and every unit above it, its category and its channel; the
/// measures are ratios of these sums. Raw values name the stored columns, so they never change.
///
/// A counter is one of three kinds: a fact of the case as it stands now (`CaseTallies.counts(of:)`),
/// a count of timeline events (`CaseTallies.counts(ofStep:)`), or the work done by people, which
/// is kept per person and day apart from the cases' counters (`workSteps`, `workers`).
public enum Tally: String, Sendable, Codable, CaseIterable, Hashable {
    /// 上报数: every case.
    case reported
    /// 应结案数: cases taken on (not 不予受理, not merged into another case).
    case due
    /// 缓办数: cases suspended now.
    case suspended
    /// 结案数: cases closed, solved or with a reason why not (无法办理).
    case closed
    /// 按期结案数: closed no later than the resolve deadline.
    case closedOnTime = "closed_on_time"
    /// 解决数: closed as solved.
    case solved
    /// 返工案件数: cases sent back at least once after failing 核查.
    case reworked
    /// 已响应数: cases that left 已上报 (accepted, rejected, merged or settled).
    case responded
    /// 按时响应数: responded no later than the respond deadline.
    case respondedOnTime = "responded_on_time"
    /// Seconds from reporting to the first response, summed over responded cases.
    case responseSeconds = "response_seconds"
    /// Seconds from reporting to closing, summed over closed cases.
    case resolutionSeconds = "resolution_seconds"
    /// 评价数: cases the reporter rated.
    case rated
    /// 满意数: rated 满意 or 基本满意.
    case satisfied
    /// 回访数: closed cases called back.
    case calledBack = "called_back"
    /// 派遣次数: each time a case was handed to a department to sign for (dispatched, returned for
    /// rework, or resumed into 已派遣).
    case handovers
    /// 及时签收次数: signed for within `CaseTallies.signForLimit` of its handover.
    case signedOnTime = "signed_on_time"
    /// 经办步骤数: steps taken by named people (not the reporter, not the system), by the day taken.
    case workSteps = "work_steps"
    /// 经办人数: distinct people who took those steps.
    case workers
    /// 户数: households of the unit in the register as it stands (for the top of the tree, those
    /// placed in no grid too). Counted from the register, not from cases.
    case households
    /// 有人员登记的在格户数: households placed in a grid with at least one person registered in them.
    case householdsWithPeople = "households_with_people"
    /// 在格户数: households placed in a grid.
    case householdsInGrids = "households_in_grids"
    /// 本半年已走访户数: households in a grid with a recorded home visit in the calendar half-year of
    /// the period's last day, on or before it (the rule of two visits a year, one each half-year).
    case householdsVisited = "households_visited"
    /// 报到党员数: party members and cadres registered (报到) to grids of the unit by the period's last day.
    case partyMembers = "party_members"
    /// 有服务记录的报到党员数: of those, members with at least one service entry dated in the period.
    case partyMembersServing = "party_members_serving"
    /// 服务市场评单数: service market orders placed in the period and rated by the resident.
    case marketRated = "market_rated"
    /// 服务市场满意数: of those, rated 满意 or 基本满意.
    case marketSatisfied = "market_satisfied"
    /// 志愿者数: volunteers on the unit's register by the period's end.
    case volunteers
    /// 参与服务的志愿者数: volunteers with service hours recorded for a day of the period.
    case volunteersActive = "volunteers_active"

    /// Counters read from the registers (households, people, home visits), not from cases.
    public static let fromRegisters: [Tally] = [.households, .householdsWithPeople, .householdsInGrids, .householdsVisited]

    /// Counters of participation, read from the party overlay, the service market and the
    /// volunteer register for the period, not from cases.
    public static let fromParticipation: [Tally] = [.partyMembers, .partyMembersServing, .marketRated, .marketSatisfied, .volunteers, .volunteersActive]

    /// Counters kept per case in the roll-up table (all but the per-person work, the registers' and participation's counts).
    public static let perCase: [Tally] = allCases.filter {
        $0 != .workSteps && $0 != .workers && !fromRegisters.contains($0) && !fromParticipation.contains($0)
    }

    public var nameKey: String { "tally.\(rawValue)" }
}

/// Counter values: what one case adds, or the sum over a period and a unit. Missing counters are 0.
/// One slot per counter, in `Tally`'s order: a dashboard or a ranking adds thousands of these, and
/// as a dictionary every read and addition hashed its key (a tenth of a ranking's time).
public struct TallyCounts: Sendable, Hashable, Codable {
    private var slots: [Int]

    /// The counters that are not zero.
    public var values: [Tally: Int] {
        var out: [Tally: Int] = [:]
        for (i, v) in slots.enumerated() where v != 0 { out[Tally.allCases[i]] = v }
        return out
    }

    public init(_ values: [Tally: Int] = [:]) {
        slots = Array(repeating: 0, count: Tally.allCases.count)
        for (k, v) in values { slots[k.ordinal] = v }
    }

    public subscript(_ tally: Tally) -> Int {
        get { slots[tally.ordinal] }
        set { slots[tally.ordinal] = newValue }
    }

    public var isZero: Bool { !slots.contains { $0 != 0 } }

    public static func + (a: TallyCounts, b: TallyCounts) -> TallyCounts {
        var r = a
        r += b
        return r
    }

    public static func - (a: TallyCounts, b: TallyCounts) -> TallyCounts {
        var r = a
        for i in r.slots.indices { r.slots[i] -= b.slots[i] }
        return r
    }

    /// In place: `a = a + b` copied `a`'s table for every addition (a dashboard sums thousands of rows).
    public static func += (a: inout TallyCounts, b: TallyCounts) {
        for i in a.slots.indices { a.slots[i] += b.slots[i] }
    }

    // Stored and sent as before: {"values": the counters that are not zero}.
    private enum CodingKeys: String, CodingKey { case values }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.container(keyedBy: CodingKeys.self).decode([Tally: Int].self, forKey: .values))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(values, forKey: .values)
    }
}

extension Tally {
    /// The counter's place in `allCases` (declaration order): a field-less enum is stored as its
    /// case's index, so this reads it without a look-up (`TallyCountsTests` holds it to `allCases`).
    public var ordinal: Int { Int(withUnsafeBytes(of: self) { $0[0] }) }
}

/// The facts of a case the counters read: what its row says now.
public struct CaseFacts: Sendable, Hashable {
    public var state: CaseState
    public var outcome: CaseOutcome?
    public var rating: Satisfaction?
    public var reportedAt: Date
    public var respondedAt: Date?
    public var respondBy: Date
    public var closedAt: Date?
    public var resolveBy: Date
    public var reworkCount: Int

    public init(
        state: CaseState, outcome: CaseOutcome? = nil, rating: Satisfaction? = nil, reportedAt: Date, respondedAt: Date? = nil,
        respondBy: Date, closedAt: Date? = nil, resolveBy: Date, reworkCount: Int = 0
    ) {
        self.state = state
        self.outcome = outcome
        self.rating = rating
        self.reportedAt = reportedAt
        self.respondedAt = respondedAt
        self.respondBy = respondBy
        self.closedAt = closedAt
        self.resolveBy = resolveBy
        self.reworkCount = reworkCount
    }
}

/// The facts of one timeline step the counters read.
public struct StepFacts: Sendable, Hashable {
    public var action: CaseActionKind
    public var from: CaseState?
    public var to: CaseState
    public var at: Date
    /// For a 签收: when the case was last handed over to be signed for.
    public var handedOverAt: Date?

    public init(action: CaseActionKind, from: CaseState?, to: CaseState, at: Date, handedOverAt: Date? = nil) {
        self.action = action
        self.from = from
        self.to = to
        self.at = at
        self.handedOverAt = handedOverAt
    }

    /// Whether this step hands the case to a department to sign for.
    public var isHandover: Bool { to == .dispatched && from != .dispatched }
}

/// What a case and its steps add to the counters. The storage layer keeps the roll-ups by adding
/// `counts(of: after) − counts(of: before) + counts(ofStep:)` at every step, and rebuilds them with
/// SQL that states the same rules (`TallySQL`); a test holds the two to each other.
public enum CaseTallies {
    /// 签收时限: a handed-over case is to be signed for within two hours (12345 hotlines' usual limit).
    public static let signForLimit: TimeInterval = 2 * 3600

    public static func counts(of c: CaseFacts) -> TallyCounts {
        var t = TallyCounts()
        t[.reported] = 1
        guard c.state != .rejected && c.state != .merged else {
            if let r = c.respondedAt { add(response: r, to: &t, c) }
            if let rating = c.rating { rate(rating, into: &t) }
            return t
        }
        t[.due] = 1
        if c.state == .suspended { t[.suspended] = 1 }
        if let closed = c.closedAt, c.state == .closed || c.state == .calledBack {
            t[.closed] = 1
            if closed <= c.resolveBy { t[.closedOnTime] = 1 }
            if c.outcome == .solved { t[.solved] = 1 }
            t[.resolutionSeconds] = seconds(from: c.reportedAt, to: closed)
            if c.state == .calledBack { t[.calledBack] = 1 }
        }
        if c.reworkCount > 0 { t[.reworked] = 1 }
        if let r = c.respondedAt { add(response: r, to: &t, c) }
        if let rating = c.rating { rate(rating, into: &t) }
        return t
    }

    /// What one step adds on top of the change in the case's facts: handovers and timely 签收.
    public static func counts(ofStep s: StepFacts) -> TallyCounts {
        var t = TallyCounts()
        if s.isHandover { t[.handovers] = 1 }
        if s.action == .signFor, let handed = s.handedOverAt, s.at.timeIntervalSince(handed) <= signForLimit { t[.signedOnTime] = 1 }
        return t
    }

    /// Whether a step counts as work by a person (workload): anyone but the reporter and the system.
    public static func isWork(_ actor: ActorRole) -> Bool { actor != .resident && actor != .system }

    /// Whole seconds between two stored times, as the databases compute them (each time cut to the second first).
    public static func seconds(from a: Date, to b: Date) -> Int {
        Int(b.timeIntervalSince1970.rounded(.down)) - Int(a.timeIntervalSince1970.rounded(.down))
    }

    private static func add(response: Date, to t: inout TallyCounts, _ c: CaseFacts) {
        t[.responded] = 1
        if response <= c.respondBy { t[.respondedOnTime] = 1 }
        t[.responseSeconds] = seconds(from: c.reportedAt, to: response)
    }

    private static func rate(_ rating: Satisfaction, into t: inout TallyCounts) {
        t[.rated] = 1
        if rating != .dissatisfied { t[.satisfied] = 1 }
    }
}

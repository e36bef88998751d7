import Foundation

/// What the time-limit sweeper does when a case runs past a limit (C4): a supervision (督办)
/// record and an escalation to the next level up the case's own chain of units (网格 → 社区 →
/// 街道 → 区, skipping levels the chain does not have). A case still overdue one more resolve
/// period later is supervised and escalated again, until the district has it; the district then
/// gets a fresh 督办 each period. Warnings at 80 % need no step: the queues show them from the
/// stored warning times.
public enum Overdue {
    /// Which limit was missed.
    public enum Limit: String, Sendable {
        case respond, resolve
        public var noteKey: String { "sweep.note.\(rawValue)" }
        public var reasonKey: String { "sweep.reason.\(rawValue)" }
    }

    /// The facts about one case the rule needs.
    public struct Facts: Sendable, Equatable {
        public var state: CaseState
        public var level: UnitLevel
        public var respondBy: Date
        public var resolveBy: Date
        public var respondAlerts: Int
        public var resolveAlerts: Int
        public var nextSweepAt: Date?
        /// The category's resolve limit, the period between repeated escalations.
        public var resolveHours: Double
        /// The levels of the units above the case's grid, nearest first (e.g. community, street, district).
        public var levelsAbove: [UnitLevel]

        public init(
            state: CaseState, level: UnitLevel, respondBy: Date, resolveBy: Date, respondAlerts: Int, resolveAlerts: Int,
            nextSweepAt: Date?, resolveHours: Double, levelsAbove: [UnitLevel]
        ) {
            self.state = state
            self.level = level
            self.respondBy = respondBy
            self.resolveBy = resolveBy
            self.respondAlerts = respondAlerts
            self.resolveAlerts = resolveAlerts
            self.nextSweepAt = nextSweepAt
            self.resolveHours = resolveHours
            self.levelsAbove = levelsAbove
        }
    }

    /// The sweeper's verdict for one case: the steps to take, as the system, and when to look again.
    public struct Decision: Sendable, Equatable {
        public var limit: Limit
        public var actions: [CaseAction]
        public var nextSweepAt: Date
        public var respondAlerts: Int
        public var resolveAlerts: Int
    }

    /// States in which the clock runs and a missed limit is the system's business.
    public static let running: Set<CaseState> = [.reported, .accepted, .dispatched, .signedFor, .handled, .verified]

    /// The next level up from `level` that the chain has, or nil at the top.
    public static func levelAbove(_ level: UnitLevel, in levelsAbove: [UnitLevel]) -> UnitLevel? {
        levelsAbove.filter { $0 < level }.max()
    }

    /// Nil when nothing is due at `now`.
    public static func decide(_ f: Facts, now: Date, note: (Limit, Date) -> String, reason: (Limit, UnitLevel) -> String) -> Decision? {
        guard running.contains(f.state) else { return nil }
        if let next = f.nextSweepAt, next > now { return nil }
        let limit: Limit
        if f.state == .reported && f.respondAlerts == 0 && f.respondBy <= now {
            limit = .respond
        } else if f.resolveBy <= now {
            limit = .resolve
        } else {
            return nil
        }
        var actions: [CaseAction] = [.supervise(note: note(limit, limit == .respond ? f.respondBy : f.resolveBy))]
        if let up = levelAbove(f.level, in: f.levelsAbove) {
            actions.append(.escalate(to: up, reason: reason(limit, up)))
        }
        let period = max(f.resolveHours, 1) * 3600
        // Repeat once a period has passed since this alert (never sooner than an hour).
        var next = now.addingTimeInterval(period)
        // A missed response must not delay the resolve alert.
        if limit == .respond && f.resolveBy > now { next = min(next, f.resolveBy) }
        return Decision(
            limit: limit, actions: actions, nextSweepAt: next,
            respondAlerts: f.respondAlerts + (limit == .respond ? 1 : 0),
            resolveAlerts: f.resolveAlerts + (limit == .resolve ? 1 : 0))
    }
}

import Foundation

/// The four deadlines a case carries (C4): respond and resolve, each with the moment its warning
/// (预警) starts. Intake, resuming after 缓办, reopening and the demo history all compute them here,
/// so a case's stored deadlines always follow from its category, its suspensions and its reopenings.
public struct CaseDeadlines: Sendable, Hashable, Codable {
    public var respondBy: Date
    public var respondWarnAt: Date
    public var resolveBy: Date
    public var resolveWarnAt: Date

    public init(respondBy: Date, respondWarnAt: Date, resolveBy: Date, resolveWarnAt: Date) {
        self.respondBy = respondBy
        self.respondWarnAt = respondWarnAt
        self.resolveBy = resolveBy
        self.resolveWarnAt = resolveWarnAt
    }

    /// The deadlines of a case reported at `reportedAt`; time spent suspended (`excluding`) does not count.
    public init(
        reportedAt: Date, limits: CaseLimits, warnFraction: Double, working: WorkingCalendar = .standard,
        excluding suspensions: [DateInterval] = []
    ) {
        let calendar = LimitCalendar(limits.counting, working: working)
        func at(_ hours: Double) -> Date { TimeLimits.deadline(from: reportedAt, hours: hours, calendar: calendar, excluding: suspensions) }
        self.init(
            respondBy: at(limits.respondHours), respondWarnAt: at(limits.respondHours * warnFraction),
            resolveBy: at(limits.resolveHours), resolveWarnAt: at(limits.resolveHours * warnFraction))
    }

    /// A reopened case is worked again from `time`, with the category's full resolve limit.
    public func reopened(
        at time: Date, limits: CaseLimits, warnFraction: Double, working: WorkingCalendar = .standard
    ) -> CaseDeadlines {
        let calendar = LimitCalendar(limits.counting, working: working)
        var next = self
        next.resolveBy = TimeLimits.deadline(from: time, hours: limits.resolveHours, calendar: calendar)
        next.resolveWarnAt = TimeLimits.deadline(from: time, hours: limits.resolveHours * warnFraction, calendar: calendar)
        return next
    }
}

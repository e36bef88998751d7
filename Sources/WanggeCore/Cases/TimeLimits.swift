import Foundation

/// Whether a limit counts every hour or only office hours.
public enum HourCounting: String, Sendable, Codable, CaseIterable {
    case clock
    case working

    public var nameKey: String { "case.counting.\(rawValue)" }
}

/// The limits of one category (C4). The defaults are the usual district commitments: respond within 2 hours, resolve
/// within 24, a complex case within 72.
public struct CaseLimits: Sendable, Hashable, Codable {
    public var respondHours: Double
    public var resolveHours: Double
    public var counting: HourCounting

    public init(respondHours: Double = 2, resolveHours: Double = 24, counting: HourCounting = .clock) {
        self.respondHours = respondHours
        self.resolveHours = resolveHours
        self.counting = counting
    }

    public static let general = CaseLimits()
    public static let complex = CaseLimits(resolveHours: 72)
    public static func standard(complex: Bool) -> CaseLimits { complex ? .complex : .general }
}

/// Office hours: which days are worked and when. The defaults are the usual ones of a Chinese
/// government office; holidays and the weekend days worked in exchange (调休) are listed each
/// year by the State Council and must be entered here.
public struct WorkingCalendar: Sendable, Hashable {
    /// A working period within a day, in minutes after midnight, local time.
    public struct Period: Sendable, Hashable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) {
            precondition(0 <= start && start < end && end <= 24 * 60, "a period lies within one day")
            self.start = start
            self.end = end
        }
        public init(_ startHour: Int, _ startMinute: Int, to endHour: Int, _ endMinute: Int) {
            self.init(start: startHour * 60 + startMinute, end: endHour * 60 + endMinute)
        }
    }

    public var timeZone: TimeZone
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var workdays: Set<Int>
    /// Sorted, not overlapping.
    public var periods: [Period]
    public var holidays: Set<SimpleDate>
    /// Weekend days that are worked (调休上班).
    public var makeUpWorkdays: Set<SimpleDate>

    public init(
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, workdays: Set<Int> = [1, 2, 3, 4, 5],
        periods: [Period] = [Period(9, 0, to: 12, 0), Period(13, 30, to: 17, 30)],
        holidays: Set<SimpleDate> = [], makeUpWorkdays: Set<SimpleDate> = []
    ) {
        self.timeZone = timeZone
        self.workdays = workdays
        self.periods = periods.sorted { $0.start < $1.start }
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Monday to Friday, 09:00–12:00 and 13:30–17:30, China Standard Time, no holidays listed.
    public static let standard = WorkingCalendar()

    public func isWorkday(_ day: SimpleDate) -> Bool {
        if makeUpWorkdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return workdays.contains(Self.isoWeekday(day))
    }

    /// Hours worked on a working day (7 by default).
    public var hoursPerDay: Double { Double(periods.reduce(0) { $0 + $1.end - $1.start }) / 60 }

    static func isoWeekday(_ d: SimpleDate) -> Int {
        // Days since 1970-01-01, a Thursday (H. Hinnant's civil algorithm).
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return ((days % 7 + 7) % 7 + 3) % 7 + 1
    }

    var gregorian: Calendar {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        return cal
    }

    /// Wall-clock time (right across a daylight-saving change, should a zone have one).
    static func wallTime(_ minute: Int, on day: Date, next: Date, _ cal: Calendar) -> Date? {
        minute == 24 * 60 ? next : cal.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day)
    }

    /// The working intervals from the day holding `start` onwards, clipped to begin at `start`.
    func intervals(from start: Date) -> AnySequence<DateInterval> {
        let cal = gregorian
        let periods = periods
        guard !periods.isEmpty, !(workdays.isEmpty && makeUpWorkdays.isEmpty) else { return AnySequence([]) }
        var day = cal.startOfDay(for: start)
        var pending: [DateInterval] = []
        // Ten years without a single working day means the calendar is wrong; stop rather than loop.
        var daysLeft = 3660
        return AnySequence(
            AnyIterator {
                while pending.isEmpty {
                    guard daysLeft > 0 else { return nil }
                    daysLeft -= 1
                    let c = cal.dateComponents([.year, .month, .day], from: day)
                    let nextDay = cal.date(byAdding: .day, value: 1, to: day)!
                    if let date = SimpleDate(year: c.year!, month: c.month!, day: c.day!), self.isWorkday(date) {
                        for p in periods {
                            guard let from = Self.wallTime(p.start, on: day, next: nextDay, cal),
                                let to = Self.wallTime(p.end, on: day, next: nextDay, cal), to > start
                            else { continue }
                            pending.append(DateInterval(start: max(from, start), end: to))
                        }
                    }
                    day = nextDay
                }
                return pending.removeFirst()
            })
    }
}

/// How hours are counted for a deadline.
public enum LimitCalendar: Sendable, Hashable {
    case clock
    case working(WorkingCalendar)

    public init(_ counting: HourCounting, working: WorkingCalendar = .standard) {
        self = counting == .clock ? .clock : .working(working)
    }
}

/// A limit's state at a moment (C4): warning from 80 % of the limit, overdue past it.
/// A limit already met stays `onTime`, or `overdue` if it was met late.
public enum LimitStatus: String, Sendable, Codable, CaseIterable {
    case onTime = "on_time"
    case warning
    case overdue

    public var nameKey: String { "case.limit.\(rawValue)" }
}

public enum TimeLimits {
    /// The share of a limit after which a case is flagged (预警).
    public static let warningFraction = 0.8

    /// When `hours` of counted time have passed since `start`. Suspended intervals do not count.
    public static func deadline(
        from start: Date, hours: Double, calendar: LimitCalendar,
        excluding suspensions: [DateInterval] = []
    ) -> Date {
        var remaining = max(0, hours) * 3600
        guard remaining > 0 else { return start }
        for piece in countedIntervals(from: start, calendar: calendar, excluding: suspensions) {
            if remaining <= piece.duration { return piece.start.addingTimeInterval(remaining) }
            remaining -= piece.duration
        }
        return .distantFuture
    }

    /// Counted seconds between `start` and `end`.
    public static func countedSeconds(
        from start: Date, to end: Date, calendar: LimitCalendar,
        excluding suspensions: [DateInterval] = []
    ) -> TimeInterval {
        guard end > start else { return 0 }
        var total: TimeInterval = 0
        for piece in countedIntervals(from: start, calendar: calendar, excluding: suspensions) {
            if piece.start >= end { break }
            total += min(piece.end, end).timeIntervalSince(piece.start)
        }
        return total
    }

    /// The status of a limit of `hours` that started at `start`, was met at `met` (if it was), seen at `now`.
    public static func status(
        start: Date, hours: Double, met: Date?, now: Date, calendar: LimitCalendar,
        excluding suspensions: [DateInterval] = []
    ) -> LimitStatus {
        let used = countedSeconds(from: start, to: met ?? now, calendar: calendar, excluding: suspensions)
        let limit = hours * 3600
        if used > limit { return .overdue }
        if met == nil && used >= limit * warningFraction { return .warning }
        return .onTime
    }

    /// The countable time from `start` on, with suspensions cut out, in order.
    static func countedIntervals(
        from start: Date, calendar: LimitCalendar,
        excluding suspensions: [DateInterval]
    ) -> AnySequence<DateInterval> {
        let base: AnySequence<DateInterval>
        switch calendar {
        case .clock:
            var next = start
            var daysLeft = 3660
            base = AnySequence(
                AnyIterator {
                    guard daysLeft > 0 else { return nil }
                    daysLeft -= 1
                    let day = DateInterval(start: next, duration: 86_400)
                    next = day.end
                    return day
                })
        case .working(let wc):
            base = wc.intervals(from: start)
        }
        let cuts = merged(suspensions)
        guard !cuts.isEmpty else { return base }
        let source = base.makeIterator()
        var pending: [DateInterval] = []
        return AnySequence(
            AnyIterator {
                while pending.isEmpty {
                    guard let piece = source.next() else { return nil }
                    pending = subtract(cuts, from: piece)
                }
                return pending.removeFirst()
            })
    }

    static func merged(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for i in intervals.filter({ $0.duration > 0 }).sorted(by: { $0.start < $1.start }) {
            if let last = out.last, i.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, i.end))
            } else {
                out.append(i)
            }
        }
        return out
    }

    static func subtract(_ cuts: [DateInterval], from piece: DateInterval) -> [DateInterval] {
        var out: [DateInterval] = []
        var cursor = piece.start
        for cut in cuts where cut.end > cursor && cut.start < piece.end {
            if cut.start > cursor { out.append(DateInterval(start: cursor, end: cut.start)) }
            cursor = max(cursor, cut.end)
        }
        if cursor < piece.end { out.append(DateInterval(start: cursor, end: piece.end)) }
        return out
    }
}

/// Both limits of one case, with its suspensions, for queues and the sweeper.
public struct CaseTimer: Sendable, Hashable {
    public var reportedAt: Date
    public var respondedAt: Date?
    public var resolvedAt: Date?
    public var limits: CaseLimits
    public var working: WorkingCalendar
    /// Finished suspensions (see `CaseTransition.endedSuspension`).
    public var suspensions: [DateInterval]
    /// The start of a suspension still running; it counts as lasting until `now`.
    public var suspendedSince: Date?

    public init(
        reportedAt: Date, respondedAt: Date? = nil, resolvedAt: Date? = nil, limits: CaseLimits = .general,
        working: WorkingCalendar = .standard, suspensions: [DateInterval] = [], suspendedSince: Date? = nil
    ) {
        self.reportedAt = reportedAt
        self.respondedAt = respondedAt
        self.resolvedAt = resolvedAt
        self.limits = limits
        self.working = working
        self.suspensions = suspensions
        self.suspendedSince = suspendedSince
    }

    public struct Status: Sendable, Hashable {
        public var response: LimitStatus
        public var resolution: LimitStatus
    }

    var calendar: LimitCalendar { LimitCalendar(limits.counting, working: working) }

    func suspensions(until now: Date) -> [DateInterval] {
        guard let since = suspendedSince, since < now else { return suspensions }
        return suspensions + [DateInterval(start: since, end: now)]
    }

    public func respondBy(now: Date) -> Date {
        TimeLimits.deadline(from: reportedAt, hours: limits.respondHours, calendar: calendar, excluding: suspensions(until: now))
    }

    /// The resolve deadline as known at `now`: a suspension still running pushes it further each moment.
    public func resolveBy(now: Date) -> Date {
        TimeLimits.deadline(from: reportedAt, hours: limits.resolveHours, calendar: calendar, excluding: suspensions(until: now))
    }

    /// When the resolution warning starts (80 % of the limit).
    public func resolveWarningAt(now: Date) -> Date {
        TimeLimits.deadline(
            from: reportedAt, hours: limits.resolveHours * TimeLimits.warningFraction,
            calendar: calendar, excluding: suspensions(until: now))
    }

    public func status(now: Date) -> Status {
        let cuts = suspensions(until: now)
        return Status(
            response: TimeLimits.status(
                start: reportedAt, hours: limits.respondHours, met: respondedAt, now: now,
                calendar: calendar, excluding: cuts),
            resolution: TimeLimits.status(
                start: reportedAt, hours: limits.resolveHours, met: resolvedAt, now: now,
                calendar: calendar, excluding: cuts))
    }
}

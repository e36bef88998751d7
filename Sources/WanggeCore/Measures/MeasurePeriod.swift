import Foundation

/// A calendar month, "2026-10": the unit a period is frozen by.
public struct MeasureMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses "YYYY-MM".
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public init(_ day: SimpleDate) {
        year = day.year
        month = day.month
    }

    public var first: SimpleDate { SimpleDate(year: year, month: month, day: 1)! }
    public var last: SimpleDate { SimpleDate(year: year, month: month, day: SimpleDate.daysIn(month: month, year: year))! }
    public var next: MeasureMonth { month == 12 ? MeasureMonth(year: year + 1, month: 1)! : MeasureMonth(year: year, month: month + 1)! }
    public var previous: MeasureMonth { month == 1 ? MeasureMonth(year: year - 1, month: 12)! : MeasureMonth(year: year, month: month - 1)! }
    public var period: MeasurePeriod { MeasurePeriod(from: first, to: last)! }

    public var description: String { String.zeroPadded(year, width: 4) + "-" + String.zeroPadded(month, width: 2) }

    public static func < (a: MeasureMonth, b: MeasureMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// Closed months are frozen: their figures stand as they were, and what arrives later for their
/// cases is kept as a restatement beside them. A month freezes when someone freezes it, or by
/// itself `afterDays` days after it ends (time to finish the month's callbacks and checks).
public enum MeasureFreeze {
    public static let afterDays = 5

    /// The moment `month` freezes by itself (China time).
    public static func automatic(_ month: MeasureMonth) -> Date {
        month.next.first.startOfDayInChina.addingTimeInterval(Double(afterDays) * 86_400)
    }

    public static func isFrozenByRule(_ month: MeasureMonth, now: Date) -> Bool { now >= automatic(month) }
}

/// The days a dashboard or the API asks about, both ends included (China time).
public struct MeasurePeriod: Sendable, Hashable {
    public let from: SimpleDate
    public let to: SimpleDate

    /// The longest period one request may ask for.
    public static let maxDays = 366 * 3

    public init?(from: SimpleDate, to: SimpleDate) {
        guard from <= to else { return nil }
        self.from = from
        self.to = to
    }

    public var days: Int {
        Int((to.startOfDayInChina.timeIntervalSince(from.startOfDayInChina) / 86_400).rounded()) + 1
    }

    /// The months the period touches, oldest first.
    public var months: [MeasureMonth] {
        var m = MeasureMonth(from), out: [MeasureMonth] = []
        while m <= MeasureMonth(to) {
            out.append(m)
            m = m.next
        }
        return out
    }

    /// The period cut for the coarse roll-ups: the whole calendar months inside it (read from the
    /// per-month rows) and the days before the first of them and after the last (read day by day).
    /// A period inside one month that is not the whole month is all days.
    public var parts: (months: ClosedRange<MeasureMonth>?, days: [MeasurePeriod]) {
        let firstWhole = from.day == 1 ? MeasureMonth(from) : MeasureMonth(from).next
        let lastWhole = to == MeasureMonth(to).last ? MeasureMonth(to) : MeasureMonth(to).previous
        guard firstWhole <= lastWhole else { return (nil, [self]) }
        var days: [MeasurePeriod] = []
        if let head = MeasurePeriod(from: from, to: firstWhole.previous.last), from < firstWhole.first { days.append(head) }
        if let tail = MeasurePeriod(from: lastWhole.next.first, to: to), to > lastWhole.last { days.append(tail) }
        return (firstWhole...lastWhole, days)
    }

    /// Whether the period is exactly one calendar month.
    public var month: MeasureMonth? {
        let m = MeasureMonth(from)
        return from == m.first && to == m.last ? m : nil
    }
}

extension SimpleDate {
    /// Midnight at the start of this day, China Standard Time.
    public var startOfDayInChina: Date { ChinaTime.calendar.date(from: DateComponents(year: year, month: month, day: day))! }

}

import Foundation
import WanggeCore

/// The day something in the field happened, as a worker enters it (a log entry, a visit): a date
/// `YYYY-MM-DD`, never after today and at most `maxDaysBack` days ago — a phone may catch up on a
/// fortnight offline, but nobody visits a household in the year 1.
public enum RecordedDay {
    public static let maxDaysBack = 366

    /// The day given, or nil when none is (the caller takes today); the problem names `field`.
    public static func parse(_ raw: String?, today: SimpleDate, field: String = "day") throws -> SimpleDate? {
        guard let raw = raw?.trimmingSpaces().trimmedOrNil else { return nil }
        guard let day = SimpleDate(iso: raw) else { throw StoreError(.invalid, "log.bad_day", field: field) }
        guard day <= today else { throw StoreError(.invalid, "log.future_day", field: field) }
        guard day >= today.adding(days: -maxDaysBack) else { throw StoreError(.invalid, "log.too_old_day", [String(maxDaysBack)], field: field) }
        return day
    }

    /// When a visit happened: now for today (or no day given), noon of an earlier day entered by hand.
    public static func moment(_ raw: String?, now: Date, field: String = "day") throws -> Date {
        let today = SimpleDate(now)
        guard let raw = raw?.trimmedOrNil, raw != today.description, let day = try parse(raw, today: today, field: field) else { return now }
        return noon(day)
    }

    /// Noon of `day` in China time, the moment stored for a day entered by hand.
    public static func noon(_ day: SimpleDate) -> Date {
        ChinaTime.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
    }
}

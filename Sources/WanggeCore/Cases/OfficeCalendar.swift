import Foundation

/// One day the State Council's holiday notice (or the district) sets apart: a holiday (放假), or a
/// weekend day worked in exchange (调休上班).
public struct CalendarDay: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case holiday, workday
        public var nameKey: String { "calendar.kind.\(rawValue)" }
    }

    public var date: SimpleDate
    public var kind: Kind
    /// What the day is for: 春节, 国庆节调休 …
    public var name: String

    public init(date: SimpleDate, kind: Kind, name: String) {
        self.date = date
        self.kind = kind
        self.name = name
    }
}

/// The office calendar that working-hour limits count by: weekdays, minus the holidays, plus the
/// weekend days worked in exchange. Pure rules for an entry, and the State Council's published
/// calendar of the current year as the seed.
public enum OfficeCalendar {
    public static let maxName = 20
    public static let years = 2000...2099

    /// The working calendar of the standard office hours with these days set apart.
    public static func working(_ days: [CalendarDay], base: WorkingCalendar = .standard) -> WorkingCalendar {
        var calendar = base
        calendar.holidays = Set(days.filter { $0.kind == .holiday }.map(\.date))
        calendar.makeUpWorkdays = Set(days.filter { $0.kind == .workday }.map(\.date))
        return calendar
    }

    /// What is wrong with an entry: a name is required (at most 20 characters), the year must be a
    /// real one, and a day worked in exchange falls on a weekend (a weekday is worked anyway).
    public static func problems(_ day: CalendarDay, base: WorkingCalendar = .standard) -> [CaseSetupRules.Problem] {
        var problems: [CaseSetupRules.Problem] = []
        let name = day.name.trimmingSpaces()
        if name.isEmpty { problems.append(.init(field: "name", key: "field.required")) }
        if name.count > maxName { problems.append(.init(field: "name", key: "field.too_long", args: [String(maxName)])) }
        if !years.contains(day.date.year) {
            problems.append(.init(field: "date", key: "calendar.bad_year", args: ["\(years.lowerBound)", "\(years.upperBound)"]))
        }
        if day.kind == .workday, base.workdays.contains(WorkingCalendar.isoWeekday(day.date)) {
            problems.append(.init(field: "date", key: "calendar.workday_on_weekday", args: [day.date.description]))
        }
        return problems
    }

    /// 国务院办公厅关于2026年部分节假日安排的通知, published 4 November 2025.
    public static let stateCouncil2026: [CalendarDay] = {
        var days: [CalendarDay] = []
        func holiday(_ name: String, _ month: Int, _ from: Int, _ to: Int) {
            for d in from...to { days.append(CalendarDay(date: SimpleDate(year: 2026, month: month, day: d)!, kind: .holiday, name: name)) }
        }
        func workday(_ name: String, _ month: Int, _ day: Int) {
            days.append(CalendarDay(date: SimpleDate(year: 2026, month: month, day: day)!, kind: .workday, name: name))
        }
        holiday("元旦", 1, 1, 3)
        workday("元旦调休上班", 1, 4)
        workday("春节调休上班", 2, 14)
        holiday("春节", 2, 15, 23)
        workday("春节调休上班", 2, 28)
        holiday("清明节", 4, 4, 6)
        holiday("劳动节", 5, 1, 5)
        workday("劳动节调休上班", 5, 9)
        holiday("端午节", 6, 19, 21)
        workday("国庆节调休上班", 9, 20)
        holiday("中秋节", 9, 25, 27)
        holiday("国庆节", 10, 1, 7)
        workday("国庆节调休上班", 10, 10)
        return days
    }()
}

extension SimpleDate {
    /// 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int { WorkingCalendar.isoWeekday(self) }
}

import Foundation
import Testing
import WanggeCore

@Suite("The office calendar: the State Council's 2026 holidays, 调休 and the rules for an entry")
struct OfficeCalendarTests {
    static func day(_ m: Int, _ d: Int) -> SimpleDate { SimpleDate(year: 2026, month: m, day: d)! }

    static func at(_ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> Date {
        ChinaTime.calendar.date(from: DateComponents(year: 2026, month: m, day: d, hour: h, minute: min))!
    }

    @Test("the seed is the published notice: 33 days off, 6 weekend days worked, every entry valid")
    func seed() {
        let days = OfficeCalendar.stateCouncil2026
        #expect(days.filter { $0.kind == .holiday }.count == 33)
        #expect(days.filter { $0.kind == .workday }.map(\.date) == [Self.day(1, 4), Self.day(2, 14), Self.day(2, 28), Self.day(5, 9), Self.day(9, 20), Self.day(10, 10)])
        #expect(days.filter { $0.kind == .workday }.allSatisfy { [6, 7].contains($0.date.isoWeekday) })
        #expect(days.allSatisfy { OfficeCalendar.problems($0).isEmpty })
        #expect(Set(days.map(\.date)).count == days.count, "no day twice")
        #expect(Self.day(2, 15).isoWeekday == 7 && Self.day(10, 1).isoWeekday == 4, "as the notice says: 2月15日 周日, 10月1日 周四")
    }

    @Test("office-hour limits skip the National Day week and count the Saturday worked after it")
    func limitsUseIt() {
        let calendar = LimitCalendar(.working, working: OfficeCalendar.working(OfficeCalendar.stateCouncil2026))
        // 30 minutes left on 30 September, then nothing until Thursday 8 October.
        #expect(TimeLimits.deadline(from: Self.at(9, 30, 17), hours: 2, calendar: calendar) == Self.at(10, 8, 10, 30))
        // Friday 9 October 17:00 + 2 h: Saturday 10 October is worked (调休).
        #expect(TimeLimits.deadline(from: Self.at(10, 9, 17), hours: 2, calendar: calendar) == Self.at(10, 10, 10, 30))
        let plain = LimitCalendar(.working, working: .standard)
        #expect(TimeLimits.deadline(from: Self.at(9, 30, 17), hours: 2, calendar: plain) == Self.at(10, 1, 10, 30))
    }

    @Test("an entry needs a name, a real year, and a make-up day on a weekend")
    func rules() {
        #expect(OfficeCalendar.problems(CalendarDay(date: Self.day(3, 2), kind: .workday, name: "调休")).map(\.key) == ["calendar.workday_on_weekday"])
        #expect(OfficeCalendar.problems(CalendarDay(date: Self.day(3, 2), kind: .holiday, name: " ")).map(\.key) == ["field.required"])
        #expect(OfficeCalendar.problems(CalendarDay(date: Self.day(3, 2), kind: .holiday, name: String(repeating: "节", count: 21))).map(\.key) == ["field.too_long"])
        #expect(OfficeCalendar.problems(CalendarDay(date: SimpleDate(year: 1999, month: 1, day: 1)!, kind: .holiday, name: "元旦")).map(\.key) == ["calendar.bad_year"])
        #expect(OfficeCalendar.problems(CalendarDay(date: Self.day(3, 7), kind: .workday, name: "调休")).isEmpty)
    }
}

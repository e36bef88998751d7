import Foundation
import Testing
@testable import WanggeCore

/// A moment in China Standard Time, written "2025-03-03 09:00".
func caseTime(_ s: String) -> Date {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "Asia/Shanghai")
    f.dateFormat = "yyyy-MM-dd HH:mm"
    return f.date(from: s)!
}

@Suite struct CaseTimeLimitsTests {
    // 2025-03-03 is a Monday. 2025 劳动节: 1–5 May off, Sunday 27 April and Saturday 10 May worked.
    static let mayDay = WorkingCalendar(
        holidays: Set((1...5).map { SimpleDate(year: 2025, month: 5, day: $0)! }),
        makeUpWorkdays: [SimpleDate(year: 2025, month: 4, day: 27)!, SimpleDate(year: 2025, month: 5, day: 10)!])
    static let working = LimitCalendar.working(.standard)

    static func deadline(
        _ from: String, _ hours: Double, _ calendar: LimitCalendar = working,
        excluding: [DateInterval] = []
    ) -> Date {
        TimeLimits.deadline(from: caseTime(from), hours: hours, calendar: calendar, excluding: excluding)
    }

    static func interval(_ a: String, _ b: String) -> DateInterval { DateInterval(start: caseTime(a), end: caseTime(b)) }

    @Test func defaultsAreTheSeedsLimits() {
        #expect(CaseLimits.general == CaseLimits(respondHours: 2, resolveHours: 24, counting: .clock))
        #expect(CaseLimits.complex.resolveHours == 72 && CaseLimits.complex.respondHours == 2)
        #expect(CaseLimits.standard(complex: true) == .complex)
        #expect(WorkingCalendar.standard.hoursPerDay == 7)
        #expect(LimitCalendar(.clock) == .clock && LimitCalendar(.working) == .working(.standard))
    }

    @Test func clockHours() {
        #expect(Self.deadline("2025-03-03 10:00", 24, .clock) == caseTime("2025-03-04 10:00"))
        #expect(Self.deadline("2025-03-07 22:00", 72, .clock) == caseTime("2025-03-10 22:00"))
        #expect(Self.deadline("2025-03-03 10:00", 0, .clock) == caseTime("2025-03-03 10:00"))
        // A suspension of 3 hours pushes the deadline by 3 hours; overlapping ones count once.
        let cut = [Self.interval("2025-03-03 12:00", "2025-03-03 14:00"), Self.interval("2025-03-03 13:00", "2025-03-03 15:00")]
        #expect(Self.deadline("2025-03-03 10:00", 24, .clock, excluding: cut) == caseTime("2025-03-04 13:00"))
        // A suspension before the start does not count.
        #expect(
            Self.deadline("2025-03-03 10:00", 2, .clock, excluding: [Self.interval("2025-03-02 10:00", "2025-03-03 09:00")])
                == caseTime("2025-03-03 12:00"))
    }

    @Test func workingHoursWithinADayAndAcrossLunch() {
        #expect(Self.deadline("2025-03-03 09:00", 3) == caseTime("2025-03-03 12:00"))  // exactly to lunch
        #expect(Self.deadline("2025-03-03 11:00", 2) == caseTime("2025-03-03 14:30"))  // 1 h before lunch, 1 h after
        #expect(Self.deadline("2025-03-03 12:30", 1) == caseTime("2025-03-03 14:30"))  // reported during lunch
        #expect(Self.deadline("2025-03-03 09:00", 7) == caseTime("2025-03-03 17:30"))  // one full day
    }

    @Test func workingHoursAcrossNightsAndWeekends() {
        #expect(Self.deadline("2025-03-03 17:00", 2) == caseTime("2025-03-04 10:30"))  // overnight
        #expect(Self.deadline("2025-03-03 20:00", 2) == caseTime("2025-03-04 11:00"))  // reported at night
        #expect(Self.deadline("2025-03-04 06:00", 1) == caseTime("2025-03-04 10:00"))  // before work
        #expect(Self.deadline("2025-03-07 17:00", 2) == caseTime("2025-03-10 10:30"))  // Friday evening → Monday
        #expect(Self.deadline("2025-03-08 22:00", 2) == caseTime("2025-03-10 11:00"))  // Saturday night
        #expect(Self.deadline("2025-03-03 09:00", 24) == caseTime("2025-03-06 12:00"))  // 7 + 7 + 7 + 3
        #expect(Self.deadline("2025-03-06 09:00", 24) == caseTime("2025-03-11 12:00"))  // over a weekend
    }

    @Test func holidaysAndMakeUpWorkdays() {
        let may = LimitCalendar.working(Self.mayDay)
        // Wednesday 30 April, half an hour before closing: the holiday runs to Monday 5 May.
        #expect(Self.deadline("2025-04-30 17:00", 2, may) == caseTime("2025-05-06 10:30"))
        #expect(Self.deadline("2025-04-30 17:00", 2) == caseTime("2025-05-01 10:30"))  // without the holiday listed
        // Friday 25 April: Sunday 27 April is a make-up workday.
        #expect(Self.deadline("2025-04-25 17:00", 2, may) == caseTime("2025-04-27 10:30"))
        #expect(Self.deadline("2025-04-25 17:00", 2) == caseTime("2025-04-28 10:30"))
        // Friday 9 May → Saturday 10 May is worked.
        #expect(Self.deadline("2025-05-09 17:30", 7, may) == caseTime("2025-05-10 17:30"))
        #expect(Self.mayDay.isWorkday(SimpleDate(year: 2025, month: 4, day: 27)!))
        #expect(!Self.mayDay.isWorkday(SimpleDate(year: 2025, month: 5, day: 5)!))
        #expect(!Self.mayDay.isWorkday(SimpleDate(year: 2025, month: 5, day: 11)!))
        #expect(Self.mayDay.isWorkday(SimpleDate(year: 2025, month: 5, day: 6)!))
    }

    @Test func weekdays() {
        #expect(WorkingCalendar.isoWeekday(SimpleDate(year: 2025, month: 3, day: 3)!) == 1)
        #expect(WorkingCalendar.isoWeekday(SimpleDate(year: 1970, month: 1, day: 1)!) == 4)
        #expect(WorkingCalendar.isoWeekday(SimpleDate(year: 2024, month: 2, day: 29)!) == 4)
        #expect(WorkingCalendar.isoWeekday(SimpleDate(year: 1969, month: 12, day: 28)!) == 7)
        #expect(WorkingCalendar.isoWeekday(SimpleDate(year: 2000, month: 1, day: 1)!) == 6)
    }

    @Test func suspensionIsNotCountedInWorkingHours() {
        // Mon 09:00–10:00 counts; suspended until Tue 10:00; then 2 h + 4 h on Tuesday.
        let cut = [Self.interval("2025-03-03 10:00", "2025-03-04 10:00")]
        #expect(Self.deadline("2025-03-03 09:00", 7, excluding: cut) == caseTime("2025-03-04 17:30"))
        #expect(
            TimeLimits.countedSeconds(
                from: caseTime("2025-03-03 09:00"), to: caseTime("2025-03-04 12:00"),
                calendar: Self.working, excluding: cut) == 3 * 3600)
    }

    @Test(arguments: [0.5, 1, 2, 7, 24, 72])
    func countingBackAgreesWithTheDeadline(hours: Double) {
        let start = caseTime("2025-04-24 15:47")
        for calendar in [LimitCalendar.clock, .working(Self.mayDay)] {
            let cut = [Self.interval("2025-04-25 10:00", "2025-04-27 11:00")]
            let end = TimeLimits.deadline(from: start, hours: hours, calendar: calendar, excluding: cut)
            #expect(TimeLimits.countedSeconds(from: start, to: end, calendar: calendar, excluding: cut) == hours * 3600)
        }
    }

    @Test func clockStatusWarnsAtEightyPercent() {
        let timer = CaseTimer(reportedAt: caseTime("2025-03-03 09:00"))
        func at(_ s: String) -> CaseTimer.Status { timer.status(now: caseTime(s)) }
        #expect(at("2025-03-03 10:30").response == .onTime)  // 75 %
        #expect(at("2025-03-03 10:36").response == .warning)  // 80 %
        #expect(at("2025-03-03 11:00").response == .warning)  // exactly the limit
        #expect(at("2025-03-03 11:01").response == .overdue)
        #expect(at("2025-03-04 04:00").resolution == .onTime)  // 19 h
        #expect(at("2025-03-04 04:12").resolution == .warning)  // 19.2 h
        #expect(at("2025-03-04 09:01").resolution == .overdue)
        #expect(timer.resolveWarningAt(now: caseTime("2025-03-03 10:00")) == caseTime("2025-03-04 04:12"))

        var answered = timer
        answered.respondedAt = caseTime("2025-03-03 10:50")
        answered.resolvedAt = caseTime("2025-03-04 08:00")
        #expect(answered.status(now: caseTime("2025-03-09 10:00")) == .init(response: .onTime, resolution: .onTime))
        answered.respondedAt = caseTime("2025-03-03 11:30")
        answered.resolvedAt = caseTime("2025-03-04 09:30")
        #expect(answered.status(now: caseTime("2025-03-09 10:00")) == .init(response: .overdue, resolution: .overdue))
    }

    @Test func suspendedTimeDoesNotCountTowardsStatus() {
        var timer = CaseTimer(
            reportedAt: caseTime("2025-03-03 09:00"), respondedAt: caseTime("2025-03-03 09:30"),
            suspensions: [Self.interval("2025-03-03 10:00", "2025-03-03 16:00")])
        #expect(timer.status(now: caseTime("2025-03-04 09:01")).resolution == .onTime)  // 18 h counted
        #expect(timer.resolveBy(now: caseTime("2025-03-04 09:01")) == caseTime("2025-03-04 15:00"))
        // A suspension still running counts as lasting until now.
        timer.suspensions = []
        timer.suspendedSince = caseTime("2025-03-03 12:00")
        #expect(timer.status(now: caseTime("2025-03-05 12:00")) == .init(response: .onTime, resolution: .onTime))
        #expect(timer.resolveBy(now: caseTime("2025-03-05 12:00")) == caseTime("2025-03-06 09:00"))
    }

    @Test func workingHourStatusForAService() {
        let timer = CaseTimer(reportedAt: caseTime("2025-03-07 17:00"), limits: CaseLimits(counting: .working))
        #expect(timer.status(now: caseTime("2025-03-08 12:00")).response == .onTime)  // weekend: 0.5 h
        #expect(timer.status(now: caseTime("2025-03-10 10:00")).response == .onTime)  // 1.5 h
        #expect(timer.status(now: caseTime("2025-03-10 10:06")).response == .warning)  // 1.6 h
        #expect(timer.status(now: caseTime("2025-03-10 10:31")).response == .overdue)
        #expect(timer.respondBy(now: caseTime("2025-03-10 10:31")) == caseTime("2025-03-10 10:30"))
        #expect(timer.resolveBy(now: caseTime("2025-03-10 10:31")) == caseTime("2025-03-13 11:30"))  // 0.5 + 7 + 7 + 7 + 2.5
    }

    @Test func aCalendarWithNoWorkdaysNeverEnds() {
        let never = WorkingCalendar(workdays: [])
        #expect(TimeLimits.deadline(from: caseTime("2025-03-03 09:00"), hours: 2, calendar: .working(never)) == .distantFuture)
    }
}

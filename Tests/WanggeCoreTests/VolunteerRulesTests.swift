import Testing
@testable import WanggeCore

@Suite("Volunteers: time spans and their overlap, hours rounding, the points rule, the ledger and an activity's steps")
struct VolunteerRulesTests {
    static func slot(_ start: String, _ end: String, day: String = "2026-12-01") throws -> DaySlot {
        try DaySlot.parse(day: day, start: start, end: end)
    }

    @Test("spans are quarter hours of one day, kept as sortable keys")
    func spans() throws {
        let s = try Self.slot("09:00", "11:30")
        #expect(s == DaySlot(day: "2026-12-01", start: 540, end: 690))
        #expect(s.startKey == "2026-12-01T09:00" && s.endKey == "2026-12-01T11:30" && s.minutes == 150)
        #expect(DaySlot(startKey: s.startKey, endKey: s.endKey) == s)
        #expect(try Self.slot("22:00", "24:00").end == 1440)
        #expect(throws: OpennessProblem.invalid("volunteer.bad_time", field: "start")) { try Self.slot("09:10", "10:00") }
        #expect(throws: OpennessProblem.invalid("volunteer.bad_time", field: "start")) { try Self.slot("24:00", "24:00") }
        #expect(throws: OpennessProblem.invalid("volunteer.bad_time", field: "end")) { try Self.slot("09:00", "25:00") }
        #expect(throws: OpennessProblem.invalid("volunteer.end_before_start", field: "end")) { try Self.slot("10:00", "10:00") }
        #expect(throws: OpennessProblem.invalid("log.bad_day", field: "day")) { try Self.slot("09:00", "10:00", day: "2026-02-30") }
    }

    @Test("two spans overlap when each starts before the other ends: meeting at a boundary is no overlap")
    func overlap() throws {
        let a = try Self.slot("09:00", "11:00")
        #expect(!a.overlaps(try Self.slot("11:00", "12:00")), "starts as a ends")
        #expect(!a.overlaps(try Self.slot("08:00", "09:00")), "ends as a starts")
        #expect(a.overlaps(try Self.slot("10:45", "11:00")), "the last quarter")
        #expect(a.overlaps(try Self.slot("08:00", "09:15")), "the first quarter")
        #expect(a.overlaps(try Self.slot("09:00", "11:00")), "the same span")
        #expect(a.overlaps(try Self.slot("08:00", "12:00")), "around it")
        #expect(!a.overlaps(try Self.slot("09:00", "11:00", day: "2026-12-02")), "another day")
        let booked = [try Self.slot("09:00", "10:00"), try Self.slot("10:30", "12:00")]
        #expect(VenueCalendar.conflict(try Self.slot("10:00", "10:30"), with: booked) == nil)
        #expect(VenueCalendar.conflict(try Self.slot("10:00", "11:00"), with: booked) == 1)
        #expect(VenueCalendar.conflict(try Self.slot("08:45", "09:15"), with: booked) == 0)
    }

    @Test("hours are whole half hours, rounded down, at most 12, no more than the activity lasted")
    func hours() throws {
        #expect(VolunteerHours.credited(149) == 120 && VolunteerHours.credited(150) == 150 && VolunteerHours.credited(29) == 0)
        #expect(VolunteerHours.credited(800) == 720 && VolunteerHours.credited(-5) == 0)
        #expect(try VolunteerHours.minutes(" 2.5 ") == 150)
        #expect(try VolunteerHours.minutes("0", allowZero: true) == 0)
        for bad in ["0", "0.25", "12.5", "-1", "x", ""] {
            #expect(throws: OpennessProblem.invalid("volunteer.bad_hours", field: "hours"), "\(bad)") { try VolunteerHours.minutes(bad) }
        }
        // A 2 h 50 min activity credits 2.5 hours at most.
        #expect(try VolunteerHours.recorded("2.5", span: 170) == 150)
        #expect(throws: OpennessProblem.invalid("volunteer.hours_over_span", ["2.5"], field: "hours")) { try VolunteerHours.recorded("3", span: 170) }
        #expect(VolunteerHours.text(150) == "2.5" && VolunteerHours.text(180) == "3")
    }

    @Test("the published rule: 5 points a half hour and 2 an activity; a correction posts the difference")
    func points() {
        let rule = PointsRule.current
        #expect(rule.points(forMinutes: 0) == 0)
        #expect(rule.points(forMinutes: 30) == 7)
        #expect(rule.points(forMinutes: 120) == 22)
        #expect(rule.points(forMinutes: 150) == 27)
        #expect(rule.change(from: 150, to: 120) == -5)
        #expect(rule.change(from: 0, to: 60) == 12 && rule.change(from: 60, to: 0) == -12)
    }

    @Test("the ledger never goes below zero: a redemption beyond the balance is refused, a correction takes at most the balance")
    func ledger() throws {
        #expect(try PointsLedgerRule.redeem(27, from: 27) == 0)
        #expect(throws: OpennessProblem.invalid("volunteer.insufficient_points", ["27"], field: "points")) { try PointsLedgerRule.redeem(28, from: 27) }
        #expect(PointsLedgerRule.correction(-12, balance: 5) == -5)
        #expect(PointsLedgerRule.correction(-12, balance: 20) == -12 && PointsLedgerRule.correction(7, balance: 0) == 7)
        #expect(try PointsLedgerRule.redemption(" 5 ") == 5)
        for bad in ["0", "-3", "1.5", "10001", ""] {
            #expect(throws: OpennessProblem.invalid("volunteer.bad_points", ["10000"], field: "points"), "\(bad)") { try PointsLedgerRule.redemption(bad) }
        }
    }

    @Test("an activity's steps: a place while there is one, check-in on the day, hours once after checking in")
    func steps() throws {
        try ActivitySteps.signUp(taken: 2, capacity: 3, already: false)
        #expect(throws: OpennessProblem.invalid("volunteer.full", ["3"], field: "volunteer")) { try ActivitySteps.signUp(taken: 3, capacity: 3, already: false) }
        #expect(throws: OpennessProblem.invalid("volunteer.already_signed_up", field: "volunteer")) {
            try ActivitySteps.signUp(taken: 0, capacity: 3, already: true)
        }
        #expect(try ActivitySteps.checkIn(.signedUp, day: "2026-12-01", today: "2026-12-01") == .checkedIn)
        #expect(throws: OpennessProblem.invalid("volunteer.not_signed_up", field: "volunteer")) {
            try ActivitySteps.checkIn(nil, day: "2026-12-01", today: "2026-12-01")
        }
        #expect(throws: OpennessProblem.invalid("volunteer.already_checked_in", field: "volunteer")) {
            try ActivitySteps.checkIn(.checkedIn, day: "2026-12-01", today: "2026-12-01")
        }
        #expect(throws: OpennessProblem.invalid("volunteer.not_today", ["2026-12-02"], field: "volunteer")) {
            try ActivitySteps.checkIn(.signedUp, day: "2026-12-02", today: "2026-12-01")
        }
        try ActivitySteps.recordHours(.checkedIn, recorded: false)
        #expect(throws: OpennessProblem.invalid("volunteer.not_checked_in", field: "volunteer")) { try ActivitySteps.recordHours(.signedUp, recorded: false) }
        #expect(throws: OpennessProblem.invalid("volunteer.hours_recorded", field: "hours")) { try ActivitySteps.recordHours(.checkedIn, recorded: true) }
    }

    struct ZeroRandom: RandomNumberGenerator {
        mutating func next() -> UInt64 { 0 }
    }

    @Test("certificate codes: ten characters without look-alikes, read back in any case and grouping")
    func codes() {
        var rng = ZeroRandom()
        #expect(CertificateCode.make(using: &rng) == "AAAAAAAAAA")
        let code = CertificateCode.make()
        #expect(code.count == 10 && CertificateCode.normalize(code) == code)
        #expect(CertificateCode.normalize("abcd-efgh-jk") == "ABCDEFGHJK")
        #expect(CertificateCode.normalize("ABCD-EFGH-J0") == nil && CertificateCode.normalize("ABCDEFGHJ") == nil && CertificateCode.normalize("ABCDEFGHJI") == nil)
        #expect(CertificateCode.display("ABCDEFGHJK") == "ABCD-EFGH-JK")
    }

    @Test("each bad field is named")
    func fields() {
        #expect(throws: OpennessProblem.invalid("party.required", field: "leader")) { try VolunteerRules.team(name: "红领之家", leader: " ") }
        #expect(throws: OpennessProblem.invalid("volunteer.bad_phone", field: "phone")) { try VolunteerRules.outsider(name: "张三", phone: "12345") }
        #expect(throws: OpennessProblem.invalid("volunteer.bad_capacity", ["500"], field: "capacity")) {
            try VolunteerRules.activity(title: "清扫", place: "小区", day: "2026-12-01", start: "09:00", end: "10:00", capacity: "0")
        }
        #expect(throws: OpennessProblem.invalid("volunteer.bad_grade", field: "grade")) {
            try VolunteerRules.note(kind: .evaluation, day: "2026-11-30", text: "", grade: "great", today: "2026-11-30")
        }
        #expect(throws: OpennessProblem.invalid("log.bad_day", field: "day")) {
            try VolunteerRules.note(kind: .training, day: "2026-12-01", text: "急救培训", grade: nil, today: "2026-11-30")
        }
    }
}

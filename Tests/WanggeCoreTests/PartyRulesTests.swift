import Testing
@testable import WanggeCore

@Suite("Party overlay: the checks of organisations, registrations and service hours")
struct PartyRulesTests {
    @Test("hours are half-hour steps from 0.5 to 12, kept in minutes")
    func hours() throws {
        #expect(try PartyRules.minutes("2") == 120)
        #expect(try PartyRules.minutes(" 1.5 ") == 90)
        #expect(try PartyRules.minutes("12") == 720)
        for bad in ["0", "-1", "0.25", "12.5", "abc", "", "nan"] {
            #expect(throws: OpennessProblem.invalid("party.bad_hours", field: "hours"), "\(bad)") { try PartyRules.minutes(bad) }
        }
        #expect(PartyRules.hoursText(150) == "2.5" && PartyRules.hoursText(180) == "3")
    }

    @Test("each bad field is named")
    func fields() {
        #expect(throws: OpennessProblem.invalid("party.bad_kind", field: "kind")) { try PartyRules.org(kind: "cell", name: "第一党支部", secretary: "王丽") }
        #expect(throws: OpennessProblem.invalid("party.required", field: "secretary")) { try PartyRules.org(kind: "branch", name: "第一党支部", secretary: " ") }
        #expect(throws: OpennessProblem.invalid("log.bad_day", field: "registered_on")) {
            try PartyRules.member(kind: "in_service", name: "李强", workplace: "区财政局", day: "2026-12-01", today: "2026-11-30")
        }
        #expect(throws: OpennessProblem.invalid("party.required", field: "activity")) {
            try PartyRules.service(day: "2026-11-30", activity: "", hours: "2", today: "2026-11-30")
        }
    }
}

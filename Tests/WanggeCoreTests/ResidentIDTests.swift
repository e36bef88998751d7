import Testing
@testable import WanggeCore

@Test func idSample() throws { #expect(try ResidentID("11010519491231002X").sex == .female) }

@Suite struct ResidentIDCases {
    let today = SimpleDate(year: 2025, month: 6, day: 1)!

    @Test func validNumbers() throws {
        let a = try ResidentID("11010519491231002X", today: today)
        #expect(a.region == "110105")
        #expect(a.birthDate == SimpleDate(year: 1949, month: 12, day: 31))
        #expect(a.sex == .female)
        let b = try ResidentID("440524188001010014", today: today)
        #expect(b.birthDate == SimpleDate(year: 1880, month: 1, day: 1))
        #expect(b.sex == .male)
    }

    @Test func lowercaseXAndSpacesAreNormalised() throws {
        #expect(try ResidentID(" 11010519491231002x\u{3000}", today: today).value == "11010519491231002X")
    }

    @Test func wrongCheckNamesTheExpectedCharacter() {
        #expect(throws: ResidentID.Problem.badCheck(expected: "X")) { try ResidentID("110105194912310021", today: today) }
        #expect(throws: ResidentID.Problem.badCheck(expected: "4")) { try ResidentID("440524188001010015", today: today) }
    }

    @Test func impossibleBirthDate() {
        // 1949-02-30 does not exist; the check character is never reached.
        #expect(throws: ResidentID.Problem.badBirthDate) { try ResidentID("110105194902300021", today: today) }
        #expect(throws: ResidentID.Problem.badBirthDate) { try ResidentID("110105184912310021", today: today) }
    }

    @Test func leapDayIsAccepted() throws {
        #expect(try ResidentID("110105200002290013", today: today).birthDate == SimpleDate(year: 2000, month: 2, day: 29))
    }

    @Test func futureBirthDate() {
        #expect(throws: ResidentID.Problem.futureBirthDate) { try ResidentID("11010520300101001X", today: today) }
    }

    @Test func wrongLength() {
        #expect(throws: ResidentID.Problem.wrongLength(16)) { try ResidentID("1101051949123100", today: today) }
        #expect(throws: ResidentID.Problem.wrongLength(0)) { try ResidentID("", today: today) }
        #expect(throws: ResidentID.Problem.wrongLength(19)) { try ResidentID("11010519491231002X1", today: today) }
    }

    @Test func nonDigits() {
        #expect(throws: ResidentID.Problem.notDigits) { try ResidentID("11010519491231A02X", today: today) }
        #expect(throws: ResidentID.Problem.notDigits) { try ResidentID("11010519491231002Y", today: today) }
        #expect(throws: ResidentID.Problem.notDigits) { try ResidentID("１１010519491231002X", today: today) }
    }

    @Test func badRegion() {
        #expect(throws: ResidentID.Problem.badRegion) { try ResidentID("990105194912310021", today: today) }
    }

    @Test func makeBuildsValidNumbers() throws {
        let id = ResidentID.make(region: "110105", birth: SimpleDate(year: 1990, month: 3, day: 7)!, sequence: 123)
        #expect(id.value == "110105199003071239")
        #expect(try ResidentID(id.value, today: today) == id)
        #expect(id.sex == .male)
    }
}

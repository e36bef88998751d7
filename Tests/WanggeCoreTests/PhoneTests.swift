import Testing
@testable import WanggeCore

@Suite struct PhoneTests {
    @Test func mobiles() throws {
        #expect(try Phone.normalize("13812345678") == "13812345678")
        #expect(try Phone.normalize(" 138 1234 5678 ") == "13812345678")
        #expect(try Phone.normalize("138-1234-5678") == "13812345678")
        #expect(try Phone.normalize("+86 13812345678") == "13812345678")
        #expect(try Phone.normalize("+86-138-1234-5678") == "13812345678")
        #expect(try Phone.normalize("008613812345678") == "13812345678")
        #expect(try Phone.normalize("8613812345678") == "13812345678")
        #expect(try Phone.normalize("１３８１２３４５６７８") == "13812345678")
        #expect(try Phone.normalize("19912345678") == "19912345678")
        #expect(Phone.isValid("\t13812345678"), "cells exported with a TAB guard")
    }

    @Test func landlines() throws {
        #expect(try Phone.normalize("010-12345678") == "010-12345678")
        #expect(try Phone.normalize("01012345678") == "010-12345678")
        #expect(try Phone.normalize("(010)12345678") == "010-12345678")
        #expect(try Phone.normalize("（010）1234 5678") == "010-12345678")
        #expect(try Phone.normalize("0755-1234567") == "0755-1234567")
        #expect(try Phone.normalize("075512345678") == "0755-12345678")
        #expect(try Phone.normalize("021 6123 4567") == "021-61234567")
        #expect(try Phone.normalize("+86 010 12345678") == "010-12345678")
    }

    @Test func problems() {
        #expect(throws: PhoneProblem.empty) { try Phone.normalize("  ") }
        #expect(throws: PhoneProblem.empty) { try Phone.normalize("-") }
        #expect(throws: PhoneProblem.invalidCharacter("a")) { try Phone.normalize("138a2345678") }
        #expect(throws: PhoneProblem.invalidCharacter("转")) { try Phone.normalize("010-12345678转123") }
        #expect(throws: PhoneProblem.wrongMobileLength(10)) { try Phone.normalize("1381234567") }
        #expect(throws: PhoneProblem.wrongMobileLength(12)) { try Phone.normalize("138123456789") }
        #expect(throws: PhoneProblem.notMobilePrefix("123")) { try Phone.normalize("12345678901") }
        #expect(throws: PhoneProblem.badAreaCode("0123")) { try Phone.normalize("0123-1234567") }
        #expect(throws: PhoneProblem.badAreaCode("01")) { try Phone.normalize("01-12345678") }
        #expect(throws: PhoneProblem.badAreaCode("0138")) { try Phone.normalize("013812345678") }
        #expect(throws: PhoneProblem.wrongLandlineLength(6)) { try Phone.normalize("010-123456") }
        #expect(throws: PhoneProblem.wrongLandlineLength(9)) { try Phone.normalize("010-123456789") }
        #expect(throws: PhoneProblem.badSubscriberNumber("02345678")) { try Phone.normalize("010-02345678") }
        #expect(throws: PhoneProblem.badSubscriberNumber("0123456")) { try Phone.normalize("0755-0123456") }
        #expect(throws: PhoneProblem.missingAreaCode) { try Phone.normalize("12345678") }
        #expect(throws: PhoneProblem.missingAreaCode) { try Phone.normalize("6123456") }
        #expect(throws: PhoneProblem.unknownFormat) { try Phone.normalize("6123456789") }
        #expect(PhoneProblem.wrongMobileLength(10).message() == "手机号应为 11 位，实际为 10 位")
    }
}

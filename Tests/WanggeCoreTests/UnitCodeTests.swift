import Testing
@testable import WanggeCore

@Suite struct UnitCodeTests {
    @Test func validCodesAtEveryNumberedLevel() throws {
        try UnitCode.validate("110105", level: .district, parentCode: nil)
        try UnitCode.validate("110105001", level: .street, parentCode: "110105")
        try UnitCode.validate("110105001002", level: .community, parentCode: "110105001")
        try UnitCode.validate("110105001002003", level: .grid, parentCode: "110105001002")
        try UnitCode.validate("110105001002003", level: .grid, parentCode: nil)
        #expect(UnitCode.isValid("440305399999999", level: .grid))
    }

    @Test func digitCounts() {
        #expect(UnitCode.digitCount(for: .district) == 6)
        #expect(UnitCode.digitCount(for: .street) == 9)
        #expect(UnitCode.digitCount(for: .community) == 12)
        #expect(UnitCode.digitCount(for: .grid) == 15)
        #expect(UnitCode.digitCount(for: .block) == nil)
    }

    @Test func countyCodeRules() {
        #expect(throws: UnitCodeProblem.notCounty("110100")) { try UnitCode.validate("110100", level: .district, parentCode: nil) }
        #expect(throws: UnitCodeProblem.badProvince("100105")) { try UnitCode.validate("100105", level: .district, parentCode: nil) }
        #expect(throws: UnitCodeProblem.badProvince("190105")) { try UnitCode.validate("190105", level: .district, parentCode: nil) }
        #expect(throws: UnitCodeProblem.badProvince("830101")) { try UnitCode.validate("830101", level: .district, parentCode: nil) }
        #expect(UnitCode.isValid("820001", level: .district))
        #expect(throws: UnitCodeProblem.districtHasParent) { try UnitCode.validate("110105", level: .district, parentCode: "11") }
    }

    @Test func digitsAndLength() {
        #expect(throws: UnitCodeProblem.empty) { try UnitCode.validate("", level: .grid, parentCode: nil) }
        #expect(throws: UnitCodeProblem.notDigits("11010500A")) { try UnitCode.validate("11010500A", level: .street, parentCode: nil) }
        #expect(throws: UnitCodeProblem.notDigits(" 110105")) { try UnitCode.validate(" 110105", level: .district, parentCode: nil) }
        #expect(throws: UnitCodeProblem.wrongLength(level: .street, expected: 9, actual: 8)) {
            try UnitCode.validate("11010501", level: .street, parentCode: "110105")
        }
        #expect(throws: UnitCodeProblem.wrongLength(level: .grid, expected: 15, actual: 12)) {
            try UnitCode.validate("110105001002", level: .grid, parentCode: nil)
        }
    }

    @Test func segmentRanges() {
        #expect(throws: UnitCodeProblem.outOfRange(level: .street, segment: "000", lowest: 1, highest: 399)) {
            try UnitCode.validate("110105000", level: .street, parentCode: nil)
        }
        #expect(throws: UnitCodeProblem.outOfRange(level: .street, segment: "400", lowest: 1, highest: 399)) {
            try UnitCode.validate("110105400", level: .street, parentCode: nil)
        }
        #expect(throws: UnitCodeProblem.outOfRange(level: .community, segment: "000", lowest: 1, highest: 999)) {
            try UnitCode.validate("110105001000", level: .community, parentCode: nil)
        }
        #expect(throws: UnitCodeProblem.outOfRange(level: .grid, segment: "000", lowest: 1, highest: 999)) {
            try UnitCode.validate("110105001001000", level: .grid, parentCode: nil)
        }
    }

    @Test func mustExtendTheParent() {
        #expect(throws: UnitCodeProblem.notUnderParent(code: "110106001", parentCode: "110105")) {
            try UnitCode.validate("110106001", level: .street, parentCode: "110105")
        }
        #expect(throws: UnitCodeProblem.notUnderParent(code: "110105001002003", parentCode: "110105001")) {
            try UnitCode.validate("110105001002003", level: .grid, parentCode: "110105001")
        }
    }

    @Test func codesBelowTheGrid() throws {
        let grid = "110105001002003"
        try UnitCode.validate(grid + "-01", level: .zone, parentCode: grid)
        try UnitCode.validate(grid + "-01", level: .estate, parentCode: grid)
        try UnitCode.validate(grid + "-01-12", level: .block, parentCode: grid + "-01")
        try UnitCode.validate(grid + "-01-02-03-104", level: .entrance, parentCode: grid + "-01-02-03")
        #expect(throws: UnitCodeProblem.badSuffix("1")) { try UnitCode.validate(grid + "-1", level: .zone, parentCode: grid) }
        #expect(throws: UnitCodeProblem.badSuffix("00")) { try UnitCode.validate(grid + "-00", level: .zone, parentCode: grid) }
        #expect(throws: UnitCodeProblem.badSuffix("")) { try UnitCode.validate(grid + "-", level: .zone, parentCode: nil) }
        #expect(throws: UnitCodeProblem.wrongSuffixCount(level: .zone, count: 2)) {
            try UnitCode.validate(grid + "-01-02", level: .zone, parentCode: nil)
        }
        #expect(throws: UnitCodeProblem.wrongSuffixCount(level: .block, count: 0)) { try UnitCode.validate(grid, level: .block, parentCode: nil) }
        #expect(throws: UnitCodeProblem.notUnderGrid("11010500100-01")) {
            try UnitCode.validate("11010500100-01", level: .zone, parentCode: nil)
        }
        // Two levels at once is not one child step.
        #expect(throws: UnitCodeProblem.notUnderParent(code: grid + "-01-02", parentCode: grid)) {
            try UnitCode.validate(grid + "-01-02", level: .block, parentCode: grid)
        }
    }

    @Test func childCodes() throws {
        #expect(UnitCode.child(parentCode: "110105", childLevel: .street, sequence: 1) == "110105001")
        #expect(UnitCode.child(parentCode: "110105001", childLevel: .community, sequence: 42) == "110105001042")
        #expect(UnitCode.child(parentCode: "110105001042", childLevel: .grid, sequence: 999) == "110105001042999")
        #expect(UnitCode.child(parentCode: "110105001042999", childLevel: .estate, sequence: 3) == "110105001042999-03")
        #expect(UnitCode.child(parentCode: "110105001042999-03", childLevel: .block, sequence: 120) == "110105001042999-03-120")
        #expect(UnitCode.child(parentCode: "", childLevel: .district, sequence: 110105) == "110105")
        let grid = UnitCode.child(parentCode: "110105001042", childLevel: .grid, sequence: 7)
        try UnitCode.validate(grid, level: .grid, parentCode: "110105001042")
    }

    @Test func streetKinds() {
        #expect(UnitCode.streetKind("110105001") == .subdistrict)
        #expect(UnitCode.streetKind("110105099") == .subdistrict)
        #expect(UnitCode.streetKind("110105100") == .town)
        #expect(UnitCode.streetKind("110105199002003") == .town)
        #expect(UnitCode.streetKind("110105200") == .township)
        #expect(UnitCode.streetKind("110105399") == .township)
        #expect(UnitCode.streetKind("110105400") == nil)
        #expect(UnitCode.streetKind("110105") == nil)
        #expect(UnitCode.StreetKind.town.nameKey == "code.streetKind.town")
    }

    @Test func display() {
        #expect(UnitCode.display("110105001002003") == "110105 001 002 003")
        #expect(UnitCode.display("110105001") == "110105 001")
        #expect(UnitCode.display("110105") == "110105")
        #expect(UnitCode.display("110105001002003-01-02") == "110105 001 002 003-01-02")
        #expect(UnitCode.display("abc") == "abc")
        #expect(UnitCode.display("1101050010") == "1101050010")
    }

    @Test func messagesAreLocalised() {
        let p = UnitCodeProblem.wrongLength(level: .grid, expected: 15, actual: 12)
        #expect(p.message() == "网格编码应为 15 位，实际为 12 位")
        #expect(p.message(.en).contains("Grid"))
        #expect(UnitCodeProblem.outOfRange(level: .street, segment: "400", lowest: 1, highest: 399).message() == "街道/乡镇段“400”超出范围 001–399")
    }
}

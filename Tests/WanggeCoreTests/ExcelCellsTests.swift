import Testing
import WanggeCore

@Suite("What Excel does to long numbers: undone where safe, named where not")
struct ExcelCellsTests {
    @Test("scientific notation and 15-digit truncation are damage, not typing mistakes")
    func damage() {
        #expect(ExcelCells.longNumber("1.10105E+17", digits: 18).damage == .scientific)
        #expect(ExcelCells.longNumber("1.1E17").damage == .scientific)
        #expect(ExcelCells.longNumber("4.4e+14").damage == .scientific)
        #expect(ExcelCells.longNumber("110105194912310000", digits: 18).damage == .truncated)
        #expect(ExcelCells.longNumber("11010519491231002X", digits: 18).damage == nil)
        #expect(ExcelCells.longNumber("E17").damage == nil && ExcelCells.longNumber("1.2.3E4").damage == nil && ExcelCells.longNumber("幸福E1号").damage == nil)
    }

    @Test("apostrophes, tabs and full-width characters are undone and each change is listed")
    func fixes() {
        let quoted = ExcelCells.longNumber("'11010519491231002X", digits: 18)
        #expect(quoted.value == "11010519491231002X" && quoted.fixes.map(\.reason) == ["excel.fix.apostrophe"])
        let wide = ExcelCells.longNumber("１１０１０５１９４９１２３１００２ｘ")
        #expect(wide.value == "11010519491231002x" && wide.fixes.map(\.reason) == ["excel.fix.full_width"])
        #expect(ExcelCells.longNumber("\t13812345678").fixes.isEmpty, "the TAB Wangge's exports put in front is just trimmed")
    }

    @Test("a 15-digit ID number becomes 18 digits by GB 11643")
    func upgrade() throws {
        let upgraded = try #require(ExcelCells.upgradeID("110105491231002"))
        #expect(upgraded == "11010519491231002X")
        #expect((try? ResidentID(upgraded)) != nil)
        #expect(ExcelCells.upgradeID("11010549123100") == nil && ExcelCells.upgradeID("11010549123100X") == nil)
    }
}

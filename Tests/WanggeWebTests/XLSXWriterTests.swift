import Foundation
import Testing
import ZIPFoundation
@testable import WanggeWeb

@Suite("The XLSX writer: a real Office Open XML package, numbers as numbers, text escaped, sheet names Excel takes")
struct XLSXWriterTests {
    static func part(_ archive: Archive, _ path: String) throws -> String {
        let entry = try #require(archive[path], "\(path) is in the package")
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("two tables make two sheets with every required part; a number cell is numeric; text is escaped")
    func workbook() throws {
        let tables = [
            ExportTable(name: "指标", headers: ["指标", "数值"], rows: [[.text("按期结案率"), .number(93.7)], [.text("A & <B> \"C\""), .number(42)]]),
            ExportTable(name: "下级单位", headers: ["单位", "上报数", "空"], rows: [[.text("=1+1"), .number(-3), .empty]]),
        ]
        let data = try XLSXWriter.workbook(tables)
        #expect(data.prefix(2) == Data("PK".utf8))
        let archive = try Archive(data: data, accessMode: .read)
        let parts = Set(archive.map(\.path))
        #expect(
            parts == [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                "xl/worksheets/sheet2.xml",
            ])
        let types = try Self.part(archive, "[Content_Types].xml")
        #expect(types.contains(#"PartName="/xl/worksheets/sheet2.xml""#) && types.contains(#"PartName="/xl/workbook.xml""#))
        let workbook = try Self.part(archive, "xl/workbook.xml")
        #expect(workbook.contains(#"<sheet name="指标" sheetId="1" r:id="rId1"/>"#) && workbook.contains(#"<sheet name="下级单位" sheetId="2" r:id="rId2"/>"#))
        let rels = try Self.part(archive, "xl/_rels/workbook.xml.rels")
        #expect(rels.contains(#"Id="rId3""#) && rels.contains("styles.xml"))
        let sheet1 = try Self.part(archive, "xl/worksheets/sheet1.xml")
        // The header row is bold text; the figures are numeric cells with no type attribute.
        #expect(sheet1.contains(#"<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">指标</t></is></c>"#))
        #expect(sheet1.contains(#"<c r="B2"><v>93.7</v></c>"#) && sheet1.contains(#"<c r="B3"><v>42</v></c>"#))
        #expect(sheet1.contains("A &amp; &lt;B&gt; &quot;C&quot;") && !sheet1.contains("<B>"))
        let sheet2 = try Self.part(archive, "xl/worksheets/sheet2.xml")
        // A formula-looking text stays text (inline string, never <f>); an empty cell is left out.
        #expect(sheet2.contains(#"<c r="A2" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>"#) && !sheet2.contains("<f>"))
        #expect(sheet2.contains(#"<c r="B2"><v>-3</v></c>"#) && !sheet2.contains(#"r="C2""#))
    }

    @Test("sheet names lose []:*?/\\, stay within 31 characters and never repeat; columns run A…Z, AA")
    func names() {
        #expect(XLSXWriter.sheetName("冻结后[更正]:2026/10?*", taken: []) == "冻结后 更正  2026 10")
        let long = String(repeating: "网", count: 40)
        #expect(XLSXWriter.sheetName(long, taken: []).count == 31)
        #expect(XLSXWriter.sheetName("指标", taken: ["指标"]) == "指标 (2)")
        #expect(XLSXWriter.sheetName(long, taken: [String(repeating: "网", count: 31)]) == String(repeating: "网", count: 27) + " (2)")
        #expect(XLSXWriter.sheetName("  ", taken: []) == "Sheet")
        #expect([0, 25, 26, 27, 701, 702].map(XLSXWriter.column) == ["A", "Z", "AA", "AB", "ZZ", "AAA"])
        #expect(XLSXWriter.escape("a\u{1}b\tc'") == "ab\tc&apos;")
    }

    @Test("CSV of a table: BOM first, numbers without a fraction when whole, empty for no value")
    func csv() {
        let t = ExportTable(name: "x", headers: ["a", "b", "c"], rows: [[.text("甲,乙"), .number(50), .value(nil)], [.text("x"), .value(93.75), .number(2.5)]])
        #expect(t.csv.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: t.csv.dropFirst(3), as: UTF8.self) == "a,b,c\r\n\"甲,乙\",50,\r\nx,93.8,2.5\r\n")
    }
}

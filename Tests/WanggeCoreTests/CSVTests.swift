import Foundation
import Testing
@testable import WanggeCore

@Suite struct CSVReaderTests {
    func fields(_ text: String) throws(CSVProblem) -> [[String]] { try CSVReader.records(text).map(\.fields) }

    @Test func plainAndQuotedFields() throws {
        #expect(try fields("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try fields(#""a,1","say ""hi""",""\#n"#) == [["a,1", #"say "hi""#, ""]])
        #expect(try fields("a,,\n") == [["a", "", ""]])
        #expect(try fields("x") == [["x"]])
        #expect(try fields("") == [])
        #expect(try fields("张三,北京市\n") == [["张三", "北京市"]])
    }

    @Test func everyLineEnding() throws {
        #expect(try fields("a,b\r\nc,d\re,f\ng,h") == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
        #expect(try CSVReader.records("a\r\nb\rc\nd").map(\.line) == [1, 2, 3, 4])
    }

    @Test func newlinesInsideQuotes() throws {
        let text = "name,address\r\n张三,\"北京市\r\n朝阳区\"\r\n李四,\"a\nb\rc\"\r\n王五,x\r\n"
        let r = try CSVReader.records(text)
        #expect(r.map(\.fields) == [["name", "address"], ["张三", "北京市\r\n朝阳区"], ["李四", "a\nb\rc"], ["王五", "x"]])
        #expect(r.map(\.line) == [1, 2, 4, 7])
    }

    @Test func bomIsIgnored() throws {
        #expect(try fields("\u{FEFF}姓名,电话\n") == [["姓名", "电话"]])
    }

    @Test func tabDelimited() throws {
        #expect(try CSVReader.records("a\tb,c\n", delimiter: "\t").map(\.fields) == [["a", "b,c"]])
    }

    @Test func unterminatedQuoteNamesWhereItOpened() {
        #expect(throws: CSVProblem.unterminatedQuote(line: 2, field: 2)) { try fields("a,b\nc,\"open\nstill open\n") }
    }

    @Test func strayQuotes() {
        #expect(throws: CSVProblem.strayQuote(line: 3, field: 3)) { try fields("a,b,c\n1,2,3\n4,5,6\"7\n") }
        #expect(throws: CSVProblem.strayQuote(line: 1, field: 1)) { try fields(#""ab"c,d"#) }
        #expect(throws: CSVProblem.strayQuote(line: 3, field: 1), "the x sits on line 3") { try fields("x\n\"a\nb\"\"\"x\n") }
        #expect(CSVProblem.strayQuote(line: 3, field: 2).message() == "第 3 行第 2 列有多余的引号")
        #expect(CSVProblem.strayQuote(line: 3, field: 2).line == 3)
    }
}

@Suite struct CSVTableTests {
    let text = """
        \r
         姓名 ,身份证号,联系电话,住址\r
        张三,\t11010519491231002X,13812345678,"北京市朝阳区\r
        建国路88号"\r
        ,,,\r
        \r
        李四,440524188001010014,'=1+2,"短"\r
        王五\r

        """

    @Test func headerRecordsAndRowNumbers() throws {
        let t = try CSVTable(text: text)
        #expect(t.header == ["姓名", "身份证号", "联系电话", "住址"])
        #expect(t.headerLine == 2)
        #expect(t.records.map(\.line) == [3, 7, 8])
        let id = try #require(t.column(named: ["公民身份号码", "身份证号"]))
        #expect(id == 1)
        #expect(t.value(t.records[0], id) == "11010519491231002X")
        #expect(t.value(t.records[0], 3) == "北京市朝阳区\r\n建国路88号")
        #expect(t.value(t.records[1], 2) == "=1+2", "the writer's apostrophe comes off")
        #expect(t.value(t.records[2], 1) == "", "short row")
        #expect(t.value(t.records[2], nil) == "")
        #expect(t.value(t.records[2], -1) == "")
    }

    @Test func columnAliases() throws {
        let t = try CSVTable(text: "Name,PHONE , 住址\n")
        #expect(t.column(named: ["姓名", "name"]) == 0)
        #expect(t.column(named: ["phone"]) == 1)
        #expect(t.column(named: [" 住址 "]) == 2)
        #expect(t.column(named: ["电话"]) == nil)
        #expect(t.records.isEmpty)
    }

    @Test func emptyText() throws {
        let t = try CSVTable(text: "\n\n,,\n")
        #expect(t.header.isEmpty && t.records.isEmpty)
    }
}

@Suite struct CSVWriterTests {
    @Test func bomCRLFAndQuoting() {
        var w = CSVWriter(header: ["姓名", "备注"])
        w.append(["张三", "a,b"])
        w.append(["李四", "说\"好\""])
        w.append(["王五", "两\n行"])
        w.append(["", " 空格 "])
        #expect(w.text == "\u{FEFF}姓名,备注\r\n张三,\"a,b\"\r\n李四,\"说\"\"好\"\"\"\r\n王五,\"两\n行\"\r\n, 空格 \r\n")
        #expect(w.data.starts(with: [0xEF, 0xBB, 0xBF]))
    }

    @Test func formulaInjectionIsDefused() {
        var w = CSVWriter(header: ["a", "b", "c", "d", "e", "f", "g", "h"])
        w.append(["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "-3", "+8613812345678", "-12.5", "\t=1"])
        let line = w.text.components(separatedBy: "\r\n")[1]
        #expect(line == #""'=HYPERLINK(""x"")",'+1+1,'-2+3,'@SUM(A1),-3,+8613812345678,-12.5,'"# + "\t=1")
    }

    @Test func longDigitStringsStayText() {
        #expect(CSVWriter.textCell("11010519491231002X") == "\t11010519491231002X")
        #expect(CSVWriter.textCell("13812345678") == "\t13812345678")
        #expect(CSVWriter.textCell("0101234567") == "\t0101234567")
        #expect(CSVWriter.textCell("110105001002003") == "\t110105001002003")
        #expect(CSVWriter.textCell("412") == "412")
        #expect(CSVWriter.textCell("0") == "0")
        #expect(CSVWriter.textCell("张三") == "张三")
        #expect(CSVWriter.textCell("") == "")
        #expect(CSVWriter.textCell("010-12345678") == "010-12345678")
    }

    @Test func roundTrip() throws {
        let rows = [
            ["张三", CSVWriter.textCell("11010519491231002X"), "=cmd", "多\r\n行,\"引号\""],
            ["李四", CSVWriter.textCell("01012345678"), "-5", ""],
        ]
        var w = CSVWriter(header: ["姓名", "身份证号", "备注", "地址"])
        for r in rows { w.append(r) }
        let (text, encoding) = try TextDecoding.decode([UInt8](w.data))
        #expect(encoding == .utf8BOM)
        let t = try CSVTable(text: text)
        #expect(t.header == ["姓名", "身份证号", "备注", "地址"])
        #expect(
            t.records.map { r in (0..<4).map { t.value(r, $0) } } == [
                ["张三", "11010519491231002X", "=cmd", "多\r\n行,\"引号\""],
                ["李四", "01012345678", "-5", ""],
            ])
        #expect(t.records.map(\.line) == [2, 4])
    }
}

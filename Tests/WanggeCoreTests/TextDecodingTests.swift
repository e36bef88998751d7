#if canImport(Glibc)
    import Glibc
#endif
import Testing
@testable import WanggeCore

@Suite struct TextDecodingTests {
    /// "姓名,身份证号\n张三,11010519491231002X\n" as Excel on Chinese Windows saves it (GBK).
    let gbkFile: [UInt8] =
        [
            0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4, 0xBA, 0xC5, 0x0A,
            0xD5, 0xC5, 0xC8, 0xFD, 0x2C,
        ] + Array("11010519491231002X\n".utf8)

    @Test func gbkBytes() throws {
        let r = try TextDecoding.decode([0xD5, 0xC5, 0xC8, 0xFD])
        #expect(r.text == "张三")
        #expect(r.encoding == .gb18030)
        let file = try TextDecoding.decode(gbkFile)
        #expect(file.text == "姓名,身份证号\n张三,11010519491231002X\n")
        let table = try CSVTable(text: file.text)
        #expect(table.value(table.records[0], table.column(named: ["身份证号"])) == "11010519491231002X")
    }

    @Test("a GBK header with a UTF-8 body is refused, naming a line of each, instead of read as mojibake")
    func mixedEncodings() throws {
        let header = Array(gbkFile.prefix(14))
        let body = Array("张三,11010519491231002X\n李四,11010519491231003\n".utf8)
        #expect(throws: TextDecodingProblem.mixedEncodings(gbLine: 1, utf8Line: 2)) { try TextDecoding.decode(header + body) }
        #expect(L10n.format("text.mixed_encodings", TextDecodingProblem.mixedEncodings(gbLine: 1, utf8Line: 2).args).contains("第 1 行是 GBK"))
        // A GBK file whose lines are all GBK stays readable, however many lines it has.
        #expect(try TextDecoding.decode(gbkFile + Array(gbkFile.dropFirst(14))).encoding == .gb18030)
    }

    @Test func gb18030FourByteSequences() throws {
        // U+20000 (𠀀) is outside GBK; only GB18030's four-byte form carries it.
        #expect(try TextDecoding.decode([0x95, 0x32, 0x82, 0x36]).text == "𠀀")
    }

    @Test func largeGBKFileCrossesIconvChunks() throws {
        var bytes: [UInt8] = []
        for _ in 0..<40_000 { bytes += [0xD5, 0xC5, 0xC8, 0xFD, 0x0A] }
        let r = try TextDecoding.decode(bytes)
        #expect(r.encoding == .gb18030)
        #expect(r.text.count == 120_000)
        #expect(r.text.hasPrefix("张三\n张三\n"))
    }

    @Test func utf8WithAndWithoutBOM() throws {
        #expect(try TextDecoding.decode(Array("张三,1\n".utf8)) == ("张三,1\n", .utf8))
        #expect(try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("张三".utf8)) == ("张三", .utf8BOM))
        #expect(try TextDecoding.decode([]) == ("", .utf8))
        #expect(try TextDecoding.decode(Array("abc".utf8)).encoding == .utf8, "ASCII is UTF-8")
    }

    @Test func utf16WithBOM() throws {
        #expect(try TextDecoding.decode([0xFF, 0xFE, 0x20, 0x5F, 0x09, 0x4E]) == ("张三", .utf16LE))
        #expect(try TextDecoding.decode([0xFE, 0xFF, 0x5F, 0x20, 0x4E, 0x09]) == ("张三", .utf16BE))
        #expect(throws: TextDecodingProblem.undecodable(offset: 4, line: 1, byte: 0x20)) {
            try TextDecoding.decode([0xFF, 0xFE, 0x20, 0x5F, 0x20])
        }
        // A lone high surrogate.
        #expect(throws: TextDecodingProblem.undecodable(offset: 4, line: 1, byte: 0x00)) {
            try TextDecoding.decode([0xFF, 0xFE, 0x20, 0x5F, 0x00, 0xD8, 0x41, 0x00])
        }
    }

    @Test func undecodableNamesOffsetAndLine() throws {
        // Valid GBK then 0xFF, which neither encoding allows.
        let bytes = gbkFile + [0xD5, 0xC5, 0xFF, 0x0A]
        #expect(throws: TextDecodingProblem.undecodable(offset: gbkFile.count + 2, line: 3, byte: 0xFF)) {
            try TextDecoding.decode(bytes)
        }
        // UTF-8 that reads further than GB18030 is reported where UTF-8 broke.
        // (GB18030 already stumbles at byte 5, inside "张".)
        let mostlyUTF8 = Array("ok\n张\n".utf8) + [0xE5, 0xFF]
        #expect(throws: TextDecodingProblem.undecodable(offset: 7, line: 3, byte: 0xE5)) {
            try TextDecoding.decode(mostlyUTF8)
        }
        // A cut-off GBK character at the very end.
        #expect(throws: TextDecodingProblem.undecodable(offset: 4, line: 1, byte: 0xD5)) {
            try TextDecoding.decode([0xD5, 0xC5, 0xC8, 0xFD, 0xD5])
        }
    }

    @Test func binaryAndWorkbooks() {
        #expect(throws: TextDecodingProblem.workbookNotCSV) { try TextDecoding.decode([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]) }
        #expect(throws: TextDecodingProblem.undecodable(offset: 2, line: 1, byte: 0)) { try TextDecoding.decode([0x61, 0x62, 0x00]) }
    }

    @Test func messageTellsHowToFixIt() {
        let p = TextDecodingProblem.undecodable(offset: 17, line: 3, byte: 0xFF)
        #expect(p.message().hasPrefix("无法识别文件编码：第 3 行（字节位置 17，值 0xFF）"))
        #expect(p.message().contains("CSV UTF-8"))
        #expect(p.message(.en).contains("CSV UTF-8"))
    }
}

@Suite struct TextStreamTests {
    /// Reads `bytes` through the streaming decoder and CSV reader in blocks of `size`.
    func read(_ bytes: [UInt8], blocks size: Int) throws -> (records: [CSVRecord], encoding: SourceEncoding) {
        var decoder = TextStreamDecoder()
        var csv = CSVStream()
        var records: [CSVRecord] = []
        func take(_ utf8: [UInt8]) throws { try utf8.withUnsafeBufferPointer { try csv.feed($0) { records.append($0) } } }
        for start in stride(from: 0, to: bytes.count, by: size) { try take(try decoder.feed(Array(bytes[start..<min(start + size, bytes.count)]))) }
        try take(try decoder.finish())
        try csv.finish { records.append($0) }
        return (records, decoder.decided)
    }

    @Test("any block size gives the same records, rows and lines as reading the whole file")
    func blockSizeDoesNotMatter() throws {
        let text = "姓名,地址\r\n张三,\"北京市\r\n朝阳区\"\r\n\r\n李四,\"说\"\"好\"\"\"\r王五,x\n赵六,y"
        let whole = try CSVReader.records(text)
        for encoded in [Array(text.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8), try #require(gbk(text))] {
            for size in [1, 2, 3, 5, 7, 64, 4096] {
                let r = try read(encoded, blocks: size)
                #expect(r.records == whole, "block size \(size)")
            }
        }
    }

    @Test("a GBK file whose first blocks are plain ASCII is still read as GBK")
    func asciiThenGBK() throws {
        let text = String(repeating: "1,2\n", count: 1000) + "张三,李四\n"
        let r = try read(try #require(gbk(text)), blocks: 100)
        #expect(r.encoding == .gb18030)
        #expect(r.records.last?.fields == ["张三", "李四"])
    }

    @Test("UTF-8 lines and then a GBK line far into the file: refused naming both lines")
    func utf8ThenGBKLater() throws {
        let bytes = Array("姓名\n张三\n".utf8) + Array(repeating: Array("x\n".utf8), count: 500).flatMap { $0 } + (try #require(gbk("李四\n")))
        #expect(throws: TextDecodingProblem.mixedEncodings(gbLine: 503, utf8Line: 1)) { _ = try read(bytes, blocks: 64) }
    }

    @Test func unterminatedQuoteAcrossBlocks() throws {
        #expect(throws: CSVProblem.unterminatedQuote(line: 2, field: 2)) { _ = try read(Array("a,b\nc,\"open\nstill open\n".utf8), blocks: 3) }
    }

    func gbk(_ text: String) -> [UInt8]? {
        #if canImport(Glibc)
            let cd = iconv_open("GB18030", "UTF-8")
            defer { iconv_close(cd) }
            var input = Array(text.utf8)
            var output = [UInt8](repeating: 0, count: input.count * 2 + 8)
            var written = 0
            input.withUnsafeMutableBytes { i in
                output.withUnsafeMutableBytes { o in
                    var ip = i.baseAddress?.assumingMemoryBound(to: CChar.self), il = i.count
                    var op = o.baseAddress?.assumingMemoryBound(to: CChar.self), ol = o.count
                    _ = iconv(cd, &ip, &il, &op, &ol)
                    written = o.count - ol
                }
            }
            return Array(output[..<written])
        #else
            return nil
        #endif
    }
}

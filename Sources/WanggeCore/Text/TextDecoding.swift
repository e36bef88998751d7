#if canImport(Glibc)
    import Glibc
#endif

/// The encoding an uploaded text file turned out to have.
public enum SourceEncoding: String, Sendable, Codable, CaseIterable {
    case utf8
    case utf8BOM
    case utf16LE
    case utf16BE
    /// GB18030, a superset of GBK and GB2312: what Excel on Chinese Windows saves as "CSV".
    case gb18030

    public var nameKey: String { "text.encoding.\(rawValue)" }
}

/// Turns the bytes of an uploaded CSV into text without asking the user which encoding
/// they used, since most cannot tell: BOMs first, then UTF-8, then GB18030.
public enum TextDecoding {
    public static func decode(_ bytes: [UInt8]) throws(TextDecodingProblem) -> (text: String, encoding: SourceEncoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(bytes.dropFirst(3))
            guard let text = String(validating: body, as: UTF8.self) else {
                throw badByte(in: bytes, at: 3 + firstInvalidUTF8(body))
            }
            return (text, .utf8BOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return (try utf16(bytes, littleEndian: true), .utf16LE) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (try utf16(bytes, littleEndian: false), .utf16BE) }
        // An .xlsx is a zip archive; saying so helps more than pointing at a byte.
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { throw .workbookNotCSV }
        // NUL never occurs in text, and a spreadsheet saved as binary would otherwise pass as UTF-8.
        if let nul = bytes.firstIndex(of: 0) { throw badByte(in: bytes, at: nul) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        switch gb18030(bytes) {
        case .success(let text):
            // GB18030 reads almost any bytes, so UTF-8 lines in a GBK file come out as mojibake
            // (张三 → 寮犱笁) instead of failing: find them and refuse the file.
            if let mixed = mixedLines(bytes) { throw .mixedEncodings(gbLine: mixed.gb, utf8Line: mixed.utf8) }
            return (text, .gb18030)
        case .failure(let gbOffset):
            // Report where the likelier encoding broke: the one that read further.
            throw badByte(in: bytes, at: Swift.max(gbOffset.offset, firstInvalidUTF8(bytes)))
        }
    }

    /// In a file that is not UTF-8 as a whole: the first line that is not UTF-8 and the first
    /// that is (with at least two multi-byte characters, which GBK text almost never forms by
    /// chance), when both exist.
    static func mixedLines(_ bytes: [UInt8]) -> (gb: Int, utf8: Int)? {
        var gb: Int?, utf8: Int?
        for (i, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() where line.contains(where: { $0 >= 0x80 }) {
            if let text = String(validating: line, as: UTF8.self), text.unicodeScalars.filter({ $0.value >= 0x80 }).count >= 2 {
                utf8 = utf8 ?? i + 1
            } else {
                gb = gb ?? i + 1
            }
            if let gb, let utf8 { return (gb, utf8) }
        }
        return nil
    }

    static func badByte(in bytes: [UInt8], at offset: Int) -> TextDecodingProblem {
        let o = Swift.min(offset, bytes.count)
        let line = bytes[..<o].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        return .undecodable(offset: o, line: line, byte: o < bytes.count ? bytes[o] : nil)
    }

    /// Offset of the first byte that breaks UTF-8 (bytes.count if none does).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    static func utf16(_ bytes: [UInt8], littleEndian: Bool) throws(TextDecodingProblem) -> String {
        let body = bytes.dropFirst(2)
        guard body.count % 2 == 0 else { throw badByte(in: bytes, at: bytes.count - 1) }
        let units = stride(from: body.startIndex, to: body.endIndex, by: 2).map { i in
            littleEndian ? UInt16(body[i]) | UInt16(body[i + 1]) << 8 : UInt16(body[i]) << 8 | UInt16(body[i + 1])
        }
        guard let text = String(validating: units, as: UTF16.self) else {
            var decoder = UTF16(), iterator = units.makeIterator(), unit = 0
            while case .scalarValue(let s) = decoder.decode(&iterator) { unit += UTF16.width(s) }
            throw badByte(in: bytes, at: 2 + 2 * unit)
        }
        return text
    }

    struct BadOffset: Error { var offset: Int }

    /// GB18030 through glibc's iconv, which Foundation on Linux does not offer.
    static func gb18030(_ bytes: [UInt8]) -> Result<String, BadOffset> {
        #if canImport(Glibc)
            let cd = iconv_open("UTF-8", "GB18030")
            guard let cd, Int(bitPattern: cd) != -1 else { return .failure(BadOffset(offset: 0)) }
            defer { iconv_close(cd) }
            var input = bytes.map { CChar(bitPattern: $0) }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count * 3 / 2 + 16)
            var chunk = [CChar](repeating: 0, count: 64 * 1024)
            var failedAt: Int?
            input.withUnsafeMutableBufferPointer { inBuf in
                var inPtr = inBuf.baseAddress
                var inLeft = inBuf.count
                while inLeft > 0 {
                    let written: Int = chunk.withUnsafeMutableBufferPointer { outBuf in
                        var outPtr = outBuf.baseAddress
                        var outLeft = outBuf.count
                        let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                        // E2BIG only means the chunk is full: keep it and go round again.
                        if r == -1, errno != E2BIG { failedAt = inBuf.count - inLeft }
                        return outBuf.count - outLeft
                    }
                    output.append(contentsOf: chunk[..<written].map { UInt8(bitPattern: $0) })
                    if failedAt != nil { return }
                }
            }
            if let failedAt { return .failure(BadOffset(offset: failedAt)) }
            guard var text = String(validating: output, as: UTF8.self) else { return .failure(BadOffset(offset: 0)) }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            return .success(text)
        #else
            return .failure(BadOffset(offset: 0))
        #endif
    }
}

public enum TextDecodingProblem: LocalizedProblem {
    /// Neither UTF-8 nor GB18030 can read the byte at `offset` (0-based) on `line`.
    case undecodable(offset: Int, line: Int, byte: UInt8?)
    /// The upload is an Excel workbook, not a CSV file.
    case workbookNotCSV
    /// Some lines are GBK/GB18030 and others UTF-8 (files pasted together, or a header typed in
    /// another program): whichever way it is read, part of it comes out garbled.
    case mixedEncodings(gbLine: Int, utf8Line: Int)

    public var messageKey: String {
        switch self {
        case .undecodable: "text.undecodable"
        case .workbookNotCSV: "text.workbookNotCSV"
        case .mixedEncodings: "text.mixed_encodings"
        }
    }

    public var args: [String] {
        switch self {
        case .undecodable(let offset, let line, let byte):
            ["\(line)", "\(offset)", byte.map { "0x" + String($0, radix: 16, uppercase: true) } ?? "—"]
        case .workbookNotCSV: []
        case .mixedEncodings(let gb, let utf8): ["\(gb)", "\(utf8)"]
        }
    }
}

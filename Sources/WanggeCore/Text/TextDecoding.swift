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
        var decoder = TextStreamDecoder()
        var utf8 = try decoder.feed(bytes)
        utf8 += try decoder.finish()
        return (String(decoding: utf8, as: UTF8.self), decoder.decided)
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

    /// GB18030 to UTF-8 through glibc's iconv, which Foundation on Linux does not offer.
    static func gb18030(_ bytes: [UInt8]) -> Result<[UInt8], BadOffset> {
        #if canImport(Glibc)
            let cd = iconv_open("UTF-8", "GB18030")
            guard let cd, Int(bitPattern: cd) != -1 else { return .failure(BadOffset(offset: 0)) }
            defer { iconv_close(cd) }
            // A GB18030 character of 1, 2 or 4 bytes is at most 1, 3 or 4 bytes of UTF-8.
            var output = [UInt8](repeating: 0, count: bytes.count * 3 / 2 + 16)
            var failedAt: Int?
            var written = 0
            var input = bytes
            input.withUnsafeMutableBytes { inRaw in
                output.withUnsafeMutableBytes { outRaw in
                    var inPtr = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var inLeft = inRaw.count
                    var outPtr = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 { failedAt = inRaw.count - inLeft }
                    written = outRaw.count - outLeft
                }
            }
            if let failedAt { return .failure(BadOffset(offset: failedAt)) }
            output.removeSubrange(written...)
            return .success(output)
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

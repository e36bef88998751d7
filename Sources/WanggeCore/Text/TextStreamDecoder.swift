#if canImport(Glibc)
    import Glibc
#endif

/// Turns an uploaded text file into UTF-8 as it is read, block by block, deciding the encoding
/// without asking (most people cannot tell): a BOM first; otherwise the first block that is not
/// plain ASCII decides between UTF-8 and GB18030 (GBK's superset, what Excel on Chinese Windows
/// saves). Every later block is held to that decision, so a file whose parts disagree — a GBK
/// header over a UTF-8 body, files pasted together — is refused naming a line of each instead
/// of read as mojibake. Blocks are cut after their last line feed (never inside a character in
/// either encoding), so memory is a block and a line, whatever the size of the file. UTF-16
/// (rare: Excel's "Unicode text") is read whole.
public struct TextStreamDecoder: Sendable {
    /// Nil while everything read was plain ASCII.
    public private(set) var encoding: SourceEncoding?
    var started = false
    var pending: [UInt8] = []
    /// Offset in the file of `pending`'s first byte, and its line.
    var offset = 0
    var line = 1
    /// The first line holding UTF-8 characters, and the first holding other bytes (in GB18030).
    var utf8Line: Int?
    var gbLine: Int?
    var utf16: [UInt8] = []

    public init() {}

    /// The encoding to report: ASCII-only text counts as UTF-8.
    public var decided: SourceEncoding { encoding ?? .utf8 }

    /// Takes the next block of the file, returning the UTF-8 of the whole lines it completes.
    public mutating func feed(_ block: [UInt8]) throws(TextDecodingProblem) -> [UInt8] {
        var bytes = block[...]
        if !started {
            pending.append(contentsOf: bytes)
            // The BOM and the zip signature need the first four bytes.
            guard pending.count >= 4 else { return [] }
            bytes = pending[...]
            pending = []
            try start(&bytes)
        }
        if encoding == .utf16LE || encoding == .utf16BE {
            utf16.append(contentsOf: bytes)
            return []
        }
        guard let lastLF = bytes.lastIndex(of: 10) else {
            pending.append(contentsOf: bytes)
            return []
        }
        var segment = pending
        segment.append(contentsOf: bytes[...lastLF])
        pending = Array(bytes[(lastLF + 1)...])
        return try decode(segment)
    }

    /// The end of the file: the UTF-8 of what is left.
    public mutating func finish() throws(TextDecodingProblem) -> [UInt8] {
        if !started {
            var bytes = pending[...]
            pending = []
            try start(&bytes)
            if encoding == .utf16LE || encoding == .utf16BE { utf16.append(contentsOf: bytes) } else { pending = Array(bytes) }
        }
        switch encoding {
        case .utf16LE?, .utf16BE?:
            let text = try TextDecoding.utf16([0, 0] + utf16, littleEndian: encoding == .utf16LE)
            return Array(text.utf8)
        default:
            let rest = pending
            pending = []
            return try decode(rest)
        }
    }

    mutating func start(_ bytes: inout ArraySlice<UInt8>) throws(TextDecodingProblem) {
        started = true
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = .utf8BOM
            bytes = bytes.dropFirst(3)
            offset = 3
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            encoding = .utf16LE
            bytes = bytes.dropFirst(2)
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16BE
            bytes = bytes.dropFirst(2)
        } else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // An .xlsx is a zip archive; saying so helps more than pointing at a byte.
            throw .workbookNotCSV
        }
    }

    /// Decodes whole lines (or the file's last, unterminated one).
    mutating func decode(_ segment: [UInt8]) throws(TextDecodingProblem) -> [UInt8] {
        defer {
            offset += segment.count
            line += segment.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        // NUL never occurs in text, and a spreadsheet saved as binary would otherwise pass as UTF-8.
        if let nul = segment.firstIndex(of: 0) { throw problem(segment, at: nul) }
        guard let firstHigh = segment.firstIndex(where: { $0 >= 0x80 }) else { return segment }
        switch encoding {
        case nil, .utf8?, .utf8BOM?:
            if String(validating: segment, as: UTF8.self) != nil {
                if encoding == nil { encoding = .utf8 }
                utf8Line = utf8Line ?? lineAt(segment, firstHigh)
                return segment
            }
            let broke = TextDecoding.firstInvalidUTF8(segment)
            if encoding == nil {
                // Nothing but ASCII so far: this block decides.
                switch TextDecoding.gb18030(segment) {
                case .success:
                    encoding = .gb18030
                    return try gb18030(segment)
                case .failure(let gb):
                    // Report where the likelier encoding broke: the one that read further.
                    throw problem(segment, at: Swift.max(gb.offset, broke))
                }
            }
            // UTF-8 so far: a line that reads as GB18030 means two encodings in one file.
            let start = segment[..<broke].lastIndex(of: 10).map { $0 + 1 } ?? 0
            let end = segment[broke...].firstIndex(of: 10) ?? segment.count
            if let first = utf8Line, case .success = TextDecoding.gb18030(Array(segment[start..<end])) {
                throw .mixedEncodings(gbLine: lineAt(segment, broke), utf8Line: first)
            }
            throw problem(segment, at: broke)
        case .gb18030?:
            return try gb18030(segment)
        case .utf16LE?, .utf16BE?:
            return []
        }
    }

    /// GB18030 through iconv, after checking line by line that no line is UTF-8 instead: GB18030
    /// reads almost any bytes, so UTF-8 lines in a GBK file would come out as mojibake
    /// (张三 → 寮犱笁) instead of failing. A UTF-8 line needs two multi-byte characters, which GBK
    /// text almost never forms by chance.
    mutating func gb18030(_ segment: [UInt8]) throws(TextDecodingProblem) -> [UInt8] {
        var lineNumber = line
        for part in segment.split(separator: 10, omittingEmptySubsequences: false) {
            defer { lineNumber += 1 }
            guard part.contains(where: { $0 >= 0x80 }) else { continue }
            if let text = String(validating: part, as: UTF8.self), text.unicodeScalars.lazy.filter({ $0.value >= 0x80 }).count >= 2 {
                utf8Line = utf8Line ?? lineNumber
            } else {
                gbLine = gbLine ?? lineNumber
            }
            if let gb = gbLine, let utf8 = utf8Line { throw .mixedEncodings(gbLine: gb, utf8Line: utf8) }
        }
        switch TextDecoding.gb18030(segment) {
        case .success(var bytes):
            // GB18030's own BOM (84 31 95 33) comes out as U+FEFF.
            if offset == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            return bytes
        case .failure(let bad):
            throw problem(segment, at: bad.offset)
        }
    }

    func lineAt(_ segment: [UInt8], _ index: Int) -> Int {
        line + segment[..<index].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    func problem(_ segment: [UInt8], at index: Int) -> TextDecodingProblem {
        let i = Swift.min(index, segment.count)
        return .undecodable(offset: offset + i, line: lineAt(segment, i), byte: i < segment.count ? segment[i] : nil)
    }
}

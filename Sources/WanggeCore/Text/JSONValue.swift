/// A parsed JSON value that keeps each number as it was written. Foundation's parsers turn
/// 1 into a Bool on some platforms and long codes into rounded doubles; properties read
/// from a boundary file must come back exactly as the office typed them.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    var double: Double? { if case .number(let n) = self { Double(n) } else { nil } }

    /// Compact JSON text, keys sorted so output is stable.
    var jsonText: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): Self.quote(s)
        case .array(let a): "[" + a.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { Self.quote($0) + ":" + o[$0]!.jsonText }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal; U+2028 and U+2029 are escaped too, so the text is also safe inside JavaScript.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}

/// Where the text stopped being JSON, for the user to find it in an editor.
struct JSONSyntaxError: Error, Equatable {
    var offset: Int
    var line: Int
}

/// A strict RFC 8259 reader over bytes.
struct JSONParser {
    private let b: [UInt8]
    private var i = 0
    private var depth = 0

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var p = JSONParser(b: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        let v = try p.value()
        p.skipSpace()
        guard p.i == bytes.count else { throw p.error() }
        return v
    }

    private init(b: [UInt8]) { self.b = b }

    private func error() -> JSONSyntaxError {
        let upTo = Swift.min(i, b.count)
        return JSONSyntaxError(offset: upTo, line: b[..<upTo].reduce(1) { $0 + ($1 == 10 ? 1 : 0) })
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    }

    private mutating func literal(_ word: String, _ v: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        for c in word.utf8 {
            guard i < b.count, b[i] == c else { throw error() }
            i += 1
        }
        return v
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        guard i < b.count else { throw error() }
        switch b[i] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Bounded nesting, so a hostile upload cannot exhaust the stack.
            depth += 1
            defer { depth -= 1 }
            guard depth <= 256 else { throw error() }
            return b[i] == UInt8(ascii: "{") ? try object() : try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), 48...57: return .number(try number())
        default: throw error()
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        var o: [String: JSONValue] = [:]
        guard !isEmpty(closing: "}") else { return .object(o) }
        repeat {
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw error() }
            let key = try string()
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw error() }
            i += 1
            o[key] = try value()
        } while try hasMore(closing: "}")
        return .object(o)
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        var a: [JSONValue] = []
        guard !isEmpty(closing: "]") else { return .array(a) }
        repeat {
            a.append(try value())
        } while try hasMore(closing: "]")
        return .array(a)
    }

    /// Steps over the opening bracket; true (and past the closing one) for `[]` or `{}`.
    private mutating func isEmpty(closing: Unicode.Scalar) -> Bool {
        i += 1
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: closing) else { return false }
        i += 1
        return true
    }

    /// After a member: true past a comma, false past the closing bracket.
    private mutating func hasMore(closing: Unicode.Scalar) throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard i < b.count else { throw error() }
        if b[i] == UInt8(ascii: ",") { i += 1; return true }
        guard b[i] == UInt8(ascii: closing) else { throw error() }
        i += 1
        return false
    }

    private mutating func digits() -> Int {
        let start = i
        while i < b.count, (48...57).contains(b[i]) { i += 1 }
        return i - start
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { throw error() }
        if b[i] == 48 { i += 1 } else { guard digits() > 0 else { throw error() } }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw error() }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error() }
        }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= b.count else { throw error() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = Character(UnicodeScalar(b[i])).hexDigitValue else { throw error() }
            v = v * 16 + UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw error() }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            guard c >= 0x20 else { throw error() }
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { throw error() }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var v = try hex4()
                if (0xD800...0xDBFF).contains(v), i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error() }
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                }
                // A lone surrogate cannot be text; it becomes U+FFFD rather than failing the file.
                out.append(contentsOf: Array(String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8))
            default: throw error()
            }
        }
    }
}

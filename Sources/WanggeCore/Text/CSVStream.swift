/// RFC 4180 reading in pieces: feed it UTF-8 bytes as they arrive, in blocks of any size (a
/// quoted field may span blocks), and take the records each block completes. Quoted fields,
/// doubled quotes, CRLF, LF or lone CR line ends (old Mac Excel), line breaks inside quotes.
/// Memory is one record, whatever the size of the file.
public struct CSVStream: Sendable {
    enum State: Sendable {
        /// At the start of a field (after a separator or a line end).
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: the field's end, or the first of a doubled quote.
        case quoteInQuoted
        /// A CR inside a quoted field, whose LF (if next) belongs to the same line break.
        case crInQuoted
        /// A record just ended with a CR, whose LF (if next) belongs to it.
        case crAfterRecord
    }

    let separator: UInt8
    var state = State.fieldStart
    var fields: [String] = []
    var field: [UInt8] = []
    var quotedFieldEnded = false
    /// The text line being read, where the current record started, where its quote opened.
    var line = 1
    var recordLine = 1
    var quoteLine = 1
    /// Records completed so far, blank ones included: Excel's row numbers.
    public private(set) var rows = 0

    public init(delimiter: Unicode.Scalar = ",") {
        separator = UInt8(truncatingIfNeeded: delimiter.value)
    }

    static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// Reads `bytes`, calling `emit` with each record they complete.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            switch state {
            case .crAfterRecord:
                state = .fieldStart
                if c == Self.lf {
                    i += 1
                    continue
                }
                continue
            case .fieldStart, .unquoted:
                if c == separator {
                    endField()
                    state = .fieldStart
                } else if c == Self.cr || c == Self.lf {
                    try endRecord(emit)
                    state = c == Self.cr ? .crAfterRecord : .fieldStart
                } else if c == Self.quote {
                    guard state == .fieldStart, !quotedFieldEnded else { throw CSVProblem.strayQuote(line: line, field: fields.count + 1) }
                    quoteLine = line
                    state = .quoted
                } else {
                    // Text after a closing quote (`"ab"c`) is as malformed as a quote inside text.
                    guard !quotedFieldEnded else { throw CSVProblem.strayQuote(line: line, field: fields.count + 1) }
                    // The plain run up to the next special byte, copied at once.
                    var j = i + 1
                    while j < n {
                        let d = bytes[j]
                        if d == separator || d == Self.cr || d == Self.lf || d == Self.quote { break }
                        j += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    state = .unquoted
                    i = j
                    continue
                }
            case .quoted:
                if c == Self.quote {
                    state = .quoteInQuoted
                } else if c == Self.cr {
                    field.append(c)
                    line += 1
                    state = .crInQuoted
                } else {
                    if c == Self.lf { line += 1 }
                    field.append(c)
                }
            case .crInQuoted:
                state = .quoted
                if c == Self.lf {
                    field.append(c)
                    i += 1
                }
                continue
            case .quoteInQuoted:
                if c == Self.quote {
                    field.append(c)
                    state = .quoted
                } else {
                    quotedFieldEnded = true
                    state = .unquoted
                    continue
                }
            }
            i += 1
        }
    }

    /// The end of the input: the last record if it has no line end; a quote still open is an error.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) throws {
        switch state {
        case .quoted, .crInQuoted: throw CSVProblem.unterminatedQuote(line: quoteLine, field: fields.count + 1)
        case .quoteInQuoted: quotedFieldEnded = true
        default: break
        }
        if !field.isEmpty || quotedFieldEnded || !fields.isEmpty { try endRecord(emit) }
        state = .fieldStart
    }

    mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        quotedFieldEnded = false
    }

    mutating func endRecord(_ emit: (CSVRecord) throws -> Void) throws {
        endField()
        rows += 1
        let record = CSVRecord(line: recordLine, fields: fields, row: rows)
        fields.removeAll(keepingCapacity: true)
        line += 1
        recordLine = line
        try emit(record)
    }
}

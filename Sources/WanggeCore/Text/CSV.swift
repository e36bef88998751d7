import Foundation

/// One record of a CSV file and the line of the file it starts on, so import errors can say
/// "第 12 行" and the office finds the row in its editor.
public struct CSVRecord: Sendable, Hashable {
    /// The text line the record starts on.
    public var line: Int
    public var fields: [String]
    /// The row as Excel numbers it: records counted, blank ones included, a field with line
    /// breaks inside it still one row. What import messages name.
    public var row: Int

    public init(line: Int, fields: [String], row: Int? = nil) {
        self.line = line
        self.fields = fields
        self.row = row ?? line
    }

    /// True when every field is blank, as Excel writes rows it once touched.
    public var isBlank: Bool { fields.allSatisfy { $0.trimmingSpaces().isEmpty } }
}

/// RFC 4180 reading: quoted fields, doubled quotes, CRLF, LF or lone CR line ends (old Mac
/// Excel), and line breaks inside quotes.
public enum CSVReader {
    public static func records(_ text: String, delimiter: Unicode.Scalar = ",") throws(CSVProblem) -> [CSVRecord] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var stream = CSVStream(delimiter: delimiter)
        var records: [CSVRecord] = []
        do {
            try bytes.withUnsafeBufferPointer { try stream.feed($0) { records.append($0) } }
            try stream.finish { records.append($0) }
        } catch let problem as CSVProblem {
            throw problem
        } catch {
            preconditionFailure("only CSV problems are thrown: \(error)")
        }
        return records
    }
}

/// A CSV file with a header row, as offices exchange household and people lists.
public struct CSVTable: Sendable, Hashable {
    /// Header names as written (trimmed).
    public var header: [String]
    /// Non-blank records after the header.
    public var records: [CSVRecord]
    /// The header's line, 1 unless blank lines come first.
    public var headerLine: Int

    public init(header: [String], records: [CSVRecord], headerLine: Int) {
        self.header = header
        self.records = records
        self.headerLine = headerLine
    }

    /// The first non-blank record is the header; blank records are skipped but keep their
    /// line numbers counted. Text without any record gives an empty table.
    public init(text: String, delimiter: Unicode.Scalar = ",") throws(CSVProblem) {
        let all = try CSVReader.records(text, delimiter: delimiter).filter { !$0.isBlank }
        header = all.first?.fields.map { $0.trimmingSpaces() } ?? []
        headerLine = all.first?.row ?? 1
        records = Array(all.dropFirst())
    }

    /// The first header column matching one of `aliases` (in their order of preference),
    /// compared trimmed and case-insensitively: "身份证号", "公民身份号码" and "ID" all work.
    public func column(named aliases: [String]) -> Int? {
        let names = header.map { $0.lowercased() }
        for alias in aliases {
            if let i = names.firstIndex(of: alias.trimmingSpaces().lowercased()) { return i }
        }
        return nil
    }

    /// The cell, trimmed and with the protections `CSVWriter` added taken off again, so a
    /// file exported by Wangge imports unchanged. "" when the row is short or `column` nil.
    public func value(_ record: CSVRecord, _ column: Int?) -> String { Self.cell(record, column) }

    /// `value(_:_:)` for a record read without its table.
    public static func cell(_ record: CSVRecord, _ column: Int?) -> String {
        guard let column, column >= 0, column < record.fields.count else { return "" }
        return CSVWriter.unprotect(record.fields[column]).trimmingSpaces()
    }
}

/// Writes CSV that Excel on Chinese Windows opens correctly: UTF-8 with a BOM (otherwise it
/// reads GBK and shows mojibake), CRLF line ends, quotes only where needed.
public struct CSVWriter: Sendable {
    private var lines: [String]

    public init(header: [String]) {
        lines = [Self.row(header)]
    }

    public mutating func append(_ cells: [String]) {
        lines.append(Self.row(cells))
    }

    /// The whole file, BOM first.
    public var text: String { "\u{FEFF}" + lines.map { $0 + "\r\n" }.joined() }

    public var data: Data { Data(text.utf8) }

    /// One row as a line of the file (CRLF included), for writers that stream.
    public static func line(_ cells: [String]) -> String { row(cells) + "\r\n" }

    static func row(_ cells: [String]) -> String {
        cells.map { quoted(protect($0)) }.joined(separator: ",")
    }

    static func quoted(_ cell: String) -> String {
        // Bytes, not characters: the four are ASCII, and grapheme breaking every Chinese cell of a
        // million-row export cost more than the test. (A "\r\n" character holds both bytes.)
        guard cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }) else { return cell }
        return "\"" + cell.replacing("\"", with: "\"\"") + "\""
    }

    /// Excel runs a cell starting with = + - @ as a formula, which a hostile name or
    /// address could use (CSV injection); an apostrophe makes it text. Plain numbers such as
    /// "-3" or "+8613812345678" are left alone.
    static func protect(_ cell: String) -> String {
        let body = cell.drop { $0 == "\t" || $0 == "\r" }
        guard let first = body.first, "=+-@".contains(first), !isPlainNumber(cell) else { return cell }
        return "'" + cell
    }

    static func unprotect(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.dropFirst().drop(while: { $0 == "\t" || $0 == "\r" }).first,
            "=+-@".contains(next)
        else { return cell }
        return String(cell.dropFirst())
    }

    static func isPlainNumber(_ s: String) -> Bool {
        var rest = Substring(s)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return !rest.isEmpty && parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// For ID numbers, phones and codes: Excel shows digit strings of 11 or more characters
    /// as 1.1E+17 (losing the last digits) and drops leading zeros. A leading TAB keeps the
    /// text; `trimmingSpaces()` removes it on import.
    public static func textCell(_ s: String) -> String {
        let digits = s.last == "X" || s.last == "x" ? s.dropLast() : Substring(s)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            s.count >= 11 || (s.hasPrefix("0") && s.count > 1)
        else { return s }
        return "\t" + s
    }
}

public enum CSVProblem: LocalizedProblem {
    /// A quoted field that never closes; `line` is where it opened.
    case unterminatedQuote(line: Int, field: Int)
    /// A quote inside an unquoted field, or text right after a closing quote.
    case strayQuote(line: Int, field: Int)

    public var line: Int {
        switch self {
        case .unterminatedQuote(let line, _), .strayQuote(let line, _): line
        }
    }

    public var messageKey: String {
        switch self {
        case .unterminatedQuote: "csv.unterminatedQuote"
        case .strayQuote: "csv.strayQuote"
        }
    }

    public var args: [String] {
        switch self {
        case .unterminatedQuote(let line, let field), .strayQuote(let line, let field): ["\(line)", "\(field)"]
        }
    }
}

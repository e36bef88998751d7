import Foundation
import WanggeCore

/// One Open311 answer as a tree, written out as JSON or as XML from the same model, so the two
/// formats cannot drift apart. Keys are written exactly as given (Open311 is snake_case already);
/// the app's JSON encoder, which converts key case, is never involved.
indirect enum Open311Node: Sendable, Equatable {
    /// A string, or nothing: JSON `null`, an empty XML element.
    case text(String?)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    /// Named fields in order: a JSON object, child elements in XML.
    case record([Open311Field])
    /// A JSON array; in XML each item is an element named `item` (`<service>` inside `<services>`).
    case list(item: String, [Open311Node])
}

struct Open311Field: Sendable, Equatable {
    var name: String
    var value: Open311Node
    init(_ name: String, _ value: Open311Node) {
        self.name = name
        self.value = value
    }
}

/// The document: the XML root element's name and the body under it.
struct Open311Document: Sendable, Equatable {
    var root: String
    var body: Open311Node

    func render(_ format: Open311Format) -> String {
        switch format {
        case .json: Self.json(body)
        case .xml: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + Self.xml(element: root, body)
        }
    }

    // MARK: JSON

    static func json(_ node: Open311Node) -> String {
        switch node {
        case .text(let s): s.map(quote) ?? "null"
        case .integer(let i): String(i)
        case .number(let d): d.isFinite ? number(d) : "null"
        case .boolean(let b): b ? "true" : "false"
        case .record(let fields): "{" + fields.map { quote($0.name) + ":" + json($0.value) }.joined(separator: ",") + "}"
        case .list(_, let items): "[" + items.map(json).joined(separator: ",") + "]"
        }
    }

    /// Whole numbers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func quote(_ s: String) -> String { JSONValue.quote(s) }

    // MARK: XML

    static func xml(element name: String, _ node: Open311Node) -> String {
        let inner: String
        switch node {
        case .text(let s): inner = s.map(escape) ?? ""
        case .integer(let i): inner = String(i)
        case .number(let d): inner = d.isFinite ? number(d) : ""
        case .boolean(let b): inner = b ? "true" : "false"
        case .record(let fields): inner = fields.map { xml(element: $0.name, $0.value) }.joined()
        case .list(let item, let items): inner = items.map { xml(element: item, $0) }.joined()
        }
        return inner.isEmpty ? "<\(name)/>" : "<\(name)>\(inner)</\(name)>"
    }

    /// Escapes the five XML specials and drops what XML 1.0 cannot carry at all (control
    /// characters other than tab and line breaks, U+FFFE and U+FFFF), even as a reference.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            case _ where u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF: continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

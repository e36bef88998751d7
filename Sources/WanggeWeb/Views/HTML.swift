import Vapor
import WanggeCore

/// A piece of HTML that is already safe to send. Text enters only through `HTML.text` (escaped)
/// or the element helpers, so a resident's name can never become markup.
public struct HTML: Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public let raw: String

    public init(raw: String) { self.raw = raw }
    public init(arrayLiteral elements: HTML...) { raw = elements.map(\.raw).joined() }
    public init(_ parts: [HTML]) { raw = parts.map(\.raw).joined() }

    public var description: String { raw }
    public static let empty = HTML(raw: "")

    public static func text(_ s: String) -> HTML { HTML(raw: escape(s)) }

    /// The localised string for `key`, escaped.
    public static func t(_ key: String, _ args: Any...) -> HTML { text(L10n.format(key, args.map { "\($0)" })) }

    public static func escape(_ s: String) -> String {
        // Most text (names, numbers, URLs of ours) has nothing to escape: it is returned as it is.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        var plain = s.utf8.startIndex
        for i in s.utf8.indices {
            let entity: String
            switch s.utf8[i] {
            case 0x26: entity = "&amp;"
            case 0x3C: entity = "&lt;"
            case 0x3E: entity = "&gt;"
            case 0x22: entity = "&quot;"
            case 0x27: entity = "&#39;"
            default: continue
            }
            out += s[plain..<i]
            out += entity
            plain = s.utf8.index(after: i)
        }
        out += s[plain...]
        return out
    }
}

/// An element: `el("a", ["href": url], .text("x"))`. Attributes keep the order given.
public func el(_ tag: String, _ attributes: KeyValuePairs<String, String?>, _ children: HTML...) -> HTML {
    element(tag, Array(attributes), children)
}

public func el(_ tag: String, _ attributes: KeyValuePairs<String, String?>, _ children: [HTML]) -> HTML {
    element(tag, Array(attributes), children)
}

public func el(_ tag: String, _ children: HTML...) -> HTML {
    element(tag, [], children)
}

public func el(_ tag: String, _ children: [HTML]) -> HTML {
    element(tag, [], children)
}

func element(_ tag: String, _ attributes: [(key: String, value: String?)], _ children: [HTML]) -> HTML {
    var s = "<"
    s.reserveCapacity(children.reduce(2 * tag.utf8.count + 5) { $0 + $1.raw.utf8.count })
    s += tag
    for (k, v) in attributes {
        guard let v else { continue }
        s += " "
        s += k
        s += "=\""
        s += HTML.escape(v)
        s += "\""
    }
    s += ">"
    switch tag {
    case "input", "meta", "link", "br", "img": return HTML(raw: s)
    default: break
    }
    for child in children { s += child.raw }
    s += "</"
    s += tag
    s += ">"
    return HTML(raw: s)
}

extension HTML {
    /// A table with a header row; each row is a list of cells.
    static func table(_ headers: [String], _ rows: [[HTML]], cls: String = "data") -> HTML {
        el(
            "div", ["class": "table-wrap"],
            el(
                "table", ["class": cls],
                [
                    el("thead", el("tr", headers.map { el("th", .text(L10n.format($0, []))) })),
                    el("tbody", rows.map { el("tr", $0.map { el("td", $0) }) }),
                ]))
    }

    static func link(_ url: String, _ label: String, cls: String? = nil) -> HTML {
        el("a", ["href": url, "class": cls], .text(label))
    }

    /// A number with thousands separators, as Chinese offices write them.
    static func number(_ n: Int) -> HTML {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return .text(n < 0 ? "-" + out : out)
    }
}

extension HTML: AsyncResponseEncodable {
    /// The markup as a `text/html` answer.
    var response: Response {
        Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: raw))
    }

    public func encodeResponse(for request: Request) async throws -> Response { response }
}

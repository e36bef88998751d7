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
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
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
    var s = "<" + tag
    for (k, v) in attributes {
        guard let v else { continue }
        s += " \(k)=\"\(HTML.escape(v))\""
    }
    s += ">"
    if ["input", "meta", "link", "br", "img"].contains(tag) { return HTML(raw: s) }
    return HTML(raw: s + children.map(\.raw).joined() + "</\(tag)>")
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

import Foundation
import Vapor
import WanggeCore
import WanggeSecurity

/// Applies `TextInputRules` to every text a request carries before any route sees it: each query
/// parameter, each field of a url-encoded form, and each string (and key) of a JSON body, named by
/// its field. A refusal is a 400 that names the field. Streamed forms are checked field by field
/// as they arrive (`FormReader`); files, CSV and GeoJSON uploads have row-level checks of their own.
/// It stays on the event loop for a request without a body to check (a GET: no task per request).
struct TextInputGuard: Middleware {
    /// JSON bodies larger than this are read in full here to be checked (no JSON route takes more).
    static let maxJSON = 5 * 1024 * 1024

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            if let query = req.url.query, !query.isEmpty {
                for (name, value) in URLEncoded.pairs(query) { try Self.check(name, value) }
            }
        } catch {
            return req.eventLoop.makeFailedFuture(error)
        }
        guard req.route?.isStreamedForm != true, let type = req.headers.contentType, req.method != .GET, req.method != .HEAD else {
            return next.respond(to: req)
        }
        return req.eventLoop.makeFutureWithTask { try await Self.checkBody(req, type: type) }.flatMap { next.respond(to: req) }
    }

    static func checkBody(_ req: Request, type: HTTPMediaType) async throws {
        if type == .urlEncodedForm || type == .json, req.body.data == nil {
            _ = try await req.body.collect(max: Self.maxJSON).get()
        }
        if let body = req.body.data, body.readableBytes > 0 {
            if type == .urlEncodedForm {
                for (name, value) in URLEncoded.pairs(String(decoding: body.readableBytesView, as: UTF8.self)) { try Self.check(name, value) }
            } else if type == .json, let value = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]) {
                try Self.walk(value, field: "body")
            }
        }
    }

    static func walk(_ value: Any, field: String) throws {
        switch value {
        case let s as String: try check(field, s)
        case let a as [Any]: for item in a { try walk(item, field: field) }
        case let o as [String: Any]:
            for (k, v) in o {
                try check("key", k)
                try walk(v, field: k)
            }
        default: break
        }
    }

    /// Refuses `value` for `field` with a 400 naming the field.
    static func check(_ field: String, _ value: String) throws {
        // A field name is text too: a NUL in it, or a megabyte of it, is refused the same way.
        if let problem = TextInputRules.problem(field, field: "key") { throw BadText(field: String(field.prefix(40)), problem: problem) }
        if let problem = TextInputRules.problem(value, field: field) { throw BadText(field: field, problem: problem) }
    }
}

/// Text a field may not hold: a 400 naming the field and what is wrong.
struct BadText: AbortError {
    let field: String
    let problem: TextInputRules.Problem
    var status: HTTPResponseStatus { .badRequest }
    var reason: String {
        switch problem {
        case .controlCharacter: L10n.t("text.control_character", field)
        case .tooLong(let n): L10n.t("text.too_long", field, n)
        }
    }
}

/// `a=1&b=x+y%21` → [("a", "1"), ("b", "x y!")], in order, repeated names kept: how forms and query
/// strings are read for checking (Vapor's decoder keeps only what a struct asks for).
enum URLEncoded {
    static func pairs(_ text: String) -> [(String, String)] {
        raw(text).map { (decode($0), decode($1)) }
    }

    /// The pairs, or nil when a name or value has a broken escape or does not spell UTF-8 (what
    /// Vapor's form decoder refuses).
    static func strictPairs(_ text: String) -> [(String, String)]? {
        var out: [(String, String)] = []
        for (name, value) in raw(text) {
            guard let n = strictDecode(name), let v = strictDecode(value) else { return nil }
            out.append((n, v))
        }
        return out
    }

    static func raw(_ text: String) -> [(Substring, Substring)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (kv[0], kv.count > 1 ? kv[1] : "")
        }
    }

    /// `+` is a space and `%XX` a byte; text whose escapes are broken or do not spell UTF-8 is
    /// kept as written (only `+` turned into spaces), as Foundation's `removingPercentEncoding`
    /// leaves it. Byte by byte: Foundation's way cost every form post several microseconds a field.
    static func decode(_ s: Substring) -> String {
        strictDecode(s) ?? String(decoding: s.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// `decode`, or nil where it keeps the text as written.
    static func strictDecode(_ s: Substring) -> String? {
        let utf8 = s.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            i = utf8.index(after: i)
            if b == UInt8(ascii: "%") {
                guard i != utf8.endIndex, let high = Hex.value(utf8[i]) else { return nil }
                let next = utf8.index(after: i)
                guard next != utf8.endIndex, let low = Hex.value(utf8[next]) else { return nil }
                out.append(high << 4 | low)
                i = utf8.index(after: next)
            } else {
                out.append(b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

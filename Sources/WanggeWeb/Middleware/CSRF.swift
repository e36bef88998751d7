import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// A token that every form carries and every unsafe page request must echo, so another site cannot
/// post on a user's behalf. A signed-in user's token lives in their session. A visitor who is not
/// signed in (the log-in page, a grid's QR page, the mailbox) gets it as a cookie of its own and
/// echoes it in the form ("double submit"): another site can neither read nor set that cookie, and
/// no session row is written for someone who only looks. The JSON API is protected by requiring a
/// JSON or CSV body type, which a cross-site form cannot send.
enum CSRF {
    static let field = "_csrf"
    static let cookie = "wangge_csrf"
    static let sessionKey = "csrf"

    struct PendingCookie: StorageKey { typealias Value = String }

    /// Whether the request carries a signed-in session (whose data may hold the token).
    static func signedIn(_ req: Request) -> Bool {
        req.hasSession && req.session.data[SessionKeys.account] != nil
    }

    static func token(_ req: Request) -> String {
        if signedIn(req) {
            if let t = req.session.data[sessionKey] { return t }
            let t = fresh()
            req.session.data[sessionKey] = t
            return t
        }
        if let t = req.storage[PendingCookie.self] { return t }
        if let t = req.cookies[cookie]?.string, isWellFormed(t) { return t }
        let t = fresh()
        req.storage[PendingCookie.self] = t
        return t
    }

    /// A new token: 24 random bytes, 32 URL-safe characters.
    static func fresh() -> String { [UInt8].random(count: 24).base64URL }

    static func isWellFormed(_ t: String) -> Bool {
        t.count == 32 && t.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Whether `sent` is the token this client was given.
    static func matches(_ sent: String?, _ req: Request) -> Bool {
        guard let sent, !sent.isEmpty else { return false }
        if signedIn(req) { return req.session.data[sessionKey].map { constantTimeEqual($0, sent) } ?? false }
        return req.cookies[cookie].map { constantTimeEqual($0.string, sent) } ?? false
    }

    static func check(_ req: Request) throws {
        let sent = (try? req.content.get(String.self, at: field)) ?? req.headers.first(name: "X-CSRF-Token")
        guard matches(sent, req) else { throw Abort(.forbidden, reason: L10n.t("auth.csrf")) }
    }

    /// A check for a form read with `FormReader`, when its `_csrf` field arrives.
    static func check(field name: String, value: String, _ req: Request) throws {
        guard name == field else { return }
        guard matches(value, req) else { throw Abort(.forbidden, reason: L10n.t("auth.csrf")) }
        req.storage[Checked.self] = true
    }

    struct Checked: StorageKey { typealias Value = Bool }

    /// After a streamed form was read: refuses one that carried no token at all.
    static func requireChecked(_ req: Request) throws {
        guard req.storage[Checked.self] == true else { throw Abort(.forbidden, reason: L10n.t("auth.csrf")) }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

struct CSRFMiddleware: Middleware {
    static let anonymousMaxBody = 64 * 1024
    static let signedInMaxBody = 20 * 1024 * 1024

    /// A GET or HEAD is answered without leaving the event loop; a write is checked first (its body
    /// may have to be read).
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let checked: EventLoopFuture<Void>
        do {
            let done = try req.method == .GET || req.method == .HEAD || Self.checkWithoutBody(req)
            checked = done ? req.eventLoop.makeSucceededVoidFuture() : req.eventLoop.makeFutureWithTask { try await Self.checkForm(req) }
        } catch {
            return req.eventLoop.makeFailedFuture(error)
        }
        return checked.flatMap { next.respond(to: req) }.map { res in
            if let t = req.storage[CSRF.PendingCookie.self] {
                res.cookies[CSRF.cookie] = HTTPCookies.Value(string: t, path: "/", isSecure: req.application.secureCookies, isHTTPOnly: true, sameSite: .lax)
            }
            return res
        }
    }

    /// Checks a write that needs no body read; false when it is a form whose token is in the body.
    static func checkWithoutBody(_ req: Request) throws -> Bool {
        if req.url.path.hasPrefix(Open311ErrorMiddleware.prefix) {
            // Open311 posts are form-encoded by design and authenticated by their api_key, never by
            // the session cookie, so a forged cross-site post carries nothing it could use.
        } else if req.wantsJSON {
            // A cross-site form can send only urlencoded, multipart or text/plain bodies, so the
            // API accepts none of them; a request without a body (DELETE) carries nothing to forge.
            // Raw bytes (`application/octet-stream`: a phone's photo chunk) cannot come from a form either.
            let type = req.headers.contentType
            let hasBody =
                (req.body.data?.readableBytes ?? 0) > 0 || req.headers.contains(name: .transferEncoding)
                || req.headers.first(name: .contentLength).map { $0 != "0" } ?? false
            guard !hasBody || type == .json || type?.subType == "csv" || type?.subType == "geo+json" || type == .binary else {
                throw Abort(.unsupportedMediaType, reason: L10n.t("api.content_type"))
            }
        } else if req.route?.isStreamedForm == true {
            // The handler reads the body as it streams (`FormReader`) and checks the token when its
            // field arrives, before any photo is read; it refuses a form that had none.
        } else {
            return false
        }
        return true
    }

    static func checkForm(_ req: Request) async throws {
        // Middleware runs before a route collects its body, and a body larger than one read
        // (an import file) is still streaming here: collect it, or the token is unseen.
        // Someone not signed in has no business sending more than a small form.
        let max = req.viewer == nil ? Self.anonymousMaxBody : Self.signedInMaxBody
        if req.body.data == nil { _ = try await req.body.collect(max: max).get() }
        try CSRF.check(req)
    }
}

extension Array where Element == UInt8 {
    static func random(count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &g) }
    }

    var base64URL: String {
        Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

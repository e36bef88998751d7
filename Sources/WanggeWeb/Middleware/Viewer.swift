import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The logged-in account with its role and its part of the grid tree. Every controller works
/// through `req.viewer`, and passes `viewer.scope` to the repositories. A request made with an
/// API token carries the token's scopes, which narrow what the role allows.
struct Viewer: Sendable {
    let account: AccountRow
    let scope: Scope
    var tokenScopes: Set<TokenScope>? = nil
    /// The password must be changed before anything else (first log-in, reset, or expiry).
    var mustChangePassword = false
    var role: Role { account.role }

    func allows(_ scope: TokenScope) -> Bool { tokenScopes?.contains(scope) ?? true }
}

struct ViewerKey: StorageKey { typealias Value = Viewer }

extension Request {
    var viewer: Viewer? {
        get { storage[ViewerKey.self] }
        set { storage[ViewerKey.self] = newValue }
    }

    /// The viewer, or 401 (API) / a redirect to log-in (pages) via `LoginRequired`.
    func requireViewer() throws -> Viewer {
        guard let viewer else { throw Abort(.unauthorized) }
        return viewer
    }

    /// Whether this request is for the JSON API (errors are JSON there, HTML elsewhere).
    var wantsJSON: Bool { url.path.hasPrefix("/api/") }
}

/// Session keys: the account, when the session began, and when it was last used.
enum SessionKeys {
    static let account = "account"
    static let created = "created"
    static let seen = "seen"
    static let notice = "notice"
}

/// Loads the account named in the session (or by an API token). Sessions live in the database,
/// so any instance behind the load balancer can serve any request. A session idle for 30 minutes
/// or older than 12 hours ends here, on the server, whatever the cookie says.
struct ViewerMiddleware: AsyncMiddleware {
    static let sessionKey = SessionKeys.account

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization, req.wantsJSON {
            guard let token = try await ApiTokenRepository(req.db).authenticate(bearer.token, now: req.now),
                let account = try await AccountRepository(req.db).find(token.accountID), !account.isDisabled
            else {
                throw Abort(.unauthorized, reason: L10n.t("auth.bad_token"))
            }
            req.viewer = Viewer(account: account, scope: try await AccountRepository(req.db).scope(of: account), tokenScopes: token.scopeSet)
        } else if req.hasSession, let raw = req.session.data[SessionKeys.account], let id = UUID(uuidString: raw) {
            let now = req.now
            let created = req.session.data[SessionKeys.created].flatMap(Double.init) ?? 0
            let seen = req.session.data[SessionKeys.seen].flatMap(Double.init) ?? 0
            let policy = req.policy
            let accounts = AccountRepository(req.db)
            if now.timeIntervalSince1970 - seen > policy.idleTimeout || now.timeIntervalSince1970 - created > policy.absoluteTimeout {
                req.session.data = SessionData()
                req.session.data[SessionKeys.notice] = "login.expired"
            } else if let account = try await accounts.find(id), !account.isDisabled {
                req.session.data[SessionKeys.seen] = String(now.timeIntervalSince1970)
                let mustChange = account.mustChangePassword || policy.passwordExpired(changedAt: account.passwordChangedAt, now: now)
                req.viewer = Viewer(account: account, scope: try await accounts.scope(of: account), mustChangePassword: mustChange)
            } else {
                req.session.destroy()
            }
        }
        return try await next.respond(to: req)
    }
}

/// Sends a visitor who is not logged in to the log-in page (pages) or answers 401 (API); and one
/// whose password must change to the account page, where it can be changed.
struct LoginRequired: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let viewer = req.viewer else {
            if req.wantsJSON { throw Abort(.unauthorized, reason: L10n.t("auth.required")) }
            return req.redirect(to: SiteURL.login.path + SiteURL.query(["next": req.url.path]))
        }
        if viewer.mustChangePassword && req.url.path != SiteURL.account.path {
            if req.wantsJSON { throw Abort(.forbidden, reason: L10n.t("account.must_change")) }
            return req.redirect(to: SiteURL.account.path)
        }
        return try await next.respond(to: req)
    }
}

/// Adds the headers every response needs: a Content-Security-Policy with no inline script,
/// no framing, no sniffing, and no caching of pages that may hold personal data.
struct SecurityHeaders: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // A response that chose private caching (a case photo, which never changes under its id) keeps it.
        if !req.url.path.hasPrefix("/assets/") && res.headers.first(name: .cacheControl)?.hasPrefix("private") != true {
            res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return res
    }
}

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
            let t = [UInt8].random(count: 24).base64URL
            req.session.data[sessionKey] = t
            return t
        }
        if let t = req.storage[PendingCookie.self] { return t }
        if let t = req.cookies[cookie]?.string, isWellFormed(t) { return t }
        let t = [UInt8].random(count: 24).base64URL
        req.storage[PendingCookie.self] = t
        return t
    }

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

struct CSRFMiddleware: AsyncMiddleware {
    static let anonymousMaxBody = 64 * 1024
    static let signedInMaxBody = 20 * 1024 * 1024

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method != .GET && req.method != .HEAD {
            if req.url.path.hasPrefix(Open311ErrorMiddleware.prefix) {
                // Open311 posts are form-encoded by design and authenticated by their api_key, never by
                // the session cookie, so a forged cross-site post carries nothing it could use.
            } else if req.wantsJSON {
                // A cross-site form can send only urlencoded, multipart or text/plain bodies, so the
                // API accepts none of them; a request without a body (DELETE) carries nothing to forge.
                let type = req.headers.contentType
                let hasBody =
                    (req.body.data?.readableBytes ?? 0) > 0 || req.headers.contains(name: .transferEncoding)
                    || req.headers.first(name: .contentLength).map { $0 != "0" } ?? false
                guard !hasBody || type == .json || type?.subType == "csv" || type?.subType == "geo+json" else {
                    throw Abort(.unsupportedMediaType, reason: L10n.t("api.content_type"))
                }
            } else if req.route?.isStreamedForm == true {
                // The handler reads the body as it streams (`FormReader`) and checks the token when its
                // field arrives, before any photo is read; it refuses a form that had none.
            } else {
                // Middleware runs before a route collects its body, and a body larger than one read
                // (an import file) is still streaming here: collect it, or the token is unseen.
                // Someone not signed in has no business sending more than a small form.
                let max = req.viewer == nil ? Self.anonymousMaxBody : Self.signedInMaxBody
                if req.body.data == nil { _ = try await req.body.collect(max: max).get() }
                try CSRF.check(req)
            }
        }
        let res = try await next.respond(to: req)
        if let t = req.storage[CSRF.PendingCookie.self] {
            res.cookies[CSRF.cookie] = HTTPCookies.Value(string: t, path: "/", isSecure: req.application.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return res
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

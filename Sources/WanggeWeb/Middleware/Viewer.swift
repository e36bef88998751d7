import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The logged-in account with its role and its part of the grid tree. Every controller works
/// through `req.viewer`, and passes `viewer.scope` to the repositories.
struct Viewer: Sendable {
    let account: AccountRow
    let scope: Scope
    var role: Role { account.role }
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

/// Loads the account named in the session. Sessions live in the database, so any instance
/// behind the load balancer can serve any request.
struct ViewerMiddleware: AsyncMiddleware {
    static let sessionKey = "account"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.hasSession, let raw = req.session.data[Self.sessionKey], let id = UUID(uuidString: raw) {
            let accounts = AccountRepository(req.db)
            if let account = try await accounts.find(id) {
                req.viewer = Viewer(account: account, scope: try await accounts.scope(of: account))
            } else {
                req.session.destroy()
            }
        }
        return try await next.respond(to: req)
    }
}

/// Sends a visitor who is not logged in to the log-in page (pages) or answers 401 (API).
struct LoginRequired: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.viewer != nil else {
            if req.wantsJSON { throw Abort(.unauthorized, reason: L10n.t("auth.required")) }
            return req.redirect(to: SiteURL.login.path + SiteURL.query(["next": req.url.path]))
        }
        return try await next.respond(to: req)
    }
}

/// Adds the headers every response needs: a Content-Security-Policy with no inline script,
/// no framing, no sniffing, and no caching of pages that may hold personal data.
struct SecurityHeaders: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(name: "Content-Security-Policy",
                                 value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if !req.url.path.hasPrefix("/assets/") {
            res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return res
    }
}

/// A per-session token that every form carries and every unsafe page request must echo,
/// so another site cannot post on a logged-in user's behalf. The JSON API is protected by
/// requiring a JSON or CSV body type, which a cross-site form cannot send.
enum CSRF {
    static let field = "_csrf"

    static func token(_ req: Request) -> String {
        if let t = req.session.data["csrf"] { return t }
        let t = [UInt8].random(count: 24).base64URL
        req.session.data["csrf"] = t
        return t
    }

    static func check(_ req: Request) throws {
        let sent = (try? req.content.get(String.self, at: field)) ?? req.headers.first(name: "X-CSRF-Token")
        guard let sent, let expected = req.session.data["csrf"], sent == expected else {
            throw Abort(.forbidden, reason: L10n.t("auth.csrf"))
        }
    }
}

struct CSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method != .GET && req.method != .HEAD {
            if req.wantsJSON {
                // A cross-site form can send only urlencoded, multipart or text/plain bodies, so the
                // API accepts none of them; a request without a body (DELETE) carries nothing to forge.
                let type = req.headers.contentType
                let hasBody = (req.body.data?.readableBytes ?? 0) > 0 || req.headers.contains(name: .transferEncoding)
                    || req.headers.first(name: .contentLength).map { $0 != "0" } ?? false
                guard !hasBody || type == .json || type?.subType == "csv" || type?.subType == "geo+json" else {
                    throw Abort(.unsupportedMediaType, reason: L10n.t("api.content_type"))
                }
            } else {
                try CSRF.check(req)
            }
        }
        return try await next.respond(to: req)
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

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
struct ViewerMiddleware: Middleware {
    static let sessionKey = SessionKeys.account
    /// How stale a session's "last used" may be before it is written again, in seconds.
    static let seenResolution: TimeInterval = 60

    /// A request with neither a token nor a signed-in session (a resident, a health check, an asset)
    /// goes on without leaving the event loop; the others look up their account first.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let bearer = req.headers.bearerAuthorization != nil && req.wantsJSON
        guard bearer || (req.hasSession && req.session.data[SessionKeys.account] != nil) else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask { try await Self.load(req) }.flatMap { next.respond(to: req) }
    }

    static func load(_ req: Request) async throws {
        if let bearer = req.headers.bearerAuthorization, req.wantsJSON {
            guard let token = try await ApiTokenRepository(req.db).authenticate(bearer.token, now: req.now),
                let (account, scope) = try await AccountRepository(req.db).findWithScope(token.accountID), !account.isDisabled
            else {
                throw Abort(.unauthorized, reason: L10n.t("auth.bad_token"))
            }
            req.viewer = Viewer(account: account, scope: scope, tokenScopes: token.scopeSet)
        } else if req.hasSession, let raw = req.session.data[SessionKeys.account], let id = UUID(uuidString: raw) {
            let now = req.now
            let created = req.session.data[SessionKeys.created].flatMap(Double.init) ?? 0
            let seen = req.session.data[SessionKeys.seen].flatMap(Double.init) ?? 0
            let policy = req.policy
            let accounts = AccountRepository(req.db)
            if now.timeIntervalSince1970 - seen > policy.idleTimeout || now.timeIntervalSince1970 - created > policy.absoluteTimeout {
                req.session.data = SessionData()
                req.session.data[SessionKeys.notice] = "login.expired"
            } else if let (account, scope) = try await accounts.findWithScope(id), !account.isDisabled {
                // Last use is kept to the minute: a session row is rewritten at most once a minute,
                // not on every request (the idle timeout is half an hour).
                if now.timeIntervalSince1970 - seen >= Self.seenResolution { req.session.data[SessionKeys.seen] = String(now.timeIntervalSince1970) }
                let mustChange = account.mustChangePassword || policy.passwordExpired(changedAt: account.passwordChangedAt, now: now)
                req.viewer = Viewer(account: account, scope: scope, mustChangePassword: mustChange)
            } else {
                req.session.destroy()
            }
        }
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

import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// Log-in in up to two steps — password, then a TOTP code for accounts that have one or whose
/// role requires one — with lock-out after repeated failures, a per-address rate limit, a new
/// session id on success, and every attempt in the audit log.
enum LoginController {
    struct Form: Content {
        var username: String
        var password: String
        var next: String?
    }

    struct CodeForm: Content { var code: String }

    /// How long the password step stays valid while the second factor is asked for.
    static let pendingLifetime: TimeInterval = 5 * 60
    /// Compared against when the username is unknown, so timing does not reveal which names exist.
    static let dummyHash = "$2b$12$CwTycUXWue0Thq9StjUM0uJ8.xhNVbmiI2N.cPKIa1VBcvcnlsiNO"

    static func show(req: Request) async throws -> Response {
        if req.viewer != nil { return req.redirect(to: SiteURL.home.path) }
        let notice = req.hasSession ? req.session.data[SessionKeys.notice].map { L10n.t($0) } : nil
        if req.hasSession { req.session.data[SessionKeys.notice] = nil }
        let next = safeNext(req.query[String.self, at: "next"])
        return Layout.response(req, LoginPage.render(csrf: CSRF.token(req), next: next, error: notice, username: ""), title: L10n.t("login.title"))
    }

    static func refuse(_ req: Request, _ message: String, username: String, next: String?, status: HTTPStatus = .unauthorized) async throws -> Response {
        let res = Layout.response(req, LoginPage.render(csrf: CSRF.token(req), next: safeNext(next), error: message, username: username), title: L10n.t("login.title"))
        res.status = status
        return res
    }

    static func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let username = form.username.trimmingSpaces()
        let now = req.now, policy = req.policy
        // Only failures count against the address: a command centre behind one address logs in all morning.
        guard try await RateLimiter(req.db).current(addressKey(req), window: policy.loginWindow, now: now) < policy.loginAttemptsPerIP else {
            try await req.audit("login_failed", object: "account", username, detail: "rate limited", outcome: "denied", actor: AuditActor(name: username, role: "-"))
            return try await refuse(req, L10n.t("login.rate_limited"), username: username, next: form.next, status: .tooManyRequests)
        }
        let accounts = AccountRepository(req.db)
        let account = try await accounts.find(username: username)
        let passwordOK = try await req.password.async.verify(form.password, created: account?.passwordHash ?? dummyHash)
        guard let account else {
            try await countAddressFailure(req)
            try await req.audit("login_failed", object: "account", username, detail: "unknown account", outcome: "denied", actor: AuditActor(name: username, role: "-"))
            return try await refuse(req, L10n.t("login.failed"), username: username, next: form.next)
        }
        let actor = AuditActor(account)
        if account.isDisabled {
            try await countAddressFailure(req)
            try await req.audit("login_failed", object: "account", account.id.uuidString, detail: "disabled", outcome: "denied", actor: actor)
            return try await refuse(req, L10n.t("login.failed"), username: username, next: form.next)
        }
        if let until = account.lockedUntil, until > now {
            // Answered exactly like a wrong password or an unknown name: the answer must not tell
            // whether a name exists (the audit entry says what happened).
            try await countAddressFailure(req)
            try await req.audit("login_failed", object: "account", account.id.uuidString, detail: "locked", outcome: "denied", actor: actor)
            return try await refuse(req, L10n.t("login.failed"), username: username, next: form.next)
        }
        guard passwordOK else { return try await failed(req, account, next: form.next, detail: "wrong password") }
        if account.totpSecret != nil || account.role.requiresTOTP {
            req.session.data[SessionKeys.pending] = account.id.uuidString
            req.session.data[SessionKeys.pendingAt] = String(now.timeIntervalSince1970)
            req.session.data[SessionKeys.pendingNext] = safeNext(form.next)
            return req.redirect(to: SiteURL.loginCode.path)
        }
        return try await complete(req, account, next: form.next)
    }

    static func addressKey(_ req: Request) -> String { "login:\(req.clientIP)" }

    /// Counts a failed log-in (or code) against the client's address.
    static func countAddressFailure(_ req: Request) async throws {
        let policy = req.policy
        _ = try await RateLimiter(req.db).hit(addressKey(req), limit: policy.loginAttemptsPerIP, window: policy.loginWindow, now: req.now)
    }

    /// Counts a failure, locking the account after too many, and answers in words that do not
    /// say whether the name or the password was wrong, or whether the account is now locked.
    static func failed(_ req: Request, _ account: AccountRow, next: String?, detail: String) async throws -> Response {
        _ = try await countFailure(req, account, detail: detail)
        return try await refuse(req, L10n.t("login.failed"), username: account.username, next: next, status: .unauthorized)
    }

    /// Counts a failed password or code toward the lock-out and audits it; the lock's end, if this locked it.
    static func countFailure(_ req: Request, _ account: AccountRow, detail: String) async throws -> Date? {
        try await countAddressFailure(req)
        let policy = req.policy
        let lockedUntil = try await AccountRepository(req.db).recordFailure(account.id, maxFailures: policy.maxFailures, lockFor: policy.lockout, now: req.now)
        try await req.audit(
            "login_failed", object: "account", account.id.uuidString, detail: detail + (lockedUntil != nil ? ", locked" : ""),
            outcome: "denied", actor: AuditActor(account))
        return lockedUntil
    }

    /// Ends any earlier session and starts a new one for the account.
    static func complete(_ req: Request, _ account: AccountRow, next: String?) async throws -> Response {
        try await AccountRepository(req.db).recordSuccess(account.id)
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
        }
        req.session.id = nil
        req.session.data = SessionData()
        let now = String(req.now.timeIntervalSince1970)
        req.session.data[SessionKeys.account] = account.id.uuidString
        req.session.data[SessionKeys.created] = now
        req.session.data[SessionKeys.seen] = now
        _ = CSRF.token(req)
        try await req.audit("login", object: "account", account.id.uuidString, actor: AuditActor(account))
        return req.redirect(to: safeNext(next) ?? SiteURL.home.path)
    }

    /// The account waiting for its second factor, if the password step was recent.
    static func pending(_ req: Request) async throws -> AccountRow? {
        guard req.hasSession, let raw = req.session.data[SessionKeys.pending], let id = UUID(uuidString: raw),
            let at = req.session.data[SessionKeys.pendingAt].flatMap(Double.init),
            req.now.timeIntervalSince1970 - at < pendingLifetime
        else { return nil }
        return try await AccountRepository(req.db).find(id)
    }

    static func showCode(req: Request) async throws -> Response {
        guard let account = try await pending(req) else { return req.redirect(to: SiteURL.login.path) }
        var enrolment: WanggeSecurity.TOTP?
        if account.totpSecret == nil {
            // First log-in of a role that needs a second factor: enrol now. The secret waits in the
            // session, encrypted, until a correct code proves the phone has it.
            if let sealed = req.session.data[SessionKeys.enrolSecret], let text = try? req.keys.cipher.decrypt(sealed) {
                enrolment = WanggeSecurity.TOTP(base32: text)
            } else {
                let fresh = WanggeSecurity.TOTP.generate()
                req.session.data[SessionKeys.enrolSecret] = req.keys.cipher.encrypt(fresh.base32)
                enrolment = fresh
            }
        }
        return Layout.response(req, LoginPage.code(csrf: CSRF.token(req), enrolment: enrolment, account: account.username, error: nil), title: L10n.t("login.code_title"))
    }

    static func submitCode(req: Request) async throws -> Response {
        guard let account = try await pending(req) else { return req.redirect(to: SiteURL.login.path) }
        let form = try req.content.decode(CodeForm.self)
        let cipher = req.keys.cipher
        let enrolling = account.totpSecret == nil
        let secretText: String? =
            enrolling
            ? req.session.data[SessionKeys.enrolSecret].flatMap { try? cipher.decrypt($0) }
            : account.totpSecret.flatMap { try? cipher.decrypt($0) }
        guard let totp = secretText.flatMap(WanggeSecurity.TOTP.init(base32:)) else { return req.redirect(to: SiteURL.login.path) }
        guard let step = totp.matchingCounter(form.code, at: req.now) else {
            if try await countFailure(req, account, detail: "wrong code") != nil {
                // Locked now: back to the first step, which answers like any failure.
                req.session.destroy()
                return try await refuse(req, L10n.t("login.failed"), username: account.username, next: nil)
            }
            let page = Layout.response(
                req,
                LoginPage.code(
                    csrf: CSRF.token(req), enrolment: enrolling ? totp : nil, account: account.username,
                    error: L10n.t("login.bad_code")), title: L10n.t("login.code_title"))
            page.status = .unauthorized
            return page
        }
        let accounts = AccountRepository(req.db)
        if enrolling {
            let secret = cipher.encrypt(totp.base32)
            try await req.audited("totp_enrolled", object: "account", actor: AuditActor(account)) { db in
                try await AccountRepository(db).setTOTP(account.id, encryptedSecret: secret, step: Int64(step))
            } entry: { _ in
                (account.id.uuidString, "")
            }
        } else {
            guard try await accounts.useTOTPStep(account.id, step: Int64(step)) else {
                return try await failed(req, account, next: nil, detail: "replayed code")
            }
        }
        let next = req.session.data[SessionKeys.pendingNext]
        return try await complete(req, account, next: next)
    }

    static func logout(req: Request) async throws -> Response {
        if let v = req.viewer { try await req.audit("logout", object: "account", v.account.id.uuidString) }
        req.session.destroy()
        return req.redirect(to: SiteURL.login.path)
    }

    /// Only a path on this site, never another host (an open redirect would help phishing). The
    /// address is parsed, not pattern-matched: browsers drop tabs and line breaks and read `\` as
    /// `/`, so `/\t/evil.example` would lead away; anything but printable ASCII is refused, and
    /// what is left must parse as a relative reference with no scheme and no host whose path
    /// starts with a single `/`.
    static func safeNext(_ next: String?) -> String? {
        guard let next, !next.isEmpty, next.count <= 2000,
            next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }),
            let parts = URLComponents(string: next), parts.scheme == nil, parts.host == nil, parts.user == nil,
            parts.percentEncodedPath.hasPrefix("/"), !parts.percentEncodedPath.hasPrefix("//")
        else { return nil }
        // A percent-encoded slash or backslash right after the first one is decoded by some servers and proxies.
        let decoded = parts.path
        guard !decoded.hasPrefix("//"), !decoded.hasPrefix("/\\") else { return nil }
        return next
    }
}

extension SessionKeys {
    static let pending = "pending"
    static let pendingAt = "pending_at"
    static let pendingNext = "pending_next"
    static let enrolSecret = "enrol_secret"
}

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
        return try await render(req, LoginPage.render(csrf: CSRF.token(req), next: next, error: notice, username: ""), title: L10n.t("login.title"))
    }

    static func refuse(_ req: Request, _ message: String, username: String, next: String?, status: HTTPStatus = .unauthorized) async throws -> Response {
        let res = try await render(req, LoginPage.render(csrf: CSRF.token(req), next: safeNext(next), error: message, username: username), title: L10n.t("login.title"))
        res.status = status
        return res
    }

    static func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let username = form.username.trimmingSpaces()
        let now = req.now, policy = req.policy
        guard try await RateLimiter(req.db).hit("login:\(req.clientIP)", limit: policy.loginAttemptsPerIP, window: policy.loginWindow, now: now) else {
            try await req.audit("login_failed", object: "account", username, detail: "rate limited", outcome: "denied", actor: (nil, username, "-"))
            return try await refuse(req, L10n.t("login.rate_limited"), username: username, next: form.next, status: .tooManyRequests)
        }
        let accounts = AccountRepository(req.db)
        let account = try await accounts.find(username: username)
        let passwordOK = try await req.password.async.verify(form.password, created: account?.passwordHash ?? dummyHash)
        guard let account else {
            try await req.audit("login_failed", object: "account", username, detail: "unknown account", outcome: "denied", actor: (nil, username, "-"))
            return try await refuse(req, L10n.t("login.failed"), username: username, next: form.next)
        }
        let actor = (Optional(account.id), account.username, account.role.rawValue)
        if account.isDisabled {
            try await req.audit("login_failed", object: "account", account.id.uuidString, detail: "disabled", outcome: "denied", actor: actor)
            return try await refuse(req, L10n.t("login.failed"), username: username, next: form.next)
        }
        if let until = account.lockedUntil, until > now {
            // Answered exactly like a wrong password or an unknown name: the answer must not tell
            // whether a name exists (the audit entry says what happened).
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

    /// Counts a failure, locking the account after too many, and answers in words that do not
    /// say whether the name or the password was wrong, or whether the account is now locked.
    static func failed(_ req: Request, _ account: AccountRow, next: String?, detail: String) async throws -> Response {
        _ = try await countFailure(req, account, detail: detail)
        return try await refuse(req, L10n.t("login.failed"), username: account.username, next: next, status: .unauthorized)
    }

    /// Counts a failed password or code toward the lock-out and audits it; the lock's end, if this locked it.
    static func countFailure(_ req: Request, _ account: AccountRow, detail: String) async throws -> Date? {
        let policy = req.policy
        let lockedUntil = try await AccountRepository(req.db).recordFailure(account.id, maxFailures: policy.maxFailures, lockFor: policy.lockout, now: req.now)
        try await req.audit(
            "login_failed", object: "account", account.id.uuidString, detail: detail + (lockedUntil != nil ? ", locked" : ""),
            outcome: "denied", actor: (account.id, account.username, account.role.rawValue))
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
        try await req.audit("login", object: "account", account.id.uuidString, actor: (account.id, account.username, account.role.rawValue))
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
        return try await render(req, LoginPage.code(csrf: CSRF.token(req), enrolment: enrolment, account: account.username, error: nil), title: L10n.t("login.code_title"))
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
            let page = try await render(
                req,
                LoginPage.code(
                    csrf: CSRF.token(req), enrolment: enrolling ? totp : nil, account: account.username,
                    error: L10n.t("login.bad_code")), title: L10n.t("login.code_title"))
            page.status = .unauthorized
            return page
        }
        let accounts = AccountRepository(req.db)
        if enrolling {
            try await accounts.setTOTP(account.id, encryptedSecret: cipher.encrypt(totp.base32), step: Int64(step))
            try await req.audit("totp_enrolled", object: "account", account.id.uuidString, actor: (account.id, account.username, account.role.rawValue))
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

    static func render(_ req: Request, _ body: HTML, title: String) async throws -> Response {
        let page = Layout.page(req: req, title: title, body: body)
        return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: page.raw))
    }
}

extension SessionKeys {
    static let pending = "pending"
    static let pendingAt = "pending_at"
    static let pendingNext = "pending_next"
    static let enrolSecret = "enrol_secret"
}

enum LoginPage {
    static func render(csrf: String, next: String?, error: String?, username: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.login.path, "class": "card narrow"],
            [
                error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("input", ["type": "hidden", "name": "next", "value": next]),
                el("label", [.t("login.username"), el("input", ["name": "username", "value": username, "autocomplete": "username", "required": "required", "autofocus": "autofocus"])]),
                el("label", [.t("login.password"), el("input", ["name": "password", "type": "password", "autocomplete": "current-password", "required": "required"])]),
                el("button", ["type": "submit"], .t("login.submit")),
            ]) + el("p", ["class": "narrow"], HTML.link(SiteURL.mailbox.path, L10n.t("mailbox.link")))
    }

    /// The second step: a code from the authenticator app, or — the first time — setting one up.
    static func code(csrf: String, enrolment: WanggeSecurity.TOTP?, account: String, error: String?) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.loginCode.path, "class": "card narrow"],
            [
                error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                enrolment.map { totp in
                    el(
                        "div",
                        [
                            el("p", .t("login.enrol_help")),
                            el("p", [.t("login.enrol_key"), el("code", ["class": "secret"], .text(groups(totp.base32)))]),
                            el("p", ["class": "meta"], .text(totp.provisioningURI(account: account, issuer: "Wangge"))),
                        ])
                } ?? el("p", .t("login.code_help")),
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("label", [.t("login.code"), el("input", ["name": "code", "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]{6,7}", "required": "required", "autofocus": "autofocus"])]),
                el("button", ["type": "submit"], .t("login.verify")),
            ])
    }

    /// "ABCD EFGH …", easier to type into a phone.
    static func groups(_ s: String) -> String {
        stride(from: 0, to: s.count, by: 4).map { i in
            String(s.dropFirst(i).prefix(4))
        }.joined(separator: " ")
    }
}

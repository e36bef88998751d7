import Vapor
import WanggeCore
import WanggeStore

/// Log-in and log-out. The session id is replaced at log-in so a planted cookie is worthless.
enum LoginController {
    struct Form: Content {
        var username: String
        var password: String
        var next: String?
    }

    static func show(req: Request) async throws -> Response {
        if req.viewer != nil { return req.redirect(to: SiteURL.home.path) }
        let next = safeNext(req.query[String.self, at: "next"])
        return try await render(req, LoginPage.render(csrf: CSRF.token(req), next: next, error: nil, username: ""), title: L10n.t("login.title"))
    }

    static func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let accounts = AccountRepository(req.db)
        let account = try await accounts.find(username: form.username.trimmingSpaces())
        var ok = false
        if let account { ok = try await req.password.async.verify(form.password, created: account.passwordHash) }
        guard let account, ok else {
            req.logger.notice("failed log-in", metadata: ["username": .string(form.username)])
            let page = LoginPage.render(csrf: CSRF.token(req), next: safeNext(form.next), error: L10n.t("login.failed"), username: form.username)
            let res = try await render(req, page, title: L10n.t("login.title"))
            res.status = .unauthorized
            return res
        }
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
        }
        req.session.id = nil
        req.session.data = SessionData()
        req.session.data[ViewerMiddleware.sessionKey] = account.id.uuidString
        _ = CSRF.token(req)
        return req.redirect(to: safeNext(form.next) ?? SiteURL.home.path)
    }

    static func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteURL.login.path)
    }

    /// Only a path on this site, never another host (an open redirect would help phishing).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return nil }
        return next
    }

    static func render(_ req: Request, _ body: HTML, title: String) async throws -> Response {
        let page = Layout.page(req: req, title: title, body: body)
        return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: page.raw))
    }
}

enum LoginPage {
    static func render(csrf: String, next: String?, error: String?, username: String) -> HTML {
        el("form", ["method": "post", "action": SiteURL.login.path, "class": "card narrow"], [
            error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
            el("input", ["type": "hidden", "name": "next", "value": next]),
            el("label", [.t("login.username"), el("input", ["name": "username", "value": username, "autocomplete": "username", "required": "required", "autofocus": "autofocus"])]),
            el("label", [.t("login.password"), el("input", ["name": "password", "type": "password", "autocomplete": "current-password", "required": "required"])]),
            el("button", ["type": "submit"], .t("login.submit")),
        ])
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Log-in, sessions and second factor")
struct LoginSecurityTests {
    func auditCount(_ app: Application, _ action: String, outcome: String? = nil) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        let filter: SQLQueryString = outcome.map { "action = \(bind: action) AND outcome = \(bind: $0)" } ?? "action = \(bind: action)"
        return try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(filter)").first()!.decode(column: "n", as: Int.self)
    }

    @Test("five wrong passwords lock the account for 15 minutes, audited", arguments: TestDatabase.enabled)
    func lockout(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = Browser(app)
            try await b.get("/login")
            for _ in 1...4 {
                #expect(try await b.post("/login", form: ["username": "gridworker", "password": "Wrong#pass1"]).status == .unauthorized)
            }
            let fifth = try await b.post("/login", form: ["username": "gridworker", "password": "Wrong#pass1"])
            // A locked account answers exactly like an unknown name: nothing tells which names exist.
            let unknown = try await b.post("/login", form: ["username": "nobody-here", "password": "Wrong#pass1"])
            #expect(fifth.status == .unauthorized && unknown.status == .unauthorized)
            func alert(_ html: String) -> String? { html.range(of: "role=\"alert\">").map { String(html[$0.upperBound...].prefix { $0 != "<" }) } }
            #expect(alert(fifth.body.string) != nil && alert(fifth.body.string) == alert(unknown.body.string))
            // the right password does not open a locked account, and says nothing more
            let locked = try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword])
            #expect(locked.status == .unauthorized && alert(locked.body.string) == alert(unknown.body.string))
            #expect(try await auditCount(app, "login_failed", outcome: "denied") == 7)
            app.testClock.advance(14 * 60)
            #expect(try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword]).status == .unauthorized)
            app.testClock.advance(2 * 60)
            #expect(try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword]).status == .seeOther)
            #expect(try await auditCount(app, "login") == 1)
        }
    }

    @Test("failed log-ins are rate-limited per address; successful ones never count", arguments: TestDatabase.enabled)
    func rateLimit(db: TestDatabase) async throws {
        try await withApp(db) { app in
            app.policy.loginAttemptsPerIP = 3
            // A command centre behind one address: many successful log-ins do not use up the allowance.
            for _ in 0..<5 {
                var colleague = Browser(app)
                try await colleague.get("/login")
                #expect(try await colleague.post("/login", form: ["username": "operator", "password": DemoCommand.demoPassword]).status == .seeOther)
            }
            var b = Browser(app)
            try await b.get("/login")
            for name in ["a", "b", "c"] {
                #expect(try await b.post("/login", form: ["username": name, "password": "x"]).status == .unauthorized)
            }
            let limited = try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword])
            #expect(limited.status == .tooManyRequests)
            app.testClock.advance(app.policy.loginWindow + 1)
            #expect(try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword]).status == .seeOther)
        }
    }

    @Test("a session ends after 30 idle minutes and after 12 hours in any case", arguments: TestDatabase.enabled)
    func timeouts(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = try await Browser.login(app, as: "gridworker")
            app.testClock.advance(29 * 60)
            #expect(try await b.get("/units").status == .seeOther)  // still in: redirect to own grid
            #expect(try await b.get("/residents").status == .ok)
            app.testClock.advance(31 * 60)
            let idle = try await b.get("/residents")
            #expect(idle.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(try await b.get("/login").body.string.contains("长时间未操作"))

            var c = try await Browser.login(app, as: "gridworker")
            for _ in 0..<25 {  // busy all day: a request every 29 minutes
                app.testClock.advance(29 * 60)
                _ = try await c.get("/residents")
            }
            #expect(try await c.get("/residents").headers.first(name: .location)?.hasPrefix("/login") == true, "12 h is the absolute limit")
        }
    }

    @Test("a signed-in session's row is written at most once a minute, not on every request", arguments: TestDatabase.enabled)
    func sessionWrites(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let sql = app.db as! any SQLDatabase
            func expiry() async throws -> Double {
                try await sql.raw("SELECT expires_at FROM sessions WHERE account_id IS NOT NULL").first()?.decode(column: "expires_at", as: Double.self) ?? 0
            }
            var b = try await Browser.login(app, as: "gridworker")
            app.testClock.advance(ViewerMiddleware.seenResolution)
            try await b.get("/residents")
            let first = try await expiry()
            // MUT: four more requests within the minute, then one after it.
            for _ in 0..<4 {
                app.testClock.advance(10)
                try await b.get("/residents")
            }
            let within = try await expiry()
            app.testClock.advance(30)
            try await b.get("/residents")
            let after = try await expiry()
            // validate
            #expect(within == first, "unchanged within the minute: no write")
            #expect(after == first + 70, "written again once the minute has passed")
        }
    }

    @Test("the session id changes at log-in and log-out ends it on the server", arguments: TestDatabase.enabled)
    func sessionLifecycle(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = Browser(app)
            try await b.get("/login")
            let before = b.cookie
            _ = try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword])
            #expect(!b.cookie.isEmpty && b.cookie != before)
            let stolen = b.jar
            #expect(try await b.get("/residents").status == .ok)
            _ = try await b.post("/logout", form: [:])
            var thief = Browser(app)
            thief.jar = stolen
            #expect(try await thief.get("/residents").status == .seeOther, "a copied cookie is dead after log-out")
        }
    }

    @Test("admin roles need a TOTP code; a wrong or replayed code is refused", arguments: TestDatabase.enabled)
    func secondFactor(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = Browser(app)
            try await b.get("/login")
            let first = try await b.post("/login", form: ["username": "admin", "password": DemoCommand.demoPassword])
            #expect(first.headers.first(name: .location) == "/login/code")
            #expect(try await b.get("/units").status == .seeOther, "not logged in before the code")
            try await b.get("/login/code")
            #expect(try await b.post("/login/code", form: ["code": "000000"]).status == .unauthorized)
            let code = try await totpCode(app, "admin")
            #expect(try await b.post("/login/code", form: ["code": code]).status == .seeOther)
            #expect(try await b.get("/units").status == .seeOther)  // logged in: to the district page
            // the same code again, in a fresh log-in within the same step, is a replay
            var c = Browser(app)
            try await c.get("/login")
            _ = try await c.post("/login", form: ["username": "admin", "password": DemoCommand.demoPassword])
            try await c.get("/login/code")
            #expect(try await c.post("/login/code", form: ["code": code]).status != .seeOther)
        }
    }

    @Test("an admin role without a key enrols at first log-in", arguments: TestDatabase.enabled)
    func enrolment(db: TestDatabase) async throws {
        try await withApp(db) { app in
            let auditor = try #require(try await AccountRepository(app.db).find(username: "auditor"))
            try await AccountRepository(app.db).setTOTP(auditor.id, encryptedSecret: nil, step: nil)
            var b = Browser(app)
            try await b.get("/login")
            _ = try await b.post("/login", form: ["username": "auditor", "password": DemoCommand.demoPassword])
            let page = try await b.get("/login/code")
            let key = try #require(page.body.string.range(of: #"secret=([A-Z2-7]+)"#, options: .regularExpression).map { String(page.body.string[$0].dropFirst(7)) })
            let totp = try #require(WanggeSecurityTOTP(base32: key))
            app.testClock.advance(30)
            #expect(try await b.post("/login/code", form: ["code": totp.code(at: app.clock.now())]).status == .seeOther)
            #expect(try await AccountRepository(app.db).find(username: "auditor")?.totpSecret != nil)
            #expect(try await auditCount(app, "totp_enrolled") == 1)
        }
    }

    @Test("a password that must change holds every page until it is changed", arguments: TestDatabase.enabled)
    func forcedChange(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = try await Browser.login(app, as: "gridworker")
            app.testClock.advance(91 * 86400)  // past the 90-day expiry
            _ = try? await b.get("/account")  // a fresh session is needed after such a long time
            b = try await Browser.login(app, as: "gridworker")
            #expect(try await b.get("/residents").headers.first(name: .location) == "/account")
            #expect(try await b.api(.GET, "/api/v1/residents").status == .forbidden)
            let account = try await b.get("/account")
            #expect(account.body.string.contains("请先修改密码"))
            let weak = try await b.post("/account", form: ["current": DemoCommand.demoPassword, "new": "short", "confirm": "short"])
            #expect(weak.status == .unprocessableEntity)
            let ok = try await b.post("/account", form: ["current": DemoCommand.demoPassword, "new": "Grid#worker2027", "confirm": "Grid#worker2027"])
            #expect(ok.status == .ok)
            #expect(try await b.get("/residents").status == .ok)
        }
    }

    @Test("API tokens act within their scopes and stop when revoked", arguments: TestDatabase.enabled)
    func apiTokens(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = try await Browser.login(app, as: "gridworker")
            try await b.get("/account")
            let made = try await b.post("/account/tokens", form: ["name": "手机终端", "scopes[]": "register:read", "days": "30"])
            #expect(made.status == .ok, "\(made.body.string.suffix(600))")
            let token = try #require(made.body.string.range(of: #"wg_[0-9a-f]{64}"#, options: .regularExpression).map { String(made.body.string[$0]) })
            var t = Browser(app)
            let read = try await t.api(.GET, "/api/v1/residents?limit=5", bearer: token)
            #expect(read.status == .ok)
            let write = try await t.api(.POST, "/api/v1/residents", json: #"{"name":"张三","id_number":"11010519491231002X"}"#, bearer: token)
            #expect(write.status == .forbidden, "the token has no register:write")
            #expect(try await t.api(.GET, "/api/v1/residents", bearer: "wg_" + String(repeating: "0", count: 64)).status == .unauthorized)
            let gridworker = try #require(try await AccountRepository(app.db).find(username: "gridworker"))
            let tokens = try await ApiTokenRepository(app.db).list(accountID: gridworker.id)
            #expect(tokens.count == 1)
            try await ApiTokenRepository(app.db).revoke(tokens[0].id, accountID: tokens[0].accountID, now: app.clock.now())
            #expect(try await t.api(.GET, "/api/v1/residents?limit=5", bearer: token).status == .unauthorized)
        }
    }
}

typealias WanggeSecurityTOTP = WanggeSecurity.TOTP

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Account administration split three ways (三权分立)")
struct AdminTests {
    /// The temporary password a page shows once.
    static func temporaryPassword(_ res: TestingHTTPResponse) -> String? {
        let body = res.body.string
        guard let r = body.range(of: "<code class=\"secret\">") else { return nil }
        return String(body[r.upperBound...].prefix { $0 != "<" })
    }

    @Test("who may do what: system administrator, security administrator, auditor, leader", arguments: TestDatabase.enabled)
    func permissionMatrix(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let target = try #require(try await AccountRepository(app.db).find(username: "operator"))
            let base = "/admin/accounts/\(target.id.uuidString)"
            // action → (path, form, roles allowed)
            let actions: [(String, String, [String: String], Set<String>)] = [
                ("create", "/admin/accounts", ["display_name": "新网格员", "role": "grid_worker", "unit": WebFixture.ownGridCode], ["admin"]),
                ("reset-password", "\(base)/reset-password", [:], ["admin"]),
                ("disable", "\(base)/disable", [:], ["admin"]),
                ("enable", "\(base)/enable", [:], ["admin"]),
                ("role", "\(base)/role", ["role": "operator"], ["security"]),
                ("unlock", "\(base)/unlock", [:], ["security"]),
                ("reset-totp", "\(base)/reset-totp", [:], ["security"]),
            ]
            for username in ["admin", "security", "auditor", "leader"] {
                var b = try await Browser.login(app, as: username)
                // MUT
                let list = try await b.get("/admin/accounts")
                if list.status != .ok { _ = try await b.get("/account") }
                // validate
                #expect(list.status == (["admin", "security"].contains(username) ? .ok : .forbidden), "\(username) list")
                #expect(list.body.string.contains("href=\"/admin/accounts\"") == ["admin", "security"].contains(username), "\(username) nav link")
                for (name, path, form, allowed) in actions {
                    var fields = form
                    if name == "create" { fields["username"] = "new_by_\(username)" }
                    let res = try await b.post(path, form: fields)
                    #expect(res.status == (allowed.contains(username) ? .ok : .forbidden), "\(username) \(name): \(res.status)")
                }
            }
            #expect(try await AccountRepository(app.db).find(username: "new_by_admin") != nil)
            for other in ["security", "auditor", "leader"] { #expect(try await AccountRepository(app.db).find(username: "new_by_\(other)") == nil) }
            let denied = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied' AND action IN ('account', 'permission')")
                .first()?.decode(column: "n", as: Int.self)
            #expect(denied == 7 * 2 + 4 + 3, "every refused change is audited: auditor and leader 7 each, security 4, admin 3")
        }
    }

    @Test("the system administrator creates a non-privileged account with a one-time password that must be changed", arguments: TestDatabase.enabled)
    func create(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            _ = try await admin.get("/admin/accounts")
            let form = ["username": "wang.xl", "display_name": "王小丽", "role": "grid_worker", "unit": WebFixture.ownGridCode]
            // MUT
            let created = try await admin.post("/admin/accounts", form: form)
            let duplicate = try await admin.post("/admin/accounts", form: form)
            let privileged = try await admin.post("/admin/accounts", form: form.merging(["username": "boss", "role": "auditor"]) { $1 })
            let unknownUnit = try await admin.post("/admin/accounts", form: form.merging(["username": "x1", "unit": "999999"]) { $1 })
            let noUnit = try await admin.post("/admin/accounts", form: form.merging(["username": "x2", "unit": ""]) { $1 })
            // validate
            #expect(created.status == .ok)
            let password = try #require(Self.temporaryPassword(created))
            #expect(PasswordRules.isStrong(password))
            let account = try #require(try await AccountRepository(app.db).find(username: "wang.xl"))
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            #expect(account.role == .gridWorker && account.mustChangePassword && account.unitID == grid.id)
            #expect(duplicate.status == .unprocessableEntity && duplicate.body.string.contains("已存在"))
            let boss = try await AccountRepository(app.db).find(username: "boss")
            #expect(privileged.status == .forbidden && boss == nil)
            #expect(unknownUnit.status == .unprocessableEntity && noUnit.status == .unprocessableEntity)
            var newcomer = Browser(app)
            _ = try await newcomer.get("/login")
            let login = try await newcomer.post("/login", form: ["username": "wang.xl", "password": password])
            #expect(login.status == .seeOther)
            #expect(try await newcomer.get("/units").headers.first(name: .location) == "/account", "the temporary password must be changed first")
            let entries = try await auditRows(app, action: "account")
            #expect(entries.contains { $0.detail.hasPrefix("create wang.xl role=grid_worker") && $0.outcome == "ok" && $0.actor == "admin" })
            #expect(try await auditRows(app, action: "permission").contains { $0.detail.contains("boss") && $0.outcome == "denied" })
        }
    }

    @Test("a reset password works once shown; a disabled account is marked and cannot log in until enabled", arguments: TestDatabase.enabled)
    func resetAndDisable(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let accounts = AccountRepository(app.db)
            let target = try #require(try await accounts.find(username: "operator"))
            var admin = try await Browser.login(app, as: "admin")
            _ = try await admin.get("/admin/accounts")
            // MUT
            let reset = try await admin.post("/admin/accounts/\(target.id.uuidString)/reset-password", form: [:])
            let disabled = try await admin.post("/admin/accounts/\(target.id.uuidString)/disable", form: [:])
            let markedDisabled = try await accounts.find(target.id)
            var refused = Browser(app)
            _ = try await refused.get("/login")
            let password = try #require(Self.temporaryPassword(reset))
            let whileDisabled = try await refused.post("/login", form: ["username": "operator", "password": password])
            let enabled = try await admin.post("/admin/accounts/\(target.id.uuidString)/enable", form: [:])
            let old = try await refused.post("/login", form: ["username": "operator", "password": DemoCommand.demoPassword])
            let fresh = try await refused.post("/login", form: ["username": "operator", "password": password])
            let me = try #require(try await accounts.find(username: "admin"))
            let own = try await admin.post("/admin/accounts/\(me.id.uuidString)/disable", form: [:])
            // validate
            #expect(reset.status == .ok && disabled.status == .ok && enabled.status == .ok)
            #expect(markedDisabled?.isDisabled == true && markedDisabled?.disabledAt != nil)
            #expect(whileDisabled.status == .unauthorized, "the log-in flow refuses a disabled account")
            #expect(try await accounts.find(target.id)?.isDisabled == false)
            #expect(old.status == .unauthorized, "the old password no longer works")
            #expect(fresh.status == .seeOther)
            #expect(try await accounts.find(target.id)?.mustChangePassword == true)
            #expect(own.status == .forbidden, "nobody acts on their own account")
            let details = try await auditRows(app, action: "account").filter { $0.actor == "admin" }.map(\.detail)
            #expect(details.contains("reset-password operator") && details.contains("disable operator") && details.contains("enable operator"))
            #expect(!details.joined().contains(password), "the password itself is never logged")
        }
    }

    @Test("the security administrator grants a privileged role, unlocks an account and resets a lost second factor", arguments: TestDatabase.enabled)
    func securityAdministrator(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let accounts = AccountRepository(app.db)
            let leader = try #require(try await accounts.find(username: "leader"))
            let auditor = try #require(try await accounts.find(username: "auditor"))
            let locked = try #require(try await accounts.find(username: "proxy"))
            try await (app.db as! any SQLDatabase).raw("UPDATE accounts SET failed_logins = 5, locked_until = \(bind: app.clock.now().addingTimeInterval(600)) WHERE id = \(bind: locked.id)").run()
            #expect(auditor.totpSecret != nil)
            var security = try await Browser.login(app, as: "security")
            let page = try await security.get("/admin/accounts")
            #expect(page.body.string.contains("已锁定") && page.body.string.contains("/admin/accounts/\(locked.id.uuidString)/unlock"))
            // MUT
            let granted = try await security.post("/admin/accounts/\(leader.id.uuidString)/role", form: ["role": "auditor"])
            let badRole = try await security.post("/admin/accounts/\(leader.id.uuidString)/role", form: ["role": "god"])
            let unlocked = try await security.post("/admin/accounts/\(locked.id.uuidString)/unlock", form: [:])
            let totp = try await security.post("/admin/accounts/\(auditor.id.uuidString)/reset-totp", form: [:])
            let me = try #require(try await accounts.find(username: "security"))
            let selfRole = try await security.post("/admin/accounts/\(me.id.uuidString)/role", form: ["role": "leader"])
            // validate
            #expect(granted.status == .ok && unlocked.status == .ok && totp.status == .ok)
            #expect(badRole.status == .unprocessableEntity)
            #expect(selfRole.status == .forbidden)
            #expect(try await accounts.find(leader.id)?.role == .auditor)
            let afterUnlock = try await accounts.find(locked.id)
            #expect(afterUnlock?.failedLogins == 0 && afterUnlock?.lockedUntil == nil)
            #expect(try await accounts.find(auditor.id)?.totpSecret == nil)
            #expect(try await accounts.find(username: "security")?.role == .securityAdmin)
            #expect(try await auditRows(app, action: "permission").contains { $0.detail == "role leader leader → auditor; credentials reissued" && $0.outcome == "ok" })
            // Made privileged: a fresh one-time password the security administrator hands over, no second factor yet.
            let promoted = try await accounts.find(leader.id)
            #expect(granted.body.string.contains("一次性密码") && promoted?.mustChangePassword == true && promoted?.totpSecret == nil)
            let details = try await auditRows(app, action: "account").filter { $0.actor == "security" }.map(\.detail)
            #expect(details.contains("unlock proxy") && details.contains("reset-totp auditor"))
        }
    }
}

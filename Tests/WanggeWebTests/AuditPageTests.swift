import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// The auditor's page and API: what other roles did shows up there, only the auditor gets in
/// (三权分立), and "verify now" names an entry edited behind the application's back.
@Suite("Audit page")
struct AuditPageTests {
    static let csv = HTTPMediaType(type: "text", subType: "csv")

    static func log(_ app: Application) -> AuditLog { AuditLog(app.db, chain: app.keys.audit) }

    @Test("the auditor sees an administrator's new unit and imports, accepted and refused", arguments: TestDatabase.enabled)
    func auditorSeesActions(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            let community = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            let created = try await admin.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(community.id.uuidString)","level":"grid","name":"审计网格"}"#)
            let unitID = try #require(created.object["id"] as? String)
            let good = try await admin.api(.POST, "/api/v1/import/residents", body: Data(WebFixture.goodResidents(household: household).utf8), contentType: Self.csv)
            let bad = try await admin.api(.POST, "/api/v1/import/residents", body: Data(WebFixture.badResidents(household: household).utf8), contentType: Self.csv)
            #expect(created.status == .created && good.status == .ok && bad.status == .unprocessableEntity)
            var auditor = try await Browser.login(app, as: "auditor")
            // MUT
            let page = try await auditor.get("/audit")
            let units = try await auditor.api(.GET, "/api/v1/audit?action=create&object_type=unit")
            let imports = try await auditor.api(.GET, "/api/v1/audit?action=import&actor=admin")
            let found = try await auditor.get("/audit?object_id=\(unitID)")
            let export = try await auditor.get("/audit/export.csv?action=import")
            // validate: the page
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let html = page.body.string
            #expect(html.contains("审计日志") && html.contains("href=\"/audit\""), "the auditor's header links the log")
            #expect(html.contains("网格单元 · \(unitID)") && html.contains("名称:审计网格"))
            #expect(html.contains("<td>导入</td>") && html.contains("新增:1") && html.contains("被拒绝") && html.contains("问题数:3"))
            #expect(html.contains("<td>系统管理员</td>") && html.contains("<option value=\"import\">导入</option>"))
            #expect(found.body.string.contains("审计网格") && !found.body.string.contains("<td>导入</td>"), "searching by object id")
            // validate: the API
            #expect(units.status == .ok)
            let unitItems = units.object["items"] as? [[String: Any]] ?? []
            #expect(unitItems.count == 1)
            #expect(unitItems.first?["object_id"] as? String == unitID && unitItems.first?["actor"] as? String == "admin")
            #expect(unitItems.first?["role"] as? String == "sys_admin" && unitItems.first?["outcome"] as? String == "ok")
            let importItems = imports.object["items"] as? [[String: Any]] ?? []
            #expect(importItems.compactMap { $0["outcome"] as? String } == ["refused", "ok"], "newest first")
            #expect((importItems.last?["detail"] as? String)?.contains("inserted=1") == true)
            // validate: the export, itself on record
            #expect(export.status == .ok && export.headers.contentType?.subType == "csv")
            #expect(Array(export.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM for Excel")
            let lines = String(decoding: export.body.readableBytesView.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3 && lines[0].hasPrefix("序号,时间(北京时间),操作账号"))
            #expect(lines[1].contains("被拒绝") && lines[2].contains("成功") && lines[2].contains("admin"))
            let exports = try await Self.log(app).search(filter: AuditFilter(action: "export", objectType: "audit_log")).entries
            #expect(exports.count == 1 && exports.first?.actor == "auditor" && exports.first?.detail.contains("rows=2") == true)
        }
    }

    @Test("every other role is refused the page, the export, the button and the API", arguments: TestDatabase.enabled)
    func onlyTheAuditor(db: TestDatabase) async throws {
        try await withApp(db) { app in
            for username in ["admin", "security", "leader", "gridworker"] {
                // setup
                var b = try await Browser.login(app, as: username)
                let home = try await b.get("/account")
                // MUT
                let page = try await b.get("/audit")
                let export = try await b.get("/audit/export.csv")
                let api = try await b.api(.GET, "/api/v1/audit")
                _ = try await b.get("/account")
                let verify = try await b.post("/audit/verify", form: [:])
                // validate
                #expect(page.status == .forbidden, "\(username) GET /audit")
                #expect(export.status == .forbidden, "\(username) GET /audit/export.csv")
                #expect(api.status == .forbidden, "\(username) GET /api/v1/audit")
                #expect(verify.status == .forbidden, "\(username) POST /audit/verify")
                #expect(!home.body.string.contains("href=\"/audit\""), "\(username) has no link to the log")
            }
            var anonymous = Browser(app)
            #expect(try await anonymous.api(.GET, "/api/v1/audit").status == .unauthorized)
            #expect(try await anonymous.get("/audit").status == .seeOther)
        }
    }

    @Test("verify now reports an intact chain, then names the entry edited with SQL", arguments: TestDatabase.enabled)
    func verifyButton(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            let community = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            _ = try await admin.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(community.id.uuidString)","level":"grid","name":"被改网格"}"#)
            var auditor = try await Browser.login(app, as: "auditor")
            let first = try await auditor.get("/audit")
            #expect(first.body.string.contains("本页尚未校验"))
            // MUT
            let intact = try await auditor.post("/audit/verify", form: [:])
            let forged = try await auditor.post("/audit/verify", form: [:], csrf: false)
            let target = try #require(try await Self.log(app).search(filter: AuditFilter(action: "create", objectType: "unit")).entries.first)
            try await (app.db as! any SQLDatabase).raw("UPDATE audit_log SET detail = 'name=无害网格' WHERE seq = \(bind: target.seq)").run()
            let broken = try await auditor.post("/audit/verify", form: [:])
            // validate
            #expect(intact.status == .ok)
            #expect(intact.body.string.contains("审计链完整:已校验"))
            #expect(forged.status == .forbidden, "the button needs the page's CSRF token")
            #expect(broken.status == .ok)
            #expect(broken.body.string.contains("第 \(target.seq) 条审计记录被篡改或伪造"))
            let checks = try await Self.log(app).search(filter: AuditFilter(action: "verify")).entries
            #expect(checks.map(\.outcome) == ["failed", "ok"], "each check is on record")
        }
    }

    @Test("search dates are days in China Standard Time; a bad date is a clear error", arguments: TestDatabase.enabled)
    func dateRange(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup: one entry at 2026-11-26 23:30 and one at 2026-11-27 00:30, Beijing time
            let log = Self.log(app)
            for (hour, name) in [(15, "昨夜"), (16, "今晨")] {
                let at = try #require(Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 11, day: 26, hour: hour, minute: 30)))
                try await log.append(
                    AuditEntry(
                        at: at, actorID: nil, actor: "cli", role: "-", ip: "-", action: "import", objectType: "register",
                        objectID: "residents", detail: "name=\(name)", outcome: "ok"))
            }
            var auditor = try await Browser.login(app, as: "auditor")
            // MUT
            let day = try await auditor.api(.GET, "/api/v1/audit?from=2026-11-27&to=2026-11-27&action=import")
            let exact = try await auditor.api(.GET, "/api/v1/audit?to=2026-11-26T16:00:00Z&action=import")
            let bad = try await auditor.api(.GET, "/api/v1/audit?from=yesterday")
            let badPage = try await auditor.get("/audit?to=2026-13-01")
            let page = try await auditor.get("/audit?q=%E6%98%A8%E5%A4%9C")
            // validate
            #expect((day.object["items"] as? [[String: Any]])?.compactMap { $0["detail"] as? String } == ["name=今晨"])
            #expect((exact.object["items"] as? [[String: Any]])?.compactMap { $0["detail"] as? String } == ["name=昨夜"])
            #expect(bad.status == .unprocessableEntity && (bad.apiError["field"] as? String) == "from")
            #expect(badPage.status == .unprocessableEntity)
            #expect(page.body.string.contains("2026-11-26 23:30:00") && !page.body.string.contains("今晨"))
        }
    }

    @Test("every action and object the sources record has a Chinese name")
    func everyActionNamed() throws {
        let pattern = try NSRegularExpression(pattern: #"audit(?:CLI|ed)?\(\s*"([a-z_]+)",\s*object:\s*"([a-z_]+)""#)
        var actions: Set<String> = [], objects: Set<String> = []
        let sources = LocalisationTests.sources
        for file in FileManager.default.enumerator(atPath: sources.path)!.compactMap({ $0 as? String }) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                actions.insert(String(text[Range(m.range(at: 1), in: text)!]))
                objects.insert(String(text[Range(m.range(at: 2), in: text)!]))
            }
        }
        #expect(actions.isSuperset(of: ["create", "import", "export", "verify"]), "the scan found \(actions.sorted())")
        #expect(actions.filter { !L10n.has("audit.action.\($0)") }.sorted() == [])
        #expect(objects.filter { !L10n.has("audit.object.\($0)") }.sorted() == [])
    }

    @Test("times show in China Standard Time and codes in Chinese")
    func names() {
        #expect(AuditPage.time(Date(timeIntervalSince1970: 0)) == "1970-01-01 08:00:00")
        #expect(AuditPage.actionName("unmask") == "查看完整信息" && AuditPage.actionName("something_new") == "something_new")
        #expect(AuditPage.roleName("auditor") == "审计员" && AuditPage.roleName("-") == "-")
        #expect(AuditPage.detail("kind=residents; inserted=3; unmasked=yes") == "类别:居民;新增:3;未脱敏:是")
        #expect(AuditPage.detail("wrong password") == "wrong password")
        #expect(AuditSearch(actor: "admin", action: "", q: "a b").query(page: 2) == "?actor=admin&q=a%20b&page=2")
    }
}

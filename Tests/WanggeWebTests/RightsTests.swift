import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// The audit entries of one action, oldest first, as the tests read them.
struct AuditRow: Decodable {
    var actor: String
    var action: String
    var object_id: String
    var detail: String
    var outcome: String
}

func auditRows(_ app: Application, action: String) async throws -> [AuditRow] {
    try await (app.db as! any SQLDatabase).raw("SELECT actor, action, object_id, detail, outcome FROM audit_log WHERE action = \(bind: action) ORDER BY seq")
        .all(decoding: AuditRow.self)
}

enum RightsFixture {
    /// A resident of the grid worker's grid with an ID number, a phone and a household, and one of another grid.
    static func people(_ app: Application) async throws -> (mine: ResidentRow, foreign: ResidentRow) {
        let people = ResidentRepository(app.db, cipher: app.keys.cipher)
        let own = try await WebFixture.unit(app, WebFixture.ownGridCode)
        let other = try #require(try await UnitRepository(app.db).all(in: .everything, level: .grid).first { $0.id != own.id })
        let mine = try #require(
            try await people.search(nil, gridID: own.id, limit: 500, in: .everything).rows.first {
                $0.idNumber != nil && $0.phone != nil && $0.householdID != nil
            })
        let foreign = try #require(try await people.search(nil, gridID: other.id, limit: 1, in: .everything).rows.first)
        return (mine, foreign)
    }
}

@Suite("The logged show action and residents' rights over HTTP")
struct RightsTests {
    @Test("a grid worker unmasks with a reason: full numbers once, an audit entry, masked again on the next look", arguments: TestDatabase.enabled)
    func unmask(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, _) = try await RightsFixture.people(app)
            let id = try #require(person.idNumber), phone = try #require(person.phone)
            var b = try await Browser.login(app, as: "gridworker")
            let page = try await b.get("/residents/\(person.id.uuidString)")
            #expect(page.body.string.contains("显示完整信息") && page.body.string.contains("/residents/\(person.id.uuidString)/reveal"))
            #expect(!page.body.string.contains(id))
            // MUT
            let shown = try await b.post("/residents/\(person.id.uuidString)/reveal", form: ["reason": "入户走访核对身份"])
            let again = try await b.get("/residents/\(person.id.uuidString)")
            let api = try await b.api(.POST, "/api/v1/residents/\(person.id.uuidString)/reveal", json: #"{"reason": "热线回访核实"}"#)
            // validate
            #expect(shown.status == .ok)
            #expect(shown.body.string.contains(id) && shown.body.string.contains(phone))
            #expect(shown.headers.first(name: .cacheControl) == "no-store")
            #expect(again.status == .ok)
            #expect(!again.body.string.contains(id) && again.body.string.contains(Mask.idNumber(id)), "nothing is kept in the session")
            #expect(api.status == .ok)
            #expect(api.object["id_number"] as? String == id && api.object["phone"] as? String == phone)
            #expect(api.object["masked"] as? Bool == false)
            let entries = try await auditRows(app, action: "unmask")
            #expect(entries.map(\.detail) == ["unmasked=yes; reason=入户走访核对身份", "via=api; unmasked=yes; reason=热线回访核实"])
            #expect(entries.allSatisfy { $0.actor == "gridworker" && $0.outcome == "ok" && $0.object_id == person.id.uuidString })
        }
    }

    @Test("leader, department and auditor may not unmask: 403, and only a refusal in the log", arguments: TestDatabase.enabled)
    func unmaskRefused(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, _) = try await RightsFixture.people(app)
            let id = try #require(person.idNumber)
            for username in ["leader", "department", "auditor"] {
                var b = try await Browser.login(app, as: username)
                if username == "leader" {
                    let page = try await b.get("/residents/\(person.id.uuidString)")
                    #expect(page.status == .ok && !page.body.string.contains("显示完整信息"), "no form for a role that may not unmask")
                } else {
                    _ = try await b.get("/account")
                }
                // MUT
                let form = try await b.post("/residents/\(person.id.uuidString)/reveal", form: ["reason": "想看看完整号码"])
                let api = try await b.api(.POST, "/api/v1/residents/\(person.id.uuidString)/reveal", json: #"{"reason": "想看看完整号码"}"#)
                // validate
                #expect(form.status == .forbidden, "\(username)")
                #expect(api.status == .forbidden, "\(username)")
                #expect(!form.body.string.contains(id) && !api.body.string.contains(id))
            }
            let entries = try await auditRows(app, action: "unmask")
            #expect(entries.count == 6)
            #expect(entries.allSatisfy { $0.outcome == "denied" })
        }
    }

    @Test("a reason is required (422) and an id outside the scope is not found (404)", arguments: TestDatabase.enabled)
    func unmaskReasonAndScope(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, foreign) = try await RightsFixture.people(app)
            var b = try await Browser.login(app, as: "gridworker")
            _ = try await b.get("/residents/\(person.id.uuidString)")
            // MUT
            let empty = try await b.post("/residents/\(person.id.uuidString)/reveal", form: ["reason": "  "])
            let short = try await b.post("/residents/\(person.id.uuidString)/reveal", form: ["reason": "看看"])
            let apiEmpty = try await b.api(.POST, "/api/v1/residents/\(person.id.uuidString)/reveal", json: #"{"reason": ""}"#)
            let apiMissing = try await b.api(.POST, "/api/v1/residents/\(person.id.uuidString)/reveal", json: "{}")
            let outside = try await b.post("/residents/\(foreign.id.uuidString)/reveal", form: ["reason": "入户走访核对身份"])
            let apiOutside = try await b.api(.POST, "/api/v1/residents/\(foreign.id.uuidString)/reveal", json: #"{"reason": "入户走访核对身份"}"#)
            let missing = try await b.api(.POST, "/api/v1/residents/\(UUID().uuidString)/reveal", json: #"{"reason": "入户走访核对身份"}"#)
            // validate
            #expect(empty.status == .unprocessableEntity && short.status == .unprocessableEntity)
            #expect(empty.body.string.contains("请填写原因(至少 4 个字)"), "the message is shown beside the form")
            let full = try #require(person.idNumber)
            #expect(!empty.body.string.contains(full))
            #expect(apiEmpty.status == .unprocessableEntity && apiMissing.status == .unprocessableEntity)
            #expect(apiEmpty.apiError["field"] as? String == "reason")
            #expect(outside.status == .notFound && apiOutside.status == .notFound && missing.status == .notFound)
            #expect(try await auditRows(app, action: "unmask").filter { $0.outcome == "ok" }.isEmpty)
        }
    }

    @Test("the record export holds the full number and is audited; other roles and other grids get nothing", arguments: TestDatabase.enabled)
    func export(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, foreign) = try await RightsFixture.people(app)
            var worker = try await Browser.login(app, as: "gridworker")
            var leader = try await Browser.login(app, as: "leader")
            let page = try await worker.get("/residents/\(person.id.uuidString)")
            #expect(page.body.string.contains("导出本人信息"))
            // MUT
            let res = try await worker.post("/residents/\(person.id.uuidString)/export.json", form: ["reason": "本人申请查阅 2026-118"])
            let noReason = try await worker.post("/residents/\(person.id.uuidString)/export.json", form: ["reason": ""])
            let outside = try await worker.post("/residents/\(foreign.id.uuidString)/export.json", form: ["reason": "本人申请查阅"])
            _ = try await leader.get("/account")
            let refused = try await leader.post("/residents/\(person.id.uuidString)/export.json", form: ["reason": "本人申请查阅"])
            // The system administrator edits the register but may not see it unmasked: not by "show", not by a copy.
            var admin = try await Browser.login(app, as: "admin")
            _ = try await admin.get("/residents/\(person.id.uuidString)")
            let adminCopy = try await admin.post("/residents/\(person.id.uuidString)/export.json", form: ["reason": "本人申请查阅"])
            // validate
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            #expect(res.object["id_number"] as? String == person.idNumber)
            #expect(res.object["phone"] as? String == person.phone)
            #expect((res.object["grid"] as? [String: Any])?["code"] as? String == WebFixture.ownGridCode)
            #expect((res.object["household"] as? [String: Any])?["number"] is String)
            #expect(res.object["tags"] is [Any])
            #expect(noReason.status == .unprocessableEntity && !noReason.body.string.contains(person.idNumber ?? "-"))
            #expect(outside.status == .notFound)
            #expect(refused.status == .forbidden)
            #expect(adminCopy.status == .forbidden && !adminCopy.body.string.contains(person.idNumber ?? "-"))
            let entries = try await auditRows(app, action: "export").filter { $0.object_id == person.id.uuidString }
            #expect(entries.map(\.outcome) == ["ok", "denied", "denied"])
            #expect(entries.first?.detail == "format=json; unmasked=yes; reason=本人申请查阅 2026-118")
        }
    }

    @Test("a correction shows field errors and writes nothing, then saves and audits the changed field names", arguments: TestDatabase.enabled)
    func correction(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, _) = try await RightsFixture.people(app)
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            var b = try await Browser.login(app, as: "gridworker")
            let form = try await b.get("/residents/\(person.id.uuidString)/edit")
            #expect(form.status == .ok)
            #expect(!form.body.string.matches(WebFixture.fullIDPattern), "the form never holds a full ID number")
            let household = try #require(try await people.views([person], role: .gridWorker)[0].householdNumber)
            var fields = [
                "name": person.name, "id_number": "", "document_number": "", "phone": "", "household_number": household,
                "relation": person.relation ?? "", "residence_type": person.residenceType,
            ]
            for tag in try await people.tags(of: [person.id])[person.id] ?? [] { fields["tag_\(tag.key)"] = "on" }
            // MUT
            var bad = fields
            bad["name"] = ""
            bad["phone"] = "12345"
            let rejected = try await b.post("/residents/\(person.id.uuidString)/edit", form: bad)
            let afterReject = try await people.get(person.id, in: .everything)
            var good = fields
            good["name"] = "更正后姓名"
            good["phone"] = "13912345678"
            let saved = try await b.post("/residents/\(person.id.uuidString)/edit", form: good)
            let afterSave = try await people.get(person.id, in: .everything)
            // validate
            #expect(rejected.status == .unprocessableEntity)
            let html = rejected.body.string
            #expect(html.contains("class=\"field-error\""))
            #expect(html.contains("必填</span>") && html.contains("“12345”不是有效的手机或固定电话号码</span>"), "each problem is shown beside its field")
            #expect(afterReject == person, "nothing half-written")
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == "/residents/\(person.id.uuidString)")
            #expect(afterSave.name == "更正后姓名" && afterSave.phone == "13912345678")
            #expect(afterSave.idNumber == person.idNumber, "a blank masked field keeps the stored value")
            #expect(try await auditRows(app, action: "update").last?.detail == "fields=name,phone")
        }
    }

    @Test("a system administrator's correction keeps the sensitive tags the form does not show", arguments: TestDatabase.enabled)
    func correctionKeepsHiddenTags(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let sensitive = try #require(try await people.allTags().first(where: \.sensitive))
            let (person, _) = try await RightsFixture.people(app)
            try await (app.db as! any SQLDatabase).raw("INSERT INTO resident_tags (resident_id, tag_key) VALUES (\(bind: person.id), \(bind: sensitive.key))").run()
            let household = try #require(try await people.views([person], role: .sysAdmin)[0].householdNumber)
            var b = try await Browser.login(app, as: "admin")
            let form = try await b.get("/residents/\(person.id.uuidString)/edit")
            #expect(!form.body.string.contains("tag_\(sensitive.key)"))
            // MUT
            let saved = try await b.post(
                "/residents/\(person.id.uuidString)/edit",
                form: [
                    "name": person.name, "household_number": household, "relation": person.relation ?? "", "residence_type": person.residenceType,
                ])
            // validate
            #expect(saved.status == .seeOther)
            #expect(try await people.tags(of: [person.id])[person.id]?.map(\.key) == [sensitive.key])
        }
    }

    @Test("anonymising removes the personal data and keeps the row; a short reason changes nothing", arguments: TestDatabase.enabled)
    func anonymise(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, foreign) = try await RightsFixture.people(app)
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let count = try await WebFixture.count(app, "residents")
            var b = try await Browser.login(app, as: "gridworker")
            var leader = try await Browser.login(app, as: "leader")
            _ = try await leader.get("/residents/\(person.id.uuidString)")
            _ = try await b.get("/residents/\(person.id.uuidString)")
            // MUT
            let short = try await b.post("/residents/\(person.id.uuidString)/anonymise", form: ["reason": "注销"])
            let refused = try await leader.post("/residents/\(person.id.uuidString)/anonymise", form: ["reason": "本人书面申请注销"])
            let outside = try await b.post("/residents/\(foreign.id.uuidString)/anonymise", form: ["reason": "本人书面申请注销"])
            let unchanged = try await people.get(person.id, in: .everything)
            let done = try await b.post("/residents/\(person.id.uuidString)/anonymise", form: ["reason": "本人书面申请注销(2026-118号)"])
            let page = try await b.get("/residents/\(person.id.uuidString)")
            let edit = try await b.get("/residents/\(person.id.uuidString)/edit")
            // validate
            #expect(short.status == .unprocessableEntity && refused.status == .forbidden && outside.status == .notFound)
            #expect(unchanged == person)
            #expect(done.status == .seeOther)
            let row = try await people.get(person.id, in: .everything)
            #expect(row.name == "已注销居民" && row.idNumber == nil && row.phone == nil && row.birthDate == nil && row.householdID == nil)
            #expect(row.unitID == person.unitID)
            #expect(try await WebFixture.count(app, "residents") == count)
            #expect(page.status == .ok && page.body.string.contains("已注销居民") && !page.body.string.contains("显示完整信息"))
            #expect(edit.status == .conflict)
            #expect(try await auditRows(app, action: "anonymise").map(\.outcome) == ["denied", "ok"])
            #expect(try await auditRows(app, action: "anonymise").last?.detail == "本人书面申请注销(2026-118号)")
        }
    }
}

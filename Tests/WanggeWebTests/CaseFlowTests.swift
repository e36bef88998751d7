import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The case loop over HTTP: QR report → accept → dispatch → sign for → handle → verify → close → rating")
struct CaseFlowTests {
    static let category = "city_appearance.exposed_garbage"

    static func gridOf(_ app: Application, _ username: String) async throws -> UnitRow {
        let account = try #require(try await AccountRepository(app.db).find(username: username))
        let unitID = try #require(account.unitID)
        return try #require(try await UnitRepository(app.db).find(unitID, in: .everything))
    }

    static func trackingCode(in body: String) -> String? {
        guard let r = body.range(of: "<strong class=\"code\">") else { return nil }
        return TrackingCode.normalized(String(body[r.upperBound...].prefix { $0 != "<" }))
    }

    static func caseRow(_ app: Application, _ code: String) async throws -> CaseRow {
        try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).byTrackingCode(code))
    }

    @Test("one full loop from a grid's QR code to a rated close", arguments: TestDatabase.enabled)
    func fullLoop(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await Self.gridOf(app, "gridworker")
            var resident = Browser(app)
            let form = try await resident.get("/r/\(grid.code)")
            #expect(form.status == .ok)
            #expect(form.body.string.contains(Self.category))
            #expect(try await resident.get("/r/NO-SUCH-GRID").status == .notFound)

            // A bot fills the hidden field: refused, nothing stored.
            let bot = try await resident.post("/r/\(grid.code)", form: ["category": Self.category, "description": "广告", "website": "http://spam"])
            #expect(bot.status == .badRequest)
            // Bad input comes back to the form with the reason (each post sends the one-time token of the form it came from).
            try await resident.get("/r/\(grid.code)")
            let bad = try await resident.post("/r/\(grid.code)", form: ["category": "nope", "description": "x"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains(L10n.t("case.unknown_category")))

            let sent = try await resident.post("/r/\(grid.code)", form: ["category": Self.category, "description": "小区门口垃圾堆积三天", "phone": "13800001111"])
            #expect(sent.status == .created)
            let code = try #require(Self.trackingCode(in: sent.body.string))
            var row = try await Self.caseRow(app, code)
            #expect(row.unitID == grid.id && row.channel == .qr && row.state == .reported)

            var op = try await Browser.login(app, as: "operator")
            let queue = try await op.get("/cases")
            #expect(queue.status == .ok)
            #expect(queue.body.string.contains(TrackingCode.display(code)), "the new case is in 待受理")
            let page = try await op.get("/cases/\(row.id)")
            #expect(page.body.string.contains("138****1111") && !page.body.string.contains("13800001111"))
            #expect(try await op.post("/cases/\(row.id)/act", form: ["action": "accept", "version": "1"]).status == .seeOther)
            #expect(
                try await op.post("/cases/\(row.id)/act", form: ["action": "reject", "version": "1", "reason": "重复"]).status == .conflict,
                "a stale form is refused")
            try await op.get("/cases/\(row.id)")
            #expect(try await op.post("/cases/\(row.id)/act", form: ["action": "dispatch", "version": "2", "department": CaseRepository.gridTeam]).status == .seeOther)

            var worker = try await Browser.login(app, as: "gridworker")
            #expect(try await worker.get("/cases").body.string.contains(TrackingCode.display(code)), "the grid worker's list holds it")
            try await worker.get("/cases/\(row.id)")
            #expect(try await worker.post("/cases/\(row.id)/act", form: ["action": "sign_for", "version": "3"]).status == .seeOther)
            try await worker.get("/cases/\(row.id)")
            #expect(try await worker.post("/cases/\(row.id)/act", form: ["action": "handle", "version": "4", "note": "已联系环卫清运"]).status == .seeOther)

            try await op.get("/cases/\(row.id)")
            #expect(try await op.post("/cases/\(row.id)/act", form: ["action": "verify", "version": "5"]).status == .seeOther)
            try await op.get("/cases/\(row.id)")
            #expect(try await op.post("/cases/\(row.id)/act", form: ["action": "close", "version": "6"]).status == .seeOther)

            let tracking = try await resident.get("/t/\(code)")
            #expect(tracking.status == .ok)
            #expect(tracking.body.string.contains(L10n.t("track.rate")))
            #expect(!tracking.body.string.contains(L10n.t("role.operator")) && !tracking.body.string.contains("受理员"), "no staff names on the public page")
            #expect(try await resident.post("/t/\(code)/rate", form: ["rating": "satisfied"]).status == .seeOther)
            #expect(try await resident.get("/t/\(code)").body.string.contains(L10n.t("track.rated")))

            row = try await Self.caseRow(app, code)
            #expect(row.state == .calledBack && row.rating == .satisfied && row.outcome == .solved)
            let steps = try await CaseRepository(app.db, cipher: app.keys.cipher).timeline(row.id).map(\.action)
            #expect(steps == [.report, .accept, .dispatch, .signFor, .handle, .verify, .close, .callback])
            let audited = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_id = \(bind: row.id.uuidString)")
                .first()?.decode(column: "n", as: Int.self)
            #expect(audited == 8, "every step is in the audit log")
        }
    }

    @Test("who sees the case screens, scope, the entry form and the report rate limit", arguments: TestDatabase.enabled)
    func accessAndLimits(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grids = try await UnitRepository(app.db).all(in: .everything, level: .grid)
            let mine = try await Self.gridOf(app, "gridworker")
            let other = try #require(grids.first { $0.id != mine.id })
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let elsewhere = try await repo.intake(
                CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "别处的案件", gridID: other.id),
                actor: CaseActor(id: nil, name: "x", role: .operator_), at: app.clock.now())
            for who in ["admin", "security", "auditor", "leader", "operator", "gridworker", "proxy", "department", "resident"] {
                var b = try await Browser.login(app, as: who)
                let works = ["leader", "operator", "gridworker", "proxy", "department"].contains(who)
                #expect(try await b.get("/cases").status == (works ? .ok : .forbidden), "\(who) /cases")
                if who == "gridworker" {
                    #expect(try await b.get("/cases/\(elsewhere.id)").status == .notFound, "another grid's case looks missing")
                }
            }

            var op = try await Browser.login(app, as: "operator")
            #expect(try await op.get("/cases/new").status == .ok)
            let made = try await op.post(
                "/cases/new",
                form: [
                    "channel": "hotline", "category": Self.category, "description": "来电反映路灯不亮",
                    "lon": "", "lat": "",
                ])
            #expect(made.status == .seeOther)
            try await op.get("/cases/new")
            #expect(try await op.post("/cases/new", form: ["category": Self.category, "description": "x", "lon": "abc", "lat": "1"]).status == .unprocessableEntity)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/cases/new")
            let patrol = try await worker.post("/cases/new", form: ["category": Self.category, "description": "巡查发现井盖缺失"])
            #expect(patrol.status == .seeOther)
            #expect(
                patrol.headers.first(name: .location)?.hasPrefix("/cases/") == true && patrol.headers.first(name: .location) != "/cases",
                "filed under the worker's own grid, so the worker sees it")
            var department = try await Browser.login(app, as: "department")
            #expect(try await department.get("/cases/new").status == .forbidden)

            var resident = Browser(app)
            try await resident.get("/r/\(mine.code)")
            for i in 0..<ResidentCaseController.reportsPerHour {
                try await resident.get("/r/\(mine.code)")
                #expect(try await resident.post("/r/\(mine.code)", form: ["category": Self.category, "description": "第\(i)次"]).status == .created)
            }
            try await resident.get("/r/\(mine.code)")
            #expect(try await resident.post("/r/\(mine.code)", form: ["category": Self.category, "description": "再来"]).status == .tooManyRequests)
            #expect(try await resident.get("/t/ABCD-EFGH").status == .notFound)
        }
    }

    @Test("a department works its inbox; 不满意 puts the case back before the operator, who reopens it", arguments: TestDatabase.enabled)
    func departmentAndDissatisfied(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await Self.gridOf(app, "gridworker")
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let code = try #require(Self.trackingCode(in: try await resident.post("/r/\(grid.code)", form: ["category": Self.category, "description": "垃圾未清运"]).body.string))
            let id = try await Self.caseRow(app, code).id
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/cases/\(id)")
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "accept", "version": "1"]).status == .seeOther)
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "dispatch", "version": "2", "department": "municipal"]).status == .seeOther)

            var worker = try await Browser.login(app, as: "gridworker")
            let page = try await worker.get("/cases/\(id)")
            #expect(!page.body.string.contains("value=\"sign_for\""), "the grid worker signs only for what the grid team holds")
            // An account of another department neither sees it nor may act on it.
            var police = try await Browser.login(app, as: "police")
            #expect(!(try await police.get("/cases").body.string.contains(TrackingCode.display(code))))
            #expect(try await police.get("/cases/\(id)").status == .notFound)
            var department = try await Browser.login(app, as: "department")
            #expect(try await department.get("/cases").body.string.contains(TrackingCode.display(code)), "the department inbox holds it")
            try await department.get("/cases/\(id)")
            #expect(try await department.post("/cases/\(id)/act", form: ["action": "sign_for", "version": "3"]).status == .seeOther)
            #expect(try await department.post("/cases/\(id)/act", form: ["action": "handle", "version": "4", "note": "已清运"]).status == .seeOther)
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "verify", "version": "5"]).status == .seeOther)
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "close", "version": "6"]).status == .seeOther)
            // A reason is required where the machine asks for one.
            try await resident.get("/t/\(code)")
            #expect(try await resident.post("/t/\(code)/rate", form: ["rating": "dissatisfied"]).status == .seeOther)
            #expect(try await resident.post("/t/\(code)/rate", form: ["rating": "satisfied"]).status == .conflict, "one rating per close")
            #expect(try await op.get("/cases?queue=to_accept").body.string.contains(TrackingCode.display(code)))
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "reopen", "version": "8", "reason": ""]).status == .unprocessableEntity)
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "reopen", "version": "8", "reason": "居民不满意，重新清运"]).status == .seeOther)
            let row = try await Self.caseRow(app, code)
            #expect(row.state == .accepted && row.reopenCount == 1 && row.rating == nil)
        }
    }
}

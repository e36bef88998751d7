import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Logs on the web: the social log and the needs log pages, roll-up, scope, audit and the API")
struct LogWebTests {
    /// The grid worker's grid, its community and a grid of another community.
    static func places(_ app: Application) async throws -> (grid: UnitRow, community: UnitRow, other: UnitRow) {
        let grids = try await UnitRepository(app.db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
        let community = try await UnitRepository(app.db).get(try #require(grids[0].parentID), in: .everything)
        let other = try #require(grids.first { $0.parentID != community.id })
        return (grids[0], community, other)
    }

    static func actions(_ app: Application, object: String) async throws -> [String] {
        let sql = app.db as! any SQLDatabase
        return try await sql.raw("SELECT action FROM audit_log WHERE object_type = \(bind: object) ORDER BY action").all().map { try $0.decode(column: "action", as: String.self) }
    }

    @Test("a grid worker writes the day's log from the grid page; the community's leader sees it rolled up; other grids are 404", arguments: TestDatabase.enabled)
    func socialLog(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, community, other) = try await Self.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let unitPage = try await worker.get("/units/\(grid.id)")
            let saved = try await worker.post("/units/\(grid.id)/log", form: ["text": "3号楼楼道堆放杂物，已通知物业清理", "category": "environment", "place": "3号楼"])
            let page = try await worker.get("/units/\(grid.id)/log")
            let refused = try await worker.post("/units/\(grid.id)/log", form: ["text": "  "])
            // validate
            #expect(unitPage.body.string.contains("/units/\(grid.id)/log") && unitPage.body.string.contains("/units/\(grid.id)/needs"))
            #expect(unitPage.body.string.contains(L10n.t("log.nav")), "the navigation links the worker's log")
            #expect(saved.status == .seeOther)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("log.text_required")))
            #expect(page.status == .ok && page.body.string.contains("已通知物业清理") && page.body.string.contains(L10n.t("log.saved")))
            let searched = try await worker.get(SiteURL.socialLog(grid.id, search: SocialLogSearch(q: "停车")).path)
            #expect(!searched.body.string.contains("已通知物业清理"))
            let audited = try await Self.actions(app, object: "social_log_entry")
            #expect(audited == ["log.add"])

            var leader = try await Browser.login(app, as: "leader")
            let rolledUp = try await leader.get("/units/\(community.id)/log")
            #expect(rolledUp.status == .ok && rolledUp.body.string.contains("已通知物业清理") && rolledUp.body.string.contains(grid.name))
            #expect(!rolledUp.body.string.contains("name=\"text\""), "a leader reads the log but does not write it")

            let outside = try await worker.get("/units/\(other.id)/log")
            #expect(outside.status == .notFound)
            let outsideWrite = try await worker.post("/units/\(other.id)/log", form: ["text": "越界"])
            #expect(outsideWrite.status == .notFound)
        }
    }

    @Test("a need is logged, refused closing without a note, closed with one; another becomes a case and shows its code", arguments: TestDatabase.enabled)
    func needs(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, other) = try await Self.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/units/\(grid.id)/needs")
            // MUT
            let recorded = try await worker.post("/units/\(grid.id)/needs", form: ["text": "独居老人需要助餐"])
            let needPath = try #require(recorded.headers.first(name: .location))
            try await worker.get(needPath)
            let noNote = try await worker.post(needPath + "/resolve", form: ["note": " "])
            let closed = try await worker.post(needPath + "/resolve", form: ["note": "已联系社区食堂每日送餐"])
            // validate
            #expect(recorded.status == .seeOther)
            #expect(noNote.status == .unprocessableEntity && noNote.body.string.contains(L10n.t("need.note_required")))
            #expect(closed.status == .seeOther)
            let page = try await worker.get(needPath)
            #expect(page.body.string.contains("已联系社区食堂每日送餐") && page.body.string.contains(L10n.t("need.state.resolved")))

            // Into a case in one step, through the case intake.
            let second = try await worker.post("/units/\(grid.id)/needs", form: ["text": "小区门口垃圾堆积多日"])
            let secondPath = try #require(second.headers.first(name: .location))
            try await worker.get(secondPath)
            let escalated = try await worker.post(secondPath + "/case", form: ["category": "city_appearance.exposed_garbage"])
            #expect(escalated.status == .seeOther)
            let shown = try await worker.get(secondPath)
            let id = try #require(UUID(uuidString: String(secondPath.split(separator: "/").last ?? "")))
            let need = try await NeedRepository(app.db).get(id, in: .everything)
            let code = try #require(need.trackingCode)
            #expect(need.state == .escalated)
            #expect(shown.body.string.contains(TrackingCode.display(code)))
            let made = try await CaseRepository(app.db, cipher: app.keys.cipher).byTrackingCode(code)
            #expect(made?.unitID == grid.id && made?.channel == .gridWorker && made?.description == "小区门口垃圾堆积多日")
            let audited = try await Self.actions(app, object: "resident_need")
            #expect(audited == ["need.escalate", "need.record", "need.record", "need.resolve"])

            // Out of scope: a need of another community's grid is missing.
            let foreign = try await NeedRepository(app.db).record(
                NeedDraft(text: "别处的需求"), in: other.id, by: CaseActor(id: nil, name: "网格员", role: .gridWorker), at: app.clock.now(), scope: .everything)
            let hidden = try await worker.get("/needs/\(foreign.id)")
            #expect(hidden.status == .notFound)
            let hiddenClose = try await worker.post("/needs/\(foreign.id)/resolve", form: ["note": "越界注销"])
            #expect(hiddenClose.status == .notFound)
        }
    }

    @Test("the API lists, records and closes needs and log entries; closing without a note is refused in JSON", arguments: TestDatabase.enabled)
    func api(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, community, _) = try await Self.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let entry = try await worker.api(.POST, "/api/v1/units/\(grid.id)/log", json: #"{"text":"夜间巡查无异常","category":"public_order"}"#)
            let need = try await worker.api(.POST, "/api/v1/units/\(grid.id)/needs", json: #"{"text":"需要办理居住证"}"#)
            let id = try #require(need.object["id"] as? String)
            let refused = try await worker.api(.POST, "/api/v1/needs/\(id)/resolve", json: #"{"note":""}"#)
            let closed = try await worker.api(.POST, "/api/v1/needs/\(id)/resolve", json: #"{"note":"已代办完成"}"#)
            // validate
            #expect(entry.status == .created && entry.object["category"] as? String == "public_order")
            #expect(need.status == .created && need.object["state"] as? String == "open")
            #expect(refused.status == .unprocessableEntity)
            let error = refused.object["error"] as? [String: Any]
            #expect(error?["code"] as? String == "need.note_required")
            #expect(closed.status == .ok && closed.object["state"] as? String == "resolved" && closed.object["resolution"] as? String == "已代办完成")
            var leader = try await Browser.login(app, as: "leader")
            let log = try await leader.api(.GET, "/api/v1/units/\(community.id)/log?q=%E5%B7%A1%E6%9F%A5")
            #expect((log.json as? [[String: Any]])?.count == 1)
            let resolved = try await leader.api(.GET, "/api/v1/units/\(community.id)/needs?state=resolved")
            #expect((resolved.json as? [[String: Any]])?.count == 1)
        }
    }

    @Test("the needs log pages by key: open needs first, every need once across the pages, on the page and in the API", arguments: TestDatabase.enabled)
    func needsPaging(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: 55 needs a minute apart, every fifth resolved.
            let (grid, _, _) = try await Self.places(app)
            let actor = CaseActor(id: nil, name: "网格员", role: .gridWorker)
            let needs = NeedRepository(app.db)
            let start = app.clock.now().addingTimeInterval(-86_400)
            var open: [UUID] = [], resolved: [UUID] = []
            for i in 0..<55 {
                let n = try await needs.record(NeedDraft(text: "需求第\(i)件"), in: grid.id, by: actor, at: start.addingTimeInterval(Double(i) * 60), scope: .everything)
                if i % 5 == 0 {
                    _ = try await needs.resolve(n.id, note: "已解决", by: actor, at: app.clock.now(), in: .everything)
                    resolved.append(n.id)
                } else {
                    open.append(n.id)
                }
            }
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            var pages: [[UUID]] = []
            var after: String? = nil
            repeat {
                let res = try await worker.api(.GET, "/api/v1/units/\(grid.id)/needs?limit=20" + (after.map { "&after=\($0)" } ?? ""))
                let ids = ((res.json as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) }
                pages.append(ids)
                after = ids.count == 20 ? ids.last?.uuidString : nil
            } while after != nil
            let first = try await worker.get("/units/\(grid.id)/needs")
            // validate: the pages together are the whole list in one order, each need once.
            let all = pages.flatMap { $0 }
            let whole = try await needs.list(under: grid.id, limit: 1000, in: .everything).map(\.id)
            #expect(all == whole && Set(all).count == all.count && whole.count >= 55)
            #expect(pages.dropLast().allSatisfy { $0.count == 20 } && pages.last!.count == whole.count % 20)
            let mine = all.filter { open.contains($0) || resolved.contains($0) }
            #expect(mine == open.reversed() + resolved.reversed(), "open needs first, newest first; then the resolved")
            #expect(first.body.string.components(separatedBy: "class=\"card need\"").count - 1 == LogController.pageSize)
            let more = all[LogController.pageSize - 1]
            #expect(first.body.string.contains("after=\(more.uuidString)"))
            let second = try await worker.get("/units/\(grid.id)/needs?after=\(more.uuidString)")
            #expect(second.body.string.components(separatedBy: "class=\"card need\"").count - 1 == whole.count - LogController.pageSize)
            #expect(!second.body.string.contains("after="))
        }
    }
}

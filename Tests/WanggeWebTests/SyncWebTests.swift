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

@Suite("Offline sync: the phone's copy, the push queue, conflicts, devices and rescue files")
struct SyncWebTests {
    static func count(_ app: Application, _ query: SQLQueryString) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// A grid worker signed in with a registered phone: the browser, the device id and its key.
    static func phone(_ app: Application, as user: String = "gridworker") async throws -> (Browser, device: String, key: String) {
        var b = try await Browser.login(app, as: user)
        let reg = try await b.api(.POST, "/api/v1/sync/devices", json: #"{"label":"测试手机","app_version":"2.1"}"#)
        #expect(reg.status == .ok, "\(reg.body.string)")
        return (b, try #require(reg.object["device_id"] as? String), try #require(reg.object["key"] as? String))
    }

    static func item(_ client: String, seq: Int?, kind: String, base: Int? = nil, body: String) -> String {
        let seqPart = seq.map { #""device_seq":\#($0),"# } ?? ""
        let basePart = base.map { #""base_version":\#($0),"# } ?? ""
        return #"{"client_id":"\#(client)",\#(seqPart)\#(basePart)"kind":"\#(kind)","body":\#(body)}"#
    }

    static func push(_ b: inout Browser, device: String, _ items: [String], version: Int = 2) async throws -> [[String: Any]] {
        let res = try await b.api(.POST, "/api/v1/sync/push", json: #"{"version":\#(version),"device_id":"\#(device)","items":[\#(items.joined(separator: ","))]}"#)
        #expect(res.status == .ok, "\(res.body.string)")
        return res.object["results"] as? [[String: Any]] ?? []
    }

    static func grids(_ app: Application) async throws -> [UnitRow] {
        try await UnitRepository(app.db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
    }

    @Test("the first copy holds the worker's grid only, ID numbers masked; later syncs bring only what changed after the cursor", arguments: TestDatabase.enabled)
    func copyAndDeltas(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grids = try await Self.grids(app)
            var (b, device, _) = try await Self.phone(app)
            // MUT
            let first = try await b.api(.GET, "/api/v1/sync?device=\(device)&cursor=0")
            // validate
            #expect(first.status == .ok)
            let page = first.object
            let households = try #require(page["households"] as? [[String: Any]])
            let residents = try #require(page["residents"] as? [[String: Any]])
            let inGrid = try await Self.count(app, "SELECT COUNT(*) AS n FROM households WHERE unit_id = \(bind: grids[0].id)")
            let peopleInGrid = try await Self.count(app, "SELECT COUNT(*) AS n FROM residents WHERE unit_id = \(bind: grids[0].id)")
            #expect(households.count == inGrid && inGrid > 0)
            #expect(residents.count == peopleInGrid)
            #expect(households.allSatisfy { $0["grid_id"] as? String == grids[0].id.uuidString })
            let ids = residents.compactMap { $0["id_number"] as? String }
            #expect(!ids.isEmpty && ids.allSatisfy { $0.contains("*") }, "ID numbers are masked in the copy")
            #expect(page["full"] as? Bool == true)
            let openCases = try await Self.count(
                app, "SELECT COUNT(*) AS n FROM cases WHERE unit_id = \(bind: grids[0].id) AND state NOT IN ('closed', 'called_back', 'rejected', 'merged')")
            #expect((page["cases"] as? [Any])?.count == openCases)
            let cursor = try #require(page["cursor"] as? Int)

            // A phone changed on the server comes as a one-row delta with a higher version.
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let someone = try await people.get(UUID(uuidString: try #require(residents.first?["id"] as? String))!, in: .everything)
            var input = try await SyncRepository(app.db, cipher: app.keys.cipher).input(
                someone, tags: try await people.tags(of: [someone.id])[someone.id]?.map(\.key) ?? [])
            input.phone = "13900001111"
            _ = try await people.update(someone.id, input, in: .everything)
            let delta = try await b.api(.GET, "/api/v1/sync?device=\(device)&cursor=\(cursor)").object
            let changed = try #require(delta["residents"] as? [[String: Any]])
            #expect(delta["full"] as? Bool == false)
            #expect(changed.count == 1 && changed.first?["phone"] as? String == "139****1111")
            #expect((changed.first?["v"] as? Int ?? 0) > cursor)
            #expect((delta["households"] as? [Any])?.isEmpty == true)
            let next = try #require(delta["cursor"] as? Int)
            #expect(next > cursor)
            let quiet = try await b.api(.GET, "/api/v1/sync?device=\(device)&cursor=\(next)").object
            #expect((quiet["residents"] as? [Any])?.isEmpty == true && quiet["cursor"] as? Int == next)

            // Someone else's device id is 404; an operator has no offline copy.
            var proxy = try await Browser.login(app, as: "proxy")
            let foreign = try await proxy.api(.GET, "/api/v1/sync?device=\(device)&cursor=0")
            #expect(foreign.status == .notFound)
            var op = try await Browser.login(app, as: "operator")
            let refused = try await op.api(.POST, "/api/v1/sync/devices", json: "{}")
            #expect(refused.status == .forbidden)
        }
    }

    @Test("pushed writes apply once each and in device order; copies sent again return the first result; a refusal keeps its turn", arguments: TestDatabase.enabled)
    func pushOnceInOrder(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var (b, device, _) = try await Self.phone(app)
            let need = Self.item("need-2", seq: 2, kind: "need", body: #"{"text":"楼道灯坏了需要维修"}"#)
            let log = Self.item("log-1", seq: 1, kind: "log", body: #"{"text":"地下室积水，已告知物业"}"#)
            // MUT: the second write arrives first and is held.
            let held = try await Self.push(&b, device: device, [need])
            let both = try await Self.push(&b, device: device, [log, need])
            let again = try await Self.push(&b, device: device, [need, log])
            // validate
            #expect(held.first?["status"] as? String == "held")
            #expect(both.map { $0["status"] as? String } == ["applied", "applied"])
            #expect(again.map { $0["client_id"] as? String } == ["need-2", "log-1"] && again.map { $0["status"] as? String } == ["applied", "applied"])
            #expect(again.first?["record_id"] as? String == both.last?["record_id"] as? String)
            let needs = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '楼道灯坏了需要维修'")
            let logs = try await Self.count(app, "SELECT COUNT(*) AS n FROM social_log_entries WHERE text = '地下室积水，已告知物业'")
            #expect(needs == 1 && logs == 1)

            // A refused write answers with its reason and still takes its turn.
            let bad = try await Self.push(
                &b, device: device,
                [Self.item("need-3", seq: 3, kind: "need", body: #"{"text":"  "}"#), Self.item("need-4", seq: 4, kind: "need", body: #"{"text":"需要助餐"}"#)])
            #expect(bad.first?["status"] as? String == "refused" && !((bad.first?["reason"] as? String) ?? "").isEmpty)
            #expect(bad.last?["status"] as? String == "applied")
            // A number used twice is refused, not held for ever.
            let reused = try await Self.push(&b, device: device, [Self.item("need-4b", seq: 4, kind: "need", body: #"{"text":"重复编号"}"#)])
            #expect(reused.first?["status"] as? String == "refused")
            // The previous protocol (no device order) is still accepted.
            let old = try await Self.push(&b, device: device, [Self.item("old-1", seq: nil, kind: "log", body: #"{"text":"旧版本客户端的日志"}"#)], version: 1)
            #expect(old.first?["status"] as? String == "applied")
            let tooOld = try await b.api(.POST, "/api/v1/sync/push", json: #"{"version":0,"device_id":"\#(device)","items":[]}"#)
            #expect(tooOld.status == .unprocessableEntity)
            let audited = try await Self.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('need.record', 'log.add')")
            #expect(audited == 4)
        }
    }

    @Test("a visit and a case with a photo, replayed twice after a lost answer, are stored once each", arguments: TestDatabase.enabled)
    func visitAndCaseOnce(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (_, household, members, _) = try await VisitWebTests.places(app)
            var (b, device, _) = try await Self.phone(app)
            let category = try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).categories().first { $0.active && $0.parentKey != nil })
            let upload = UUID()
            let visitID = UUID().uuidString
            let caseID = UUID().uuidString
            let items = [
                Self.item(visitID, seq: 1, kind: "visit", body: #"{"household_id":"\#(household.id)","seen":"离线走访：老人身体尚好","met":["\#(members[0].id)"]}"#),
                Self.item(
                    caseID, seq: 2, kind: "case",
                    body: #"{"category":"\#(category.key)","description":"地下车库消防通道被占用","photos":[{"name":"车库.jpg","upload_id":"\#(upload)"}]}"#),
            ]
            // The photo goes up first, in chunks; the connection breaks after the first one.
            let photo = Data(PhotoFixture.jpeg(size: 100_000))
            let url = "/api/v1/sync/photos/\(upload)?device=\(device)"
            let first64 = try await b.api(.PUT, url + "&offset=0&total=100000", body: photo.prefix(65_536), contentType: .binary)
            let again64 = try await b.api(.PUT, url + "&offset=0&total=100000", body: photo.prefix(65_536), contentType: .binary)
            let resumeAt = try await b.api(.GET, url).object["received"] as? Int
            #expect(first64.status == .ok && again64.object["received"] as? Int == 65_536 && resumeAt == 65_536, "\(first64.status) \(first64.body.string)")
            let rest = try await b.api(.PUT, url + "&offset=65536&total=100000", body: photo.suffix(from: 65_536), contentType: .binary)
            #expect(rest.object["complete"] as? Bool == true)
            let tooBig = try await b.api(.PUT, "/api/v1/sync/photos/\(UUID())?device=\(device)&offset=0&total=400000", body: photo.prefix(10), contentType: .binary)
            #expect(tooBig.status == .badRequest || tooBig.status == .unprocessableEntity)
            // MUT
            let first = try await Self.push(&b, device: device, items)
            let second = try await Self.push(&b, device: device, items)
            let third = try await Self.push(&b, device: device, items.reversed())
            // validate
            #expect(first.map { $0["status"] as? String } == ["applied", "applied"], "\(first)")
            #expect(second.map { $0["record_id"] as? String } == first.map { $0["record_id"] as? String })
            #expect(third.map { $0["record_id"] as? String } == first.map { $0["record_id"] as? String }.reversed())
            let visits = try await Self.count(app, "SELECT COUNT(*) AS n FROM home_visits WHERE seen = '离线走访：老人身体尚好'")
            let cases = try await Self.count(app, "SELECT COUNT(*) AS n FROM cases WHERE description = '地下车库消防通道被占用'")
            let photos = try await Self.count(
                app, "SELECT COUNT(*) AS n FROM case_attachments a JOIN cases c ON c.id = a.case_id WHERE c.description = '地下车库消防通道被占用'")
            #expect(visits == 1 && cases == 1 && photos == 1)
            #expect(first.last?["code"] as? String != nil)
        }
    }

    @Test("an offline change meets a newer one: the untouched field applies, the changed one is a conflict that the supervisor decides", arguments: TestDatabase.enabled)
    func conflict(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var (b, device, _) = try await Self.phone(app)
            let copy = try await b.api(.GET, "/api/v1/sync?device=\(device)&cursor=0").object
            let residents = try #require(copy["residents"] as? [[String: Any]])
            // One in a household: the demo also has residents without one, whose edit is refused for that.
            let mine = try #require(
                residents.first {
                    ($0["phone"] as? String) != nil && ($0["household_id"] as? String) != nil && !(($0["tags"] as? [String]) ?? []).contains("empty_nester")
                })
            let id = UUID(uuidString: try #require(mine["id"] as? String))!
            let basePhone = try #require(mine["phone"] as? String)
            let baseTags = ((mine["tags"] as? [String]) ?? []).sorted().joined(separator: ",")
            let version = try #require(mine["v"] as? Int)
            // Meanwhile at the office, the phone is changed.
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let row = try await people.get(id, in: .everything)
            var input = try await SyncRepository(app.db, cipher: app.keys.cipher).input(row, tags: try await people.tags(of: [id])[id]?.map(\.key) ?? [])
            input.phone = "13711112222"
            _ = try await people.update(id, input, in: .everything)
            let newTags = (baseTags.isEmpty ? [] : baseTags.split(separator: ",").map(String.init)) + ["empty_nester"]
            let edit = Self.item(
                "res-1", seq: 1, kind: "resident", base: version,
                body: #"{"resident_id":"\#(id)","edits":[{"field":"phone","base":"\#(basePhone)","mine":"13655556666"},{"field":"tags","base":"\#(baseTags)","mine":"\#(newTags.sorted().joined(separator: ","))"}]}"#
            )
            // MUT
            let result = try await Self.push(&b, device: device, [edit])
            // validate
            #expect(result.first?["status"] as? String == "conflict", "\(result)")
            let after = try await people.get(id, in: .everything)
            #expect(after.phone == "13711112222", "the office's phone is not overwritten")
            let afterTags = try await people.tags(of: [id])[id]?.map(\.key) ?? []
            #expect(afterTags.contains("empty_nester"), "the field nobody else touched is applied")
            let listed = try await b.api(.GET, "/api/v1/sync/conflicts")
            let open = try #require(listed.json as? [[String: Any]])
            #expect(open.count == 1 && open.first?["field"] as? String == "phone" && open.first?["state"] as? String == "open")
            #expect(open.first?["mine"] as? String == "136****6666" && open.first?["server"] as? String == "137****2222")

            // The worker's page shows both sides; the supervisor keeps the offline value.
            let page = try await b.get("/sync/conflicts")
            #expect(page.status == .ok && page.body.string.contains("136****6666") && page.body.string.contains("137****2222"))
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/sync/conflicts")
            let conflictID = try #require(open.first?["id"] as? String)
            let decided = try await op.post("/sync/conflicts/\(conflictID)", form: ["action": "keep_mine"])
            #expect(decided.status == .seeOther)
            let final = try await people.get(id, in: .everything)
            #expect(final.phone == "13655556666")
            let twice = try await op.post("/sync/conflicts/\(conflictID)", form: ["action": "keep_server"])
            #expect(twice.status == .conflict)
            let audited = try await Self.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('sync.conflict', 'sync.conflict_decide')")
            #expect(audited == 2)
            // Another worker cannot decide it (404).
            var proxy = try await Browser.login(app, as: "proxy")
            let notTheirs = try await proxy.api(.POST, "/api/v1/sync/conflicts/\(conflictID)", json: #"{"action":"keep_server"}"#)
            #expect(notTheirs.status == .notFound)
        }
    }

    static func rescue(device: String, key: String, items: [String]) -> String {
        let payload = #"{"device_id":"\#(device)","exported_at":"2026-11-27T08:00:00Z","items":[\#(items.joined(separator: ","))]}"#
        let signature = RescueSignature.sign(payload, key: Data(base64Encoded: key)!)
        let escaped = String(decoding: try! JSONEncoder().encode(payload), as: UTF8.self)
        return #"{"format":"wangge-rescue-1","payload":\#(escaped),"signature":"\#(signature)"}"#
    }

    @Test("a signed rescue file is imported by the operator once; a tampered one is refused whole; silent phones are listed", arguments: TestDatabase.enabled)
    func rescueAndSilent(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (_, device, key) = try await Self.phone(app)
            let items = [
                Self.item("r-1", seq: 1, kind: "log", body: #"{"text":"救援文件里的日志"}"#), Self.item("r-2", seq: 2, kind: "need", body: #"{"text":"救援文件里的需求"}"#),
            ]
            let good = Self.rescue(device: device, key: key, items: items)
            let tampered = good.replacingOccurrences(of: "救援文件里的需求", with: "改过的需求")
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/sync/rescue")
            // MUT
            let refused = try await op.post("/sync/rescue", form: ["text": tampered])
            let imported = try await op.post("/sync/rescue", form: ["text": good])
            let again = try await op.post("/sync/rescue", form: ["text": good])
            // validate
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("sync.rescue.bad_file")))
            let changed = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '改过的需求'")
            #expect(changed == 0)
            #expect(imported.status == .ok && again.status == .ok)
            let logs = try await Self.count(app, "SELECT COUNT(*) AS n FROM social_log_entries WHERE text = '救援文件里的日志'")
            let needs = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '救援文件里的需求'")
            #expect(logs == 1 && needs == 1)

            // Four days later the phone has not synced: the operator sees it.
            let before = try await op.get("/sync/devices")
            #expect(before.status == .ok && before.body.string.contains(L10n.t("sync.devices.none")))
            app.storage[TestClockKey.self]?.advance(4 * 86_400)
            var op2 = try await Browser.login(app, as: "operator")
            let after = try await op2.get("/sync/devices")
            #expect(after.body.string.contains("网格员") && after.body.string.contains("2.1"))
        }
    }

    @Test("the app shell carries its strings from the table; the service worker and manifest are served with the app version")
    func shell() async throws {
        try await withApp(.sqlite) { app in
            var b = try await Browser.login(app, as: "gridworker")
            let page = try await b.get("/app")
            #expect(page.status == .ok && page.body.string.contains("data-strings") && page.body.string.contains(HTML.escape(L10n.t("offline.save_visit"))))
            let sw = try await b.get("/app/sw.js")
            #expect(sw.status == .ok && sw.body.string.contains("wangge-app-") && !sw.body.string.contains("__APP_VERSION__"))
            #expect(sw.body.string.contains(SyncController.appVersion))
            let manifest = try await b.get("/app/manifest.webmanifest")
            #expect(manifest.status == .ok && manifest.body.string.contains(L10n.t("offline.app_name")))
            let icon = try await b.get("/assets/offline-icon-192.png")
            #expect(icon.status == .ok && icon.headers.contentType?.subType == "png")
            var op = try await Browser.login(app, as: "operator")
            let notForOperator = try await op.get("/app")
            #expect(notForOperator.status == .forbidden)
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Patrols on the web: the session, findings into cases, component states, scope and the replayable API")
struct PatrolWebTests {
    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }

    static func actions(_ app: Application, object: String) async throws -> [String] {
        try await sql(app).raw("SELECT action FROM audit_log WHERE object_type = \(bind: object) ORDER BY action").all()
            .map { try $0.decode(column: "action", as: String.self) }
    }

    static func cases(_ app: Application, described text: String) async throws -> [CaseRow] {
        let ids = try await sql(app).raw("SELECT id FROM cases WHERE description = \(bind: text)").all().map { try $0.decode(column: "id", as: UUID.self) }
        var rows: [CaseRow] = []
        for id in ids { rows.append(try await CaseRepository(app.db, cipher: app.keys.cipher).get(id, in: .everything)) }
        return rows
    }

    static func patrolID(_ res: TestingHTTPResponse) throws -> UUID {
        let location = try #require(res.headers.first(name: .location))
        return try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
    }

    @Test("a grid worker walks a patrol: points in and outside the grid, a broken component, findings into cases, the end", arguments: TestDatabase.enabled)
    func walk(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, other) = try await LogWebTests.places(app)
            let inside = try #require(grid.area?.interiorPoint)
            let across = try #require(other.area?.interiorPoint)
            let component = try #require(try await PlaceRepository(app.db).components(inGrid: grid.id, in: .everything).first { $0.state == "ok" })
            var worker = try await Browser.login(app, as: "gridworker")
            let unitPage = try await worker.get("/units/\(grid.id)")
            #expect(unitPage.body.string.contains("/units/\(grid.id)/patrols"), "the grid page links its patrols")
            try await worker.get("/units/\(grid.id)/patrols")
            // MUT
            let started = try await worker.post("/units/\(grid.id)/patrols", form: [:])
            let id = try Self.patrolID(started)
            try await worker.get("/patrols/\(id)")
            let noPosition = try await worker.post("/patrols/\(id)/points", form: [:])
            let pointIn = try await worker.post("/patrols/\(id)/points", form: ["lon": String(inside.lon), "lat": String(inside.lat)])
            let pointOut = try await worker.post("/patrols/\(id)/points", form: ["lon": String(across.lon), "lat": String(across.lat)])
            let broken = try await worker.multipart(
                "/patrols/\(id)/findings",
                fields: [
                    "text": "路灯灯罩破损", "category": "component.public_utility.street_light", "lon": String(component.lon), "lat": String(component.lat),
                    "component": component.id.uuidString, "component_state": "damaged",
                ], files: [("photos[]", "lamp.jpg", "image/jpeg", PhotoFixture.jpeg())])
            let garbage = try await worker.multipart(
                "/patrols/\(id)/findings",
                fields: ["text": "垃圾箱旁散落垃圾已清理", "category": "city_appearance.exposed_garbage", "lon": String(inside.lon), "lat": String(inside.lat), "on_spot": "1"],
                files: [])
            let acrossFinding = try await worker.multipart(
                "/patrols/\(id)/findings",
                fields: ["text": "邻格路口井盖缺失", "category": "component.public_utility.manhole_cover", "lon": String(across.lon), "lat": String(across.lat)],
                files: [])
            let refusedOnSpot = try await worker.multipart(
                "/patrols/\(id)/findings", fields: ["text": "路灯不亮", "category": "component.public_utility.street_light", "on_spot": "1"], files: [])
            // validate
            #expect(started.status == .seeOther)
            #expect(noPosition.status == .unprocessableEntity && noPosition.body.string.contains(L10n.t("patrol.no_position")))
            #expect(pointIn.status == .seeOther && pointOut.status == .seeOther)
            let points = try await PatrolRepository(app.db).points(of: id)
            #expect(points.count == 2 && points.filter(\.outside).map(\.point) == [across], "a point across the grid line is kept and flagged")
            #expect(broken.status == .seeOther && garbage.status == .seeOther && acrossFinding.status == .seeOther)
            #expect(refusedOnSpot.status == .unprocessableEntity && refusedOnSpot.body.string.contains(L10n.t("case.on_spot_not_allowed")))

            // The component's state in the register changed, with its history and an audit entry.
            let after = try #require(try await PlaceRepository(app.db).components(inGrid: grid.id, in: .everything).first { $0.id == component.id })
            #expect(after.state == "damaged")
            let history = try await PatrolRepository(app.db).history(ofComponent: component.id, in: .everything)
            #expect(history.map { "\($0.from?.rawValue ?? "")>\($0.to.rawValue)" } == ["ok>damaged"])
            let componentAudit = try await Self.actions(app, object: "component")
            #expect(componentAudit == ["component.state"])
            let api = try await worker.api(.GET, "/api/v1/components/\(component.id)/history")
            #expect((api.json as? [[String: Any]])?.first?["to_state"] as? String == "damaged")

            // Each finding into a case in one step: located, categorised, on the patrol channel; exactly one case each.
            let findings = try await PatrolRepository(app.db).findings(of: id)
            #expect(findings.count == 3 && findings.filter(\.hasPhoto).map(\.text) == ["路灯灯罩破损"])
            for f in findings {
                let made = try await worker.post("/patrols/\(id)/findings/\(f.id)/case", form: [:])
                #expect(made.status == .seeOther)
                let again = try await worker.post("/patrols/\(id)/findings/\(f.id)/case", form: [:])
                #expect(again.status == .seeOther, "pressing twice answers with the case already made")
            }
            let lamp = try await Self.cases(app, described: "路灯灯罩破损")
            #expect(lamp.count == 1)
            #expect(lamp.first?.unitID == grid.id && lamp.first?.categoryKey == "component.public_utility.street_light" && lamp.first?.channel == .gridWorker)
            #expect(lamp.first?.lon == component.lon && lamp.first?.lat == component.lat)
            let photos = try await CaseRepository(app.db, cipher: app.keys.cipher).attachments(of: try #require(lamp.first?.id), in: .everything)
            #expect(photos.count == 1, "the finding's photo goes with its case")
            let cleaned = try await Self.cases(app, described: "垃圾箱旁散落垃圾已清理")
            #expect(cleaned.count == 1 && cleaned.first?.state == .closed && cleaned.first?.outcome == .solved, "solved on the spot: 现场处置")
            let neighbour = try await Self.cases(app, described: "邻格路口井盖缺失")
            #expect(neighbour.count == 1 && neighbour.first?.unitID == other.id, "the grid comes from the point through the grid locator")
            let shown = try await worker.get("/patrols/\(id)")
            #expect(shown.body.string.contains(TrackingCode.display(try #require(lamp.first?.trackingCode))))
            #expect(shown.body.string.contains("<polyline"), "the way is drawn over the grid")
            let lampFinding = try #require(findings.first { $0.hasPhoto })
            let photo = try await worker.get("/patrols/\(id)/findings/\(lampFinding.id)/photo")
            #expect(photo.status == .ok && photo.headers.contentType?.description == "image/jpeg" && Array(photo.body.readableBytesView) == PhotoFixture.jpeg())

            let ended = try await worker.post("/patrols/\(id)/end", form: [:])
            #expect(ended.status == .seeOther)
            let late = try await worker.api(.POST, "/api/v1/patrols/\(id)/findings", json: #"{"text":"结束后补记","category":"city_appearance.exposed_garbage"}"#)
            #expect(late.status == .conflict, "an ended patrol is final")
            let audited = try await Self.actions(app, object: "patrol")
            #expect(audited == ["patrol.end", "patrol.points", "patrol.points", "patrol.start"])
            let findingAudit = try await Self.actions(app, object: "patrol_finding")
            #expect(findingAudit.filter { $0 == "patrol.finding_case" }.count == 3)
        }
    }

    @Test("outside the worker's grid patrols are 404 to read and to write; a leader above reads but does not write", arguments: TestDatabase.enabled)
    func scope(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, community, other) = try await LogWebTests.places(app)
            let someone = CaseActor(id: nil, name: "别的网格员", role: .gridWorker)
            let (foreign, _) = try await PatrolRepository(app.db).start(in: other.id, by: someone, at: app.clock.now(), scope: .everything)
            let (own, _) = try await PatrolRepository(app.db).start(in: grid.id, by: someone, at: app.clock.now(), scope: .everything)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/units/\(grid.id)/patrols")
            // MUT
            let statuses = [
                try await worker.get("/patrols/\(foreign.id)").status,
                try await worker.get("/units/\(other.id)/patrols").status,
                try await worker.post("/units/\(other.id)/patrols", form: [:]).status,
                try await worker.post("/patrols/\(foreign.id)/points", form: ["lon": "116.4", "lat": "39.9"]).status,
                try await worker.post("/patrols/\(foreign.id)/end", form: [:]).status,
                try await worker.api(.POST, "/api/v1/patrols/\(foreign.id)/points", json: #"{"points":[{"lon":116.4,"lat":39.9}]}"#).status,
                try await worker.api(.GET, "/api/v1/patrols/\(foreign.id)").status,
            ]
            // validate
            #expect(statuses == Array(repeating: .notFound, count: 7))
            let count = try await WebFixture.count(app, "patrol_points")
            #expect(count == 0)

            var leader = try await Browser.login(app, as: "leader")
            let list = try await leader.get("/units/\(community.id)/patrols")
            let gridList = try await leader.get("/units/\(grid.id)/patrols")
            #expect(list.status == .ok && list.body.string.contains("/patrols/\(own.id)"))
            #expect(gridList.status == .ok && !gridList.body.string.contains("action=\"/units/\(grid.id)/patrols\""), "no start button for a leader")
            let read = try await leader.get("/patrols/\(own.id)")
            let write = try await leader.post("/patrols/\(own.id)/end", form: [:])
            #expect(read.status == .ok && write.status == .forbidden)
        }
    }

    @Test("the API is replayable: each POST with a client_id sent twice stores once and answers with what is stored", arguments: TestDatabase.enabled)
    func replay(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, _) = try await LogWebTests.places(app)
            let p = try #require(grid.area?.interiorPoint)
            var worker = try await Browser.login(app, as: "gridworker")
            let start = #"{"client_id":"6F9619FF-8B86-4011-B42D-00C04FC964FF"}"#
            // MUT
            let first = try await worker.api(.POST, "/api/v1/units/\(grid.id)/patrols", json: start)
            let second = try await worker.api(.POST, "/api/v1/units/\(grid.id)/patrols", json: start)
            let id = try #require(first.object["id"] as? String)
            let soon = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(60))
            let batch = #"{"client_id":"1B4E28BA-2FA1-11D2-883F-0016D3CCA427","points":[{"lon":\#(p.lon),"lat":\#(p.lat),"at":"\#(soon)"},{"lon":\#(p.lon),"lat":\#(p.lat)}]}"#
            let points1 = try await worker.api(.POST, "/api/v1/patrols/\(id)/points", json: batch)
            let points2 = try await worker.api(.POST, "/api/v1/patrols/\(id)/points", json: batch)
            let finding = #"{"client_id":"C56A4180-65AA-42EC-A945-5FD21DEC0538","text":"井盖松动","category":"component.public_utility.manhole_cover","lon":\#(p.lon),"lat":\#(p.lat)}"#
            let finding1 = try await worker.api(.POST, "/api/v1/patrols/\(id)/findings", json: finding)
            let finding2 = try await worker.api(.POST, "/api/v1/patrols/\(id)/findings", json: finding)
            let fid = try #require(finding1.object["id"] as? String, "\(finding1.status) \(finding1.body.string)")
            let case1 = try await worker.api(.POST, "/api/v1/patrols/\(id)/findings/\(fid)/case", json: "{}")
            let case2 = try await worker.api(.POST, "/api/v1/patrols/\(id)/findings/\(fid)/case", json: "{}")
            let end1 = try await worker.api(.POST, "/api/v1/patrols/\(id)/end", json: "{}")
            let end2 = try await worker.api(.POST, "/api/v1/patrols/\(id)/end", json: "{}")
            let detail = try await worker.api(.GET, "/api/v1/patrols/\(id)")
            // validate
            #expect(first.status == .created && second.status == .ok && second.object["id"] as? String == id)
            #expect(points1.status == .created && points2.status == .ok && (points2.json as? [Any])?.count == 2)
            #expect(finding1.status == .created && finding2.status == .ok && finding2.object["id"] as? String == fid)
            #expect(case1.status == .created && case2.status == .ok && case1.object["tracking_code"] as? String == case2.object["tracking_code"] as? String)
            #expect(end1.status == .ok && end1.object["state"] as? String == "ended" && end2.status == .ok)
            #expect((detail.object["points"] as? [Any])?.count == 2 && (detail.object["findings"] as? [Any])?.count == 1)
            let patrols = try await WebFixture.count(app, "patrols")
            let cases = try await Self.cases(app, described: "井盖松动")
            #expect(patrols == 1 && cases.count == 1 && cases.first?.channel == .gridWorker && cases.first?.unitID == grid.id)
            let refused = try await worker.api(.POST, "/api/v1/patrols/\(id)/points", json: #"{"points":[{"lon":200,"lat":39.9}]}"#)
            #expect(refused.status == .unprocessableEntity || refused.status == .conflict)
        }
    }

    @Test("the demo has patrols with findings in its first grids and published worked examples", arguments: TestDatabase.enabled)
    func demo(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let loader = DemoLoader(app.db, cipher: app.keys.cipher)
            // MUT
            let patrols = try await loader.loadPatrols(now: app.clock.now())
            let examples = try await loader.loadExamples(now: app.clock.now())
            // validate
            #expect(patrols == 4 && examples == 5)
            let (grid, _, _) = try await LogWebTests.places(app)
            let walked = try await PatrolRepository(app.db).list(under: grid.id, in: .everything)
            #expect(walked.map(\.state) == [.started, .ended], "the first grid has one patrol under way today and one from yesterday")
            let ended = try #require(walked.last)
            let points = try await PatrolRepository(app.db).points(of: ended.id)
            let findings = try await PatrolRepository(app.db).findings(of: ended.id)
            #expect(points.count >= 8 && points.allSatisfy { !$0.outside }, "the loop stays inside the grid")
            #expect(findings.count == 2 && findings.contains { $0.componentState == .damaged })
            let changes = try await WebFixture.count(app, "component_state_changes")
            #expect(changes == 3)
            let published = try await ServiceExampleRepository(app.db).published()
            #expect(published.values.joined().allSatisfy { Anonymiser.leftovers($0.text).isEmpty })
        }
    }
}

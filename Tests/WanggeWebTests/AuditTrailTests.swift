import ConsoleKit
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// Every write path leaves its entry in the audit log, and the `audit` and data commands work
/// from the command line as actor "cli".
@Suite("Audit trail")
struct AuditTrailTests {
    static func entries(_ app: Application, _ filter: AuditFilter) async throws -> [AuditRecord] {
        try await AuditLog(app.db, chain: app.keys.audit).search(filter: filter, limit: 100).entries
    }

    @Test("a case step and its audit entry are one transaction: when the entry cannot be written the step is not taken", arguments: TestDatabase.enabled)
    func stepAndEntryTogether(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let report = try await CaseSetupTests.report(app)
            let row = try #require(report.row)
            let sql = app.db as! any SQLDatabase
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/cases/\(row.id)")
            // MUT: with the chain's head gone, appending fails; then with it back.
            try await sql.raw("UPDATE audit_head SET id = 2 WHERE id = 1").run()
            let failed = try await op.post("/cases/\(row.id)/act", form: ["action": "accept", "version": "\(row.version)"])
            let untouched = try await CaseSetupTests.repo(app).get(row.id, in: .everything)
            try await sql.raw("UPDATE audit_head SET id = 1 WHERE id = 2").run()
            let accepted = try await op.post("/cases/\(row.id)/act", form: ["action": "accept", "version": "\(row.version)"])
            let stepped = try await CaseSetupTests.repo(app).get(row.id, in: .everything)
            // validate
            #expect(failed.status.code >= 400)
            #expect(untouched.state == .reported && untouched.version == row.version, "no step without its entry")
            #expect(accepted.status == .seeOther && stepped.state == .accepted)
            let entries = try await Self.entries(app, AuditFilter(action: "case.act", objectID: row.id.uuidString))
            #expect(entries.map(\.entry.detail) == ["action=accept; state=accepted"])
            let verified = try await AuditLog(app.db, chain: app.keys.audit).verify(pageSize: 1000) { _, _ in }
            #expect(verified.isIntact)
        }
    }

    @Test("log entries, needs, unit changes and task submissions commit with their audit entry or not at all", arguments: TestDatabase.enabled)
    func registerWritesAndEntriesTogether(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let sql = app.db as! any SQLDatabase
            var worker = try await Browser.login(app, as: "gridworker")
            var admin = try await Browser.login(app, as: "admin")
            var department = try await Browser.login(app, as: "department")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let community = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let before = [
                try await WebFixture.count(app, "social_log_entries"), try await WebFixture.count(app, "resident_needs"), try await WebFixture.count(app, "admission_tasks"),
            ]
            func writes() async throws -> [TestingHTTPResponse] {
                [
                    try await worker.api(.POST, "/api/v1/units/\(grid.id)/log", json: #"{"text":"楼道灯已修好"}"#),
                    try await worker.api(.POST, "/api/v1/units/\(grid.id)/needs", json: #"{"text":"需要上门办理老年卡"}"#),
                    try await admin.api(.PATCH, "/api/v1/units/\(grid.id)", json: #"{"name":"改名后的网格"}"#),
                    try await department.api(.POST, "/api/v1/units/\(community.id)/tasks", json: #"{"title":"协助开展燃气安全检查"}"#),
                ]
            }
            // MUT: with the chain's head gone every append fails; then with it back.
            try await sql.raw("UPDATE audit_head SET id = 2 WHERE id = 1").run()
            let refused = try await writes()
            let during = [
                try await WebFixture.count(app, "social_log_entries"), try await WebFixture.count(app, "resident_needs"), try await WebFixture.count(app, "admission_tasks"),
            ]
            let name = try await WebFixture.unit(app, WebFixture.ownGridCode).name
            try await sql.raw("UPDATE audit_head SET id = 1 WHERE id = 2").run()
            let accepted = try await writes()
            // validate
            #expect(refused.allSatisfy { $0.status.code >= 400 }, "\(refused.map(\.status))")
            #expect(during == before && name == grid.name, "nothing is written without its entry")
            #expect(accepted.map(\.status.code) == [201, 201, 200, 201])
            let logged = try await Self.entries(app, AuditFilter(action: "log.add")).count
            let recorded = try await Self.entries(app, AuditFilter(action: "need.record")).count
            #expect(logged == 1 && recorded == 1)
            let verified = try await AuditLog(app.db, chain: app.keys.audit).verify(pageSize: 1000) { _, _ in }
            #expect(verified.isIntact)
        }
    }

    @Test(
        "account changes, a finding with its component change, an import and a window case commit with their audit entries or not at all",
        arguments: TestDatabase.enabled)
    func accountsFindingsImportsTogether(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let sql = app.db as! any SQLDatabase
            let (grid, _, _) = try await LogWebTests.places(app)
            let component = try #require(try await PlaceRepository(app.db).components(inGrid: grid.id, in: .everything).first { $0.state == "ok" })
            let target = try #require(try await AccountRepository(app.db).find(username: "police"))
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            let (community, _, _) = try await OpennessWebTests.places(app)
            let station = try await StationRepository(app.db).save(
                StationDraft(kind: "community_station", name: "和平里社区工作站", address: "某路 1 号", hours: "周一至周五", phone: "010-8411 2233"),
                to: community.id, by: "测试", at: app.clock.now(), in: .everything)
            let point = try #require(community.area?.interiorPoint)
            var admin = try await Browser.login(app, as: "admin")
            var worker = try await Browser.login(app, as: "gridworker")
            var center = try await Browser.login(app, as: "operator")
            try await worker.get("/units/\(grid.id)/patrols")
            let patrol = try PatrolWebTests.patrolID(try await worker.post("/units/\(grid.id)/patrols", form: [:]))
            _ = try await admin.get("/admin/accounts")
            let tables = ["patrol_findings", "component_state_changes", "residents", "import_batches", "cases", "case_stations"]
            func counts() async throws -> [Int] {
                var n: [Int] = []
                for t in tables { n.append(try await WebFixture.count(app, t)) }
                return n
            }
            let before = try await counts()
            func writes() async throws -> [Int] {
                let disabled = try await admin.post("/admin/accounts/\(target.id.uuidString)/disable", form: [:])
                let finding = try await worker.api(
                    .POST, "/api/v1/patrols/\(patrol)/findings",
                    json: #"{"text":"路灯灯罩破损","category":"component.public_utility.street_light","lon":\#(component.lon),"lat":\#(component.lat),"component_id":"\#(component.id.uuidString)","component_state":"damaged"}"#)
                let imported = try await admin.api(
                    .POST, "/api/v1/import/residents", body: Data(WebFixture.goodResidents(household: household).utf8), contentType: .init(type: "text", subType: "csv"))
                try await center.get("/cases/new")
                let window = try await center.post(
                    "/cases/new",
                    form: [
                        "category": CaseFlowTests.category, "description": "窗口来访反映楼道灯不亮", "lon": String(point.lon), "lat": String(point.lat),
                        "channel": "window", "station": station.id.uuidString,
                    ])
                return [disabled, finding, imported, window].map { Int($0.status.code) }
            }
            // MUT: with the chain's head gone every append fails; then with it back.
            try await sql.raw("UPDATE audit_head SET id = 2 WHERE id = 1").run()
            let refused = try await writes()
            let during = try await counts()
            let stillEnabled = try await AccountRepository(app.db).find(target.id)?.isDisabled == false
            let stateDuring = try await PlaceRepository(app.db).components(inGrid: grid.id, in: .everything).first { $0.id == component.id }?.state
            try await sql.raw("UPDATE audit_head SET id = 1 WHERE id = 2").run()
            let accepted = try await writes()
            let after = try await counts()
            // validate
            #expect(refused.allSatisfy { $0 >= 400 }, "\(refused)")
            #expect(during == before && stillEnabled && stateDuring == "ok", "nothing is written without its entry")
            #expect(accepted == [200, 201, 200, 303], "\(accepted)")
            #expect(zip(after, before).map { $0 - $1 } == [1, 1, 1, 1, 1, 1], "\(tables) \(after) \(before)")
            let disabledEntries = try await Self.entries(app, AuditFilter(action: "account", objectID: target.id.uuidString))
            #expect(disabledEntries.map(\.entry.detail) == ["disable police"])
            #expect(try await Self.entries(app, AuditFilter(action: "patrol.finding")).count == 1)
            #expect(try await Self.entries(app, AuditFilter(action: "component.state", objectID: component.id.uuidString)).count == 1)
            let imports = try await Self.entries(app, AuditFilter(action: "import"))
            #expect(imports.map(\.entry.outcome) == ["ok"], "the refused import's own entry could not be written either")
            let verified = try await AuditLog(app.db, chain: app.keys.audit).verify(pageSize: 1000) { _, _ in }
            #expect(verified.isIntact)
        }
    }

    @Test("changes to units, teams and residents and every export are recorded", arguments: TestDatabase.enabled)
    func writePaths(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            var worker = try await Browser.login(app, as: "gridworker")
            let home = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let away = try await WebFixture.unit(app, WebFixture.communityCodes[1])
            let target = try await WebFixture.unit(app, "110199101001001")
            let splitting = try await WebFixture.unit(app, "110199101001002")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let box = try #require(splitting.area?.bbox)
            let mid = (box.minLon + box.maxLon) / 2
            let west = WebFixture.polygon(GeoBox(minLon: box.minLon, minLat: box.minLat, maxLon: mid, maxLat: box.maxLat))
            let east = WebFixture.polygon(GeoBox(minLon: mid, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat))
            let household = try #require(try await PlaceRepository(app.db).households(inGrid: grid.id, limit: 1, in: .everything).rows.first?.number)
            // MUT: the administrator reshapes the tree and its teams
            let created = try await admin.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(home.id.uuidString)","level":"grid","name":"新建网格"}"#)
            let id = try #require(created.object["id"] as? String)
            #expect(try await admin.api(.PATCH, "/api/v1/units/\(id)", json: #"{"name":"幸福网格"}"#).status == .ok)
            #expect(try await admin.api(.POST, "/api/v1/units/\(id)/move", json: #"{"parent_id":"\#(away.id.uuidString)"}"#).status == .ok)
            #expect(try await admin.api(.POST, "/api/v1/units/\(id)/merge", json: #"{"target_id":"\#(target.id.uuidString)"}"#).status == .ok)
            #expect(
                try await admin.api(
                    .POST, "/api/v1/units/\(splitting.id.uuidString)/split",
                    json: #"""
                        {"parts":[{"name":"西","boundary":\#(west)},{"name":"东","boundary":\#(east)}]}
                        """#
                ).status == .ok)
            let added = try await admin.api(.POST, "/api/v1/units/\(grid.id.uuidString)/team", json: #"{"name":"王新","kind":"volunteer"}"#)
            let assignment = try #require(added.object["assignment_id"] as? String)
            #expect(try await admin.api(.DELETE, "/api/v1/assignments/\(assignment)").status == .noContent)
            let refused = try await admin.api(.GET, "/api/v1/export/residents?unmasked=true")
            // MUT: the grid worker edits a resident and exports unmasked
            let body = #"{"name":"审计测试","id_number":"\#(WebFixture.freshID(41))","phone":"13812345601","household_number":"\#(household)","relation":"other"}"#
            let resident = try await worker.api(.POST, "/api/v1/residents", json: body)
            let residentID = try #require(resident.object["id"] as? String, "\(resident.status) \(resident.body.string)")
            let put = try await worker.api(.PUT, "/api/v1/residents/\(residentID)", json: body.replacingOccurrences(of: "13812345601", with: "13812345602"))
            #expect(put.status == .ok)
            // An unmasked export needs a reason (422, nothing handed out), then passes the gate with the row count.
            #expect(try await worker.api(.GET, "/api/v1/export/residents?unmasked=true").status == .unprocessableEntity)
            #expect(try await worker.api(.GET, "/api/v1/export/residents?unmasked=true&reason=%E5%85%A5%E6%88%B7%E8%B5%B0%E8%AE%BF%E6%A0%B8%E5%AF%B9").status == .ok)
            #expect(try await worker.get("/data/export/households.csv").status == .ok)
            // validate
            #expect(refused.status == .forbidden)
            let units = try await Self.entries(app, AuditFilter(objectType: "unit"))
            #expect(units.map(\.action) == ["split", "merge", "move", "update", "create"])
            #expect(units.allSatisfy { $0.actor == "admin" && $0.role == "sys_admin" && $0.outcome == "ok" })
            #expect(units[0].objectID == splitting.id.uuidString && units[1].detail.contains("into=\(target.id.uuidString)"))
            #expect(units[2].detail.contains("parent=\(away.id.uuidString)") && units[3].detail.contains("name=幸福网格"))
            let team = try await Self.entries(app, AuditFilter(objectType: "assignment"))
            #expect(team.map(\.action) == ["unassign", "assign"] && team.allSatisfy { $0.objectID == assignment })
            let people = try await Self.entries(app, AuditFilter(objectType: "resident", objectID: residentID))
            #expect(people.map(\.action) == ["update", "create"])
            #expect(people.first?.detail == "fields=phone", "names the changed field, never its value")
            #expect(people.allSatisfy { !$0.detail.contains("138123456") && $0.actor == "gridworker" })
            let exports = try await Self.entries(app, AuditFilter(action: "export", objectType: "register"))
            #expect(exports.map(\.outcome) == ["ok", "ok", "denied"])
            #expect(exports[0].detail.contains("unmasked=no") && exports[0].detail.contains("via=page") && exports[0].objectID == "households")
            #expect(exports[1].detail.contains("unmasked=yes") && exports[1].actor == "gridworker")
            #expect(exports[1].detail.contains("reason=入户走访核对") && exports[1].detail.contains("rows="))
            #expect(exports[2].actor == "admin")
            let check = try await AuditLog(app.db, chain: app.keys.audit).verify()
            #expect(check.isIntact)
        }
    }

    static func run(_ app: Application, _ command: any AnyAsyncCommand, _ arguments: [String]) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["wangge"] + arguments))
        context.application = app
        try await command.run(using: &context)
    }

    @Test("the commands record themselves as cli; verify exits 1 on a tampered chain; prune keeps 184 days", arguments: TestDatabase.enabled)
    func commands(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let out = dir.appendingPathComponent("buildings.csv").path
            let bad = dir.appendingPathComponent("bad.csv").path
            _ = FileManager.default.createFile(atPath: bad, contents: Data("编号,名称\nB1,\n".utf8))
            // MUT
            try await Self.run(app, ExportCommand(), ["buildings", "-o", out])
            await #expect(throws: ExitCode.self) { try await Self.run(app, ImportCommand(), ["buildings", bad]) }
            try await Self.run(app, AuditVerifyCommand(), [])
            let short = await #expect(throws: StoreError.self) { try await Self.run(app, AuditPruneCommand(), ["--days", "100"]) }
            try await Self.run(app, AuditPruneCommand(), ["--days", "184"])
            let cli = try await Self.entries(app, AuditFilter(actor: "cli"))
            try await (app.db as! any SQLDatabase).raw("UPDATE audit_log SET outcome = 'refused' WHERE seq = \(bind: cli.last!.seq)").run()
            let exit = await #expect(throws: ExitCode.self) { try await Self.run(app, AuditVerifyCommand(), []) }
            // validate
            #expect(short?.key == "audit.retention")
            #expect(cli.map(\.action) == ["prune", "verify", "import", "export"])
            #expect(cli[3].objectID == "buildings" && cli[3].detail.contains("via=cli") && cli[3].role == "-")
            #expect(cli[2].outcome == "refused")
            #expect(exit?.code == 1)
        }
    }
}

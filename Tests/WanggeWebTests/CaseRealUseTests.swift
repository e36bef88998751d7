import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// What real users of the case loop ran into.
@Suite("The case loop in real use")
struct CaseRealUseTests {
    @Test("the grid worker who handled a case is not offered 核查通过 and cannot verify it; someone else can", arguments: TestDatabase.enabled)
    func verifiedBySomeoneElse(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: a QR report, accepted and dispatched to the grid team, signed for and handled by the grid worker
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let sent = try await resident.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": "楼道堆物"])
            let row = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: sent.body.string)))
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let op = CaseActor(id: nil, name: "受理员", role: .operator_)
            try await repo.apply(.accept(), to: row.id, actor: op, in: .everything, at: app.clock.now())
            try await repo.apply(.dispatch(department: CaseRepository.gridTeam), to: row.id, actor: op, in: .everything, at: app.clock.now())
            var worker = try await Browser.login(app, as: "gridworker")
            let account = try #require(try await AccountRepository(app.db).find(username: "gridworker"))
            let me = CaseActor(id: account.id, name: account.displayName, role: .gridWorker)
            try await repo.apply(.signFor(), to: row.id, actor: me, in: .everything, at: app.clock.now())
            let handled = try await repo.apply(.handle(note: "已清理"), to: row.id, actor: me, in: .everything, at: app.clock.now())
            // MUT
            let page = try await worker.get("/cases/\(row.id.uuidString)")
            let refused = try await worker.post("/cases/\(row.id.uuidString)/act", form: ["action": "verify", "version": "\(handled.version)"])
            var operatorBrowser = try await Browser.login(app, as: "operator")
            let operatorPage = try await operatorBrowser.get("/cases/\(row.id.uuidString)")
            let verified = try await operatorBrowser.post("/cases/\(row.id.uuidString)/act", form: ["action": "verify", "version": "\(handled.version)"])
            // validate
            #expect(operatorPage.body.string.contains(#"value="verify""#), "the form the operator is offered")
            #expect(page.status == .ok && !page.body.string.contains(#"value="verify""#))
            #expect(refused.status == .conflict && refused.body.string.contains(L10n.t("case.verify_by_other")))
            #expect(verified.status == .seeOther)
            #expect(try await repo.get(row.id, in: .everything).state == .verified)
        }
    }

    @Test("an operator calls a reporter back through the logged show: reason first, audited, in that answer only", arguments: TestDatabase.enabled)
    func callBack(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let sent = try await resident.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": "路灯不亮，回电13912345678", "phone": "13912345678"])
            let row = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: sent.body.string)))
            var op = try await Browser.login(app, as: "operator")
            // MUT
            let page = try await op.get("/cases/\(row.id.uuidString)")
            let noReason = try await op.post("/cases/\(row.id.uuidString)/reveal", form: ["reason": "看"])
            let shown = try await op.post("/cases/\(row.id.uuidString)/reveal", form: ["reason": "回访核实处理结果"])
            let again = try await op.get("/cases/\(row.id.uuidString)")
            var leader = try await Browser.login(app, as: "leader")
            let leaderPage = try await leader.get("/cases/\(row.id.uuidString)")
            let refused = try await leader.post("/cases/\(row.id.uuidString)/reveal", form: ["reason": "回访核实处理结果"])
            // validate
            #expect(page.body.string.contains(L10n.t("case.reveal")) && page.body.string.contains("回电13912345678"), "the operator reads the text as written")
            #expect(leaderPage.status == .ok && !leaderPage.body.string.contains("13912345678") && leaderPage.body.string.contains("回电***********"))
            #expect(noReason.status == .unprocessableEntity && !noReason.body.string.contains("tel:13912345678"))
            #expect(shown.status == .ok && shown.body.string.contains("tel:13912345678"))
            #expect(!again.body.string.contains("tel:13912345678"), "masked again on the next look")
            #expect(refused.status == .forbidden && !refused.body.string.contains("13912345678"))
            let entries = try await auditRows(app, action: "unmask").filter { $0.object_id == row.id.uuidString }
            #expect(entries.map(\.outcome) == ["ok", "denied"])
            #expect(entries.first?.detail == "field=reporter_phone; unmasked=yes; reason=回访核实处理结果")
        }
    }

    @Test("a department account is bound to its departments when it is made", arguments: TestDatabase.enabled)
    func departmentAccounts(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var admin = try await Browser.login(app, as: "admin")
            let page = try await admin.get("/admin/accounts")
            let fields = ["username": "water1", "display_name": "区水务局", "role": "department", "unit": WebFixture.districtCode]
            let unbound = try await admin.post("/admin/accounts", form: fields)
            let unknown = try await admin.post("/admin/accounts", form: fields.merging(["departments[]": "no_such_department"]) { a, _ in a })
            let halfMade = try await AccountRepository(app.db).find(username: "water1")
            #expect(unknown.status == .unprocessableEntity && halfMade == nil, "nothing half-made")
            let made = try await admin.post("/admin/accounts", form: fields.merging(["departments[]": "police"]) { a, _ in a })
            #expect(page.body.string.contains(L10n.t("admin.departments")) && page.body.string.contains("区住建委"))
            #expect(unbound.status == .unprocessableEntity && unbound.body.string.contains(L10n.t("admin.departments_required")))
            #expect(made.status == .ok)
            let account = try #require(try await AccountRepository(app.db).find(username: "water1"))
            #expect(try await AccountRepository(app.db).departments(of: account.id) == ["police"])
            let scope = try await AccountRepository(app.db).scope(of: account)
            #expect(scope.departments == ["police"])
        }
    }

    @Test("a QR code printed before its grid was moved or merged still leads to the grid that covers the ground", arguments: TestDatabase.enabled)
    func stablePrintedCodes(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: the worker's grid moves to the other community (a new code); another grid is merged into it
            let units = UnitRepository(app.db)
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let otherCommunity = try await WebFixture.unit(app, WebFixture.communityCodes[1])
            let moved = try await units.move(grid.id, to: otherCommunity.id, actor: "test", in: .everything)
            let sibling = try #require(try await units.all(in: .everything, level: .grid).first { $0.id != grid.id && !$0.isRetired && $0.parentID == otherCommunity.id })
            _ = try await units.merge(sibling.id, into: grid.id, actor: "test", in: .everything)
            // MUT
            var resident = Browser(app)
            let old = try await resident.get("/r/\(grid.code)")
            let sent = try await resident.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": "旧二维码上报"])
            var neighbour = Browser(app)
            let merged = try await neighbour.get("/r/\(sibling.code)")
            var visitor = Browser(app)
            let current = try await visitor.get("/r/\(moved.code)")
            let nothing = try await visitor.get("/r/110199999999999")
            // validate
            #expect(moved.code != grid.code)
            #expect(old.status == .ok && old.body.string.contains(L10n.t("report.moved", moved.name)))
            #expect(sent.status == .created)
            let row = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: sent.body.string)))
            #expect(row.unitID == grid.id, "the case lands in the grid as it is today")
            #expect(merged.status == .ok && merged.body.string.contains(L10n.t("report.moved", moved.name)))
            #expect(current.status == .ok && !current.body.string.contains(L10n.t("report.moved", moved.name)))
            #expect(nothing.status == .notFound)
        }
    }

    @Test("a grid worker settles a small matter on the spot where its category allows, and only there", arguments: TestDatabase.enabled)
    func settledOnSpot(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: two patrol reports in the worker's grid, one a small matter, one a broken street light
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let account = try #require(try await AccountRepository(app.db).find(username: "gridworker"))
            let me = CaseActor(id: account.id, name: account.displayName, role: .gridWorker)
            func patrol(_ category: String) async throws -> CaseRow {
                try await repo.intake(
                    CaseIntake(categoryKey: category, channel: .gridWorker, title: "", description: "巡查发现", gridID: grid.id), actor: me, at: app.clock.now())
            }
            let garbage = try await patrol(CaseFlowTests.category)
            let light = try await patrol("component.public_utility.street_light")
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let page = try await worker.get("/cases/\(garbage.id.uuidString)")
            let noNote = try await worker.post("/cases/\(garbage.id.uuidString)/act", form: ["action": "resolve_on_spot", "version": "1", "note": ""])
            let settled = try await worker.post("/cases/\(garbage.id.uuidString)/act", form: ["action": "resolve_on_spot", "version": "1", "note": "已现场清理"])
            let lightPage = try await worker.get("/cases/\(light.id.uuidString)")
            let refused = try await worker.post("/cases/\(light.id.uuidString)/act", form: ["action": "resolve_on_spot", "version": "1", "note": "已报修"])
            // validate
            #expect(page.body.string.contains(#"value="resolve_on_spot""#))
            #expect(noNote.status == .unprocessableEntity || noNote.status == .conflict, "a note is required: \(noNote.status)")
            #expect(settled.status == .seeOther)
            let after = try await repo.get(garbage.id, in: .everything)
            #expect(after.state == .closed && after.outcome == .solved && after.closedAt != nil && after.respondedAt != nil)
            #expect(try await repo.timeline(garbage.id).last?.action == .resolveOnSpot, "recorded as settled on the spot")
            #expect(!lightPage.body.string.contains(#"value="resolve_on_spot""#))
            #expect(refused.status == .conflict && refused.body.string.contains(L10n.t("case.on_spot_not_allowed")))
            #expect(try await repo.get(light.id, in: .everything).state == .reported)
        }
    }

    @Test("the demo's grid worker signs in as a member of its own grid's team", arguments: TestDatabase.enabled)
    func accountsAreTeamMembers(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let account = try #require(try await AccountRepository(app.db).find(username: "gridworker"))
            let team = try await StaffRepository(app.db).team(of: grid.id, in: .everything)
            let member = try #require(team.first { $0.accountID == account.id }, "the account is one of the team")
            #expect(member.kindKey.hasPrefix("grid_worker"))
            #expect(try await StaffRepository(app.db).staffID(ofAccount: account.id) == member.staffID)
            var worker = try await Browser.login(app, as: "gridworker")
            let page = try await worker.get("/units/\(grid.id.uuidString)")
            #expect(page.body.string.contains(L10n.t("grid.has_account")))
        }
    }

    @Test("a list shows one flag per case, saying which limit is late")
    func oneFlag() {
        let both = CasePages.listFlag(response: .overdue, resolution: .overdue).raw
        #expect(both.contains(L10n.t("case.limit.resolve_overdue")) && !both.contains(L10n.t("case.limit.respond_overdue")))
        #expect(!both.contains("超时超时"))
        #expect(CasePages.listFlag(response: .overdue, resolution: .warning).raw.contains("响应超时"))
        #expect(CasePages.listFlag(response: .onTime, resolution: .warning).raw.contains("办结预警"))
        #expect(CasePages.listFlag(response: .onTime, resolution: .onTime).raw.isEmpty)
    }
}

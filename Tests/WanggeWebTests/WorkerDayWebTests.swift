import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The worker's day: /today and /api/v1/today for grid workers and proxy agents, scoped to their grids")
struct WorkerDayWebTests {
    @Test("a grid worker lands on today's list: their needs and cases in urgency order, nothing of other grids", arguments: TestDatabase.enabled)
    func gridWorker(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, other) = try await LogWebTests.places(app)
            let actor = CaseActor(id: nil, name: "网格员", role: .gridWorker)
            let needs = NeedRepository(app.db)
            let old = try await needs.record(NeedDraft(text: "独居老人需要助餐"), in: grid.id, by: actor, at: app.clock.now().addingTimeInterval(-8 * 86_400), scope: .everything)
            let fresh = try await needs.record(NeedDraft(text: "楼道灯需要更换"), in: grid.id, by: actor, at: app.clock.now(), scope: .everything)
            let foreign = try await needs.record(NeedDraft(text: "别处的需求"), in: other.id, by: actor, at: app.clock.now(), scope: .everything)
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let home = try await worker.get("/")
            let page = try await worker.get("/today")
            let api = try await worker.api(.GET, "/api/v1/today")
            // validate
            #expect(home.status == .seeOther && home.headers.first(name: .location) == "/today")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("独居老人需要助餐") && html.contains("楼道灯需要更换") && !html.contains("别处的需求"))
            #expect(html.contains("/needs/\(old.id)") && html.contains(L10n.t("day.notice.stale_needs", 1, WorkerDay.needStaleDays)))
            #expect(html.contains(SiteURL.caseNew.path) && html.contains(SiteURL.gridCard(grid.id).path), "one tap to report and to the contact card")

            #expect(api.status == .ok)
            let day = try api.content.decode(WorkerDayController.Day.self)
            #expect(day.grids.map(\.id) == [grid.id])
            let needTasks = day.tasks.filter { $0.kind == .need }
            #expect(Set(needTasks.map(\.id)) == [old.id, fresh.id] && !day.tasks.contains { $0.id == foreign.id })
            #expect(needTasks.first { $0.id == old.id }?.urgency == .warning && needTasks.first { $0.id == fresh.id }?.urgency == .open)
            #expect(day.tasks == WorkerDay.ordered(day.tasks), "the list comes in working order")
            #expect(day.notices.staleNeeds == 1)
            // The cases are exactly the worker's own queue.
            let account = try #require(try await AccountRepository(app.db).find(username: "gridworker"))
            let scope = try await AccountRepository(app.db).scope(of: account)
            let mine = try await CaseRepository(app.db, cipher: app.keys.cipher).queue(.mine, role: .gridWorker, in: scope, now: app.clock.now(), limit: 50)
            #expect(Set(day.tasks.filter { $0.kind == .workCase }.map(\.id)) == Set(mine.rows.map(\.id)))
            // The visits are the grid's due list (half-year rule and care frequencies), most pressing first.
            let facts = try await VisitRepository(app.db, cipher: app.keys.cipher).facts(under: grid.id, in: .everything)
            let due = VisitCoverage.dueList(facts, on: SimpleDate(app.clock.now()))
            let visits = day.tasks.filter { $0.kind == .visit }
            #expect(!due.isEmpty && visits.count == min(due.count, WorkerDayController.perKind))
            #expect(Set(visits.map(\.id)) == Set(due.prefix(WorkerDayController.perKind).map(\.facts.householdID)))
            #expect(visits.allSatisfy { t in due.first { $0.facts.householdID == t.id }.map { $0.status == .overdue } == (t.urgency == .overdue) })
            #expect(day.more[DayTask.Kind.visit.rawValue] == (due.count >= WorkerDayController.perKind))
            #expect(html.contains("/households/\(visits[0].id.uuidString)/visit"), "a visit task opens the visit form")
        }
    }

    @Test("a proxy agent sees the buildings they cover; an operator or leader has no worker's day")
    func othersAndBuildings() async throws {
        try await withApp(.sqlite) { app in
            // setup
            // The demo's first grid is its understaffed one (no 代办员 on the team): the proxy account
            // joins the team as one, as the team screen would do it.
            let staff = StaffRepository(app.db)
            let proxyAccount = try #require(try await AccountRepository(app.db).find(username: "proxy"))
            let grid = try await UnitRepository(app.db).get(try #require(proxyAccount.unitID), in: .everything)
            let member = try await staff.add(name: "柯代办", phone: nil, kindKey: "proxy_agent", to: grid.id, duty: nil, buildingID: nil, in: .everything)
            try await staff.link(staff: member.staffID, account: proxyAccount.id)
            let buildings = try await PlaceRepository(app.db).buildings(inGrid: grid.id, in: .everything).prefix(2)
            _ = try await staff.setBuildings(buildings.map(\.id), assignment: member.assignmentID, of: grid.id, in: .everything)
            var proxy = try await Browser.login(app, as: "proxy")
            var operator_ = try await Browser.login(app, as: "operator")
            // MUT
            let day = try await proxy.api(.GET, "/api/v1/today").content.decode(WorkerDayController.Day.self)
            let refused = try await operator_.get("/today")
            let refusedAPI = try await operator_.api(.GET, "/api/v1/today")
            // validate
            #expect(day.grids.map(\.id) == [grid.id])
            #expect(day.grids.first?.buildings == buildings.sorted { $0.code < $1.code }.map(\.name))
            #expect(refused.status == .forbidden && refusedAPI.status == .forbidden)
        }
    }
}

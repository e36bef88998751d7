import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("An overdue case escalates by itself: the sweeper with the test clock, seen on the staff and public pages")
struct CaseSweepWebTests {
    @Test("past the response limit: 督办 and escalation on the case page, the reporter told, the step audited", arguments: TestDatabase.enabled)
    func overdueEscalates(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let draft = CaseIntake(categoryKey: CaseFlowTests.category, channel: .qr, title: "", description: "楼道堆放杂物堵塞消防通道", gridID: grid.id)
            let c = try await repo.intake(draft, actor: .resident, at: app.clock.now())

            #expect(try await SweeperService.run(app).due == 0)
            app.testClock.advance(c.respondBy.timeIntervalSince(app.clock.now()) + 60)
            let report = try await SweeperService.run(app)
            #expect(report.supervised == [c.id] && report.escalated == [c.id])
            #expect(try await SweeperService.run(app).due == 0, "one 督办 per missed limit")

            var op = try await Browser.login(app, as: "operator")
            let overdue = try await op.get("/cases?queue=overdue")
            #expect(overdue.body.string.contains(TrackingCode.display(c.trackingCode)))
            let page = try await op.get("/cases/\(c.id)").body.string
            #expect(page.contains(L10n.t("case.action.supervise")) && page.contains(L10n.t("case.action.escalate")))
            #expect(page.contains(L10n.t("sweep.actor")))
            #expect(page.contains(L10n.t("level.community")))

            var resident = Browser(app)
            let track = try await resident.get("/t/\(c.trackingCode)").body.string
            #expect(track.contains(L10n.t("sweep.reason.respond", L10n.t("level.community"))), "the reporter is told the case went up")

            let audited = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_id = \(bind: c.id.uuidString) AND action = 'case.act'")
                .first()?.decode(column: "n", as: Int.self)
            #expect(audited == 1)
        }
    }
}

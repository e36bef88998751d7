import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Council → case hand-over: a proposal handed to a department opens a case in the same commit, linked both ways")
struct CouncilHandOverWebTests {
    static func count(_ app: Application, _ table: String) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("no category or grid is refused and writes nothing; the hand-over opens the case, audits both; the case's closing shows on the proposal", arguments: TestDatabase.enabled)
    func handOver(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            _ = try await DemoLoader(app.db, cipher: app.keys.cipher).loadCouncils(now: app.clock.now())
            let (community, grid, _) = try await OpennessWebTests.places(app)
            let poll = try #require(try await ProposalRepository(app.db).proposals(of: community.id, in: .everything).first { $0.state == .voting })
            var op = try await Browser.login(app, as: "operator")
            let councilPage = try await op.get(SiteURL.council(community.id).path)
            let (casesBefore, auditBefore) = (try await Self.count(app, "cases"), try await Self.count(app, "audit_log"))
            let decide = ["action": "decide", "mode": "department_case", "department": "区交通支队", "reasons": "属道路交通管理，交交通支队办理"]
            // MUT
            let noCategory = try await op.post(SiteURL.proposalStep(poll.id).path, form: decide.merging(["grid": grid.id.uuidString]) { $1 })
            let noGrid = try await op.post(SiteURL.proposalStep(poll.id).path, form: decide.merging(["category": "street_order.car_parking"]) { $1 })
            let (casesAfterRefusals, auditAfterRefusals) = (try await Self.count(app, "cases"), try await Self.count(app, "audit_log"))
            let handed = try await op.post(
                SiteURL.proposalStep(poll.id).path, form: decide.merging(["category": "street_order.car_parking", "grid": grid.id.uuidString]) { $1 })
            // validate
            #expect(councilPage.body.string.contains("name=\"category\"") && councilPage.body.string.contains("street_order.car_parking"))
            #expect(noCategory.status == .unprocessableEntity && noCategory.body.string.contains(L10n.t("case.category_required")))
            #expect(noGrid.status == .unprocessableEntity && noGrid.body.string.contains(L10n.t("proposal.case_grid_required")))
            #expect(casesAfterRefusals == casesBefore && auditAfterRefusals == auditBefore, "a refused hand-over writes nothing")
            #expect(handed.status == .seeOther)
            let p = try await ProposalRepository(app.db).get(poll.id, in: .everything)
            let caseID = try #require(p.caseID)
            let c = try await CaseRepository(app.db, cipher: app.keys.cipher).get(caseID, in: .everything)
            #expect(p.state == .adopted && p.department == "区交通支队" && p.caseState == c.state && p.caseCode == c.trackingCode)
            #expect(c.channel == .mailbox && c.categoryKey == "street_order.car_parking" && c.unitID == grid.id && c.title == poll.title && c.description == poll.body)
            let casesAfter = try await Self.count(app, "cases")
            #expect(casesAfter == casesBefore + 1)
            let sql = app.db as! any SQLDatabase
            struct Entry: Decodable { var action: String; var object_id: String }
            let entries = try await sql.raw("SELECT action, object_id FROM audit_log ORDER BY seq DESC LIMIT 2").all(decoding: Entry.self)
            #expect(Set(entries.map(\.action)) == ["case.report", "proposal.step"] && Set(entries.map(\.object_id)) == [caseID.uuidString, poll.id.uuidString])
            // Linked both ways.
            let staff = try await op.get(SiteURL.council(community.id).path)
            #expect(staff.body.string.contains(SiteURL.caseDetail(caseID).path) && staff.body.string.contains(TrackingCode.display(c.trackingCode)))
            let casePage = try await op.get(SiteURL.caseDetail(caseID).path)
            #expect(casePage.body.string.contains(L10n.t("case.from_proposal")) && casePage.body.string.contains(SiteURL.council(community.id).path + "#p-\(poll.id.uuidString)"))
            // The case closes (its loop is the case tests' business): the proposal shows it, to staff and the public.
            try await sql.raw("UPDATE cases SET state = 'closed', outcome = 'solved' WHERE id = \(bind: caseID)").run()
            let closed = try await ProposalRepository(app.db).get(poll.id, in: .everything)
            #expect(closed.caseState == .closed)
            var visitor = Browser(app)
            let publicPage = try await visitor.get(SiteURL.portalProposal(poll.id).path)
            let closedName = L10n.t(CaseState.closed.nameKey)
            #expect(publicPage.body.string.contains(L10n.t("proposal.case_public", "")) && publicPage.body.string.contains(closedName))
            #expect(!publicPage.body.string.contains(SiteURL.caseDetail(caseID).path), "the public reads the state, not the staff's case page")
        }
    }
}

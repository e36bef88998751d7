import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Party overlay on the web: the grid's 党建 page, audited writes, fields named, scope 404")
struct PartyWebTests {
    @Test("the operator registers a member and records hours; a bad field is named; another street's grid is 404", arguments: TestDatabase.enabled)
    func page(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, grid, other) = try await OpennessWebTests.places(app)
            let otherGrid = try #require(try await UnitRepository(app.db).children(of: other.id, in: .everything).first)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.party(grid.id).path)
            let today = SimpleDate(app.clock.now()).description
            // MUT
            let org = try await op.post(SiteURL.partyOrgs(grid.id).path, form: ["kind": "branch", "name": "第一网格党支部", "secretary": "王丽"])
            let member = try await op.post(
                SiteURL.partyMembers(grid.id).path, form: ["kind": "sunk_cadre", "name": "赵敏", "workplace": "区民政局", "registered_on": today])
            let noWorkplace = try await op.post(
                SiteURL.partyMembers(grid.id).path, form: ["kind": "in_service", "name": "李强", "workplace": " ", "registered_on": today])
            let elsewhere = try await op.post(SiteURL.partyOrgs(otherGrid.id).path, form: ["kind": "branch", "name": "x", "secretary": "y"])
            let elsewherePage = try await op.get(SiteURL.party(otherGrid.id).path)
            let memberID = try #require(try await PartyRepository(app.db).members(of: grid.id, month: String(today.prefix(7)), in: .everything).first?.id)
            try await op.get(SiteURL.party(grid.id).path)
            let hours = try await op.post(SiteURL.partyService(memberID).path, form: ["day": today, "activity": "入户走访独居老人", "hours": "2.5"])
            let badHours = try await op.post(SiteURL.partyService(memberID).path, form: ["day": today, "activity": "巡逻", "hours": "30"])
            // validate
            #expect(org.status == .seeOther && member.status == .seeOther && hours.status == .seeOther)
            #expect(noWorkplace.status == .unprocessableEntity && noWorkplace.body.string.contains(L10n.t("party.required")))
            #expect(badHours.status == .unprocessableEntity && badHours.body.string.contains(L10n.t("party.bad_hours")))
            #expect(elsewhere.status == .notFound && elsewherePage.status == .notFound)
            let page = try await op.get(SiteURL.party(grid.id).path)
            #expect(page.body.string.contains("第一网格党支部") && page.body.string.contains(L10n.t("party.member_hours", "2.5", "2.5")))
            let communityPage = try await op.get(SiteURL.party(community.id).path)
            #expect(communityPage.body.string.contains(L10n.t("party.counts", 1, "2.5")))
            let audited = try await OpennessWebTests.actions(app, object: "party")
            #expect(audited == ["party.org_add", "party.register", "party.service"])
        }
    }
}

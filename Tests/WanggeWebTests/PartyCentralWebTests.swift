import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("党员中心户 and the 党建 section on the web: set by the grid's worker, audited, shown on the grid and community pages")
struct PartyCentralWebTests {
    @Test("the grid worker sets a central household; a neighbour outside the grid is named; the grid and community pages show the 党建 section", arguments: TestDatabase.enabled)
    func central(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let parent = try #require(grid.parentID)
            let community = try #require(try await UnitRepository(app.db).find(parent, in: .everything))
            let sql = app.db as! any SQLDatabase
            let numbers = try await sql.raw("SELECT number FROM households WHERE unit_id = \(bind: grid.id) ORDER BY number LIMIT 4").all()
                .map { try $0.decode(column: "number", as: String.self) }
            try #require(numbers.count == 4)
            let elsewhere = try #require(
                try await sql.raw("SELECT number FROM households WHERE unit_id IS NOT NULL AND unit_id <> \(bind: grid.id) LIMIT 1").first()?
                    .decode(column: "number", as: String.self))
            let repo = PartyRepository(app.db)
            _ = try await repo.addOrg(kind: "branch", name: "第一网格党支部", secretary: "王丽", to: grid.id, at: app.clock.now(), in: .everything)
            let today = SimpleDate(app.clock.now()).description
            let member = try await repo.register(
                kind: "sunk_cadre", name: "赵敏", workplace: "区民政局", on: today, to: grid.id, today: today, at: app.clock.now(), in: .everything)
            _ = try await repo.recordService(of: member, day: today, activity: "入户走访", hours: "1.5", today: today, by: "测试", at: app.clock.now(), in: .everything)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get(SiteURL.party(grid.id).path)
            // MUT
            let outside = try await worker.post(
                SiteURL.partyCentral(grid.id).path, form: ["household": numbers[0], "member": "李建华", "neighbours": "\(numbers[1]),\(elsewhere)"])
            let saved = try await worker.post(
                SiteURL.partyCentral(grid.id).path, form: ["household": numbers[0], "member": "李建华", "neighbours": "\(numbers[1])，\(numbers[2]) \(numbers[3])"])
            let gridPage = try await worker.get(SiteURL.unit(grid.id).path)
            var op = try await Browser.login(app, as: "operator")
            let communityPage = try await op.get(SiteURL.unit(community.id).path)
            var leader = try await Browser.login(app, as: "leader")
            let leaderView = try await leader.get(SiteURL.party(grid.id).path)
            // validate
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains(L10n.t("central.not_in_grid", elsewhere)))
            #expect(saved.status == .seeOther)
            let centrals = try await repo.centrals(of: grid.id, in: .everything)
            #expect(centrals.map(\.member) == ["李建华"] && centrals.first?.neighbours.map(\.number) == Array(numbers[1...]))
            let html = gridPage.body.string
            #expect(html.contains("id=\"party\"") && html.contains(L10n.t("party.section")))
            #expect(html.contains("第一网格党支部") && html.contains(numbers[0]) && html.contains(L10n.t("central.neighbours", "3")))
            #expect(html.contains("赵敏") && html.contains(">1.5<"), "the member's hours this month")
            #expect(html.contains(SiteURL.party(grid.id).path))
            let overview = communityPage.body.string
            #expect(overview.contains("id=\"party\"") && overview.contains(L10n.t("party.counts", 1, "1.5")))
            #expect(overview.contains(SiteURL.party(grid.id).path) && overview.contains("第一网格党支部"))
            #expect(leaderView.status == .ok && leaderView.body.string.contains(numbers[0]) && !leaderView.body.string.contains(SiteURL.partyCentral(grid.id).path), "a leader reads, does not set")
            let audited = try await OpennessWebTests.actions(app, object: "party")
            #expect(audited == ["party.central_set"])
            // Taken off again, audited.
            try await worker.get(SiteURL.party(grid.id).path)
            let removed = try await worker.post(SiteURL.partyCentralRemove(try #require(centrals.first?.id)).path, form: [:])
            #expect(removed.status == .seeOther)
            let left = try await repo.centrals(of: grid.id, in: .everything)
            #expect(left.isEmpty)
            let after = try await OpennessWebTests.actions(app, object: "party")
            #expect(after == ["party.central_remove", "party.central_set"])
            // The rankings show the participation figures under each board, weighted or not: this grid's one
            // registered member served this month (1 of 1), the community's other grids have nobody registered (—).
            let rankings = try await leader.get(SiteURL.rankings(unit: community.id, month: String(today.prefix(7))).path)
            let table = rankings.body.string
            #expect(rankings.status == .ok && table.contains(L10n.t("rank.participation")) && table.contains(L10n.t(Measures.partyService.formulaKey)))
            // The grids' board is the last one on the page; its participation table comes after its heading.
            let section = try #require(table.range(of: L10n.t("rank.participation"), options: .backwards).map { String(table[$0.upperBound...]) })
            let row = try #require(section.range(of: grid.name).map { String(section[$0.upperBound...].prefix(400)) })
            #expect(row.contains("100.0 %") && row.contains(L10n.t("measure.n", 1)))
        }
    }
}

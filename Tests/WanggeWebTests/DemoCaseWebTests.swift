import Foundation
import SQLKit
import Testing
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Demo case history on the screens: queues, case pages, scope, steps credited to the demo accounts")
struct DemoCaseWebTests {
    /// 2026-11-27 16:00 China time, the web fixture's today.
    static let now = Date(timeIntervalSince1970: 1_795_766_400)

    @Test(arguments: TestDatabase.enabled)
    func historyOnTheScreens(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let plan = DemoDistrict.plan(DemoConfig(grids: 4, today: SimpleDate(year: 2026, month: 11, day: 27)!))
            let written = try await DemoLoader(app.db, cipher: app.keys.cipher).loadCases(plan: plan, days: 20, now: Self.now)
            #expect(written > 50)
            let sql = app.db as! any SQLDatabase

            // Steps are credited to the demo accounts whose role and place fit.
            for username in ["operator", "center", "department", "police", "gridworker"] {
                let account = try #require(try await AccountRepository(app.db).find(username: username))
                let n = try await sql.raw("SELECT COUNT(*) AS n FROM case_events WHERE actor_id = \(bind: account.id)").first()?.decode(column: "n", as: Int.self)
                #expect((n ?? 0) > 0, "\(username) took steps")
            }

            // MUT: the first street's operator opens the queues and a waiting case, and accepts it.
            var op = try await Browser.login(app, as: "operator")
            let queue = try await op.get("/cases")
            #expect(queue.status == .ok && !queue.body.string.contains("待受理 (0)"))
            let street = try await WebFixture.unit(app, plan.units.first { $0.level == .street }!.code)
            let other = try await WebFixture.unit(app, plan.units.last { $0.level == .street }!.code)
            struct Row: Decodable { var id: UUID; var version: Int }
            let waiting = try #require(
                try await sql.raw(
                    """
                    SELECT id, version FROM cases WHERE state = 'reported' \
                    AND unit_id IN (SELECT id FROM units WHERE path LIKE \(bind: street.path + "%")) LIMIT 1
                    """
                ).first(decoding: Row.self))
            let page = try await op.get("/cases/\(waiting.id)")
            #expect(page.status == .ok)
            let accepted = try await op.post("/cases/\(waiting.id)/act", form: ["action": "accept", "version": "\(waiting.version)"])

            // validate
            #expect(accepted.status == .seeOther)
            let elsewhere = try #require(
                try await sql.raw("SELECT id, version FROM cases WHERE unit_id IN (SELECT id FROM units WHERE path LIKE \(bind: other.path + "%")) LIMIT 1")
                    .first(decoding: Row.self))
            #expect(try await op.get("/cases/\(elsewhere.id)").status == .notFound, "another street's case is out of scope")
        }
    }
}

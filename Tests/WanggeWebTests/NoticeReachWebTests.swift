import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Targeted notices on the web: publishing to buildings and care groups, reach per household, the printed sheet, the grid's feed")
struct NoticeReachWebTests {
    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }

    /// The operator's community and one of its buildings, and a building of the other street's community.
    static func places(_ app: Application) async throws -> (community: UnitRow, grid: UnitRow, building: BuildingRow, foreign: BuildingRow, other: UnitRow) {
        let communities = try await UnitRepository(app.db).all(in: .everything, level: .community).sorted { $0.code < $1.code }
        let reach = NoticeReachRepository(app.db)
        let building = try #require(try await reach.buildings(under: communities[0], limit: 1).first)
        let foreign = try #require(try await reach.buildings(under: communities[1], limit: 1).first)
        let grid = try await UnitRepository(app.db).get(try #require(building.unitID), in: .everything)
        return (communities[0], grid, building, foreign, communities[1])
    }

    static func count(_ app: Application, _ query: SQLQueryString) async throws -> Int {
        try await sql(app).raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("an operator publishes to a building once, sees its reach by household and records the posting; another community's building is refused", arguments: TestDatabase.enabled)
    func publishAndReach(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, building, foreign, other) = try await Self.places(app)
            var op = try await Browser.login(app, as: "operator")
            let page = try await op.get(SiteURL.notices(community.id).path)
            #expect(page.status == .ok && page.body.string.contains("name=\"audience\"") && page.body.string.contains(building.name))
            let form = [
                "title": "楼道粉刷通知", "body": "本周六粉刷楼道，请勿堆放杂物。", "audience": "buildings", "building_ids[]": building.id.uuidString,
                "request_key": "web-test-1",
            ]
            // MUT
            let published = try await op.post(SiteURL.notices(community.id).path, form: form)
            let repeated = try await op.post(SiteURL.notices(community.id).path, form: form)
            var outside = form
            (outside["building_ids[]"], outside["request_key"]) = (foreign.id.uuidString, "web-test-2")
            let refused = try await op.post(SiteURL.notices(community.id).path, form: outside)
            var elsewhere = form
            elsewhere["request_key"] = "web-test-3"
            let notMine = try await op.post(SiteURL.notices(other.id).path, form: elsewhere)
            // validate
            #expect(published.status == .seeOther && repeated.headers.first(name: .location) == published.headers.first(name: .location))
            let notices = try await Self.count(app, "SELECT COUNT(*) AS n FROM notices WHERE title = '楼道粉刷通知'")
            let audits = try await Self.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'notice.publish'")
            #expect(notices == 1 && audits == 1, "the form sent twice publishes (and is audited) once")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("reach.building_outside")))
            #expect(notMine.status == .notFound)
            let id = try #require(published.headers.first(name: .location).flatMap { UUID(uuidString: String($0.split(separator: "/").last ?? "")) })

            // The reach page: every household of the building, addresses masked, no phone.
            let households = try await Self.count(app, "SELECT COUNT(*) AS n FROM households WHERE building_id = \(bind: building.id)")
            let withPhone = try await Self.count(
                app,
                """
                SELECT COUNT(*) AS n FROM households h WHERE h.building_id = \(bind: building.id) AND EXISTS \
                (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.phone IS NOT NULL AND r.phone <> '' AND r.anonymised_at IS NULL)
                """)
            #expect(households > 0)
            let reach = try await op.get(SiteURL.noticeReach(id).path)
            let html = reach.body.string
            #expect(reach.status == .ok && html.contains(L10n.t("reach.households_total", households, withPhone, households - withPhone)))
            #expect(OpennessWebTests.personalData(in: html).isEmpty)
            #expect(html.components(separatedBy: "<tr>").count - 1 == 1 + 1 + 1 + min(households, NoticeReachRepository.householdLimit), "header rows and one row a building and household")
            let queued = try await Self.count(app, "SELECT COUNT(*) AS n FROM notice_households WHERE notice_id = \(bind: id) AND state = 'queued'")
            #expect(queued == withPhone)

            let posted = try await op.post(SiteURL.noticePosted(id).path, form: ["building_id": building.id.uuidString])
            let postedForeign = try await op.post(SiteURL.noticePosted(id).path, form: ["building_id": foreign.id.uuidString])
            #expect(posted.status == .seeOther && postedForeign.status == .notFound, "a building outside the operator's part is not found")
            let after = try await op.get(SiteURL.noticeReach(id).path).body.string
            #expect(after.contains(L10n.t("reach.count_rate", households, 100)), "every household of a posted building counts as printed")
            let postings = try await Self.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'notice.posted'")
            #expect(postings == 1)

            let sheet = try await op.get(SiteURL.noticeSheet(id, building: building.id).path)
            #expect(sheet.status == .ok && sheet.body.string.contains("<svg") && sheet.body.string.contains("楼道粉刷通知"))
            #expect(sheet.body.string.contains(SiteURL.publicNotice(id).path) && sheet.body.string.contains(L10n.t("reach.sheet_posted_at", building.name)))
        }
    }

    @Test("the API lists notices with reach counts and publishes once per idempotency key, refusing bad input by field", arguments: TestDatabase.enabled)
    func api(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, _, foreign, _) = try await Self.places(app)
            var op = try await Browser.login(app, as: "operator")
            let body = #"{"title":"空巢老人体检","body":"周三上午社区卫生站免费体检","audience":"care_group","care_tag":"empty_nester"}"#
            let key: HTTPHeaders = ["Idempotency-Key": "api-test-1"]
            // MUT
            let first = try await op.api(.POST, "/api/v1/units/\(community.id)/notices", json: body, headers: key)
            let again = try await op.api(.POST, "/api/v1/units/\(community.id)/notices", json: body, headers: key)
            let badAudience = try await op.api(.POST, "/api/v1/units/\(community.id)/notices", json: #"{"title":"x","audience":"everyone"}"#)
            let badBuilding = try await op.api(
                .POST, "/api/v1/units/\(community.id)/notices", json: #"{"title":"x","audience":"buildings","building_ids":["\#(foreign.id.uuidString)"]}"#)
            let noTitle = try await op.api(.POST, "/api/v1/units/\(community.id)/notices", json: #"{"title":" "}"#)
            let list = try await op.api(.GET, "/api/v1/units/\(community.id)/notices")
            // validate
            #expect(first.status == .created && again.status == .created)
            let id = try #require(first.object["id"] as? String)
            #expect(again.object["id"] as? String == id)
            let expected = try await Self.count(
                app,
                """
                SELECT COUNT(DISTINCT h.id) AS n FROM households h JOIN residents r ON r.household_id = h.id JOIN resident_tags t ON t.resident_id = r.id \
                WHERE t.tag_key = 'empty_nester' AND r.anonymised_at IS NULL AND h.unit_id IN (SELECT id FROM units WHERE path LIKE \(bind: community.path + "%"))
                """)
            let reach = try #require(first.object["reach"] as? [String: Any])
            #expect(reach["households"] as? Int == expected && expected > 0)
            func field(_ r: TestingHTTPResponse) -> String? { (r.object["error"] as? [String: Any])?["field"] as? String }
            #expect(badAudience.status == .unprocessableEntity && field(badAudience) == "audience")
            #expect(badBuilding.status == .unprocessableEntity && field(badBuilding) == "building_ids")
            #expect(noTitle.status == .unprocessableEntity && field(noTitle) == "title")
            let items = try #require(list.json as? [[String: Any]])
            let listed = try #require(items.first { $0["id"] as? String == id })
            #expect((listed["reach"] as? [String: Any])?["households"] as? Int == expected && listed["audience"] as? String == "care_group")
        }
    }

    @Test("anonymous visitors read the grid's feed and a notice without personal data; a household's link records its opening once", arguments: TestDatabase.enabled)
    func publicPages(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, grid, building, _, _) = try await Self.places(app)
            let repo = NoticeRepository(app.db)
            let now = app.clock.now()
            let today = SimpleDate(now).description
            let toBuilding = try await repo.publish(
                title: "电梯检修", body: "周五电梯检修，联系人电话 13912345678", publishOn: today, expiresOn: nil, attachment: nil, to: community.id, by: "t", at: now,
                target: NoticeTarget(audience: .buildings, buildingIDs: [building.id]), in: .everything)
            let sensitive = try await repo.publish(
                title: "残疾人补贴发放", body: "请于周四领取", publishOn: today, expiresOn: nil, attachment: nil, to: community.id, by: "t", at: now,
                target: NoticeTarget(audience: .careGroup, careTag: "disabled"), in: .everything)
            var visitor = Browser(app)
            // MUT
            let feed = try await visitor.get(SiteURL.gridNotices(grid.code).path)
            let qr = try await visitor.get(SiteURL.report(grid.code).path)
            let page = try await visitor.get(SiteURL.publicNotice(toBuilding.id).path)
            let hidden = try await visitor.get(SiteURL.publicNotice(sensitive.id).path)
            let household = try #require(
                try await Self.sql(app).raw("SELECT token FROM notice_households WHERE notice_id = \(bind: sensitive.id)").first()?.decode(column: "token", as: String.self))
            let opened = try await visitor.get(SiteURL.noticeOpen(household).path)
            let openedAgain = try await visitor.get(SiteURL.noticeOpen(household).path)
            let guessed = try await visitor.get(SiteURL.noticeOpen(String(repeating: "0", count: 32)).path)
            let staffOnly = try await visitor.get(SiteURL.noticeReach(toBuilding.id).path)
            // validate
            #expect(feed.status == .ok && feed.body.string.contains("电梯检修") && !feed.body.string.contains("残疾人补贴发放"))
            #expect(OpennessWebTests.personalData(in: feed.body.string).isEmpty && !feed.body.string.contains("13912345678"))
            #expect(qr.body.string.contains(SiteURL.gridNotices(grid.code).path), "the grid's QR page links its feed")
            #expect(page.status == .ok && OpennessWebTests.personalData(in: page.body.string).isEmpty)
            #expect(hidden.status == .notFound)
            #expect(opened.status == .ok && opened.body.string.contains("残疾人补贴发放") && openedAgain.status == .ok)
            let counts = try await NoticeReachRepository(app.db).counts(of: [sensitive.id])[sensitive.id]
            #expect(counts?.opened == 1, "opened counts once")
            #expect(guessed.status == .notFound)
            #expect(staffOnly.status != .ok)
        }
    }

    @Test("a delivery round texts each household once through the configured sender, with its own link; a second round sends nothing", arguments: TestDatabase.enabled)
    func delivery(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, building, _, _) = try await Self.places(app)
            let now = app.clock.now()
            let n = try await NoticeRepository(app.db).publish(
                title: "电梯检修", body: "周五电梯检修", publishOn: SimpleDate(now).description, expiresOn: nil, attachment: nil, to: community.id, by: "t", at: now,
                target: NoticeTarget(audience: .buildings, buildingIDs: [building.id]), in: .everything)
            let queued = try await Self.count(app, "SELECT COUNT(*) AS n FROM notice_households WHERE notice_id = \(bind: n.id) AND channel = 'sms'")
            let sms = FakeSender()
            let email = FakeSender()
            var settings = NotificationSettings(environment: ["WANGGE_PUBLIC_URL": "https://wangge.example.cn"])
            settings.policy = DeliveryPolicy(maxAttempts: 3, baseDelay: 60, maxDelay: 600)
            let queue = NoticeReachRepository(app.db)
            // MUT
            let first = try await NotificationService.deliver(
                outbox: queue, senders: [.sms: sms, .email: email], settings: settings, clock: app.clock, logger: app.logger, batch: 7)
            let second = try await NotificationService.deliver(
                outbox: queue, senders: [.sms: sms, .email: email], settings: settings, clock: app.clock, logger: app.logger)
            // validate
            #expect(queued > 7, "more than one batch")
            #expect(first.sent == queued && first.failed == 0 && second.sent == 0)
            #expect(sms.messages.count == queued && email.messages.isEmpty)
            #expect(Set(sms.messages.map(\.id)).count == queued, "one message a household")
            let links = Set(sms.messages.compactMap { m in m.text.range(of: "https://wangge.example.cn/n/").map { String(m.text[$0.upperBound...]) } })
            #expect(links.count == queued && links.allSatisfy(NoticeToken.isWellFormed))
            let counts = try await queue.counts(of: [n.id])[n.id]
            #expect(counts?.delivered == queued)
            app.metricsToken = "scrape-me"
            var scraper = Browser(app)
            let metrics = try await scraper.api(.GET, "/metrics", bearer: "scrape-me")
            #expect(metrics.body.string.contains("wangge_notifications{state=\"sent\"} \(queued)"))
        }
    }
}

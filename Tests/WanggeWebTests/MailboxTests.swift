import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Mailbox and online inquiry (区长信箱、网络问政): a public letter opens a case the writer can follow")
struct MailboxTests {
    static let letter = [
        "kind": "complaint", "subject": "夜间施工噪音", "content": "工地每晚十一点后仍在施工，影响休息。",
        "name": "王女士", "phone": "13900002222", "address": "幸福路8号",
    ]

    @Test("a letter becomes a district-level case; the tracking page shows it", arguments: TestDatabase.enabled)
    func letterToTracking(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var writer = Browser(app)
            let login = try await writer.get("/login")
            #expect(login.body.string.contains("href=\"/mailbox\""), "the public landing page links the mailbox")
            let form = try await writer.get("/mailbox")
            #expect(form.status == .ok)
            for k in MailboxKind.allCases { #expect(form.body.string.contains("value=\"\(k.rawValue)\"")) }
            // MUT
            let sent = try await writer.post("/mailbox", form: Self.letter)
            // validate
            #expect(sent.status == .created)
            let code = try #require(CaseFlowTests.trackingCode(in: sent.body.string))
            #expect(sent.body.string.contains("/t/\(code)"), "the receipt links the tracking page")
            let row = try await CaseFlowTests.caseRow(app, code)
            #expect(row.channel == .mailbox && row.categoryKey == "appeal.complaint" && row.unitID == nil && row.level == .district)
            #expect(row.title == "夜间施工噪音" && row.reporterName == "王女士" && row.reporterPhone == "13900002222" && row.address == "幸福路8号")
            #expect(row.departmentKey == "street_governance", "the complaint category's department")
            let tracking = try await writer.get("/t/\(code)")
            #expect(tracking.status == .ok)
            #expect(tracking.body.string.contains("工地每晚十一点后仍在施工") && tracking.body.string.contains("投诉"))
            #expect(!tracking.body.string.contains("13900002222"))
            // A district-wide account sees it in the queue; it is audited as a resident's report.
            var leader = try await Browser.login(app, as: "leader")
            #expect(try await leader.get("/cases").body.string.contains(TrackingCode.display(code)))
            let audited = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_id = \(bind: row.id.uuidString)")
                .first()?.decode(column: "n", as: Int.self)
            #expect(audited == 1)
            // The district's command centre receives it in 待受理 and accepts it; a street operator never sees it.
            var center = try await Browser.login(app, as: "center")
            #expect(try await center.get("/cases?queue=to_accept").body.string.contains(TrackingCode.display(code)))
            _ = try await center.get("/cases/\(row.id.uuidString)")
            #expect(try await center.post("/cases/\(row.id.uuidString)/act", form: ["action": "accept", "version": "1"]).status == .seeOther)
            var street = try await Browser.login(app, as: "operator")
            #expect(try await street.get("/cases/\(row.id.uuidString)").status == .notFound)

            try await writer.get("/mailbox")
            let inquiry = try await writer.post("/mailbox", form: ["kind": "inquiry", "subject": "低保政策", "content": "请问低保怎么申请？"])
            let asked = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: inquiry.body.string)))
            #expect(asked.categoryKey == "appeal.policy_inquiry" && asked.reporterName == nil && asked.reporterPhone == nil)
        }
    }

    @Test("a bad letter comes back with the field named and nothing stored", arguments: TestDatabase.enabled)
    func validation(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var writer = Browser(app)
            try await writer.get("/mailbox")
            let before = try await WebFixture.count(app, "cases")
            let bad: [([String: String], String)] = [
                (["subject": ""], "\(L10n.t("mailbox.field.subject")): \(L10n.t("mailbox.subject_required"))"),
                (["content": "  "], "\(L10n.t("mailbox.field.content")): \(L10n.t("case.description_required"))"),
                (["phone": "12345"], "\(L10n.t("case.field.phone")): \(L10n.t("case.bad_phone"))"),
                (["kind": "praise"], "\(L10n.t("mailbox.field.kind")): \(L10n.t("mailbox.bad_kind"))"),
                (["subject": String(repeating: "长", count: 101)], "\(L10n.t("mailbox.field.subject")): \(L10n.t("case.too_long", "100"))"),
            ]
            for (changes, message) in bad {
                let res = try await writer.post("/mailbox", form: Self.letter.merging(changes) { $1 })
                #expect(res.status == .unprocessableEntity, "\(changes)")
                #expect(res.body.string.contains(HTML.escape(message)), "\(changes): \(message)")
                #expect(res.body.string.contains(HTML.escape(Self.letter["address"]!)), "what was written comes back")
            }
            #expect(try await WebFixture.count(app, "cases") == before)

            // A kind whose category is out of use leaves the form and is refused.
            _ = try await CaseSetupRepository(app.db).setActive("appeal.suggestion", false)
            #expect(!(try await writer.get("/mailbox").body.string.contains("value=\"suggestion\"")))
            let refused = try await writer.post("/mailbox", form: Self.letter.merging(["kind": "suggestion"]) { $1 })
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("case.category_inactive")))
            #expect(try await WebFixture.count(app, "cases") == before)
        }
    }

    @Test("a letter sent twice makes one case; a letter without the form's token is refused", arguments: TestDatabase.enabled)
    func replay(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var writer = Browser(app)
            try await writer.get("/mailbox")
            let token = writer.submission
            #expect(!token.isEmpty, "the form carries a one-time token")
            let first = try await writer.post("/mailbox", form: Self.letter.merging(["submission": token]) { $1 })
            #expect(first.status == .created)
            let code = try #require(CaseFlowTests.trackingCode(in: first.body.string))
            let again = try await writer.post("/mailbox", form: Self.letter.merging(["submission": token]) { $1 })
            #expect(again.status == .conflict && again.body.string.contains("/t/\(code)"), "the second post is told the first case")
            #expect(try await writer.post("/mailbox", form: Self.letter.merging(["submission": "forged"]) { $1 }).status == .badRequest)
            #expect(try await WebFixture.count(app, "cases") == 1)
        }
    }

    @Test("the hidden field stops bots; one address is limited over the mailbox and the QR page together", arguments: TestDatabase.enabled)
    func abuse(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var writer = Browser(app)
            try await writer.get("/mailbox")
            let bot = try await writer.post("/mailbox", form: Self.letter.merging(["website": "http://spam.example"]) { $1 })
            #expect(bot.status == .badRequest)
            #expect(try await WebFixture.count(app, "cases") == 0)
            let denied = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied' AND detail LIKE '%mailbox%'")
                .first()?.decode(column: "n", as: Int.self)
            #expect(denied == 1, "the bot is in the audit log")
            try await writer.get("/mailbox")
            #expect(try await writer.post("/mailbox", form: Self.letter, csrf: false).status == .forbidden, "a form from another site is refused")

            for i in 0..<ResidentCaseController.reportsPerHour {
                try await writer.get("/mailbox")
                #expect(try await writer.post("/mailbox", form: Self.letter.merging(["subject": "第\(i)封"]) { $1 }).status == .created)
            }
            try await writer.get("/mailbox")
            #expect(try await writer.post("/mailbox", form: Self.letter).status == .tooManyRequests)
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            try await writer.get("/r/\(grid.code)")
            #expect(try await writer.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": "再报一次"]).status == .tooManyRequests)
            #expect(try await WebFixture.count(app, "cases") == ResidentCaseController.reportsPerHour)
            app.testClock.advance(3601)
            try await writer.get("/mailbox")
            #expect(try await writer.post("/mailbox", form: Self.letter).status == .created, "the limit is per hour")
        }
    }
}

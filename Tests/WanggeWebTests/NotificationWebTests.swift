import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport

@testable import WanggeWeb

/// A sender for tests: fails the first `failures` sends (all of them when nil), records the rest.
final class FakeSender: NoticeSender, @unchecked Sendable {
    private let lock = NSLock()
    private var failuresLeft: Int?
    private var delivered: [OutgoingNotice] = []

    let unreachable: Bool

    init(failures: Int? = 0, unreachable: Bool = false) {
        failuresLeft = failures
        self.unreachable = unreachable
    }

    var messages: [OutgoingNotice] { lock.withLock { delivered } }

    func send(_ message: OutgoingNotice) async throws {
        try lock.withLock {
            if let n = failuresLeft, n <= 0 {
                delivered.append(message)
                return
            }
            failuresLeft = failuresLeft.map { $0 - 1 }
            throw NoticeFailure(description: unreachable ? "connection refused" : "HTTP 503 gateway busy", unreachable: unreachable)
        }
    }
}

@Suite("Notifications over HTTP: the outbox page, scope, delivery rounds, retry by hand")
struct NotificationWebTests {
    static let category = "city_appearance.exposed_garbage"

    /// A case in `grid` with a phone, reported and accepted: one SMS notice queued.
    static func acceptedCase(_ app: Application, in grid: UnitRow, phone: String = "13800001111", email: String? = nil) async throws -> CaseRow {
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        var draft = CaseIntake(
            categoryKey: category, channel: .hotline, title: "", description: "路边垃圾堆积", point: grid.area?.interiorPoint, reporterPhone: phone)
        draft.reporterEmail = email
        let c = try await repo.intake(draft, actor: CaseActor(id: nil, name: "受理员", role: .operator_), at: app.clock.now())
        return try await repo.apply(.accept(), to: c.id, actor: CaseActor(id: nil, name: "受理员", role: .operator_), in: .everything, at: app.clock.now())
    }

    static func grids(_ app: Application) async throws -> [UnitRow] {
        try await UnitRepository(app.db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
    }

    static func round(_ app: Application, _ senders: [NoticeChannel: any NoticeSender], attempts: Int = 3) async throws -> NotificationService.Round {
        var settings = NotificationSettings(environment: ["WANGGE_PUBLIC_URL": "https://wangge.example.cn"])
        settings.policy = DeliveryPolicy(maxAttempts: attempts, baseDelay: 60, maxDelay: 600)
        return try await NotificationService.deliver(
            outbox: NotificationOutbox(app.db, cipher: app.keys.cipher), senders: senders, settings: settings, clock: app.clock, logger: app.logger)
    }

    @Test("operators see their scope's outbox, queued while no sender is configured; other roles are refused", arguments: TestDatabase.enabled)
    func page(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: one case in the operator's street, one in the other street
            let grids = try await Self.grids(app)
            let mine = try await Self.acceptedCase(app, in: grids[0], email: "li@example.cn")
            let theirs = try await Self.acceptedCase(app, in: grids[3], phone: "13900009999")

            // MUT
            var op = try await Browser.login(app, as: "operator")
            let page = try await op.get("/notifications")
            let body = page.body.string

            // validate
            #expect(page.status == .ok)
            #expect(body.contains(TrackingCode.display(mine.trackingCode)) && !body.contains(TrackingCode.display(theirs.trackingCode)), "scoped by the case's grid")
            #expect(body.contains("138****1111") && !body.contains("13800001111"), "the recipient is masked")
            #expect(body.contains("**@example.cn") && !body.contains("li@example.cn"))
            #expect(body.contains(L10n.t("notify.state.queued")) && body.contains(L10n.t("notify.no_sender", L10n.t("notify.channel.sms"))))
            #expect(!body.contains("<span class=\"badge\">\(L10n.t("notify.state.sent"))</span>"), "nothing pretends to be sent")
            let casePage = try await op.get("/cases/\(mine.id)")
            #expect(casePage.body.string.contains(L10n.t("notify.case_section")) && casePage.body.string.contains(L10n.t("notify.kind.accepted")))

            var worker = try await Browser.login(app, as: "gridworker")
            let refused = try await worker.get("/notifications")
            #expect(refused.status == .forbidden)
            var admin = try await Browser.login(app, as: "admin")
            let adminPage = try await admin.get("/notifications")
            #expect(adminPage.status == .ok && adminPage.body.string.contains(TrackingCode.display(theirs.trackingCode)), "the district's administrator sees all")
        }
    }

    @Test("a failing sender is retried with backoff until it takes the notice, once", arguments: TestDatabase.enabled)
    func retries(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grids = try await Self.grids(app)
            let c = try await Self.acceptedCase(app, in: grids[0])
            let sms = FakeSender(failures: 2)

            let first = try await Self.round(app, [.sms: sms])
            let early = try await Self.round(app, [.sms: sms])
            app.testClock.advance(60)
            let second = try await Self.round(app, [.sms: sms])
            app.testClock.advance(119)
            let tooSoon = try await Self.round(app, [.sms: sms])
            app.testClock.advance(1)
            let third = try await Self.round(app, [.sms: sms])
            app.testClock.advance(86400)
            let after = try await Self.round(app, [.sms: sms])

            #expect(first == .init(sent: 0, failed: 1) && early == .init())
            #expect(second == .init(sent: 0, failed: 1) && tooSoon == .init(), "the second wait is twice the first")
            #expect(third == .init(sent: 1, failed: 0) && after == .init(), "sent once, never again")
            let message = try #require(sms.messages.first)
            #expect(sms.messages.count == 1 && message.address == "13800001111")
            #expect(message.text.contains(TrackingCode.display(c.trackingCode)) && message.text.contains("https://wangge.example.cn/t/\(c.trackingCode)"))
        }
    }

    @Test("a sender that cannot be reached stops its channel for the round, the rest given back untried; other channels go on", arguments: TestDatabase.enabled)
    func unreachable(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grids = try await Self.grids(app)
            _ = try await Self.acceptedCase(app, in: grids[0], email: "a@example.cn")
            _ = try await Self.acceptedCase(app, in: grids[1], phone: "13800002222", email: "b@example.cn")
            let down = FakeSender(failures: nil, unreachable: true)
            let mail = FakeSender()

            let round = try await Self.round(app, [.sms: down, .email: mail])

            #expect(round == .init(sent: 2, failed: 1), "one text message tried, both e-mails sent")
            let items = try await NotificationOutbox(app.db, cipher: app.keys.cipher).list(in: .everything)
            let sms = items.filter { $0.channel == .sms }.map(\.delivery)
            #expect(sms.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.queued, .retrying])
            #expect(sms.first { $0.state == .queued }?.attempts == 0, "the untried one is not charged an attempt")
            #expect(mail.messages.count == 2)
        }
    }

    @Test("after the last attempt the notice is a dead letter on the page, and 立即重发 (audited) sends it", arguments: TestDatabase.enabled)
    func deadLetter(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grids = try await Self.grids(app)
            let c = try await Self.acceptedCase(app, in: grids[0])
            let broken = FakeSender(failures: nil)
            for _ in 0..<3 {
                _ = try await Self.round(app, [.sms: broken])
                app.testClock.advance(600)
            }
            var op = try await Browser.login(app, as: "operator")
            let dead = try await op.get("/notifications?state=dead")
            #expect(dead.body.string.contains(TrackingCode.display(c.trackingCode)) && dead.body.string.contains("HTTP 503 gateway busy"))
            #expect(dead.body.string.contains(L10n.t("notify.retry")))
            let deadLetters = try await NotificationOutbox(app.db, cipher: app.keys.cipher).list(in: .everything, state: .dead)
            let item = try #require(deadLetters.first)

            let forged = try await op.post("/notifications/\(item.id)/retry", form: [:], csrf: false)
            #expect(forged.status == .forbidden, "the form needs its CSRF token")
            let retried = try await op.post("/notifications/\(item.id)/retry", form: [:])
            #expect(retried.status == .seeOther)
            let audited = try await (app.db as! any SQLDatabase).raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'notification.retry' AND object_id = \(bind: item.id.uuidString) AND outcome = 'ok'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(audited == 1)

            let fixed = FakeSender()
            let round = try await Self.round(app, [.sms: fixed])
            #expect(round.sent == 1 && fixed.messages.count == 1)
            let again = try await op.post("/notifications/\(item.id)/retry", form: [:])
            #expect(again.status == .conflict, "only a dead letter is sent again")
        }
    }

    @Test("Open311 keeps a valid e-mail and refuses a bad one", arguments: TestDatabase.enabled)
    func open311Email(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grids = try await Self.grids(app)
            let point = try #require(grids[0].area?.interiorPoint)
            let key = try await ApiKeyRepository(app.db).create(name: "notify-test", now: app.clock.now()).key
            var client = Browser(app)
            let fields = [
                "api_key": key, "service_code": Self.category, "lat": String(point.lat), "long": String(point.lon), "description": "垃圾",
                "email": "wang@example.cn",
            ]
            let ok = try await client.post("/open311/v2/requests.json", form: fields, csrf: false)
            #expect(ok.status == .ok || ok.status == .created)
            let stored = try await (app.db as! any SQLDatabase).raw("SELECT id FROM cases WHERE channel = 'open311'").all()
            let id = try #require(try stored.first?.decode(column: "id", as: UUID.self))
            let row = try await CaseRepository(app.db, cipher: app.keys.cipher).get(id, in: .everything)
            #expect(row.reporterEmail == "wang@example.cn")
            var bad = fields
            bad["email"] = "wang@"
            let refused = try await client.post("/open311/v2/requests.json", form: bad, csrf: false)
            #expect(refused.status == .badRequest && refused.body.string.contains("email"))
        }
    }
}

@Suite("Mail and SMS formats")
struct NotificationFormatTests {
    @Test("the subject is RFC 2047 encoded words of at most 75 characters; the body is base64; lines starting with a dot are doubled")
    func mail() throws {
        let subject = "您反映的问题 ABCD-EFGH：已办结，请评价。感谢您对网格化服务管理工作的支持与监督"
        let encoded = MailMessage.encodedHeader(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1 && words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map { w -> String in
            let b64 = String(w.dropFirst(10).dropLast(2))
            return String(decoding: Data(base64Encoded: b64) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailMessage.encodedHeader("Plain subject") == "Plain subject")

        let m = MailMessage(from: "wangge@example.cn", to: "li@example.cn", subject: "测试", body: "【网格】已受理", date: Date(timeIntervalSince1970: 0), messageID: "x@example.cn")
        let text = m.rendered
        #expect(text.contains("Content-Transfer-Encoding: base64\r\n") && text.contains("Date: Thu, 01 Jan 1970 08:00:00 +0800"))
        let body = try #require(text.components(separatedBy: "\r\n\r\n").last)
        #expect(String(decoding: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")) ?? Data(), as: UTF8.self) == "【网格】已受理")
        #expect(MailMessage.dotStuffed("a\n.b\r\n..c\n") == "a\r\n..b\r\n...c\r\n.\r\n")
    }

    @Test("SMTP replies, single and multi-line")
    func replies() {
        #expect(SMTPReply.parse("250-example.cn")?.last == false)
        #expect(SMTPReply.parse("250 OK")?.last == true && SMTPReply.parse("250 OK")?.code == 250)
        #expect(SMTPReply.parse("354") != nil && SMTPReply.parse("hello") == nil && SMTPReply.parse("250x") == nil)
    }

    @Test("the SMS template's placeholders are filled escaped for its content type")
    func smsTemplate() {
        let json = SMSGatewaySettings(url: "http://x", template: SMSGatewaySettings.defaultTemplate, contentType: "application/json")
        #expect(json.body(phone: "13800001111", text: "说\"好\"\n", code: "C", id: "1") == #"{"phone":"13800001111","text":"说\"好\"\n"}"#)
        let form = SMSGatewaySettings(url: "http://x", template: "to={phone}&msg={text}", contentType: "application/x-www-form-urlencoded")
        #expect(form.body(phone: "138", text: "a b&c", code: "C", id: "1") == "to=138&msg=a%20b%26c")
    }

    @Test("settings from the environment: no sender unless configured")
    func settings() {
        let none = NotificationSettings(environment: [:])
        #expect(none.channels.isEmpty && none.policy == DeliveryPolicy() && none.publicBaseURL == nil)
        let both = NotificationSettings(environment: [
            "WANGGE_SMTP_HOST": "127.0.0.1", "WANGGE_SMTP_PORT": "2525", "WANGGE_SMS_URL": "http://127.0.0.1:9/sms", "WANGGE_NOTIFY_MAX_ATTEMPTS": "3",
            "WANGGE_NOTIFY_BACKOFF_SECONDS": "1",
        ])
        #expect(both.channels == [.sms, .email] && both.smtp?.port == 2525 && both.policy.maxAttempts == 3 && both.policy.baseDelay == 1)
    }
}

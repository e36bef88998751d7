import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// Regressions for what probing the running server found: each finding has its test here, on both
/// databases where storage is involved.
@Suite("Security findings: crashes, stalls, public chains, unmask gate, separation of duties, redirects")
struct SecurityFindingsTests {
    /// Values no numeric parameter may accept (each must give a 4xx, never a crash or a 5xx).
    static let extremes = ["0", "-1", String(Int.max), "1" + String(repeating: "0", count: 30), "1e9", "NaN", "307445734561825862"]

    @Test("every numeric parameter refuses extreme values with a 4xx; the server keeps answering", arguments: TestDatabase.enabled)
    func extremeNumbers(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            var worker = try await Browser.login(app, as: "gridworker")
            var auditor = try await Browser.login(app, as: "auditor")
            let pages: [(String, String)] = [("/residents?q=%E5%BC%A0&page=", "page"), ("/units/\(grid.id.uuidString)?page=", "page")]
            let apis: [(String, String)] = [("/api/v1/residents?limit=", "limit"), ("/api/v1/residents?offset=", "offset")]
            for value in Self.extremes {
                let v = WebFixture.percentEncoded(value)
                for (path, name) in pages where !(name == "page" && value == "1") {
                    // MUT
                    let res = try await worker.get(path + v)
                    // validate
                    #expect((400..<500).contains(res.status.code), "\(path)\(value) → \(res.status)")
                }
                for (path, name) in apis where !(name == "offset" && value == "0") {
                    let res = try await worker.api(.GET, path + v)
                    #expect(res.status == .badRequest && res.apiError["field"] as? String == name, "\(path)\(value) → \(res.status)")
                }
                #expect((400..<500).contains(try await auditor.get("/audit?page=" + v).status.code), "audit page \(value)")
                let auditAPI = try await auditor.api(.GET, "/api/v1/audit?limit=" + v)
                #expect(auditAPI.status == .badRequest, "audit api \(value)")
                _ = try await worker.get("/account")
                let token = try await worker.post("/account/tokens", form: ["name": "t\(value.prefix(5))", "days": value, "scopes[]": "register:read"])
                #expect((400..<500).contains(token.status.code), "token days \(value) → \(token.status)")
            }
            // Numbers in forms: a step's version, coordinates on the entry form and over Open311.
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let sent = try await resident.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": "数值边界测试"])
            let row = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: sent.body.string)))
            var op = try await Browser.login(app, as: "operator")
            let key = try await Open311Tests.key(app)
            for value in Self.extremes {
                _ = try await op.get("/cases/\(row.id.uuidString)")
                let step = try await op.post("/cases/\(row.id.uuidString)/act", form: ["action": "accept", "version": value])
                #expect((400..<500).contains(step.status.code), "version \(value) → \(step.status)")
                let post = try await Open311Client(app: app).post(form: [
                    "api_key": key, "service_code": Open311Tests.garbage, "lat": value, "long": value,
                    "description": "数值边界",
                ])
                #expect((400..<500).contains(post.status.code), "Open311 lat/long \(value) → \(post.status)")
                guard !["0", "-1"].contains(value) else { continue }  // (0, 0) and (-1, -1) are points on Earth
                _ = try await worker.get("/cases/new")
                let entry = try await worker.post("/cases/new", form: ["category": CaseFlowTests.category, "description": "数值边界", "lon": value, "lat": value])
                #expect((400..<500).contains(entry.status.code), "entry lon/lat \(value) → \(entry.status)")
            }
            #expect(try await CaseRepository(app.db, cipher: app.keys.cipher).get(row.id, in: .everything).state == .reported)

            // The largest value the probe used, on each of the three routes that crashed the process.
            #expect(try await worker.get("/residents?page=307445734561825862").status == .badRequest)
            #expect(try await worker.get("/units/\(grid.id.uuidString)?page=307445734561825862").status == .badRequest)
            #expect(try await auditor.get("/audit?page=184467440737095518").status == .badRequest)
            #expect(try await worker.get("/residents?page=2").status == .ok, "a real page still works")
        }
    }

    @Test("a public report is refused before its body is read: attempts past the limit, a body past the limit")
    func uploadsRefusedEarly() async throws {
        try await withApp(.sqlite) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            var bot = Browser(app)
            try await bot.get("/r/\(grid.code)")
            var big: TestingHTTPResponse!
            try await app.testing().test(
                .POST, "/r/\(grid.code)",
                beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=x")
                    req.body = ByteBuffer(repeating: 0x41, count: 26 * 1024 * 1024)
                }, afterResponse: { big = $0 })
            // MUT: a bot posts with the hidden field filled, again and again
            var statuses: [HTTPStatus] = []
            for _ in 0..<(ResidentCaseController.attemptsPerHour + 2) {
                let res = try await bot.postPhotos(
                    "/r/\(grid.code)", fields: ["category": CaseFlowTests.category, "description": "广告", "website": "http://spam"],
                    photos: [PhotoFixture.File(name: "a.jpg", bytes: PhotoFixture.jpeg(size: 64 * 1024))])
                statuses.append(res.status)
            }
            // validate
            // The oversized post counted as an attempt too.
            #expect(statuses.prefix(ResidentCaseController.attemptsPerHour - 1).allSatisfy { $0 == .badRequest })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests }, "counted before the body: \(statuses.suffix(3))")
            #expect(try await WebFixture.count(app, "cases") == 0)
            let honeypots = try await auditRows(app, action: "case.report").filter { $0.detail.contains("honeypot") }
            #expect(honeypots.count == ResidentCaseController.anonymousAuditsPerHour, "a bot cannot fill the audit log")
            #expect(big.status == .payloadTooLarge)
        }
    }

    @Test("the tracking page scrubs personal data; the public Open311 id opens nothing; only the tracking code rates", arguments: TestDatabase.enabled)
    func publicChain(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let secret = "电话13912345678，身份证110105194912310021，备用138.1234.5678、一三八一二三四五六七八"
            let sent = try await resident.post("/r/\(grid.code)", form: ["category": CaseFlowTests.category, "description": secret])
            let code = try #require(CaseFlowTests.trackingCode(in: sent.body.string))
            let row = try await CaseFlowTests.caseRow(app, code)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let op = CaseActor(id: nil, name: "受理员", role: .operator_)
            try await repo.apply(.accept(), to: row.id, actor: op, in: .everything, at: app.clock.now())
            try await repo.apply(.close(note: "已处理，回电 13800001111"), to: row.id, actor: op, in: .everything, at: app.clock.now())
            // MUT
            let listed = try await Open311Client(app: app).get("/open311/v2/requests.json?status=closed")
            var reader = Browser(app)
            let page = try await reader.get("/t/\(code)")
            var stranger = Browser(app)
            let byPublic = try await stranger.get("/t/\(row.publicCode)")
            try await stranger.get("/mailbox")
            let rateByPublic = try await stranger.post("/t/\(row.publicCode)/rate", form: ["rating": "dissatisfied"])
            // validate
            #expect(listed.body.string.contains(row.publicCode) && !listed.body.string.contains(code), "lists show the public id only")
            #expect(page.status == .ok)
            for leak in ["13912345678", "110105194912310021", "138.1234.5678", "一三八一二三四五六七八", "13800001111"] {
                #expect(!page.body.string.contains(leak), "the tracking page shows \(leak)")
            }
            #expect(byPublic.status == .notFound && rateByPublic.status == .notFound)
            #expect(try await repo.byTrackingCode(code)?.state == .closed, "nobody but the reporter rated")
        }
    }

    @Test("every path to unmasked data needs the role, the token scope and a reason", arguments: TestDatabase.enabled)
    func unmaskGate(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let (person, _) = try await RightsFixture.people(app)
            var worker = try await Browser.login(app, as: "gridworker")
            _ = try await worker.get("/account")
            func token(_ scope: String) async throws -> String {
                let page = try await worker.post("/account/tokens", form: ["name": "t-\(scope)", "scopes[]": scope])
                let html = page.body.string
                guard let found = html.range(of: #"wg_[0-9a-f]{64}"#, options: .regularExpression) else {
                    Issue.record("no token on the page: \(page.status)")
                    return ""
                }
                return String(html[found])
            }
            let writeOnly = try await token("register:write")
            let reveal = try await token("personal:reveal")
            let path = "/api/v1/residents/\(person.id.uuidString)/reveal"
            // MUT
            var device = Browser(app)
            let byWriteToken = try await device.api(.POST, path, json: #"{"reason": "入户走访核对"}"#, bearer: writeOnly)
            let byRevealToken = try await device.api(.POST, path, json: #"{"reason": "入户走访核对"}"#, bearer: reveal)
            let bulkNoReason = try await worker.api(.GET, "/api/v1/export/residents?unmasked=true")
            let bulkBadFlag = try await worker.api(.GET, "/api/v1/export/residents?unmasked=maybe")
            var op = try await Browser.login(app, as: "operator")
            let bulk = try await op.api(.GET, "/api/v1/export/residents?unmasked=1&reason=%E6%95%B0%E6%8D%AE%E6%A0%B8%E5%AF%B9")
            // validate
            #expect(byWriteToken.status == .forbidden && !byWriteToken.body.string.contains(person.idNumber ?? "-"))
            #expect(byRevealToken.status == .ok && byRevealToken.object["id_number"] as? String == person.idNumber)
            #expect(bulkNoReason.status == .unprocessableEntity && bulkNoReason.apiError["field"] as? String == "reason")
            #expect(bulkBadFlag.status == .badRequest)
            #expect(bulk.status == .ok)
            let unmasks = try await auditRows(app, action: "unmask")
            #expect(unmasks.map(\.outcome) == ["denied", "ok"])
            let exports = try await auditRows(app, action: "export").filter { $0.actor == "operator" }
            let rows = String(decoding: bulk.bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
            #expect(exports.count == 1 && exports[0].detail.contains("rows=\(rows)") && exports[0].detail.contains("reason=数据核对"))
        }
    }

    @Test("三权分立 holds: the system administrator cannot take over a privileged account; no duty is left without a holder", arguments: TestDatabase.enabled)
    func separationOfDuties(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let accounts = AccountRepository(app.db)
            let auditor = try #require(try await accounts.find(username: "auditor"))
            let security = try #require(try await accounts.find(username: "security"))
            var admin = try await Browser.login(app, as: "admin")
            _ = try await admin.get("/admin/accounts")
            // MUT 1: the system administrator goes for the auditor's and the security administrator's accounts
            let reset = try await admin.post("/admin/accounts/\(auditor.id.uuidString)/reset-password", form: [:])
            let disable = try await admin.post("/admin/accounts/\(security.id.uuidString)/disable", form: [:])
            let auditorAfterAdmin = try await accounts.find(auditor.id)
            // MUT 2: the chain: an ordinary account the administrator made (and knows the password of) is made an auditor
            let made = try await admin.post("/admin/accounts", form: ["username": "newaud", "display_name": "新审计", "role": "leader", "unit": WebFixture.districtCode])
            let known = try #require(
                made.body.string.range(of: #"<code class="secret">([^<]+)</code>"#, options: .regularExpression)
                    .map { String(made.body.string[$0]).replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression) })
            let newaud = try #require(try await accounts.find(username: "newaud"))
            var sec = try await Browser.login(app, as: "security")
            _ = try await sec.get("/admin/accounts")
            let promoted = try await sec.post("/admin/accounts/\(newaud.id.uuidString)/role", form: ["role": "auditor"])
            var thief = Browser(app)
            try await thief.get("/login")
            let takeover = try await thief.post("/login", form: ["username": "newaud", "password": known])
            // MUT 3: the security administrator tries to leave the audit duty without a holder
            try await accounts.setDisabled(newaud.id, true)
            let lastAuditor = try await sec.post("/admin/accounts/\(auditor.id.uuidString)/disable", form: [:])
            let demote = try await sec.post("/admin/accounts/\(auditor.id.uuidString)/role", form: ["role": "leader"])
            let secReset = try await sec.post("/admin/accounts/\(auditor.id.uuidString)/reset-password", form: [:])
            // validate
            #expect(reset.status == .forbidden && disable.status == .forbidden)
            #expect(auditorAfterAdmin?.passwordHash == auditor.passwordHash)
            #expect(try await accounts.find(security.id)?.isDisabled == false)
            #expect(promoted.status == .ok)
            #expect(takeover.status == .unauthorized, "the password its creator knew no longer opens the auditor account")
            #expect(lastAuditor.status == .forbidden && demote.status == .forbidden)
            let auditorNow = try await accounts.find(auditor.id)
            #expect(auditorNow?.role == .auditor && auditorNow?.isDisabled == false)
            #expect(secReset.status == .ok, "the security administrator looks after privileged accounts")
            let denied = try await auditRows(app, action: "account").filter { $0.outcome == "denied" }
            #expect(denied.count >= 3)
        }
    }

    @Test("log-in sends only to a path on this site, parsed not pattern-matched")
    func openRedirect() async throws {
        for bad in [
            "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/%2F/evil.example", "/%5Cevil.example",
            "/\n/evil.example", " /x", "javascript:alert(1)", "", "/x\u{0}y", "/ok/../\\evil",
        ] {
            #expect(LoginController.safeNext(bad) == nil, "\(bad.debugDescription)")
        }
        for good in ["/", "/units", "/residents?q=%E5%BC%A0&page=2", "/cases/0B8E5C07-6B0C-4E4F-9E8A-6E1B4E0B3D41"] {
            #expect(LoginController.safeNext(good) == good)
        }
        try await withApp(.sqlite) { app in
            var b = Browser(app)
            try await b.get("/login?next=/%09/evil.example")
            let res = try await b.post("/login", form: ["username": "gridworker", "password": DemoCommand.demoPassword, "next": "/\t/evil.example"])
            #expect(res.status == .seeOther && res.headers.first(name: .location) == "/")
        }
    }

    @Test("smaller holes: text limits, control characters, anonymous sessions, error-page headers, other sessions, lock-out from /account", arguments: TestDatabase.enabled)
    func smallerHoles(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let (person, _) = try await RightsFixture.people(app)
            let sessions = SessionRepository(app.db)
            let before = try await sessions.count()
            // MUT: anonymous looks
            for path in ["/login", "/r/\(grid.code)", "/mailbox", "/no/such/page"] {
                var visitor = Browser(app)
                _ = try await visitor.get(path)
            }
            // validate: no session row for someone who only looks
            #expect(try await sessions.count() == before)
            var visitor = Browser(app)
            let missing = try await visitor.get("/no/such/page")
            #expect(missing.status == .notFound && missing.headers.first(name: "Content-Security-Policy") != nil)
            #expect(missing.headers.first(name: "X-Frame-Options") == "DENY")

            // MUT: oversized and control-character text through the API
            var worker = try await Browser.login(app, as: "gridworker")
            let huge = String(repeating: "A", count: 5 * 1024 * 1024)
            let body = #"{"name":"\#(person.name)","document_number":"\#(huge)","residence_type":"registered"}"#
            let tooLong = try await worker.api(.PUT, "/api/v1/residents/\(person.id.uuidString)", json: body)
            let nul = try await worker.api(.PUT, "/api/v1/residents/\(person.id.uuidString)", json: #"{"name":"张\u0000三","residence_type":"registered"}"#)
            let rtl = try await worker.get("/residents?q=%E2%80%AE%E5%BC%A0")
            // validate
            #expect(tooLong.status == .badRequest && tooLong.apiError["field"] as? String == "document_number")
            #expect(nul.status == .badRequest && nul.apiError["field"] as? String == "name")
            #expect(rtl.status == .badRequest)
            let stored = try await ResidentRepository(app.db, cipher: app.keys.cipher).get(person.id, in: .everything)
            #expect(stored.name == person.name && stored.documentNumber == person.documentNumber)

            // MUT: a second session, then a password change in the first
            var other = try await Browser.login(app, as: "gridworker")
            #expect(try await other.get("/residents").status == .ok)
            _ = try await worker.get("/account")
            let changed = try await worker.post("/account", form: ["current": DemoCommand.demoPassword, "new": "Neu#Passwort9", "confirm": "Neu#Passwort9"])
            // validate
            #expect(changed.status == .ok)
            #expect(try await other.get("/residents").status == .seeOther, "the other session ended")
            #expect(try await worker.get("/residents").status == .ok, "the changing session stays")

            // MUT: wrong current passwords on /account count toward the lock-out
            var proxy = try await Browser.login(app, as: "proxy")
            _ = try await proxy.get("/account")
            var last: TestingHTTPResponse!
            for _ in 0..<app.policy.maxFailures {
                last = try await proxy.post("/account", form: ["current": "Wrong#pass1", "new": "Neu#Passwort9", "confirm": "Neu#Passwort9"])
            }
            // validate
            #expect(last.status == .seeOther && last.headers.first(name: .location) == "/login")
            let locked = try await AccountRepository(app.db).find(username: "proxy")
            #expect((locked?.lockedUntil ?? .distantPast) > app.clock.now())
        }
    }

    @Test("Open311 reads are rate-limited per address, weighted by the ids asked for")
    func open311ReadLimit() async throws {
        try await withApp(.sqlite, demo: false) { app in
            app.open311 = Open311Settings(environment: ["WANGGE_OPEN311_READS_PER_MINUTE": "5"])
            let client = Open311Client(app: app)
            var statuses: [HTTPStatus] = []
            for _ in 0..<5 { statuses.append(try await client.get("/open311/v2/requests/PZZZZZZZZ.json").status) }
            let batch = try await client.get("/open311/v2/requests.json?service_request_id=P2,P3,P4")
            #expect(statuses.allSatisfy { $0 == .notFound })
            #expect(batch.status == .tooManyRequests)
            app.testClock.advance(61)
            #expect(try await client.get("/open311/v2/requests/PZZZZZZZZ.json").status == .notFound, "a new minute, a new allowance")
        }
    }
}

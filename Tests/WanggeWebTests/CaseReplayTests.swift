import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Replayed submissions: one case per form, 409 with its tracking code; forged tokens 400")
struct CaseReplayTests {
    static let category = CaseFlowTests.category

    @Test("the QR form posted twice makes one case; the second answer is 409 with the first case's code", arguments: TestDatabase.enabled)
    func qrReplay(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let token = resident.submission
            #expect(!token.isEmpty)
            let form = ["category": Self.category, "description": "路灯不亮", "submission": token]
            let sent = try await resident.post("/r/\(grid.code)", form: form)
            #expect(sent.status == .created)
            let code = try #require(CaseFlowTests.trackingCode(in: sent.body.string))
            let again = try await resident.post("/r/\(grid.code)", form: form)
            #expect(again.status == .conflict)
            #expect(again.body.string.contains(TrackingCode.display(code)))
            #expect(again.body.string.contains(HTML.escape(L10n.t("submission.replayed", TrackingCode.display(code)))))
            #expect(try await WebFixture.count(app, "cases") == 1)

            // Forged, altered or missing tokens: 400, nothing made.
            let altered = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
            for bad in ["", "abc", "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", altered] {
                try await resident.get("/r/\(grid.code)")
                let res = try await resident.post("/r/\(grid.code)", form: ["category": Self.category, "description": "伪造", "submission": bad])
                #expect(res.status == .badRequest, "token \(bad)")
                #expect(res.body.string.contains(L10n.t("submission.bad")))
            }
            #expect(try await WebFixture.count(app, "cases") == 1)
        }
    }

    @Test("the staff entry form posted twice makes one case; 409 names it", arguments: TestDatabase.enabled)
    func staffReplay(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var op = try await Browser.login(app, as: "operator")
            let form = try await op.get("/cases/new")
            #expect(form.body.string.contains("name=\"submission\""))
            let fields = ["channel": "hotline", "category": Self.category, "description": "来电反映噪音", "submission": op.submission]
            #expect(try await op.post("/cases/new", form: fields).status == .seeOther)
            let again = try await op.post("/cases/new", form: fields)
            #expect(again.status == .conflict)
            let row = try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).queue(.toAccept, role: .operator_, in: .everything, now: app.clock.now()).rows.first)
            #expect(again.body.string.contains(TrackingCode.display(row.trackingCode)) && again.body.string.contains(SiteURL.caseDetail(row.id).path))
            #expect(try await WebFixture.count(app, "cases") == 1)
        }
    }

    @Test("two posts of one token at the same moment: one case, the other 409 with its code", arguments: TestDatabase.enabled)
    func concurrentReplay(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let fields = ["category": Self.category, "description": "同时提交两次", "submission": resident.submission, CSRF.field: resident.csrf]
            let cookie = resident.cookie
            let statuses = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var out: (HTTPStatus, String) = (.internalServerError, "")
                        try await app.testing().test(
                            .POST, "/r/\(grid.code)",
                            beforeRequest: { req in
                                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                                try req.content.encode(fields, as: .urlEncodedForm)
                            }, afterResponse: { res in out = (res.status, res.body.string) })
                        return out
                    }
                }
                var all: [(HTTPStatus, String)] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(statuses.map(\.0.code).sorted() == [201, 409])
            let code = try #require(statuses.first { $0.0 == .created }.flatMap { CaseFlowTests.trackingCode(in: $0.1) })
            #expect(statuses.first { $0.0 == .conflict }?.1.contains(TrackingCode.display(code)) == true)
            #expect(try await WebFixture.count(app, "cases") == 1)
        }
    }
}

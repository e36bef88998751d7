import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Worked examples on the web: written up anonymised from a closed case, searched, published without personal data")
struct ExampleWebTests {
    static let description = "居民张秀英（电话13800138000，身份证11010519491231002X）住幸福路12号3单元502室，申请办理居住证，材料缺租房合同"

    /// A 暂住证 service request in `grid`, reported by 张秀英, then closed as solved with a note.
    static func closedRequest(_ app: Application, in grid: UnitRow, closed: Bool = true) async throws -> CaseRow {
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let actor = CaseActor(id: nil, name: "代办员", role: .gridWorker)
        var intake = CaseIntake(
            categoryKey: "service.residence_permit", channel: .window, title: "张秀英办理居住证", description: description, reporterName: "张秀英",
            reporterPhone: "13800138000", gridID: grid.id)
        intake.address = "幸福路12号3单元502室"
        let row = try await repo.intake(intake, actor: actor, at: app.clock.now())
        guard closed else { return row }
        // The loop's steps are the case tests' business; here the request is simply done.
        try await (app.db as! any SQLDatabase).raw("UPDATE cases SET state = 'closed', outcome = 'solved' WHERE id = \(bind: row.id)").run()
        return try await repo.get(row.id, in: .everything)
    }

    @Test("the proxy agent sees the text anonymised, cannot save a phone left in, saves and publishes; the public catalogue shows it without personal data", arguments: TestDatabase.enabled)
    func saveAndPublish(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, _) = try await LogWebTests.places(app)
            let c = try await Self.closedRequest(app, in: grid)
            var proxy = try await Browser.login(app, as: "proxy")
            let casePage = try await proxy.get("/cases/\(c.id)")
            #expect(casePage.body.string.contains("/examples/new?case=\(c.id)"), "a closed case offers to be written up")
            // MUT
            let form = try await proxy.get("/examples/new?case=\(c.id)")
            let leftIn = try await proxy.post(
                "/examples/new", form: ["case": c.id.uuidString, "title": "居住证代办", "text": "请回电13800138000", "service": "residence_permit", "outcome": "solved"])
            let saved = try await proxy.post(
                "/examples/new",
                form: [
                    "case": c.id.uuidString, "title": "租房合同缺失时的居住证代办", "text": "居民张某申请办理居住证，材料缺租房合同，代办员协助补签后受理。",
                    "service": "residence_permit", "outcome": "solved", "keywords": "居住证，租房合同", "published": "1",
                ])
            let twice = try await proxy.get("/examples/new?case=\(c.id)")
            // validate
            let page = form.body.string
            #expect(form.status == .ok)
            for personal in ["张秀英", "13800138000", "11010519491231002X", "幸福路12号", "502室"] {
                #expect(!page.contains(personal), "\(personal) is taken out")
            }
            #expect(page.contains("居民张某") && page.contains(Anonymiser.phoneMark) && page.contains(Anonymiser.idMark) && page.contains(Anonymiser.addressMark))
            #expect(page.contains("value=\"residence_permit\" selected"), "the service comes from the case's category")
            #expect(leftIn.status == .unprocessableEntity && leftIn.body.string.contains(L10n.t("example.personal_data", Anonymiser.phoneMark)))
            #expect(saved.status == .seeOther && twice.status == .seeOther, "a case written up once is shown, not written again")
            let audited = try await (app.db as! any SQLDatabase).raw("SELECT action FROM audit_log WHERE object_type = 'service_example'").all()
            #expect(audited.count == 1)

            let library = try await proxy.get(SiteURL.examples(ExampleSearch(q: "租房合同")).path)
            let elsewhere = try await proxy.get(SiteURL.examples(ExampleSearch(service: "unemployment_card")).path)
            #expect(library.body.string.contains("租房合同缺失时的居住证代办") && !elsewhere.body.string.contains("租房合同缺失时的居住证代办"))

            var visitor = Browser(app)
            let catalogue = try await visitor.get("/services")
            let body = catalogue.body.string
            #expect(catalogue.status == .ok && body.contains("租房合同缺失时的居住证代办") && body.contains("居民张某"))
            #expect(!body.contains("张秀英") && !body.contains("13800138000") && !body.contains("11010519491231002X") && !body.contains("幸福路12号"))
        }
    }

    @Test("a case still open cannot be written up; a case outside the saver's scope is 404", arguments: TestDatabase.enabled)
    func refusals(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (grid, _, other) = try await LogWebTests.places(app)
            let open = try await Self.closedRequest(app, in: grid, closed: false)
            let foreign = try await Self.closedRequest(app, in: other)
            var proxy = try await Browser.login(app, as: "proxy")
            // MUT
            let notYet = try await proxy.get("/examples/new?case=\(open.id)")
            let hidden = try await proxy.get("/examples/new?case=\(foreign.id)")
            let byCode = try await proxy.get("/examples/new?code=\(foreign.trackingCode)")
            // validate
            #expect(notYet.status == .unprocessableEntity && notYet.body.string.contains(L10n.t("example.case_open")))
            #expect(hidden.status == .notFound && byCode.status == .notFound)
        }
    }
}

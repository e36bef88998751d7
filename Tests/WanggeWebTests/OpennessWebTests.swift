import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Openness on the web: power lists, task admission, major decisions and the public disclosure portal")
struct OpennessWebTests {
    /// The first community (the operator's street holds it), and a grid of it.
    static func places(_ app: Application) async throws -> (community: UnitRow, grid: UnitRow, other: UnitRow) {
        let communities = try await UnitRepository(app.db).all(in: .everything, level: .community).sorted { $0.code < $1.code }
        let grid = try #require(try await UnitRepository(app.db).children(of: communities[0].id, in: .everything).first)
        return (communities[0], grid, communities[1])
    }

    static func seed(_ app: Application) async throws {
        _ = try await DemoLoader(app.db, cipher: app.keys.cipher).loadOpenness(now: app.clock.now())
    }

    static func actions(_ app: Application, object: String) async throws -> [String] {
        let sql = app.db as! any SQLDatabase
        return try await sql.raw("SELECT action FROM audit_log WHERE object_type = \(bind: object) ORDER BY action").all().map { try $0.decode(column: "action", as: String.self) }
    }

    /// An 11-digit mobile number or an 18-character ID number anywhere in a page.
    static func personalData(in text: String) -> [String] {
        // UUIDs (links, ids) go first: a UUID's last group such as "A19364746888" holds eleven digits after a
        // letter: the likeliest source of the "19364746888" a PostgreSQL run once reported (no number like it is shown).
        let uuid = try! NSRegularExpression(pattern: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#)
        let text = uuid.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "<uuid>")
        let pattern = try! NSRegularExpression(pattern: #"(?<![0-9])(1[3-9][0-9]{9}|[1-9][0-9]{16}[0-9Xx])(?![0-9])"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
    }

    /// The element paths of an XML document ("feed/entry/id"), or nil when it does not parse.
    final class Paths: NSObject, XMLParserDelegate {
        var stack: [String] = []
        var paths: [String] = []

        func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(name)
            paths.append(stack.joined(separator: "/"))
        }

        func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }

        static func of(_ text: String) -> Paths? {
            let parser = XMLParser(data: Data(text.utf8))
            let d = Paths()
            parser.delegate = d
            return parser.parse() ? d : nil
        }
    }

    @Test("an anonymous visitor reads the portal, its flow charts and its feeds; no personal data; a grid's code leads to its community", arguments: TestDatabase.enabled)
    func portal(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            try await Self.seed(app)
            let (community, grid, _) = try await Self.places(app)
            var visitor = Browser(app)
            // MUT
            let page = try await visitor.get(SiteURL.portal(community.code).path)
            let fromGrid = try await visitor.get(SiteURL.portal(grid.code).path)
            let missing = try await visitor.get(SiteURL.portal("999999999999").path)
            let atom = try await visitor.get(SiteURL.portalFeed(community.code, format: "atom").path)
            let json = try await visitor.get(SiteURL.portalFeed(community.code, format: "json").path)
            let qr = try await visitor.get(SiteURL.report(grid.code).path)
            // validate
            let html = page.body.string
            #expect(page.status == .ok)
            for text in ["社区重大事项决策", "居住证明出具", "3 号楼外墙保温和屋面防水改造", "第三季度社区财务收支公开", L10n.t("fourlist.negative"), L10n.t("portal.stats")] {
                #expect(html.contains(text), "portal shows \(text)")
            }
            // The renovation's party meeting: 42 eligible, 31 present, 27 for — quorum met and passed.
            #expect(html.contains(L10n.t("decision.vote", 42, 31, 27, 2, 2)))
            // The lease stopped at the party meeting: 28 of 42 is exactly two thirds, 14 of 28 exactly half.
            #expect(html.contains(L10n.t("decision.vote", 42, 28, 14, 10, 4)) && html.contains(L10n.t("decision.stage.rejected")))
            #expect(!html.contains("国庆假期值班安排"), "an expired notice is gone")
            #expect(html.contains(L10n.t("admission.counts", 3, 3, 2, 1, 1)))
            #expect(Self.personalData(in: html).isEmpty)
            #expect(!html.contains("name=\"_csrf\""), "the portal has no form")
            #expect(fromGrid.status == .seeOther && fromGrid.headers.first(name: .location) == SiteURL.portal(community.code).path)
            #expect(missing.status == .notFound)
            #expect(qr.body.string.contains(SiteURL.portal(grid.code).path), "the grid's QR page links the portal")

            // A flow chart is an SVG document with a box a step.
            let powers = try await PowerListRepository(app.db).items(of: community.id, in: .everything)
            let item = try #require(powers.first { $0.title == "社区重大事项决策" })
            let svg = try await visitor.get(SiteURL.powerFlow(item.id).path)
            #expect(svg.headers.contentType?.subType == "svg+xml")
            let shapes = try #require(Paths.of(svg.body.string))
            #expect(shapes.paths.filter { $0 == "svg/rect" }.count == 6 && shapes.paths.filter { $0 == "svg/line" }.count == 5)
            #expect(html.contains(SiteURL.powerFlow(item.id).path))

            // Atom 1.0: parses, in the Atom namespace, with the feed's and each entry's required elements.
            #expect(atom.status == .ok && atom.headers.contentType?.subType == "atom+xml")
            let feed = try #require(Paths.of(atom.body.string), "the Atom feed parses as XML")
            #expect(atom.body.string.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""))
            for required in ["feed/id", "feed/title", "feed/updated", "feed/author/name", "feed/link", "feed/entry/id", "feed/entry/title", "feed/entry/updated"] {
                #expect(feed.paths.contains(required), "Atom has \(required)")
            }
            let entries = feed.paths.filter { $0 == "feed/entry" }.count
            #expect(entries == 7, "3 current notices and 4 decisions")
            #expect(feed.paths.filter { $0 == "feed/entry/id" }.count == entries && feed.paths.filter { $0 == "feed/entry/updated" }.count == entries)
            #expect(Self.personalData(in: atom.body.string).isEmpty)

            struct JSONFeed: Decodable {
                struct Item: Decodable { var id: String; var title: String; var url: String; var date_published: String }
                var version: String
                var title: String
                var items: [Item]
            }
            #expect(json.headers.contentType?.subType == "feed+json")
            let decoded = try JSONDecoder().decode(JSONFeed.self, from: Data(json.body.string.utf8))
            #expect(decoded.version == "https://jsonfeed.org/version/1.1" && decoded.items.count == entries)
            #expect(decoded.items.allSatisfy { $0.url.contains(SiteURL.portal(community.code).path) })

            // The attachment is a download.
            let notices = try await NoticeRepository(app.db).current(for: community, on: SimpleDate(app.clock.now()).description)
            let withFile = try #require(notices.first { $0.attachmentName != nil })
            let file = try await visitor.get(SiteURL.noticeAttachment(withFile.id).path)
            #expect(file.status == .ok && file.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(file.body.string.contains("社区公益金"))
        }
    }

    @Test("a department's task reaches the community only through review; the negative list is refused and counted", arguments: TestDatabase.enabled)
    func admission(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            try await Self.seed(app)
            let (community, grid, _) = try await Self.places(app)
            let items = try await FourListRepository(app.db).items(of: community.id, in: .everything)
            let negative = try #require(items.first { $0.list == .negative })
            let assist = try #require(items.first { $0.list == .assistGovernment })
            var department = try await Browser.login(app, as: "department")
            var operatorBrowser = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            try await department.get(SiteURL.tasks(community.id).path)
            let untitled = try await department.post(SiteURL.tasks(community.id).path, form: ["title": " ", "list_item": assist.id.uuidString])
            let toGrid = try await department.post(SiteURL.tasks(grid.id).path, form: ["title": "网格任务"])
            let sent = try await department.post(SiteURL.tasks(community.id).path, form: ["title": "年度经济指标分解", "detail": "社区完成招商", "list_item": negative.id.uuidString])
            let sent2 = try await department.post(SiteURL.tasks(community.id).path, form: ["title": "征兵宣传", "list_item": assist.id.uuidString])
            // validate
            #expect(untitled.status == .unprocessableEntity && untitled.body.string.contains(L10n.t("admission.title_required")))
            #expect(toGrid.status == .unprocessableEntity)
            #expect(sent.status == .seeOther && sent2.status == .seeOther)
            let tasks = try await FourListRepository(app.db).tasks(under: community.id, state: .submitted, in: .everything)
            let economic = try #require(tasks.first { $0.title == "年度经济指标分解" })
            let draft = try #require(tasks.first { $0.title == "征兵宣传" })

            // Reviews: the department cannot review its own task, a grid worker cannot either.
            let selfReview = try await department.post(SiteURL.taskReview(economic.id).path, form: ["decision": "admit"])
            #expect(selfReview.status == .forbidden)
            try await worker.get(SiteURL.unit(grid.id).path)
            let workerReview = try await worker.post(SiteURL.taskReview(economic.id).path, form: ["decision": "admit"])
            #expect(workerReview.status == .forbidden)

            try await operatorBrowser.get(SiteURL.tasks(community.id).path)
            let undecided = try await operatorBrowser.post(SiteURL.taskReview(economic.id).path, form: ["decision": "", "list_item": negative.id.uuidString])
            #expect(undecided.status == .unprocessableEntity && undecided.body.string.contains(L10n.t("admission.bad_decision")))
            let admitNegative = try await operatorBrowser.post(SiteURL.taskReview(economic.id).path, form: ["decision": "admit", "list_item": negative.id.uuidString])
            #expect(admitNegative.status == .unprocessableEntity && admitNegative.body.string.contains(L10n.t("admission.negative_list")))
            let refuse = try await operatorBrowser.post(
                SiteURL.taskReview(economic.id).path, form: ["decision": "refuse", "list_item": negative.id.uuidString, "reason": "负面清单：招商引资"])
            let admit = try await operatorBrowser.post(SiteURL.taskReview(draft.id).path, form: ["decision": "admit", "list_item": assist.id.uuidString])
            #expect(refuse.status == .seeOther && admit.status == .seeOther)
            let again = try await operatorBrowser.post(SiteURL.taskReview(draft.id).path, form: ["decision": "refuse", "reason": "x"])
            #expect(again.status == .conflict)

            // The community's page: the admitted task in the queue, the counts with the negative list apart.
            let page = try await operatorBrowser.get(SiteURL.tasks(community.id).path)
            #expect(page.body.string.contains(L10n.t("admission.counts", 4, 4, 3, 1, 1)))
            #expect(page.body.string.contains("征兵宣传 · 区住建委"))
            let audited = try await Self.actions(app, object: "admission_task")
            #expect(audited == ["task.review", "task.review", "task.submit", "task.submit"])
        }
    }

    @Test("the street's operator keeps the power list; bad items are refused naming the field; a grid worker only reads", arguments: TestDatabase.enabled)
    func powerList(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, other) = try await Self.places(app)
            var operatorBrowser = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            let good = [
                "category": "certificate", "title": "社区印章使用", "legal_basis": "区社区印章管理规定", "responsible_role": "社区党组织书记",
                "steps": "提出用印申请\n书记审批\n登记用印事项", "time_limit_days": "1", "risk_points": "空白纸张盖章",
            ]
            // MUT
            try await operatorBrowser.get(SiteURL.powers(community.id).path)
            var oneStep = good
            oneStep["steps"] = "只有一步"
            let refused = try await operatorBrowser.post(SiteURL.powers(community.id).path, form: oneStep)
            let saved = try await operatorBrowser.post(SiteURL.powers(community.id).path, form: good)
            // validate
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("power.steps_required")))
            #expect(saved.status == .seeOther)
            let itemPath = try #require(saved.headers.first(name: .location))
            let itemPage = try await operatorBrowser.get(itemPath)
            #expect(itemPage.body.string.contains("<svg") && itemPage.body.string.contains("2. 书记审批"))
            let audited = try await Self.actions(app, object: "power_item")
            #expect(audited == ["power.add"])

            try await worker.get(SiteURL.powers(community.id).path)
            let workerWrite = try await worker.post(SiteURL.powers(community.id).path, form: good)
            #expect(workerWrite.status == .forbidden)
            // Outside the operator's street: 404.
            let foreign = try await operatorBrowser.post(SiteURL.powers(other.id).path, form: good)
            #expect(foreign.status == .notFound)
        }
    }

    @Test("a decision is run step by step on the web, votes counted by the rules; a decision with no power item is flagged", arguments: TestDatabase.enabled)
    func decisions(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, _) = try await Self.places(app)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.decisions(community.id).path)
            // MUT
            let proposed = try await op.post(SiteURL.decisions(community.id).path, form: ["title": "活动室开放时间调整", "proposal": "延长到 21 时"])
            let decision = try #require(try await DecisionRepository(app.db).decisions(of: community.id, in: .everything).first)
            let consulted = try await op.post(SiteURL.decisionStep(decision.id).path, form: ["text": "两委同意"])
            let badCounts = try await op.post(
                SiteURL.decisionStep(decision.id).path, form: ["eligible": "30", "present": "20", "approve": "15", "oppose": "10", "abstain": "0"])
            let voted = try await op.post(
                SiteURL.decisionStep(decision.id).path, form: ["eligible": "30", "present": "20", "approve": "11", "oppose": "9", "abstain": "0"])
            // validate
            #expect(proposed.status == .seeOther && consulted.status == .seeOther && voted.status == .seeOther)
            #expect(badCounts.status == .unprocessableEntity && badCounts.body.string.contains(L10n.t("decision.votes_exceed")))
            let after = try await DecisionRepository(app.db).get(decision.id, in: .everything)
            #expect(after.stage == .partyReviewed && after.meetings.count == 1 && after.meetings[0].quorum && after.meetings[0].passed)
            let powers = try await op.get(SiteURL.powers(community.id).path)
            #expect(powers.body.string.contains(L10n.t("power.untagged")) && powers.body.string.contains("活动室开放时间调整"))
        }
    }

    @Test("a case step is tagged with the power item it exercised; an item of another community or a second tag is refused", arguments: TestDatabase.enabled)
    func caseSteps(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            try await Self.seed(app)
            let (community, grid, other) = try await Self.places(app)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let row = try await repo.intake(
                CaseIntake(categoryKey: "city_appearance.exposed_garbage", channel: .hotline, title: "", description: "申请开具居住证明", gridID: grid.id),
                actor: CaseActor(id: nil, name: "受理员", role: .operator_), at: app.clock.now())
            let step = try #require(try await repo.timeline(row.id).first)
            let powers = PowerListRepository(app.db)
            let certificate = try #require(try await powers.items(of: community.id, in: .everything).first { $0.title == "居住证明出具" })
            let foreign = try #require(try await powers.items(of: other.id, in: .everything).first)
            var op = try await Browser.login(app, as: "operator")
            // MUT
            let page = try await op.get(SiteURL.caseDetail(row.id).path)
            let wrong = try await op.post(SiteURL.casePowerTag(row.id).path, form: ["step": step.id.uuidString, "power_item": foreign.id.uuidString])
            let tagged = try await op.post(SiteURL.casePowerTag(row.id).path, form: ["step": step.id.uuidString, "power_item": certificate.id.uuidString])
            let twice = try await op.post(SiteURL.casePowerTag(row.id).path, form: ["step": step.id.uuidString, "power_item": certificate.id.uuidString])
            // validate
            #expect(page.body.string.contains(L10n.t("power.case_heading")) && page.body.string.contains("居住证明出具"))
            #expect(wrong.status == .unprocessableEntity)
            #expect(tagged.status == .seeOther && twice.status == .conflict)
            let tags = try await powers.tags(ofCase: row.id)
            #expect(tags.map(\.eventID) == [step.id] && tags.map(\.powerItemID) == [certificate.id] && tags.allSatisfy { $0.taggedBy.hasSuffix("受理员") })
            let after = try await op.get(SiteURL.caseDetail(row.id).path)
            #expect(after.body.string.contains("→ <a href=\"\(SiteURL.power(certificate.id).path)\">居住证明出具</a>"))
            let audited = try await Self.actions(app, object: "case")
            #expect(audited.contains("case.power_tag"))
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Service stations on the web: kept by the unit's administrators, public on the portal, recorded on window cases")
struct StationWebTests {
    static let good = [
        "kind": "community_station", "name": "和平里社区工作站", "address": "和平里北街 3 号", "lon": "", "lat": "", "hours": "周一至周五 8:30–17:30",
        "phone": "010-8411 2233", "staff": "王丽 站长\n李强 事务代办员",
    ]

    static func count(_ app: Application, _ table: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: N.self)?.n ?? -1
    }

    @Test("the operator adds and edits a station, bad fields are named, outside the street is 404, the portal shows it without staff", arguments: TestDatabase.enabled)
    func keep(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, grid, other) = try await OpennessWebTests.places(app)
            var op = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            try await op.get(SiteURL.stations(community.id).path)
            // MUT
            let made = try await op.post(SiteURL.stations(community.id).path, form: Self.good)
            var mobile = Self.good
            mobile["phone"] = "13912345678"
            let badPhone = try await op.post(SiteURL.stations(community.id).path, form: mobile)
            var street = Self.good
            street["kind"] = "street_centre"
            let wrongLevel = try await op.post(SiteURL.stations(community.id).path, form: street)
            var far = Self.good
            (far["lon"], far["lat"]) = ("0", "0")
            let outside = try await op.post(SiteURL.stations(community.id).path, form: far)
            let elsewhere = try await op.post(SiteURL.stations(other.id).path, form: Self.good)
            let elsewherePage = try await op.get(SiteURL.stations(other.id).path)
            try await worker.get(SiteURL.unit(grid.id).path)
            let workerAdd = try await worker.post(SiteURL.stations(community.id).path, form: Self.good)
            // validate
            #expect(made.status == .seeOther && made.headers.first(name: .location) == SiteURL.stations(community.id).path)
            #expect(badPhone.status == .unprocessableEntity && badPhone.body.string.contains(L10n.t("station.bad_phone")))
            #expect(badPhone.body.string.contains("13912345678"), "the refused form keeps what was typed")
            #expect(wrongLevel.status == .unprocessableEntity && wrongLevel.body.string.contains(L10n.t("station.kind_level", L10n.t("station.kind.street_centre"))))
            #expect(community.area != nil)
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains(L10n.t("station.outside")))
            #expect(elsewhere.status == .notFound && elsewherePage.status == .notFound)
            #expect(workerAdd.status == .forbidden)
            let rows = try await StationRepository(app.db).stations(under: community)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.staff == [StationStaff(name: "王丽", role: "站长"), StationStaff(name: "李强", role: "事务代办员")])
            let page = try await op.get(SiteURL.stations(community.id).path)
            #expect(page.body.string.contains("和平里社区工作站") && page.body.string.contains("李强（事务代办员）"))

            // Edit: the change and its audit entry.
            var changed = Self.good
            changed["hours"] = "每天 8:00–20:00"
            try await op.get(SiteURL.station(row.id).path)
            let edited = try await op.post(SiteURL.station(row.id).path, form: changed)
            #expect(edited.status == .seeOther)
            let hours = try await StationRepository(app.db).get(row.id, in: .everything).hours
            #expect(hours == "每天 8:00–20:00")
            let audited = try await OpennessWebTests.actions(app, object: "service_station")
            #expect(audited == ["station.add", "station.edit"])

            // The portal, anonymous: the station with its hours, address and office phone; no staff names.
            var visitor = Browser(app)
            let portal = try await visitor.get(SiteURL.portal(community.code).path)
            let html = portal.body.string
            for text in ["和平里社区工作站", "和平里北街 3 号", "每天 8:00–20:00", "010-8411 2233", L10n.t("station.public_heading")] {
                #expect(html.contains(text), "portal shows \(text)")
            }
            #expect(!html.contains("李强") && OpennessWebTests.personalData(in: html).isEmpty)
            let streetPortal = try await visitor.get(SiteURL.portal(try await UnitRepository(app.db).get(try #require(community.parentID), in: .everything).code).path)
            #expect(streetPortal.body.string.contains("和平里社区工作站"), "a street's portal lists the stations below it")
        }
    }

    @Test("a window case records the station that took it; another channel or a station outside the scope is refused and no case is made", arguments: TestDatabase.enabled)
    func windowCase(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, other) = try await OpennessWebTests.places(app)
            func draft(_ name: String) -> StationDraft {
                StationDraft(kind: "community_station", name: name, address: "某路 1 号", hours: "周一至周五", phone: "010-8411 2233")
            }
            let repo = StationRepository(app.db)
            let mine = try await repo.save(draft("和平里社区工作站"), to: community.id, by: "测试", at: app.clock.now(), in: .everything)
            let foreign = try await repo.save(draft("别的社区工作站"), to: other.id, by: "测试", at: app.clock.now(), in: .everything)
            var op = try await Browser.login(app, as: "operator")
            let form = try await op.get("/cases/new")
            let point = try #require(community.area?.interiorPoint)
            let base = ["category": CaseFlowTests.category, "description": "窗口来访反映楼道灯不亮", "lon": String(point.lon), "lat": String(point.lat)]
            let cases = try await Self.count(app, "cases")
            // MUT
            let hotline = try await op.post("/cases/new", form: base.merging(["channel": "hotline", "station": mine.id.uuidString]) { a, _ in a })
            try await op.get("/cases/new")
            let outside = try await op.post("/cases/new", form: base.merging(["channel": "window", "station": foreign.id.uuidString]) { a, _ in a })
            let refusedCases = try await Self.count(app, "cases")
            try await op.get("/cases/new")
            let window = try await op.post("/cases/new", form: base.merging(["channel": "window", "station": mine.id.uuidString]) { a, _ in a })
            try await op.get("/cases/new")
            let plain = try await op.post("/cases/new", form: base.merging(["channel": "window", "station": ""]) { a, _ in a })
            // validate
            #expect(form.body.string.contains("name=\"station\"") && form.body.string.contains("和平里社区工作站"))
            #expect(!form.body.string.contains("别的社区工作站"), "only the operator's own stations are offered")
            #expect(hotline.status == .unprocessableEntity && hotline.body.string.contains(L10n.t("station.case_not_window")))
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains(L10n.t("station.unknown")))
            #expect(refusedCases == cases, "a refused station makes no case")
            #expect(window.status == .seeOther && plain.status == .seeOther)
            let location = try #require(window.headers.first(name: .location))
            let caseID = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let taken = try await repo.station(ofCase: caseID)
            #expect(taken?.id == mine.id)
            let plainID = try #require(UUID(uuidString: String(plain.headers.first(name: .location)?.split(separator: "/").last ?? "")))
            let none = try await repo.station(ofCase: plainID)
            #expect(none == nil)
            let page = try await op.get(location)
            #expect(page.body.string.contains(L10n.t("station.case_taken")) && page.body.string.contains(SiteURL.station(mine.id).path))
        }
    }
}

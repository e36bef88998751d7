import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// The resident's report page on a phone, and the same pickers on the staff's entry form
/// (the browser half is Tests/Python/test_resident_phone.py).
@Suite("The report page: team, category pickers, location from a map, no coordinates typed")
struct ReportPageTests {
    static let grid = WebFixture.ownGridCode

    @Test("the QR page shows the grid's team, common categories, no chosen category, a map and the grid's addresses", arguments: TestDatabase.enabled)
    func qrPage(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let unit = try await WebFixture.unit(app, Self.grid)
            let team = try await StaffRepository(app.db).team(of: unit.id, in: .everything)
            let member = try #require(team.first { $0.phone != nil })
            let phone = try #require(member.phone)
            let buildings = try await PlaceRepository(app.db).buildings(inGrid: unit.id, in: .everything)
            var resident = Browser(app)
            // MUT
            let page = try await resident.get("/r/\(Self.grid)")
            let noCategory = try await resident.post("/r/\(Self.grid)", form: ["description": "楼道里堆满杂物"])
            let map = try await resident.get("/r/\(Self.grid)/map.json")
            // validate
            let html = page.body.string
            #expect(html.contains(member.name) && html.contains(member.kindName))
            #expect(html.contains(Mask.phone(phone)) && html.contains("href=\"tel:\(phone)\""), "masked on the card, dialled in full")
            #expect(html.contains(#"<option value="" selected="selected">"# + L10n.t("picker.choose_category")), "nothing is chosen for the resident")
            #expect(!html.contains(#"selected="selected">私搭乱建"#))
            #expect(html.contains(#"data-pick="city_appearance.exposed_garbage""#), "the short list of common categories")
            #expect(html.contains(#"data-map="/r/\#(Self.grid)/map.json""#) && html.contains("/vendor/leaflet/leaflet.js"))
            #expect(!html.contains(L10n.t("case.field.lon")) && !html.contains(#"name="lon" inputmode"#), "no longitude to type")
            #expect(html.contains(#"<input type="hidden" name="lon">"#))
            #expect(buildings.prefix(3).allSatisfy { html.contains("<option value=\"\($0.address)\">") }, "addresses suggested from the grid's buildings")
            let data = try JSONDecoder().decode(ReportMapData.self, from: Data(map.body.readableBytesView))
            #expect(data.boundaries.count == 1 && data.buildings.count == buildings.count && data.tiles == nil)
            #expect(noCategory.status == .unprocessableEntity && noCategory.body.string.contains(L10n.t("case.category_required")), "\(noCategory.status)")
            #expect(try await WebFixture.count(app, "cases") == 0)
        }
    }

    @Test("a report sent with the pin's point lands in its grid with the building's address", arguments: TestDatabase.enabled)
    func reportWithPin(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let unit = try await WebFixture.unit(app, Self.grid)
            let building = try #require(try await PlaceRepository(app.db).buildings(inGrid: unit.id, in: .everything).first)
            var resident = Browser(app)
            _ = try await resident.get("/r/\(Self.grid)")
            let sent = try await resident.post(
                "/r/\(Self.grid)",
                form: [
                    "category": "component.public_utility.street_light", "description": "路灯不亮", "address": building.address, "email": "jumin@example.cn",
                    "lon": String(format: "%.6f", building.lon), "lat": String(format: "%.6f", building.lat),
                ])
            #expect(sent.status == .created)
            let row = try await CaseFlowTests.caseRow(app, try #require(CaseFlowTests.trackingCode(in: sent.body.string)))
            #expect(row.unitID == unit.id && row.address == building.address)
            #expect(abs((row.lon ?? 0) - building.lon) < 1e-5 && abs((row.lat ?? 0) - building.lat) < 1e-5)
            #expect(row.reporterEmail == "jumin@example.cn", "the reporter hears back by e-mail")
            _ = try await resident.get("/r/\(Self.grid)")
            let bad = try await resident.post("/r/\(Self.grid)", form: ["category": "extended.noise", "description": "噪音", "email": "not an address"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains(L10n.t("case.bad_email")))
        }
    }

    @Test("staff pickers: the map and address suggestions stay in the viewer's area", arguments: TestDatabase.enabled)
    func staffPickers(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: a building of the own street and one of another street
            let buildings = try await PlaceRepository(app.db).buildings(inGrid: nil, limit: 100_000, in: .everything)
            let units = try await UnitRepository(app.db).all(in: .everything, level: .grid)
            let own = try await WebFixture.unit(app, Self.grid)
            let street = try #require(own.ancestorIDs.dropFirst().first).uuidString
            let outside = try #require(buildings.first { b in units.first { $0.id == b.unitID }.map { !$0.path.contains(street) } ?? false })
            let inside = try #require(buildings.first { $0.unitID == own.id })
            var op = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            var resident = try await Browser.login(app, as: "resident")
            // MUT
            let form = try await op.get("/cases/new")
            let opMap = try await op.get("/cases/new/map.json")
            let workerMap = try await worker.get("/cases/new/map.json")
            let found = try await op.get("/cases/new/addresses.json?q=" + WebFixture.percentEncoded(String(inside.address.suffix(8))))
            let hidden = try await op.get("/cases/new/addresses.json?q=" + WebFixture.percentEncoded(outside.address))
            let tooLong = try await op.get("/cases/new/addresses.json?q=" + String(repeating: "x", count: 101))
            let refused = try await resident.get("/cases/new/map.json")
            // validate
            #expect(form.body.string.contains("data-location-picker") && form.body.string.contains("data-category-picker"))
            #expect(!form.body.string.contains(#"inputmode="decimal""#), "no coordinates to type on the entry form either")
            let opData = try JSONDecoder().decode(ReportMapData.self, from: Data(opMap.body.readableBytesView))
            let ownStreetGrids = units.filter { $0.path.contains(street) }.count
            #expect(opData.boundaries.count == ownStreetGrids && opData.buildings.isEmpty)
            let workerData = try JSONDecoder().decode(ReportMapData.self, from: Data(workerMap.body.readableBytesView))
            #expect(workerData.boundaries.count == 1 && !workerData.buildings.isEmpty)
            #expect(found.body.string.contains(inside.address))
            #expect(hidden.status == .ok && !hidden.body.string.contains(outside.address), "another street's buildings are not suggested")
            #expect(tooLong.status == .badRequest)
            #expect(refused.status == .forbidden || refused.status == .notFound)
        }
    }

    @Test("Leaflet comes from the Debian package; only its script and style; tiles widen the image policy", arguments: [TestDatabase.sqlite])
    func leaflet(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leaflet-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try Data("/* leaflet */".utf8).write(to: dir.appendingPathComponent("leaflet.js"))
            try Data("secret".utf8).write(to: dir.appendingPathComponent("other.js"))
            app.mapSettings = MapSettings(environment: ["WANGGE_LEAFLET_DIR": dir.path, "WANGGE_MAP_TILES": "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"])
            var visitor = Browser(app)
            let script = try await visitor.get("/vendor/leaflet/leaflet.js")
            let other = try await visitor.get("/vendor/leaflet/other.js")
            let up = try await visitor.get("/vendor/leaflet/..%2Fleaflet.js")
            let missing = try await visitor.get("/vendor/leaflet/leaflet.css")
            #expect(script.status == .ok && script.body.string == "/* leaflet */" && script.headers.contentType?.subType == "javascript")
            #expect(other.status == .notFound && up.status == .notFound && missing.status == .notFound)
            #expect(script.headers.first(name: "Content-Security-Policy")?.contains("img-src 'self' data: https://*.tiles.example.cn") == true)
            #expect(MapSettings(environment: ["WANGGE_MAP_TILES": "javascript:alert(1)"]).tiles == nil, "only http(s) tile servers")
        }
    }
}

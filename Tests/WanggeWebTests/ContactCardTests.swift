import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Contact cards: the grid's and the proxy agent's, published phones only, scope, and a QR code a real decoder reads")
struct ContactCardTests {
    /// Debian's zbar-tools decoder, if installed.
    static var zbarimg: String? {
        ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What `zbarimg --raw -q` reads from an image file.
    static func decode(_ png: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-qr-\(UUID().uuidString).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(zbarimg))
        process.arguments = ["--raw", "-q", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zbarimg found a code")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    @Test("the grid card's QR code, downloaded as PNG, decodes with zbarimg to the exact report URL", arguments: TestDatabase.enabled)
    func qrDecodes(kind: TestDatabase) async throws {
        // In CI the decoder must be there (.ci/run installs zbar-tools); elsewhere its absence only skips.
        let ci = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
        guard Self.zbarimg != nil || ci else { return }
        #expect(Self.zbarimg != nil, "zbarimg is installed (apt-get install zbar-tools)")
        try await withApp(kind) { app in
            // setup
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var worker = try await Browser.login(app, as: "gridworker")
            let card = try await worker.get("/units/\(grid.id.uuidString)/card")
            #expect(card.status == .ok)
            let expected = "http://127.0.0.1/r/\(grid.code)"
            #expect(card.body.string.contains(">\(expected)<"), "the URL is printed under the code")
            // MUT
            let png = try await worker.get("/units/\(grid.id.uuidString)/qr.png")
            let svg = try await worker.get("/units/\(grid.id.uuidString)/qr.svg")
            // validate
            #expect(png.status == .ok && png.headers.contentType?.subType == "png")
            #expect(svg.status == .ok && svg.body.string.hasPrefix("<?xml") && svg.body.string.contains("<path d=\"M"))
            let decoded = try Self.decode(Data(buffer: png.body))
            #expect(decoded == expected)
        }
    }

    @Test("a grid worker sees their own grid's cards; another grid's card, agent card, sheet or QR is not found", arguments: TestDatabase.enabled)
    func scope(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let own = try await CaseFlowTests.gridOf(app, "gridworker")
            let grids = try await NotificationWebTests.grids(app)
            let other = try #require(grids.first { $0.id != own.id })
            let otherTeam = try await StaffRepository(app.db).team(of: other.id, in: .everything)
            // Any member has a card of their own; a proxy agent's is what it is for.
            let otherAgent = try #require(otherTeam.first { $0.kindKey == "proxy_agent" } ?? otherTeam.first)
            let ownTeam = try await StaffRepository(app.db).team(of: own.id, in: .everything)
            let ownAgent = try #require(ownTeam.first { $0.kindKey == "proxy_agent" } ?? ownTeam.first)
            let covers = try await StaffRepository(app.db).coveredBuildings(of: own.id, in: .everything)
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let mine = try await worker.get("/units/\(own.id.uuidString)/card")
            let myAgent = try await worker.get("/units/\(own.id.uuidString)/assignments/\(ownAgent.assignmentID.uuidString)/card")
            let mySheet = try await worker.get("/units/\(own.id.uuidString)/cards")
            let theirs = [
                try await worker.get("/units/\(other.id.uuidString)/card"),
                try await worker.get("/units/\(other.id.uuidString)/assignments/\(otherAgent.assignmentID.uuidString)/card"),
                try await worker.get("/units/\(own.id.uuidString)/assignments/\(otherAgent.assignmentID.uuidString)/card"),
                try await worker.get("/units/\(other.id.uuidString)/cards"),
                try await worker.get("/units/\(other.id.uuidString)/qr.png"),
                try await worker.get("/units/\(own.id.uuidString)/qr.gif"),
            ]
            var resident = try await Browser.login(app, as: "resident")
            let refused = try await resident.get("/units/\(own.id.uuidString)/card")
            // validate
            #expect(mine.status == .ok && myAgent.status == .ok && mySheet.status == .ok)
            #expect(mine.body.string.contains(L10n.t("card.grid_title")) && mine.body.string.contains("<svg class=\"qr\""))
            #expect(myAgent.body.string.contains(L10n.t("card.agent_title")) && myAgent.body.string.contains(ownAgent.name))
            #expect(mySheet.body.string.components(separatedBy: "class=\"contact-card ").count - 1 == 1 + ownTeam.filter { $0.kindKey == "proxy_agent" || covers[$0.assignmentID] != nil }.count)
            #expect(theirs.allSatisfy { $0.status == .notFound }, "\(theirs.map(\.status.code))")
            #expect(refused.status == .forbidden)
        }
    }

    @Test("a phone appears on cards and the QR page only once its owner agreed; buildings covered are set on the team screen", arguments: TestDatabase.enabled)
    func consentAndBuildings(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var admin = try await Browser.login(app, as: "admin")
            try await admin.get("/units/\(grid.id.uuidString)")
            let added = try await admin.post(
                "/units/\(grid.id.uuidString)/manage/team", form: ["name": "柯代办", "phone": "13900001111", "kind": "proxy_agent", "duty": "低保、救助代办"])
            #expect(added.status == .seeOther)
            let team = try await StaffRepository(app.db).team(of: grid.id, in: .everything)
            let agent = try #require(team.first { $0.name == "柯代办" })
            #expect(!agent.phonePublic, "not published until the person agrees")
            let buildings = try await PlaceRepository(app.db).buildings(inGrid: grid.id, in: .everything).filter { $0.kind != "shop" }
            let grids = try await NotificationWebTests.grids(app)
            let other = try #require(grids.first { $0.id != grid.id })
            let foreignBuildings = try await PlaceRepository(app.db).buildings(inGrid: other.id, in: .everything)
            let foreign = try #require(foreignBuildings.first)
            let memberURL = "/units/\(grid.id.uuidString)/assignments/\(agent.assignmentID.uuidString)"
            var worker = try await Browser.login(app, as: "gridworker")
            let hidden = try await worker.get(memberURL + "/card")
            var visitor = Browser(app)
            let reportHidden = try await visitor.get("/r/\(grid.code)")
            // MUT
            try await admin.get("/units/\(grid.id.uuidString)")
            let refused = try await admin.post(memberURL, form: ["phone_public": "1", "buildings[]": foreign.id.uuidString])
            let stillHidden = try await StaffRepository(app.db).team(of: grid.id, in: .everything).first { $0.assignmentID == agent.assignmentID }
            try await worker.get("/account")
            let byWorker = try await worker.post(memberURL, form: ["phone_public": "1"])
            try await admin.get("/account")
            let saved = try await admin.post(memberURL, form: ["phone_public": "1", "buildings[]": buildings[0].id.uuidString])
            let shown = try await worker.get(memberURL + "/card")
            let gridPage = try await worker.get("/units/\(grid.id.uuidString)")
            let reportShown = try await visitor.get("/r/\(grid.code)")
            // validate
            #expect(!hidden.body.string.contains("13900001111") && hidden.body.string.contains(L10n.t("card.no_phone")))
            #expect(!reportHidden.body.string.contains("13900001111") && !reportHidden.body.string.contains(Mask.phone("13900001111")))
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(L10n.t("staff.building_not_in_grid")))
            #expect(stillHidden?.phonePublic == false, "a refused form changes nothing")
            #expect(byWorker.status == .forbidden)
            #expect(saved.status == .seeOther)
            #expect(shown.body.string.contains("tel:13900001111") && shown.body.string.contains(buildings[0].name))
            #expect(shown.body.string.contains("低保、救助代办") && shown.body.string.contains("大病救助申请"), "what the agent does, and the services taken on")
            #expect(gridPage.body.string.contains(buildings[0].name) && gridPage.body.string.contains(memberURL + "/card"))
            #expect(reportShown.body.string.contains("tel:13900001111"))
            let covers = try await StaffRepository(app.db).coveredBuildings(of: grid.id, in: .everything)
            #expect(covers[agent.assignmentID]?.map(\.id) == [buildings[0].id])
            let audited = try await (app.db as! any SQLDatabase).raw(
                "SELECT detail FROM audit_log WHERE object_type = 'assignment' AND object_id = \(bind: agent.assignmentID.uuidString) AND action = 'update'"
            ).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(audited.count == 1 && audited[0].contains("phone_public=yes") && audited[0].contains(buildings[0].code))
        }
    }

    @Test("each building's QR code opens the grid's report page at that building; a building of another grid is not found", arguments: TestDatabase.enabled)
    func buildingCodes(kind: TestDatabase) async throws {
        let ci = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
        try await withApp(kind) { app in
            // setup
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let buildings = try await PlaceRepository(app.db).buildings(inGrid: grid.id, in: .everything)
            let building = try #require(buildings.first)
            let grids = try await NotificationWebTests.grids(app)
            let other = try #require(grids.first { $0.id != grid.id })
            let foreign = try #require(try await PlaceRepository(app.db).buildings(inGrid: other.id, in: .everything).first)
            var worker = try await Browser.login(app, as: "gridworker")
            var visitor = Browser(app)
            // MUT
            let sheet = try await worker.get("/units/\(grid.id.uuidString)/cards/buildings")
            let png = try await worker.get("/units/\(grid.id.uuidString)/qr.png?b=\(building.code)")
            let wrongGrid = try await worker.get("/units/\(grid.id.uuidString)/qr.png?b=\(foreign.code)")
            let outside = try await worker.get("/units/\(other.id.uuidString)/cards/buildings")
            let report = try await visitor.get("/r/\(grid.code)?b=\(building.code)")
            let notHere = try await visitor.get("/r/\(grid.code)?b=\(foreign.code)")
            // validate
            let url = "http://127.0.0.1/r/\(grid.code)?b=\(building.code)"
            #expect(sheet.status == .ok)
            #expect(sheet.body.string.components(separatedBy: "contact-card building-card").count - 1 == buildings.count, "one card per building")
            #expect(sheet.body.string.contains(">\(url)<") && sheet.body.string.contains(building.name))
            #expect(png.status == .ok && wrongGrid.status == .notFound && outside.status == .notFound)
            #expect(report.status == .ok && report.body.string.contains("value=\"\(building.address)\""), "the address is filled in")
            #expect(report.body.string.contains("value=\"\(building.lon)\"") && report.body.string.contains("value=\"\(building.lat)\""), "and the pin")
            #expect(notHere.status == .ok && !notHere.body.string.contains("value=\"\(foreign.address)\""), "another grid's building is not filled in")
            if Self.zbarimg != nil || ci {
                #expect(try Self.decode(Data(buffer: png.body)) == url)
            }
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// The system administrator keeps the grid tree and its teams from the unit pages themselves.
@Suite("Administrator's forms on unit pages")
struct TreeAdminPagesTests {
    func rectangle(_ box: GeoBox, name: String? = nil) -> String {
        let props = name.map { #"{"name":"\#($0)"}"# } ?? "{}"
        let ring = [(box.minLon, box.minLat), (box.maxLon, box.minLat), (box.maxLon, box.maxLat), (box.minLon, box.maxLat), (box.minLon, box.minLat)]
            .map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
        return #"{"type":"Feature","properties":\#(props),"geometry":{"type":"Polygon","coordinates":[[\#(ring)]]}}"#
    }

    @Test("rename, add below, move, team, boundary and split through the forms, each audited", arguments: TestDatabase.enabled)
    func forms(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let units = UnitRepository(app.db)
            let grids = try await units.all(in: .everything, level: .grid)
            let grid = grids[0], otherCommunity = try #require(grids.last?.parentID)
            var b = try await Browser.login(app, as: "admin")
            let page = try await b.get("/units/\(grid.id)")
            #expect(page.body.string.contains("网格管理"))
            // MUT + validate: rename
            let renamed = try await b.post("/units/\(grid.id)/manage/rename", form: ["name": "幸福第一网格"])
            #expect(renamed.headers.first(name: .location) == "/units/\(grid.id)?done=unit.done.rename")
            #expect(try await b.get("/units/\(grid.id)?done=unit.done.rename").body.string.contains("已更名"))
            #expect(try await units.get(grid.id, in: .everything).name == "幸福第一网格")
            // a unit below, numbered automatically
            let child = try await b.post("/units/\(grid.id)/manage/child", form: ["level": "zone", "name": "东片区"])
            #expect(child.status == .seeOther)
            let zone = try #require(try await units.children(of: grid.id, in: .everything).first)
            #expect(zone.code == grid.code + "-01")
            // team: add, then end
            _ = try await b.get("/units/\(grid.id)")
            #expect(try await b.post("/units/\(grid.id)/manage/team", form: ["name": "新志愿者", "kind": "volunteer", "phone": "13912345678"]).status == .seeOther)
            let team = try await StaffRepository(app.db).team(of: grid.id, in: .everything)
            let added = try #require(team.first { $0.name == "新志愿者" })
            _ = try await b.get("/units/\(grid.id)")
            #expect(try await b.post("/units/\(grid.id)/assignments/\(added.assignmentID)/end", form: [:]).status == .seeOther)
            #expect(try await StaffRepository(app.db).team(of: grid.id, in: .everything).allSatisfy { $0.name != "新志愿者" })
            // boundary from a file, and a bad file stated clearly
            let box = try #require(grid.area?.bbox)
            _ = try await b.get("/units/\(grid.id)")
            let bad = try await b.upload("/units/\(grid.id)/manage/boundary", fields: [:], file: "file", filename: "b.geojson", content: Array("{not json".utf8))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("边界无效"))
            let good = try await b.upload("/units/\(grid.id)/manage/boundary", fields: [:], file: "file", filename: "b.geojson", content: Array(rectangle(box).utf8))
            #expect(good.status == .seeOther)
            // split into west and east halves
            let mid = (box.minLon + box.maxLon) / 2
            let halves =
                #"{"type":"FeatureCollection","features":[\#(rectangle(GeoBox(minLon: box.minLon, minLat: box.minLat, maxLon: mid, maxLat: box.maxLat), name: "西半格")),\#(rectangle(GeoBox(minLon: mid, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat), name: "东半格"))]}"#
            _ = try await b.get("/units/\(grid.id)")
            #expect(try await b.upload("/units/\(grid.id)/manage/split", fields: [:], file: "file", filename: "s.geojson", content: Array(halves.utf8)).status == .seeOther)
            #expect(try await units.all(in: .everything, level: .grid).contains { $0.name == "东半格" })
            // move to another community: renumbered there
            _ = try await b.get("/units/\(grid.id)")
            #expect(try await b.post("/units/\(grid.id)/manage/move", form: ["target": otherCommunity.uuidString]).status == .seeOther)
            let moved = try await units.get(grid.id, in: .everything)
            #expect(moved.parentID == otherCommunity)
            let sql = app.db as! any SQLDatabase
            let actions = try await sql.raw("SELECT action FROM audit_log WHERE object_type IN ('unit', 'assignment')").all().map { try $0.decode(column: "action", as: String.self) }
            for action in ["update", "create", "assign", "unassign", "split", "move"] { #expect(actions.contains(action), "\(action) audited") }
        }
    }

    @Test("other roles neither see the forms nor can post them", arguments: TestDatabase.enabled)
    func othersRefused(db: TestDatabase) async throws {
        try await withApp(db) { app in
            let grid = try await UnitRepository(app.db).all(in: .everything, level: .grid)[0]
            for who in ["leader", "operator", "gridworker"] {
                var b = try await Browser.login(app, as: who)
                #expect(!(try await b.get("/units/\(grid.id)").body.string.contains("网格管理")))
                #expect(try await b.post("/units/\(grid.id)/manage/rename", form: ["name": "x"]).status == .forbidden)
            }
            #expect(try await UnitRepository(app.db).get(grid.id, in: .everything).name == grid.name)
        }
    }
}

import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("JSON API /api/v1")
struct APITests {
    @Test("the tree reads as JSON with totals at each level", arguments: TestDatabase.enabled)
    func readTree(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            let district = try await WebFixture.unit(app, WebFixture.districtCode)
            // MUT
            let roots = try await b.api(.GET, "/api/v1/units")
            let one = try await b.api(.GET, "/api/v1/units/\(district.id.uuidString)")
            let children = try await b.api(.GET, "/api/v1/units/\(district.id.uuidString)/children")
            // validate
            #expect(roots.status == .ok)
            #expect(roots.headers.contentType?.subType == "json")
            #expect(roots.array.map { $0["code"] as? String } == [WebFixture.districtCode])
            #expect(roots.array.first?["level_name"] as? String == "区/县")
            let totals = try #require(one.object["totals"] as? [String: Int])
            #expect(totals["grids"] == 4)
            #expect(totals["residents"] == (try await WebFixture.count(app, "residents")))
            let streets = children.array
            #expect(streets.map { $0["code"] as? String } == ["110199001", "110199101"])
            #expect(streets.allSatisfy { $0["parent_id"] as? String == district.id.uuidString })
            let streetTotals = streets.compactMap { $0["totals"] as? [String: Int] }
            #expect(streetTotals.count == 2 && streetTotals.allSatisfy { $0["grids"] == 2 })
            #expect(streetTotals.reduce(0) { $0 + ($1["households"] ?? 0) } == totals["households"])
            #expect(streets.first?["boundary"] as? [String: Any] != nil, "boundaries come as GeoJSON objects")
        }
    }

    @Test("an administrator creates, renames, moves, merges and splits units, and the history shows it", arguments: TestDatabase.enabled)
    func reshapeTree(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            let home = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let away = try await WebFixture.unit(app, WebFixture.communityCodes[1])
            let target = try await WebFixture.unit(app, "110199101001001")
            let splitting = try await WebFixture.unit(app, "110199101001002")
            let box = try #require(splitting.area?.bbox)
            let mid = (box.minLon + box.maxLon) / 2
            let westBox = GeoBox(minLon: box.minLon, minLat: box.minLat, maxLon: mid, maxLat: box.maxLat)
            let eastBox = GeoBox(minLon: mid, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat)
            // MUT
            let created = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(home.id.uuidString)","level":"grid","name":"新建网格"}"#)
            let id = try #require(created.object["id"] as? String)
            let taken = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(home.id.uuidString)","level":"grid","code":"110199001001003","name":"重号网格"}"#)
            let badCode = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(home.id.uuidString)","level":"grid","code":"123","name":"坏号网格"}"#)
            let renamed = try await b.api(.PATCH, "/api/v1/units/\(id)", json: #"{"name":"幸福网格","boundary":\#(WebFixture.polygon(westBox))}"#)
            let badRing = try await b.api(.PATCH, "/api/v1/units/\(id)", json: #"{"boundary":{"type":"Polygon","coordinates":[[[116.8,40.3],[116.81,40.3],[116.81,40.31]]]}}"#)
            let moved = try await b.api(.POST, "/api/v1/units/\(id)/move", json: #"{"parent_id":"\#(away.id.uuidString)"}"#)
            let merged = try await b.api(.POST, "/api/v1/units/\(id)/merge", json: #"{"target_id":"\#(target.id.uuidString)"}"#)
            let retired = try await b.api(.GET, "/api/v1/units/\(id)")
            let split = try await b.api(
                .POST, "/api/v1/units/\(splitting.id.uuidString)/split",
                json: #"""
                    {"parts":[{"name":"大庄村第2网格西","boundary":\#(WebFixture.polygon(westBox))},{"name":"大庄村第2网格东","boundary":\#(WebFixture.polygon(eastBox))}]}
                    """#)
            let history = try await b.api(.GET, "/api/v1/units/\(id)/history")
            // validate
            #expect(created.status == .created)
            #expect(created.object["code"] as? String == "110199001001003", "the code is the next free one under the community")
            #expect(created.object["level_name"] as? String == "网格")
            #expect(taken.status == .conflict)
            #expect(taken.apiError["field"] as? String == "code")
            #expect(badCode.status == .unprocessableEntity)
            #expect(badCode.apiError["field"] as? String == "code")
            #expect((badCode.apiError["message"] as? String)?.contains("123") == true)
            #expect(renamed.status == .ok)
            #expect(renamed.object["name"] as? String == "幸福网格")
            #expect((renamed.object["boundary"] as? [String: Any])?["type"] as? String == "Polygon")
            #expect(badRing.status == .unprocessableEntity)
            #expect(badRing.apiError["field"] as? String == "boundary")
            #expect(moved.status == .ok)
            #expect(moved.object["parent_id"] as? String == away.id.uuidString)
            #expect(moved.object["code"] as? String == "110199101001003")
            #expect(merged.status == .ok)
            #expect(merged.object["id"] as? String == target.id.uuidString)
            #expect(retired.object["retired"] as? Bool == true)
            #expect(split.status == .ok)
            #expect(split.array.count == 2)
            #expect(split.array.first?["id"] as? String == splitting.id.uuidString)
            #expect((split.array.last?["code"] as? String)?.hasPrefix(away.code) == true)
            #expect(history.status == .ok)
            let actions = history.array.compactMap { $0["action"] as? String }
            for action in ["created", "renamed", "boundary", "moved", "merged_into"] {
                #expect(actions.contains(action), "history records \(action)")
            }
            #expect(history.array.allSatisfy { $0["unit_id"] as? String == id && $0["actor"] as? String != nil })
        }
    }

    @Test("team members are added and their assignment ended", arguments: TestDatabase.enabled)
    func teams(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let before = try await b.api(.GET, "/api/v1/units/\(grid.id.uuidString)/team").array.count
            // MUT
            let added = try await b.api(.POST, "/api/v1/units/\(grid.id.uuidString)/team", json: #"{"name":"王新","phone":"13912345678","kind":"volunteer","duty":"周末巡查"}"#)
            let badKind = try await b.api(.POST, "/api/v1/units/\(grid.id.uuidString)/team", json: #"{"name":"王新","phone":"123","kind":"astronaut"}"#)
            let team = try await b.api(.GET, "/api/v1/units/\(grid.id.uuidString)/team")
            let assignment = try #require(added.object["assignment_id"] as? String)
            let ended = try await b.api(.DELETE, "/api/v1/assignments/\(assignment)")
            let after = try await b.api(.GET, "/api/v1/units/\(grid.id.uuidString)/team")
            let unknown = try await b.api(.DELETE, "/api/v1/assignments/\(UUID().uuidString)", json: "{}")
            // validate
            #expect(added.status == .created)
            #expect(added.object["phone"] as? String == "139****5678")
            #expect(added.object["kind_name"] as? String == "志愿者")
            #expect(badKind.status == .unprocessableEntity)
            #expect(Set((badKind.apiError["problems"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["phone", "kind"])
            #expect(team.array.count == before + 1)
            #expect(team.array.contains { $0["assignment_id"] as? String == assignment })
            #expect(ended.status == .noContent, "a DELETE without a body ends the assignment")
            #expect(after.array.count == before, "the ended assignment leaves the team")
            #expect(unknown.status == .notFound)
        }
    }

    @Test("a grid worker may not change the tree", arguments: TestDatabase.enabled)
    func gridWorkerForbidden(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "gridworker")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let community = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let units = try await WebFixture.count(app, "units")
            // MUT
            let create = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(community.id.uuidString)","level":"grid","name":"私建网格"}"#)
            let rename = try await b.api(.PATCH, "/api/v1/units/\(grid.id.uuidString)", json: #"{"name":"改名"}"#)
            let team = try await b.api(.POST, "/api/v1/units/\(grid.id.uuidString)/team", json: #"{"name":"王新","kind":"volunteer"}"#)
            // validate
            for res in [create, rename, team] {
                #expect(res.status == .forbidden)
                #expect(res.apiError["code"] as? String == "http_403")
                #expect((res.apiError["message"] as? String)?.contains("无权") == true)
            }
            #expect(try await WebFixture.count(app, "units") == units)
            #expect(try await UnitRepository(app.db).get(grid.id, in: .everything).name == grid.name)
        }
    }

    @Test("malformed requests get a 4xx with a message, never a 500", arguments: TestDatabase.enabled)
    func malformed(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            let community = try await WebFixture.unit(app, WebFixture.communityCodes[0])
            let units = try await WebFixture.count(app, "units")
            let form = Data("parent_id=\(community.id.uuidString)&level=grid&name=x".utf8)
            // MUT
            let notJSON = try await b.api(.POST, "/api/v1/units", json: "{not json")
            let wrongTypes = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":5,"level":"grid","name":3}"#)
            let badLevel = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(community.id.uuidString)","level":"planet","name":"x"}"#)
            let missingName = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(community.id.uuidString)","level":"grid"}"#)
            let array = try await b.api(.POST, "/api/v1/units", json: "[]")
            let empty = try await b.api(.POST, "/api/v1/units", body: Data(), contentType: .json)
            let unknownUnit = try await b.api(.GET, "/api/v1/units/\(UUID().uuidString)")
            let badUUID = try await b.api(.GET, "/api/v1/units/not-a-uuid")
            let badUUIDMove = try await b.api(.POST, "/api/v1/units/not-a-uuid/move", json: #"{"parent_id":"\#(community.id.uuidString)"}"#)
            let unknownParent = try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(UUID().uuidString)","level":"grid","name":"x"}"#)
            let zero = try await b.api(.GET, "/api/v1/residents?limit=0")
            let huge = try await b.api(.GET, "/api/v1/residents?limit=10000")
            let negative = try await b.api(.GET, "/api/v1/residents?offset=-1")
            let formPost = try await b.api(.POST, "/api/v1/units", body: form, contentType: .urlEncodedForm)
            let plainPost = try await b.api(.POST, "/api/v1/units", body: Data(#"{"parent_id":"\#(community.id.uuidString)","level":"grid","name":"x"}"#.utf8), contentType: .plainText)
            let plainImport = try await b.api(.POST, "/api/v1/import/residents", body: Data("姓名,身份证号=\r\n".utf8), contentType: .plainText)
            let badSplit = try await b.api(.POST, "/api/v1/units/\(community.id.uuidString)/split", json: #"{"parts":[{"name":"a","boundary":{}},{"name":"b"}]}"#)
            let wrongMethod = try await b.api(.PUT, "/api/v1/units")
            let junkFilter = try await b.api(.GET, "/api/v1/buildings?grid=junk")
            // validate
            for res in [notJSON, wrongTypes, badLevel, missingName, array, empty] {
                #expect(res.status == .badRequest || res.status == .unprocessableEntity, "\(res.status)")
                #expect(!(res.apiError["message"] as? String ?? "").isEmpty)
            }
            #expect(notJSON.status == .badRequest)
            #expect((notJSON.apiError["message"] as? String)?.contains("JSON") == true)
            #expect(wrongTypes.status == .badRequest)
            #expect((wrongTypes.apiError["message"] as? String)?.contains("类型不正确") == true)
            #expect(badLevel.status == .badRequest)
            #expect((missingName.apiError["message"] as? String)?.contains("name") == true)
            for res in [unknownUnit, badUUID, badUUIDMove, unknownParent] {
                #expect(res.status == .notFound)
                #expect(res.apiError["code"] as? String == "error.not_found")
            }
            for res in [zero, huge, negative] {
                #expect(res.status == .badRequest, "a bad paging number is a 400 naming the parameter")
            }
            #expect(zero.apiError["field"] as? String == "limit")
            #expect(negative.apiError["field"] as? String == "offset")
            #expect(formPost.status == .unsupportedMediaType)
            #expect(plainPost.status == .unsupportedMediaType, "a cross-site form can send text/plain, so the API must refuse it")
            #expect(plainImport.status == .unsupportedMediaType)
            // The field is named as the body spells it (snake_case, list positions), not as Swift does.
            #expect(wrongTypes.apiError["field"] as? String == "parent_id")
            #expect(badSplit.status == .badRequest && badSplit.apiError["field"] as? String == "parts[1].boundary", "\(badSplit.apiError)")
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers.first(name: .allow) == "GET, POST")
            #expect(junkFilter.status == .badRequest && junkFilter.apiError["field"] as? String == "grid", "a filter that is not a UUID is refused, not ignored")
            #expect(try await WebFixture.count(app, "units") == units)
        }
    }

    @Test("without a session the API answers 401 in JSON", arguments: TestDatabase.enabled)
    func unauthenticated(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = Browser(app)
            // MUT
            let units = try await b.api(.GET, "/api/v1/units")
            let residents = try await b.api(.GET, "/api/v1/residents")
            let post = try await b.api(.POST, "/api/v1/units", json: #"{"level":"district","code":"110106","name":"x"}"#)
            // validate
            for res in [units, residents, post] {
                #expect(res.status == .unauthorized)
                #expect(res.headers.contentType?.subType == "json")
                #expect(res.apiError["message"] as? String == "请先登录")
            }
            #expect(try await UnitRepository(app.db).find(code: "110106", in: .everything) == nil)
        }
    }

    @Test("importing through the API reports every problem with row and column; exports are masked unless allowed", arguments: TestDatabase.enabled)
    func importExport(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            var worker = try await Browser.login(app, as: "gridworker")
            var leader = try await Browser.login(app, as: "leader")
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            let before = try await WebFixture.count(app, "residents")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            // MUT
            let bad = try await admin.api(.POST, "/api/v1/import/residents", body: Data(WebFixture.badResidents(household: household).utf8), contentType: .init(type: "text", subType: "csv"))
            let unknownKind = try await admin.api(.POST, "/api/v1/import/cats", body: Data("a\n1\n".utf8), contentType: .init(type: "text", subType: "csv"))
            let byLeader = try await leader.api(.POST, "/api/v1/import/residents", body: Data(WebFixture.goodResidents(household: household).utf8), contentType: .init(type: "text", subType: "csv"))
            let good = try await admin.api(.POST, "/api/v1/import/residents", body: Data(WebFixture.goodResidents(household: household).utf8), contentType: .init(type: "text", subType: "csv"))
            let adminUnmasked = try await admin.api(.GET, "/api/v1/export/residents?unmasked=true&reason=%E6%95%B0%E6%8D%AE%E8%BF%81%E7%A7%BB%E6%A0%B8%E5%AF%B9")
            let workerUnmasked = try await worker.api(.GET, "/api/v1/export/residents?unmasked=true&reason=%E6%95%B0%E6%8D%AE%E8%BF%81%E7%A7%BB%E6%A0%B8%E5%AF%B9")
            // validate
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.apiError["code"] as? String == "import")
            let problems = bad.apiError["problems"] as? [[String: Any]] ?? []
            #expect(Set(problems.map { "\($0["row"] as? Int ?? 0):\($0["column"] as? String ?? "")" }) == ["3:身份证号", "4:联系电话", "5:与户主关系"])
            #expect(unknownKind.status == .notFound)
            #expect(byLeader.status == .forbidden)
            #expect(good.status == .ok)
            #expect(good.object["inserted"] as? Int == 1 && good.object["encoding"] as? String == "utf8")
            #expect(try await WebFixture.count(app, "residents") == before + 1)
            #expect(adminUnmasked.status == .forbidden, "an administrator may not unmask")
            #expect(workerUnmasked.status == .ok)
            let text = String(decoding: workerUnmasked.bytes.dropFirst(3), as: UTF8.self)
            #expect(text.matches(WebFixture.fullIDPattern))
            let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
            #expect(rows == (try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, limit: 1, in: .subtree(of: grid)).total), "only the worker's own grid")
        }
    }

    @Test("the boundaries export is GeoJSON with one feature per unit", arguments: TestDatabase.enabled)
    func boundariesExport(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let units = try await UnitRepository(app.db).all(in: .everything)
            // MUT
            let all = try await b.api(.GET, "/api/v1/export/boundaries")
            let grids = try await b.api(.GET, "/api/v1/export/boundaries?level=grid")
            // validate
            #expect(all.status == .ok)
            #expect(all.headers.contentType?.subType == "geo+json")
            #expect(all.object["type"] as? String == "FeatureCollection")
            let features = all.object["features"] as? [[String: Any]] ?? []
            #expect(features.count == units.count)
            let codes = features.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String }
            #expect(Set(codes) == Set(units.map(\.code)))
            #expect(features.allSatisfy { ($0["geometry"] as? [String: Any])?["type"] as? String == "Polygon" })
            let parsed = try GeoJSON.parse(Data(all.body.string.utf8))
            #expect(parsed.count == units.count)
            #expect((grids.object["features"] as? [[String: Any]])?.count == 4)
        }
    }
}

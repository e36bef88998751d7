import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Open311 GeoReport v2: discovery, services, requests and tokens in JSON and XML")
struct Open311Tests {
    static let garbage = "city_appearance.exposed_garbage"
    static let flyer = "advertising.illegal_flyer"
    static let phone = "13800001111"

    static func key(_ app: Application, _ name: String = "test-client") async throws -> String {
        try await ApiKeyRepository(app.db).create(name: name, now: app.clock.now()).key
    }

    /// A valid post inside the grid worker's grid, with the reporter's phone and name.
    static func report(
        _ app: Application, key: String, code: String = garbage, description: String = "小区门口垃圾堆积",
        format: String = "json"
    ) async throws -> (TestingHTTPResponse, String?) {
        let (_, point) = try await Open311Client.pointInside(app)
        let res = try await Open311Client(app: app).post(
            "/open311/v2/requests.\(format)",
            form: [
                "api_key": key, "service_code": code, "lat": String(point.lat), "long": String(point.lon),
                "description": description, "phone": phone, "first_name": "三", "last_name": "张",
                "email": "zhang@example.com", "attribute[WHISHETN]": "ignored", "jurisdiction_id": "anything",
            ])
        let id =
            format == "json"
            ? Open311Client.list(res).first?["service_request_id"] as? String
            : XMLNode.parse(res.body.string)?.child("request")?["service_request_id"]
        return (res, id)
    }

    static func ids(_ res: TestingHTTPResponse) -> Set<String> {
        Set(Open311Client.list(res).compactMap { $0["service_request_id"] as? String })
    }

    @Test("discovery in both formats, here and one level up", arguments: TestDatabase.enabled)
    func discovery(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            let client = Open311Client(app: app)
            let json = try await client.get("/open311/v2/discovery.json")
            #expect(json.status == .ok)
            #expect(json.headers.contentType == .json)
            let doc = Open311Client.object(json)
            let endpoint = try #require((doc["endpoints"] as? [[String: Any]])?.first)
            #expect(endpoint["specification"] as? String == Open311Controller.specification)
            #expect((endpoint["url"] as? String)?.hasSuffix("/open311/v2") == true)
            #expect(endpoint["formats"] as? [String] == ["text/xml", "application/json"])
            #expect(doc["changeset"] as? String == Open311Controller.changeset)

            let xml = try await client.get("/open311/v2/discovery.xml")
            #expect(xml.headers.first(name: .contentType) == "text/xml; charset=utf-8")
            #expect(xml.body.string.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>"))
            let root = try #require(XMLNode.parse(xml.body.string))
            #expect(root.name == "discovery")
            #expect(root.child("endpoints")?.child("endpoint")?.child("formats")?.all("format").map(\.text) == ["text/xml", "application/json"])
            #expect(try await client.get("/open311/discovery.json").status == .ok)
        }
    }

    @Test("services: the public leaf categories in JSON and XML, Open311's own key names", arguments: TestDatabase.enabled)
    func services(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            let client = Open311Client(app: app)
            let res = try await client.get("/open311/v2/services.json")
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .accessControlAllowOrigin) == "*")
            let services = Open311Client.list(res)
            let parents = Set(CaseCategory.seed.compactMap(\.parentKey))
            let expected = CaseCategory.seed.filter { [.event, .component].contains($0.kind) && !parents.contains($0.key) }
            #expect(services.count == expected.count)
            #expect(!res.body.string.contains("serviceCode"), "keys are not converted")
            let garbage = try #require(services.first { $0["service_code"] as? String == Self.garbage })
            #expect(garbage["service_name"] as? String == "暴露垃圾")
            #expect(garbage["group"] as? String == "市容环境")
            #expect(garbage["metadata"] as? Bool == false)
            #expect(garbage["type"] as? String == "realtime")
            #expect((garbage["description"] as? String)?.contains("环卫") == true)
            #expect((garbage["keywords"] as? String)?.contains("Exposed garbage") == true)
            let personal = CaseCategory.seed.filter { [.service, .appeal].contains($0.kind) }.map(\.key)
            #expect(!services.contains { personal.contains($0["service_code"] as? String ?? "") }, "services and disputes are not offered")

            let xml = try await client.get("/open311/v2/services.xml")
            let root = try #require(XMLNode.parse(xml.body.string))
            #expect(root.name == "services")
            #expect(root.all("service").count == expected.count)
            let item = try #require(root.all("service").first { $0["service_code"] == Self.garbage })
            #expect(item["metadata"] == "false" && item["group"] == "市容环境" && item["service_name"] == "暴露垃圾")
        }
    }

    @Test("service definitions: an empty attribute list, 404 for an unknown code", arguments: TestDatabase.enabled)
    func serviceDefinition(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            let client = Open311Client(app: app)
            let json = try await client.get("/open311/v2/services/\(Self.garbage).json")
            #expect(json.status == .ok)
            let doc = Open311Client.object(json)
            #expect(doc["service_code"] as? String == Self.garbage)
            #expect((doc["attributes"] as? [Any])?.isEmpty == true)
            let xml = try await client.get("/open311/v2/services/\(Self.garbage).xml")
            let root = try #require(XMLNode.parse(xml.body.string))
            #expect(root.name == "service_definition" && root["service_code"] == Self.garbage && root.child("attributes")?.children.isEmpty == true)

            let missing = try await client.get("/open311/v2/services/no.such.code.json")
            #expect(missing.status == .notFound)
            let error = try #require(Open311Client.list(missing).first)
            #expect(error["code"] as? Int == 404)
            #expect((error["description"] as? String)?.contains("no.such.code") == true)
            let missingXML = try await client.get("/open311/v2/services/appeal.policy_inquiry.xml")
            #expect(missingXML.status == .notFound)
            #expect(XMLNode.parse(missingXML.body.string)?.child("error")?["code"] == "404")
        }
    }

    @Test("POST with a key opens a case; GET shows the deadline as expected_datetime and the department", arguments: TestDatabase.enabled)
    func postAndGet(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let key = try await Self.key(app)
            let (res, id) = try await Self.report(app, key: key)
            #expect(res.status == .ok, "\(res.body.string)")
            let answer = try #require(Open311Client.list(res).first)
            let code = try #require(id)
            #expect(PublicCode.normalized(code) == code, "service_request_id is the public code")
            let row = try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).byPublicCode(code, in: .everything))
            #expect(row.trackingCode != code && TrackingCode.normalized(code) == nil, "the public id is never the tracking code")
            // Only the poster learns the private tracking code, in the notice of this one answer.
            #expect((answer["service_notice"] as? String)?.contains(TrackingCode.display(row.trackingCode)) == true)
            #expect(answer.keys.contains("account_id"))

            let (grid, _) = try await Open311Client.pointInside(app)
            #expect(row.channel == .open311 && row.state == .reported && row.unitID == grid.id)
            #expect(row.reporterPhone == Self.phone && row.reporterName == "张三")
            let department = try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).departments().first { $0.key == row.departmentKey })

            let client = Open311Client(app: app)
            let one = try await client.get("/open311/v2/requests/\(code).json")
            #expect(one.status == .ok)
            let got = try #require(Open311Client.list(one).first)
            #expect(got["service_request_id"] as? String == code)
            #expect(got["status"] as? String == "open")
            #expect(got["service_code"] as? String == Self.garbage)
            #expect(got["expected_datetime"] as? String == W3CDateTime.format(row.resolveBy))
            #expect((got["expected_datetime"] as? String)?.hasSuffix("+08:00") == true)
            #expect(got["requested_datetime"] as? String == W3CDateTime.format(row.reportedAt))
            #expect(got["agency_responsible"] as? String == department.nameZh)
            // Foundation's JSON reader on Linux may round the last digit; the text written is Swift's exact shortest form.
            #expect(abs((got["lat"] as? Double ?? 0) - (row.lat ?? 1)) < 1e-9 && abs((got["long"] as? Double ?? 0) - (row.lon ?? 1)) < 1e-9)
            #expect(one.body.string.contains("\"long\":\(row.lon!)"))
            #expect(got["media_url"] is NSNull)
            #expect(try await client.get("/open311/v2/requests/\(TrackingCode.display(code)).json").status == .ok, "the hyphenated form works too")

            let xml = try #require(XMLNode.parse(try await client.get("/open311/v2/requests/\(code).xml").body.string))
            #expect(xml.name == "service_requests")
            let request = try #require(xml.child("request"))
            #expect(request["expected_datetime"] == W3CDateTime.format(row.resolveBy) && request["agency_responsible"] == department.nameZh)

            // Tokens: the case id maps to the service_request_id.
            let token = Open311Client.list(try await client.get("/open311/v2/tokens/\(row.id.uuidString).json")).first
            #expect(token?["service_request_id"] as? String == code && token?["token"] as? String == row.id.uuidString)
            #expect(XMLNode.parse(try await client.get("/open311/v2/tokens/\(row.id.uuidString).xml").body.string)?.child("request")?["service_request_id"] == code)
            #expect(try await client.get("/open311/v2/tokens/\(UUID().uuidString).json").status == .notFound)

            // Audited like every other intake, with the key's name as the actor.
            struct Entry: Decodable { var actor: String; var role: String; var detail: String; var outcome: String }
            let entries = try await (app.db as! any SQLDatabase).raw("SELECT actor, role, detail, outcome FROM audit_log WHERE action = 'case.report'")
                .all(decoding: Entry.self)
            #expect(entries.contains { $0.actor == "test-client" && $0.role == "open311" && $0.detail.contains(row.trackingCode) && $0.outcome == "ok" })

            // The XML post answers in XML.
            let (xmlPost, xmlID) = try await Self.report(app, key: key, format: "xml")
            #expect(xmlPost.status == .ok && xmlID.flatMap(PublicCode.normalized) != nil)
        }
    }

    @Test("a service taken out of use elsewhere (another instance, a statement by hand) is refused at the next post; back in use, taken again", arguments: TestDatabase.enabled)
    func withdrawnService(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let key = try await Self.key(app)
            #expect(try await Self.report(app, key: key).0.status == .ok)  // the catalogue is now in this instance's memory
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE case_categories SET active = \(bind: false) WHERE key = \(bind: Self.garbage)").run()
            let refused = try await Self.report(app, key: key).0
            #expect(refused.status == .badRequest)
            #expect((Open311Client.list(refused).first?["description"] as? String)?.contains(Self.garbage) == true, "\(refused.body.string)")
            try await sql.raw("UPDATE case_categories SET active = \(bind: true) WHERE key = \(bind: Self.garbage)").run()
            #expect(try await Self.report(app, key: key).0.status == .ok)
        }
    }

    @Test("POST without a key, with a wrong one or a revoked one: 403 with Open311's error body, nothing made", arguments: TestDatabase.enabled)
    func postRefusedWithoutKey(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let client = Open311Client(app: app)
            let (_, point) = try await Open311Client.pointInside(app)
            let form = ["service_code": Self.garbage, "lat": String(point.lat), "long": String(point.lon), "description": "垃圾"]
            let before = try await Open311Client.caseCount(app)

            let none = try await client.post(form: form)
            #expect(none.status == .forbidden)
            #expect(none.headers.contentType == .json)
            let error = try #require(Open311Client.list(none).first)
            #expect(error["code"] as? Int == 403 && (error["description"] as? String)?.contains("api_key") == true)

            let wrong = try await client.post("/open311/v2/requests.xml", form: form.merging(["api_key": "o311_0000"]) { a, _ in a })
            #expect(wrong.status == .forbidden)
            #expect(wrong.headers.first(name: .contentType) == "text/xml; charset=utf-8")
            let root = try #require(XMLNode.parse(wrong.body.string))
            #expect(root.name == "errors" && root.child("error")?["code"] == "403")

            let key = try await Self.key(app, "revoked-client")
            try await ApiKeyRepository(app.db).revoke(name: "revoked-client", now: app.clock.now())
            #expect(try await client.post(form: form.merging(["api_key": key]) { a, _ in a }).status == .forbidden)
            #expect(try await Open311Client.caseCount(app) == before)
            // No CSRF token and no session are needed with a valid key; the key may also come in the query string.
            let live = try await Self.key(app, "live-client")
            #expect(try await client.post("/open311/v2/requests.json?api_key=\(live)", form: form).status == .ok)
        }
    }

    @Test("bad input: a clear 4xx in Open311's body and never a half-made case", arguments: TestDatabase.enabled)
    func badInput(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let client = Open311Client(app: app)
            let key = try await Self.key(app)
            let (_, point) = try await Open311Client.pointInside(app)
            let good = ["api_key": key, "service_code": Self.garbage, "lat": String(point.lat), "long": String(point.lon), "description": "垃圾"]
            let before = try await Open311Client.caseCount(app)
            let cases: [(String, [String: String], String)] = [
                ("unknown service_code", ["service_code": "no_such_service"], "no_such_service"),
                ("a personal category is no service", ["service_code": "appeal.policy_inquiry"], "appeal.policy_inquiry"),
                ("latitude out of range", ["lat": "200"], "lat"),
                ("not a number", ["long": "abc"], "long"),
                ("nan is not a coordinate", ["lat": "nan"], "lat"),
                ("only one of lat/long", ["long": ""], "lat"),
                ("far outside the district", ["lat": "-33.86", "long": "151.2"], "lat"),
                ("no location at all", ["lat": "", "long": ""], "lat"),
                ("over-long description", ["description": String(repeating: "长", count: CaseRepository.maxDescription + 1)], "description"),
                ("over-long address", ["address_string": String(repeating: "路", count: CaseRepository.maxShort + 1)], "address_string"),
                ("bad phone", ["phone": "12345"], "phone"),
                ("unknown address_id", ["lat": "", "long": "", "address_id": "NO-SUCH-BUILDING"], "address_id"),
            ]
            for (what, change, mentioned) in cases {
                let form = good.merging(change) { _, new in new }
                let res = try await client.post(form: form)
                #expect(res.status == .badRequest, "\(what): \(res.status) \(res.body.string)")
                let error = Open311Client.list(res).first
                #expect(error?["code"] as? Int == 400, "\(what)")
                #expect((error?["description"] as? String)?.contains(mentioned) == true, "\(what): \(error?["description"] ?? "-")")
                let xml = try await client.post("/open311/v2/requests.xml", form: form)
                #expect(xml.status == .badRequest && XMLNode.parse(xml.body.string)?.child("error")?["code"] == "400", "\(what) in XML")
            }
            #expect(try await Open311Client.caseCount(app) == before, "nothing was written")

            // JSON is not Open311's post format.
            var res: TestingHTTPResponse!
            try await app.testing().test(
                .POST, "/open311/v2/requests.json",
                beforeRequest: { req in
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: #"{"api_key": "\#(key)"}"#)
                }, afterResponse: { res = $0 })
            #expect(res.status == .badRequest && Open311Client.list(res).first?["code"] as? Int == 400)

            // A building code as address_id locates the case; an address alone is enough too.
            let building = try #require(try await PlaceRepository(app.db).buildings(inGrid: nil, limit: 1, in: .everything).first)
            let byBuilding = try await client.post(form: good.merging(["lat": "", "long": "", "address_id": building.code]) { _, new in new })
            #expect(byBuilding.status == .ok)
            let byAddress = try await client.post(form: good.merging(["lat": "", "long": "", "address_string": "人民路与建设路路口"]) { _, new in new })
            #expect(byAddress.status == .ok)
            // multipart/form-data, as clients that upload a photo send it: the fields count, the file is ignored for now.
            let boundary = "open311-test-boundary"
            var multipart = ""
            for (name, value) in good.merging(["description": "井盖缺失"], uniquingKeysWith: { _, new in new }) {
                multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"media\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u{FF}\u{D8}\u{FF}\r\n--\(boundary)--\r\n"
            var withPhoto: TestingHTTPResponse!
            try await app.testing().test(
                .POST, "/open311/v2/requests.json",
                beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                    req.body = ByteBuffer(string: multipart)
                }, afterResponse: { withPhoto = $0 })
            #expect(withPhoto.status == .ok, "\(withPhoto.body.string)")
            #expect(try await Open311Client.caseCount(app) == before + 3)
        }
    }

    @Test("GET requests: service_code, status, start/end date and service_request_id filters; the 90-day window", arguments: TestDatabase.enabled)
    func filters(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let key = try await Self.key(app)
            let client = Open311Client(app: app)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let operatorActor = CaseActor(id: nil, name: "受理员", role: .operator_)
            let t0 = app.clock.now()
            let a = try #require(try await Self.report(app, key: key).1)
            app.testClock.advance(2 * 86400)
            let b = try #require(try await Self.report(app, key: key, code: Self.flyer, description: "电线杆上贴满小广告").1)
            let c = try #require(try await Self.report(app, key: key, description: "测试内容").1)
            let rowB = try #require(try await repo.byPublicCode(b, in: .everything))
            try await repo.apply(.accept(), to: rowB.id, actor: operatorActor, in: .everything, at: app.clock.now())
            try await repo.apply(.close(note: "已清理，如有问题请拨打13912345678"), to: rowB.id, actor: operatorActor, in: .everything, at: app.clock.now())
            let rowC = try #require(try await repo.byPublicCode(c, in: .everything))
            try await repo.apply(.reject(reason: "测试数据，不予受理"), to: rowC.id, actor: operatorActor, in: .everything, at: app.clock.now())

            let all = Self.ids(try await client.get("/open311/v2/requests.json"))
            #expect(all == [a, b], "a rejected case is not listed")
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?status=open")) == [a])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?status=closed")) == [b])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?status=open,closed")) == [a, b])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?service_code=\(Self.flyer)")) == [b])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?service_code=\(Self.flyer),\(Self.garbage)")) == [a, b])
            let middle = W3CDateTime.format(t0.addingTimeInterval(86400))
            let encoded = middle.replacingOccurrences(of: "+", with: "%2B")
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?start_date=\(encoded)")) == [b])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?end_date=\(encoded)")) == [a])
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?end_date=\(middle)")) == [a], "an unencoded + (a space) still reads as +08:00")
            #expect(
                Self.ids(try await client.get("/open311/v2/requests.json?service_request_id=\(a),\(c)&status=closed")) == [a, c],
                "ids override the other filters and name even a rejected case")

            let closed = try #require(Open311Client.list(try await client.get("/open311/v2/requests/\(b).json")).first)
            #expect(closed["status"] as? String == "closed")
            #expect((closed["status_notes"] as? String)?.hasPrefix("已清理") == true)
            #expect((closed["status_notes"] as? String)?.contains("13912345678") == false, "numbers in notes are starred")
            let rejected = try #require(Open311Client.list(try await client.get("/open311/v2/requests/\(c).json")).first)
            #expect(rejected["status"] as? String == "closed" && rejected["status_notes"] as? String == "测试数据，不予受理")

            // XML lists and their filters.
            let xml = try #require(XMLNode.parse(try await client.get("/open311/v2/requests.xml?status=open").body.string))
            #expect(xml.name == "service_requests" && xml.all("request").compactMap { $0["service_request_id"] } == [a])

            // Bad filters answer 400 in the format asked for.
            for query in ["status=pending", "start_date=yesterday", "end_date=2026-02-30", "start_date=2026-11-02&end_date=2026-11-01"] {
                let res = try await client.get("/open311/v2/requests.xml?\(query)")
                #expect(res.status == .badRequest && XMLNode.parse(res.body.string)?.child("error")?["code"] == "400", "\(query)")
            }

            // The default window is the last 90 days.
            app.testClock.advance(91 * 86400)
            #expect(Self.ids(try await client.get("/open311/v2/requests.json")).isEmpty)
            #expect(Self.ids(try await client.get("/open311/v2/requests.json?start_date=\(W3CDateTime.format(t0.addingTimeInterval(-60)).prefix(10))")) == [a, b])
        }
    }

    @Test("the reporter's phone and name never appear in any GET", arguments: TestDatabase.enabled)
    func personalDataStaysPrivate(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let key = try await Self.key(app)
            let code = try #require(try await Self.report(app, key: key, description: "请回电\(Self.phone)").1)
            let row = try #require(try await CaseRepository(app.db, cipher: app.keys.cipher).byPublicCode(code, in: .everything))
            let client = Open311Client(app: app)
            for path in [
                "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/\(code).json",
                "/open311/v2/requests/\(code).xml", "/open311/v2/requests.json?service_request_id=\(code)",
                "/open311/v2/tokens/\(row.id.uuidString).json",
            ] {
                let body = try await client.get(path).body.string
                #expect(body.contains(code), "\(path) answers")
                #expect(!body.contains(Self.phone), "\(path) leaks the phone")
                #expect(!body.contains("张三") && !body.contains("张*"), "\(path) leaks the name")
                #expect(!body.contains("zhang@example.com"), "\(path) leaks the e-mail")
                #expect(!body.contains("reporter"), "\(path) names a reporter field")
                #expect(!body.contains(row.trackingCode), "\(path) shows the reporter's private tracking code")
            }
            let got = try #require(Open311Client.list(try await client.get("/open311/v2/requests/\(code).json")).first)
            #expect(got["description"] as? String == "请回电***********", "a phone typed into the description is starred")
        }
    }

    @Test("unknown paths and jurisdiction_id answer Open311 errors, not the HTML error page", arguments: TestDatabase.enabled)
    func errorsInKind(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            let client = Open311Client(app: app)
            let unknown = try await client.get("/open311/v2/nothing.json")
            #expect(unknown.status == .notFound && Open311Client.list(unknown).first?["code"] as? Int == 404)
            let deep = try await client.get("/open311/v2/requests/a/b/c.xml")
            #expect(deep.status == .notFound && XMLNode.parse(deep.body.string)?.child("error")?["code"] == "404")
            #expect(try await client.get("/open311/v2/requests.csv").status == .notFound)
            #expect(try await client.get("/open311/v2/requests/ZZZZZZZZ.json").status == .notFound)
            #expect(try await client.get("/open311/v2/services.json?jurisdiction_id=anything").status == .ok, "ignored unless configured")

            app.open311 = Open311Settings(environment: ["WANGGE_OPEN311_JURISDICTION": "wangge.example"])
            #expect(try await client.get("/open311/v2/services.json?jurisdiction_id=wangge.example").status == .ok)
            let other = try await client.get("/open311/v2/services.xml?jurisdiction_id=elsewhere.example")
            #expect(other.status == .badRequest && XMLNode.parse(other.body.string)?.child("error")?["description"]?.contains("elsewhere.example") == true)
        }
    }
}

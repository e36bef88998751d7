import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Home visits and care archives on the web: register changes, drafts, scope, coverage, care gate, API")
struct VisitWebTests {
    /// The grid worker's grid, a household of it with its members, and a household of another grid.
    static func places(_ app: Application) async throws -> (grid: UnitRow, household: HouseholdRow, members: [ResidentRow], other: HouseholdRow) {
        let grids = try await UnitRepository(app.db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
        let sql = app.db as! any SQLDatabase
        struct H: Decodable { var id: UUID }
        let mine = try await sql.raw(
            """
            SELECT h.id FROM households h WHERE h.unit_id = \(bind: grids[0].id) \
            AND (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) >= 2 ORDER BY h.number LIMIT 1
            """
        ).first(decoding: H.self)
        let theirs = try await sql.raw("SELECT id FROM households WHERE unit_id = \(bind: grids[1].id) ORDER BY number LIMIT 1").first(decoding: H.self)
        let places = PlaceRepository(app.db)
        let household = try await places.household(try #require(mine).id, in: .everything)
        let other = try await places.household(try #require(theirs).id, in: .everything)
        let members = try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, householdID: household.id, in: .everything).rows
        return (grids[0], household, members, other)
    }

    static func count(_ app: Application, _ query: SQLQueryString) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    static let newID = ResidentID.make(region: "110101", birth: SimpleDate(year: 2026, month: 3, day: 1)!, sequence: 17).value

    @Test("a visit adds a member, moves one out, changes a phone and tags, logs a need — all at once, each audited", arguments: TestDatabase.enabled)
    func recordWithChanges(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (_, household, members, _) = try await Self.places(app)
            let (stay, leave) = (members[0], members[1])
            var worker = try await Browser.login(app, as: "gridworker")
            let form = try await worker.get("/households/\(household.id)/visit")
            #expect(form.status == .ok && form.body.string.contains("name=\"new_id_number\""))
            // MUT
            let saved = try await worker.post(
                "/households/\(household.id)/visit",
                form: [
                    "seen": "家中整洁，新添一名婴儿", "met": stay.id.uuidString, "needs": "希望办理新生儿医保",
                    "new_name": "新生儿", "new_id_number": Self.newID, "new_relation": "grandchild", "new_residence_type": "registered",
                    "moved_\(leave.id)": "1", "phone_\(stay.id)": "13912345678", "tagset_\(stay.id)": "1", "tags_\(stay.id)": "veteran",
                ])
            // validate
            #expect(saved.status == .seeOther)
            let visitPath = try #require(saved.headers.first(name: .location))
            let page = try await worker.get(visitPath)
            #expect(page.body.string.contains(L10n.t("visit.recorded")) && page.body.string.contains("希望办理新生儿医保"))
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let now = try await people.search(nil, householdID: household.id, in: .everything).rows
            #expect(now.contains { $0.idNumber == Self.newID && $0.name == "新生儿" && $0.unitID == household.unitID }, "the new member is in the household and its grid")
            #expect(!now.contains { $0.id == leave.id }, "the member who moved out left the household")
            let left = try await people.get(leave.id, in: .everything)
            #expect(left.householdID == nil && left.unitID == nil)
            let changed = try await people.get(stay.id, in: .everything)
            #expect(changed.phone == "13912345678")
            let tags = try await people.tags(of: [stay.id])[stay.id]?.map(\.key) ?? []
            #expect(tags == ["veteran"])
            let needs = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE household_id = \(bind: household.id) AND text = '希望办理新生儿医保'")
            #expect(needs == 1)
            let sql = app.db as! any SQLDatabase
            let actions = try await sql.raw("SELECT action FROM audit_log WHERE detail LIKE '%visit=%' OR object_type = 'home_visit' ORDER BY action").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(actions == ["create", "need.record", "resident.move_out", "update", "update", "visit.record"])
            let history = try await worker.get("/households/\(household.id)")
            #expect(history.body.string.contains(visitPath) && history.body.string.contains(L10n.t("visit.record")))
        }
    }

    @Test("an invalid ID number keeps the visit a draft with the reason beside the field; nothing changes until it is fixed", arguments: TestDatabase.enabled)
    func draft(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (_, household, members, _) = try await Self.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/households/\(household.id)/visit")
            let residents = try await Self.count(app, "SELECT COUNT(*) AS n FROM residents")
            let bad = String(Self.newID.dropLast()) + (Self.newID.last == "1" ? "2" : "1")
            // MUT
            let refused = try await worker.post(
                "/households/\(household.id)/visit",
                form: ["seen": "核对户籍", "new_name": "新成员", "new_id_number": bad, "phone_\(members[0].id)": "13800000000", "needs": "需要助餐"])
            // validate
            #expect(refused.status == .unprocessableEntity)
            let body = refused.body.string
            #expect(body.contains(L10n.t("visit.drafted", 1)) && body.contains("field-error"))
            let count1 = try await Self.count(app, "SELECT COUNT(*) AS n FROM residents")
            #expect(count1 == residents)
            let phone = try await ResidentRepository(app.db, cipher: app.keys.cipher).get(members[0].id, in: .everything).phone
            #expect(phone == members[0].phone, "the valid phone change is not applied either")
            let count2 = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '需要助餐'")
            #expect(count2 == 0)
            let count3 = try await Self.count(app, "SELECT COUNT(*) AS n FROM home_visits WHERE state = 'draft'")
            #expect(count3 == 1)
            // Fixed and sent again: the draft is recorded.
            let draft = try #require(body.firstMatch(of: /name="draft" value="([0-9A-F-]+)"/)).1
            let fixed = try await worker.post(
                "/households/\(household.id)/visit", form: ["draft": String(draft), "seen": "核对户籍", "new_name": "新成员", "new_id_number": Self.newID, "needs": "需要助餐"])
            #expect(fixed.status == .seeOther)
            let count4 = try await Self.count(app, "SELECT COUNT(*) AS n FROM home_visits WHERE state = 'draft'")
            #expect(count4 == 0)
            let count5 = try await Self.count(app, "SELECT COUNT(*) AS n FROM residents")
            #expect(count5 == residents + 1)
            let count6 = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '需要助餐'")
            #expect(count6 == 1)
        }
    }

    @Test("a household of another grid is 404 to the worker and the proxy agent, on the page and the API")
    func outOfGrid() async throws {
        try await withApp(.sqlite) { app in
            let (_, _, _, other) = try await Self.places(app)
            for user in ["gridworker", "proxy"] {
                var b = try await Browser.login(app, as: user)
                try await b.get("/")
                let form = try await b.get("/households/\(other.id)/visit")
                let post = try await b.post("/households/\(other.id)/visit", form: ["seen": "越界"])
                let api = try await b.api(.POST, "/api/v1/households/\(other.id)/visits", json: #"{"seen":"越界"}"#)
                #expect(form.status == .notFound && post.status == .notFound && api.status == .notFound, "\(user)")
            }
            let count7 = try await Self.count(app, "SELECT COUNT(*) AS n FROM home_visits WHERE household_id = \(bind: other.id) AND seen = '越界'")
            #expect(count7 == 0)
        }
    }

    @Test("the API records idempotently by client_id, answers a failed change with 422 and the draft id, and lists due households")
    func api() async throws {
        try await withApp(.sqlite) { app in
            let (grid, household, members, _) = try await Self.places(app)
            var b = try await Browser.login(app, as: "gridworker")
            let client = UUID()
            let body = #"{"client_id":"\#(client)","seen":"上门了解情况","met":["\#(members[0].id)"],"needs":["想申请居家养老服务"]}"#
            let first = try await b.api(.POST, "/api/v1/households/\(household.id)/visits", json: body)
            let again = try await b.api(.POST, "/api/v1/households/\(household.id)/visits", json: body)
            #expect(first.status == .created && again.status == .ok)
            #expect(first.object["id"] as? String == again.object["id"] as? String)
            let count8 = try await Self.count(app, "SELECT COUNT(*) AS n FROM resident_needs WHERE text = '想申请居家养老服务'")
            #expect(count8 == 1)

            let bad = #"{"seen":"改电话","changes":[{"kind":"phone","resident_id":"\#(members[0].id)","phone":"12345"}]}"#
            let refused = try await b.api(.POST, "/api/v1/households/\(household.id)/visits", json: bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.object["draft_id"] is String)
            let problems = (refused.object["error"] as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.first?["field"] as? String == "changes.0.phone")

            // Photos as base64, checked as case photos are: a PNG is kept and served in scope, text is refused.
            let png = Data(TestImages.png()).base64EncodedString()
            let withPhoto = try await b.api(
                .POST, "/api/v1/households/\(household.id)/visits", json: #"{"seen":"拍照留存","photos":[{"name":"门口.png","data":"\#(png)"}]}"#)
            let photo = try #require((withPhoto.object["photos"] as? [[String: Any]])?.first?["id"] as? String)
            let visitID = try #require(withPhoto.object["id"] as? String)
            let served = try await b.get("/visits/\(visitID)/photos/\(photo)")
            #expect(withPhoto.status == .created && served.status == .ok && served.headers.first(name: .contentType) == "image/png")
            let text = Data("not a photo".utf8).base64EncodedString()
            let notImage = try await b.api(.POST, "/api/v1/households/\(household.id)/visits", json: #"{"seen":"假照片","photos":[{"name":"a.jpg","data":"\#(text)"}]}"#)
            #expect(notImage.status == .unprocessableEntity)
            let fakes = try await Self.count(app, "SELECT COUNT(*) AS n FROM home_visits WHERE seen = '假照片'")
            #expect(fakes == 0)

            let due = try await b.api(.GET, "/api/v1/units/\(grid.id)/visits/due?order=building")
            #expect(due.status == .ok)
            let households = due.object["households"] as? [[String: Any]] ?? []
            #expect(!households.isEmpty && !households.contains { $0["household_id"] as? String == household.id.uuidString }, "the visited household is not due")
            let list = try await b.api(.GET, "/api/v1/households/\(household.id)/visits")
            #expect(list.status == .ok && ((list.json as? [Any])?.count ?? 0) >= 3)
        }
    }

    @Test("coverage page: the rule, counts per grid and a sortable plan; a leader reads it for the community")
    func coverage() async throws {
        try await withApp(.sqlite) { app in
            let (grid, _, _, _) = try await Self.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            let page = try await worker.get("/units/\(grid.id)/visits?order=building")
            #expect(page.status == .ok && page.body.string.contains(L10n.t("visit.rule")) && page.body.string.contains(L10n.t("visit.order.building")))
            var leader = try await Browser.login(app, as: "leader")
            let community = try #require(grid.parentID)
            let rolled = try await leader.get("/units/\(community)/visits")
            #expect(rolled.status == .ok && rolled.body.string.contains(grid.name) && rolled.body.string.contains(L10n.t("visit.total")))
            let streetID = try await UnitRepository(app.db).get(community, in: .everything).parentID
            let street = try await UnitRepository(app.db).get(try #require(streetID), in: .everything)
            let above = try await leader.get("/units/\(street.id)/visits")
            #expect(above.status == .ok && above.body.string.contains("/units/\(community)/visits"))
        }
    }

    @Test("care notes: encrypted at rest, read by the grid worker with a reason (audited), refused and masked for a leader")
    func care() async throws {
        try await withApp(.sqlite) { app in
            let sql = app.db as! any SQLDatabase
            let (grid, _, _, _) = try await Self.places(app)
            struct C: Decodable { var resident_id: UUID; var notes: String }
            let found = try await sql.raw(
                "SELECT c.resident_id, c.notes FROM care_archives c JOIN residents r ON r.id = c.resident_id WHERE r.unit_id = \(bind: grid.id) LIMIT 1"
            ).first(decoding: C.self)
            let archive = try #require(found, "the demo gives some elders a care archive")
            let plain = try await CareArchiveRepository(app.db, cipher: app.keys.cipher).withNotes(archive.resident_id, in: .everything).notes
            #expect(!archive.notes.contains(try #require(plain).health), "notes are stored encrypted")

            var worker = try await Browser.login(app, as: "gridworker")
            let page = try await worker.get("/residents/\(archive.resident_id)/care")
            #expect(page.status == .ok && !page.body.string.contains(plain!.health) && page.body.string.contains(L10n.t("care.read")))
            let noReason = try await worker.post("/residents/\(archive.resident_id)/care/read", form: ["reason": ""])
            #expect(noReason.status == .unprocessableEntity)
            let read = try await worker.post("/residents/\(archive.resident_id)/care/read", form: ["reason": "入户走访前了解情况"])
            #expect(read.status == .ok && read.body.string.contains(plain!.health))

            var leader = try await Browser.login(app, as: "leader")
            let masked = try await leader.get("/residents/\(archive.resident_id)/care")
            #expect(masked.status == .ok && masked.body.string.contains(L10n.t("care.masked")) && !masked.body.string.contains(plain!.health))
            let refused = try await leader.api(.GET, "/api/v1/residents/\(archive.resident_id)/care?reason=看看情况")
            #expect(refused.status == .forbidden)

            let audited = try await sql.raw(
                "SELECT actor, outcome, detail FROM audit_log WHERE action = 'care.read' AND object_id = \(bind: archive.resident_id.uuidString) ORDER BY seq"
            ).all().map { (try $0.decode(column: "actor", as: String.self), try $0.decode(column: "outcome", as: String.self), try $0.decode(column: "detail", as: String.self)) }
            #expect(audited.map(\.0) == ["gridworker", "leader"])
            #expect(audited.map(\.1) == ["ok", "denied"])
            #expect(audited[0].2.contains("reason=入户走访前了解情况"))
        }
    }
    @Test("a care archive is saved for an elder (not for someone in no care group), answered without its notes, read back through the gate")
    func careSave() async throws {
        try await withApp(.sqlite) { app in
            let sql = app.db as! any SQLDatabase
            let (grid, household, members, _) = try await Self.places(app)
            struct R: Decodable { var id: UUID }
            let elder = try await sql.raw(
                """
                SELECT r.id FROM residents r WHERE r.unit_id = \(bind: grid.id) AND r.birth_date <= '1950-01-01' \
                AND r.id NOT IN (SELECT resident_id FROM care_archives) ORDER BY r.name LIMIT 1
                """
            ).first(decoding: R.self)
            let young = try await sql.raw(
                """
                SELECT r.id FROM residents r WHERE r.unit_id = \(bind: grid.id) AND r.birth_date >= '1990-01-01' \
                AND r.id NOT IN (SELECT resident_id FROM resident_tags) \
                AND (SELECT COUNT(*) FROM residents o WHERE o.household_id = r.household_id) > 1 ORDER BY r.name LIMIT 1
                """
            ).first(decoding: R.self)
            let (elderID, youngID) = (try #require(elder).id, try #require(young).id)
            var worker = try await Browser.login(app, as: "gridworker")
            let body = #"{"frequency":"weekly","notes":{"needs":"助餐","home_care":"女儿每周探望","health":"高血压","contacts":[{"name":"王丽","relation":"女儿","phone":"13900001111"}]}}"#
            let saved = try await worker.api(.PUT, "/api/v1/residents/\(elderID)/care", json: body)
            #expect(saved.status == .ok && saved.object["frequency"] as? String == "weekly" && saved.object["notes"] == nil)
            let refused = try await worker.api(.PUT, "/api/v1/residents/\(youngID)/care", json: body)
            #expect(refused.status == .unprocessableEntity)
            let read = try await worker.api(.GET, "/api/v1/residents/\(elderID)/care?reason=%E5%85%A5%E6%88%B7%E8%B5%B0%E8%AE%BF%E5%89%8D")
            let notes = read.object["notes"] as? [String: Any]
            #expect(read.status == .ok && notes?["health"] as? String == "高血压" && notes?["home_care"] as? String == "女儿每周探望")
            let audited = try await sql.raw("SELECT action FROM audit_log WHERE object_id = \(bind: elderID.uuidString) ORDER BY seq").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(audited == ["care.save", "care.read"])

            var proxy = try await Browser.login(app, as: "proxy")
            let change = #"{"seen":"改电话","changes":[{"kind":"phone","resident_id":"\#(members[0].id)","phone":"13900002222"}]}"#
            let notAllowed = try await proxy.api(.POST, "/api/v1/households/\(household.id)/visits", json: change)
            #expect(notAllowed.status == .forbidden, "a proxy agent records visits but leaves the register to the grid worker")
        }
    }
}

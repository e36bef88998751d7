import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// What probing the field-work routes as an attacker and a clumsy user found, each kept fixed.
@Suite("Probe findings: visit JSON masked, examples published in scope only, no future or ancient times")
struct ProbeFindingsTests {
    @Test("a visit's register changes come back from the API masked, to the worker and to a leader alike")
    func visitJSONMasked() async throws {
        try await withApp(.sqlite) { app in
            // setup
            let (_, household, members, _) = try await VisitWebTests.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            let body17 = "11010120260301002"
            let id = body17 + String(try #require(ResidentID.checkCharacter(for: body17)))
            let json = #"""
                {"client_id":"\#(UUID())","seen":"新生儿","changes":[{"kind":"add_member","member":{"name":"王小宝","id_number":"\#(id)",
                "phone":"13812345678","relation":"child","residence_type":"registered","tags":[]}},
                {"kind":"phone","resident_id":"\#(members[0].id)","phone":"13987654321"}]}
                """#
            // MUT
            let posted = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: json)
            let visitID = try #require(posted.object["id"] as? String)
            var leader = try await Browser.login(app, as: "leader")
            let one = try await leader.api(.GET, "/api/v1/visits/\(visitID)")
            let list = try await leader.api(.GET, "/api/v1/households/\(household.id)/visits")
            // validate
            #expect(posted.status == .created)
            for res in [posted, one, list] {
                #expect(res.status.code < 300)
                #expect(!res.body.string.contains(id) && !res.body.string.contains("13812345678") && !res.body.string.contains("13987654321"))
                #expect(res.body.string.contains(Mask.idNumber(id)) && res.body.string.contains(Mask.phone("13987654321")))
            }
            // The register itself holds the full values, behind the unmask gate.
            let added = try await ResidentRepository(app.db, cipher: app.keys.cipher).search("王小宝", in: .everything).rows
            #expect(added.first?.idNumber == id)
        }
    }

    @Test("an example is published or taken back only within the publisher's part of the tree", arguments: TestDatabase.enabled)
    func publishInScope(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: one example written up in the grid worker's grid, one in another grid.
            let (grid, _, other) = try await LogWebTests.places(app)
            let sql = app.db as! any SQLDatabase
            func example(in unit: UUID) async throws -> UUID {
                let id = UUID()
                try await sql.raw(
                    """
                    INSERT INTO service_examples (id, unit_id, outcome, title, text, keywords, published, saved_by, saved_at) \
                    VALUES (\(bind: id), \(bind: unit), 'solved', '示例', '居民某某办理居住证', '[]', \(bind: true), '代办员', \(bind: Date()))
                    """
                ).run()
                return id
            }
            let mine = try await example(in: grid.id), theirs = try await example(in: other.id)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/examples/\(mine)")
            // MUT
            let foreign = try await worker.post("/examples/\(theirs)/publish", form: ["published": "0"])
            let own = try await worker.post("/examples/\(mine)/publish", form: ["published": "0"])
            // validate
            #expect(foreign.status == .notFound && own.status == .seeOther)
            let published = try await sql.raw("SELECT id FROM service_examples WHERE published = \(bind: true)").all().map { try $0.decode(column: "id", as: UUID.self) }
            #expect(published.contains(theirs) && !published.contains(mine))
        }
    }

    @Test("patrol points more than five minutes ahead, and visit or log days more than a year back, are refused with the field named")
    func times() async throws {
        try await withApp(.sqlite) { app in
            // setup
            let (grid, _, _) = try await LogWebTests.places(app)
            let (_, household, _, _) = try await VisitWebTests.places(app)
            let p = try #require(grid.area?.interiorPoint)
            var worker = try await Browser.login(app, as: "gridworker")
            let started = try await worker.api(.POST, "/api/v1/units/\(grid.id)/patrols", json: "{}")
            let patrol = try #require(started.object["id"] as? String)
            let late = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(PatrolMachine.clockSkew + 60))
            let old = SimpleDate(app.clock.now()).adding(days: -RecordedDay.maxDaysBack - 1).description
            // MUT
            let future = try await worker.api(.POST, "/api/v1/patrols/\(patrol)/points", json: #"{"points":[{"lon":\#(p.lon),"lat":\#(p.lat),"at":"\#(late)"}]}"#)
            let ancient = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: #"{"seen":"补录","day":"0001-01-01"}"#)
            let tooOld = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: #"{"seen":"补录","day":"\#(old)"}"#)
            let log = try await worker.api(.POST, "/api/v1/units/\(grid.id)/log", json: #"{"text":"补记","day":"\#(old)"}"#)
            let lastWeek = try await worker.api(
                .POST, "/api/v1/households/\(household.id)/visits", json: #"{"seen":"补录上周","day":"\#(SimpleDate(app.clock.now()).adding(days: -7))"}"#)
            // validate
            for res in [future, ancient, tooOld, log] {
                #expect(res.status == .unprocessableEntity || res.status == .badRequest)
            }
            #expect((future.object["error"] as? [String: Any])?["field"] as? String == "at")
            #expect((tooOld.object["error"] as? [String: Any])?["field"] as? String == "day")
            #expect(lastWeek.status == .created, "a week offline is caught up")
        }
    }

    @Test("a fixed draft sent twice with a new client id records once and answers the second time with what is stored")
    func draftResent() async throws {
        try await withApp(.sqlite) { app in
            // setup: a draft (a bad phone number)
            let (_, household, members, _) = try await VisitWebTests.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            let bad = #"{"client_id":"\#(UUID())","seen":"改电话","changes":[{"kind":"phone","resident_id":"\#(members[0].id)","phone":"12345"}]}"#
            let drafted = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: bad)
            let draft = try #require(drafted.object["draft_id"] as? String)
            let fixed = #"{"client_id":"\#(UUID())","draft_id":"\#(draft)","seen":"改电话","changes":[{"kind":"phone","resident_id":"\#(members[0].id)","phone":"13900001234"}]}"#
            // MUT
            let first = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: fixed)
            let again = try await worker.api(.POST, "/api/v1/households/\(household.id)/visits", json: fixed)
            // validate
            #expect(drafted.status == .unprocessableEntity)
            #expect(first.status == .created && again.status == .ok)
            #expect(first.object["id"] as? String == draft && again.object["id"] as? String == draft)
        }
    }

    @Test("a page cursor that is not a UUID is a 400 naming `after`, not silently the first page")
    func badCursor() async throws {
        try await withApp(.sqlite) { app in
            // setup
            let (grid, _, _) = try await LogWebTests.places(app)
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let answers = [
                try await worker.api(.GET, "/api/v1/units/\(grid.id)/needs?after=junk"),
                try await worker.api(.GET, "/api/v1/units/\(grid.id)/log?after=junk"),
                try await worker.get("/units/\(grid.id)/needs?after=junk"),
                try await worker.get("/cases?queue=all&after=junk"),
            ]
            let fine = try await worker.api(.GET, "/api/v1/units/\(grid.id)/needs?after=")
            // validate
            for a in answers { #expect(a.status == .badRequest) }
            #expect((answers[0].object["error"] as? [String: Any])?["field"] as? String == "after")
            #expect(fine.status == .ok, "an empty cursor is the first page")
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The councils' and volunteers' JSON API: lists scoped and paged, a proposal's steps audited, phones masked, fields named")
struct CouncilVolunteerAPITests {
    @Test("councils of a unit, a council's meetings, proposals by state, one proposal, a staff step; 400/422 name the field; scope 404", arguments: TestDatabase.enabled)
    func councils(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            _ = try await DemoLoader(app.db, cipher: app.keys.cipher).loadCouncils(now: app.clock.now())
            let (community, grid, _) = try await OpennessWebTests.places(app)
            let street = try #require(community.parentID)
            let proposals = try await ProposalRepository(app.db).proposals(of: community.id, in: .everything)
            let submitted = try #require(proposals.first { $0.state == .submitted })
            let voting = proposals.filter { $0.state == .voting }
            var op = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            // MUT
            let councils = try await op.api(.GET, "/api/v1/units/\(street)/councils")
            let council = try #require((councils.json as? [[String: Any]])?.first)
            let councilID = try #require(council["id"] as? String)
            let meetings = try await op.api(.GET, "/api/v1/councils/\(councilID)/meetings?limit=1")
            let secondPage = try await op.api(.GET, "/api/v1/councils/\(councilID)/meetings?limit=1&page=2")
            let farPage = try await op.api(.GET, "/api/v1/units/\(community.id)/proposals?page=100000")
            let hugePage = try await op.api(.GET, "/api/v1/units/\(community.id)/proposals?page=9223372036854775807")
            let inPoll = try await op.api(.GET, "/api/v1/units/\(community.id)/proposals?state=voting")
            let badState = try await op.api(.GET, "/api/v1/units/\(community.id)/proposals?state=maybe")
            let one = try await op.api(.GET, "/api/v1/proposals/\(submitted.id)")
            let noReason = try await op.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"decline"}"#)
            let badAction = try await op.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"shelve"}"#)
            let badCount = try await op.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"decide","mode":"council_vote","eligible":"many"}"#)
            let declined = try await op.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"decline","reason":"属于物业合同约定事项"}"#)
            let twice = try await op.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"decline","reason":"属于物业合同约定事项"}"#)
            let workerStep = try await worker.api(.POST, "/api/v1/proposals/\(submitted.id)/steps", json: #"{"action":"decline","reason":"x"}"#)
            let workerCouncils = try await worker.api(.GET, "/api/v1/units/\(community.id)/councils")
            let workerOwn = try await worker.api(.GET, "/api/v1/units/\(grid.id)/councils")
            let workerProposal = try await worker.api(.GET, "/api/v1/proposals/\(submitted.id)")
            // validate
            #expect(councils.status == .ok && (councils.json as? [Any])?.count == 1 && (council["members"] as? [Any])?.count == 7)
            let firstMeeting = try #require((meetings.json as? [[String: Any]])?.first)
            let secondMeeting = try #require((secondPage.json as? [[String: Any]])?.first)
            #expect(firstMeeting["title"] as? String == "十二月居民议事会" && secondMeeting["title"] as? String == "第四季度居民议事会")
            #expect(secondMeeting["checked_in"] as? Int ?? 0 > 0)
            #expect(farPage.status == .ok && (farPage.json as? [Any])?.isEmpty == true)
            #expect(hugePage.status == .badRequest && hugePage.body.string.contains("\"field\":\"page\""))
            let states = (inPoll.json as? [[String: Any]])?.compactMap { $0["state"] as? String }
            #expect(states == Array(repeating: "voting", count: voting.count) && !voting.isEmpty)
            #expect(badState.status == .badRequest && badState.body.string.contains("\"field\":\"state\""))
            #expect(one.status == .ok && one.object["title"] as? String == submitted.title && one.object["state"] as? String == "submitted")
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("\"field\":\"reason\""))
            #expect(badAction.status == .unprocessableEntity && badAction.body.string.contains("\"field\":\"action\""))
            #expect(badCount.status == .badRequest && badCount.body.string.contains("\"field\":\"eligible\""))
            #expect(declined.status == .ok && declined.object["state"] as? String == "declined" && declined.object["decline_reason"] as? String == "属于物业合同约定事项")
            #expect(twice.status == .conflict)
            #expect(workerStep.status == .forbidden)
            #expect(workerCouncils.status == .notFound && workerOwn.status == .ok && (workerOwn.json as? [Any])?.isEmpty == true)
            #expect(workerProposal.status == .notFound)
            let steps = try await DuplicateWriteTests.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'proposal.step' AND object_id = \(bind: submitted.id.uuidString)")
            #expect(steps == 1)
        }
    }

    @Test("teams, volunteers masked and paged, activities with places taken, sign-up, hours and the points ledger; scope 404, roles 403", arguments: TestDatabase.enabled)
    func volunteers(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (activity, people) = try await DuplicateWriteTests.activity(app)
            let (community, _, _) = try await OpennessWebTests.places(app)
            let (now, today) = (app.clock.now(), SimpleDate(app.clock.now()).description)
            var op = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            var department = try await Browser.login(app, as: "department")
            // MUT
            let teams = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteer-teams")
            let listed = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteers?limit=1")
            let second = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteers?limit=1&page=2")
            let badPage = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteers?page=0")
            let signedUp = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"\#(people[0].uuidString)"}"#)
            let badBody = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"nobody"}"#)
            let tooEarly = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/hours", json: #"{"volunteer":"\#(people[0].uuidString)","hours":2}"#)
            try await VolunteerRepository(app.db).checkIn(people[0], to: activity, today: today, at: now, in: .everything)
            let badHours = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/hours", json: #"{"volunteer":"\#(people[0].uuidString)","hours":0.2}"#)
            let hours = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/hours", json: #"{"volunteer":"\#(people[0].uuidString)","hours":1.5}"#)
            let activities = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteer-activities?from=\(today)")
            let badFrom = try await op.api(.GET, "/api/v1/units/\(community.id)/volunteer-activities?from=tomorrow")
            let detail = try await op.api(.GET, "/api/v1/volunteer-activities/\(activity)")
            let points = try await op.api(.GET, "/api/v1/volunteers/\(people[0])/points")
            let workerList = try await worker.api(.GET, "/api/v1/units/\(community.id)/volunteers")
            let workerPoints = try await worker.api(.GET, "/api/v1/volunteers/\(people[0])/points")
            let workerSignUp = try await worker.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"\#(people[1].uuidString)"}"#)
            let departmentList = try await department.api(.GET, "/api/v1/units/\(community.id)/volunteer-teams")
            // validate
            #expect((teams.json as? [[String: Any]])?.map { $0["members"] as? Int } == [2])
            let first = try #require((listed.json as? [[String: Any]])?.first), next = try #require((second.json as? [[String: Any]])?.first)
            #expect([first["name"] as? String, next["name"] as? String] == ["李明", "赵云"])
            #expect(first["phone"] as? String == "138****5678" && !listed.body.string.contains("13812345678"))
            #expect(badPage.status == .badRequest && badPage.body.string.contains("\"field\":\"page\""))
            #expect(signedUp.status == .created && ((signedUp.object["activity"] as? [String: Any])?["taken"] as? Int) == 1)
            #expect(badBody.status == .badRequest && badBody.body.string.contains("\"field\":\"volunteer\""))
            #expect(tooEarly.status == .unprocessableEntity && tooEarly.body.string.contains("\"field\""))
            #expect(badHours.status == .unprocessableEntity && badHours.body.string.contains("\"field\":\"hours\""))
            #expect(hours.status == .created && hours.object["minutes"] as? Int == 90 && hours.object["kind"] as? String == "hours")
            let row = try #require((activities.json as? [[String: Any]])?.first { $0["id"] as? String == activity.uuidString })
            #expect(row["taken"] as? Int == 1 && row["capacity"] as? Int == 5 && row["start"] as? String == "09:00" && row["end"] as? String == "11:00")
            #expect(badFrom.status == .badRequest && badFrom.body.string.contains("\"field\":\"from\""))
            let signup = try #require((detail.json as? [String: Any])?["signups"] as? [[String: Any]]).first
            #expect(signup?["state"] as? String == "checked_in" && signup?["minutes"] as? Int == 90)
            // 1.5 hours: 3 half hours × 5 + 2 = 17 points.
            #expect(points.object["balance"] as? Int == 17 && points.object["minutes"] as? Int == 90)
            #expect((points.object["ledger"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [17])
            #expect(workerList.status == .notFound && workerPoints.status == .notFound && workerSignUp.status == .forbidden)
            #expect(departmentList.status == .forbidden)
            let audited = try await OpennessWebTests.actions(app, object: "volunteer")
            #expect(audited == ["volunteer.hours", "volunteer.sign_up"])
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Councils on the web: the public council page, proposals, registration, check-in and votes, and the staff pages")
struct CouncilWebTests {
    /// Residents of `unit` as claims a resident would type, with their households.
    static func people(_ app: Application, of unit: UnitRow) async throws -> [(claim: ParticipantClaim, household: UUID)] {
        let rows = try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, limit: 300, in: .subtree(of: unit)).rows
        struct H: Decodable { var id: UUID; var number: String }
        let sql = app.db as! any SQLDatabase
        let numbers = Dictionary(uniqueKeysWithValues: try await sql.raw("SELECT id, number FROM households").all(decoding: H.self).map { ($0.id, $0.number) })
        return rows.compactMap { r in
            guard let id = r.idNumber, let phone = r.phone, let h = r.householdID, let number = numbers[h], r.anonymisedAt == nil else { return nil }
            return (ParticipantClaim(idNumber: id, phone: phone, household: number), h)
        }
    }

    static func claimForm(_ c: ParticipantClaim) -> [String: String] { ["id_number": c.idNumber, "phone": c.phone, "household": c.household] }

    @Test("an anonymous resident reads the council, sends a proposal, votes once per household; no ID or phone is shown", arguments: TestDatabase.enabled)
    func publicSide(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            _ = try await DemoLoader(app.db, cipher: app.keys.cipher).loadCouncils(now: app.clock.now())
            let (community, _, _) = try await OpennessWebTests.places(app)
            let proposals = try await ProposalRepository(app.db).proposals(of: community.id, in: .everything)
            let poll = try #require(proposals.first { $0.state == .voting })
            let sql = app.db as! any SQLDatabase
            struct Voted: Decodable { var resident_id: UUID }
            let voters = Set(try await sql.raw("SELECT resident_id FROM proposal_votes").all(decoding: Voted.self).map(\.resident_id))
            let rows = try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, limit: 300, in: .subtree(of: community)).rows
            let votedHomes = Set(rows.filter { voters.contains($0.id) }.compactMap(\.householdID))
            let everyone = try await Self.people(app, of: community)
            let newcomer = try #require(everyone.first { !votedHomes.contains($0.household) })
            let housemate = everyone.first { $0.household == newcomer.household && $0.claim != newcomer.claim }
            let participation = ParticipationRepository(app.db, cipher: app.keys.cipher)
            let refusedBefore = try await participation.refusals(of: poll.id)
            var visitor = Browser(app)
            // MUT
            let page = try await visitor.get(SiteURL.portalCouncil(community.code).path)
            let empty = try await visitor.post(SiteURL.portalCouncil(community.code).path, form: ["title": "路灯不亮", "body": " "])
            let sent = try await visitor.post(SiteURL.portalCouncil(community.code).path, form: ["title": "路灯不亮", "body": "6 号楼前路灯坏了一个月"])
            try await visitor.get(SiteURL.portalProposal(poll.id).path)
            let badID = try await visitor.post(SiteURL.portalProposalVote(poll.id).path, form: Self.claimForm(newcomer.claim).merging(["id_number": "123", "choice": "approve"]) { $1 })
            let noChoice = try await visitor.post(SiteURL.portalProposalVote(poll.id).path, form: Self.claimForm(newcomer.claim))
            var wrong = newcomer.claim
            wrong.household = "NO-SUCH-HOME"
            let unknown = try await visitor.post(SiteURL.portalProposalVote(poll.id).path, form: Self.claimForm(wrong).merging(["choice": "approve"]) { $1 })
            let voted = try await visitor.post(SiteURL.portalProposalVote(poll.id).path, form: Self.claimForm(newcomer.claim).merging(["choice": "oppose"]) { $1 })
            let again = try await visitor.post(SiteURL.portalProposalVote(poll.id).path, form: Self.claimForm((housemate ?? newcomer).claim).merging(["choice": "approve"]) { $1 })
            // validate
            let html = page.body.string
            #expect(page.status == .ok)
            for text in ["居民议事会", "王建国", "召集人（社区党委书记）", "开办社区老年食堂", "广场舞音响太吵", L10n.t("proposal.state.done"), "第四季度居民议事会"] {
                #expect(html.contains(text), "the council page shows \(text)")
            }
            #expect(OpennessWebTests.personalData(in: html).isEmpty)
            let codes = try await sql.raw("SELECT checkin_code FROM council_meetings").all().map { try $0.decode(column: "checkin_code", as: String.self) }
            #expect(!codes.isEmpty && codes.allSatisfy { !html.contains($0) }, "a meeting's check-in code is only on the staff page")
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains(L10n.t("proposal.body_required")))
            #expect(sent.status == .created && sent.body.string.contains(L10n.t("proposal.sent")))
            #expect(badID.status == .unprocessableEntity && badID.body.string.contains(L10n.t("council.bad_id_number")))
            #expect(noChoice.status == .unprocessableEntity && noChoice.body.string.contains(L10n.t("proposal.bad_choice")))
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains(L10n.t("council.refused.not_in_register")))
            #expect(voted.status == .ok && voted.body.string.contains(L10n.t("proposal.voted")))
            #expect(again.status == .conflict && again.body.string.contains(L10n.t("council.refused.second_vote")))
            for res in [badID, unknown, voted, again] {
                #expect(OpennessWebTests.personalData(in: res.body.string).isEmpty, "no ID number or phone in the answer")
                #expect(!res.body.string.contains(newcomer.claim.idNumber))
            }
            let after = try await ProposalRepository(app.db).get(poll.id, in: .everything)
            #expect(after.tally.total == poll.tally.total + 1 && after.tally.oppose == poll.tally.oppose + 1)
            let refusals = try await participation.refusals(of: poll.id)
            #expect(refusals[.notInRegister, default: 0] == refusedBefore[.notInRegister, default: 0] + 1)
            #expect(refusals[.secondVote, default: 0] == refusedBefore[.secondVote, default: 0] + 1)
            let stored = try await ProposalRepository(app.db).proposals(of: community.id, in: .everything)
            #expect(stored.count == proposals.count + 1 && stored.contains { $0.title == "路灯不亮" && $0.state == .submitted })
        }
    }

    @Test("staff run the council: members, a meeting checked in by QR code, proposals moved; readers cannot write; out of scope is 404", arguments: TestDatabase.enabled)
    func staffSide(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            _ = try await DemoLoader(app.db, cipher: app.keys.cipher).loadCouncils(now: app.clock.now())
            let (community, _, other) = try await OpennessWebTests.places(app)
            let submitted = try #require(try await ProposalRepository(app.db).proposals(of: community.id, in: .everything).first { $0.state == .submitted })
            var staff = try await Browser.login(app, as: "operator")
            var worker = try await Browser.login(app, as: "gridworker")
            let today = SimpleDate(app.clock.now()).description
            let resident = try #require(try await Self.people(app, of: community).first).claim
            // MUT
            let page = try await staff.get(SiteURL.council(community.id).path)
            let noRole = try await staff.post(SiteURL.councilMembers(community.id).path, form: ["member_name": "周红", "role": " "])
            let added = try await staff.post(SiteURL.councilMembers(community.id).path, form: ["member_name": "周红", "role": "居民代表（7 号楼）"])
            let badTime = try await staff.post(
                SiteURL.councilMeetings(community.id).path, form: ["title": "临时议事会", "agenda": "充电桩", "held_on": today, "starts_at": "7pm", "place": "会议室"])
            let scheduled = try await staff.post(
                SiteURL.councilMeetings(community.id).path, form: ["title": "临时议事会", "agenda": "充电桩", "held_on": today, "starts_at": "19:30", "place": "会议室"])
            let emptyReason = try await staff.post(SiteURL.proposalStep(submitted.id).path, form: ["action": "decline", "reason": ""])
            let declined = try await staff.post(SiteURL.proposalStep(submitted.id).path, form: ["action": "decline", "reason": "快递柜由物业统一规划"])
            let twice = try await staff.post(SiteURL.proposalStep(submitted.id).path, form: ["action": "decline", "reason": "再次"])
            try await worker.get(SiteURL.council(community.id).path)
            let workerWrite = try await worker.post(SiteURL.councilMembers(community.id).path, form: ["member_name": "某人", "role": "成员"])
            let outside = try await staff.get(SiteURL.council(other.id).path)
            let meetings = try await CouncilRepository(app.db).meetings(of: try #require(try await CouncilRepository(app.db).council(of: community.id, in: .everything)))
            let meeting = try #require(meetings.first { $0.title == "临时议事会" })
            let sheet = try await staff.get(SiteURL.councilMeeting(meeting.id).path)
            var visitor = Browser(app)
            let door = try await visitor.get(SiteURL.portalMeeting(meeting.id, code: meeting.checkinCode).path)
            let checkedIn = try await visitor.post(SiteURL.portalMeetingCheckIn(meeting.id).path, form: Self.claimForm(resident).merging(["code": meeting.checkinCode]) { $1 })
            let badCode = try await visitor.post(SiteURL.portalMeetingCheckIn(meeting.id).path, form: Self.claimForm(resident).merging(["code": "ZZZZZZZZ"]) { $1 })
            let minutes = try await staff.post(SiteURL.councilMinutes(meeting.id).path, form: ["minutes": "同意在 5 号楼北侧增设充电桩"])
            let publicMeeting = try await visitor.get(SiteURL.portalMeeting(meeting.id).path)
            let answer = try await visitor.get(SiteURL.portalProposal(submitted.id).path)
            // validate
            #expect(page.status == .ok && page.body.string.contains("开办社区老年食堂"))
            #expect(noRole.status == .unprocessableEntity && noRole.body.string.contains(L10n.t("council.role_required")))
            #expect(added.status == .seeOther)
            #expect(badTime.status == .unprocessableEntity && badTime.body.string.contains(L10n.t("council.bad_time")))
            #expect(scheduled.status == .seeOther)
            #expect(emptyReason.status == .unprocessableEntity && emptyReason.body.string.contains(L10n.t("proposal.text_required")))
            #expect(declined.status == .seeOther)
            #expect(twice.status == .conflict)
            #expect(workerWrite.status == .forbidden)
            #expect(outside.status == .notFound)
            #expect(sheet.status == .ok && sheet.body.string.contains("<svg") && sheet.body.string.contains(meeting.checkinCode))
            #expect(door.status == .ok && door.body.string.contains("check-in"))
            #expect(checkedIn.status == .ok && checkedIn.body.string.contains(L10n.t("council.checked_in_ok")))
            #expect(badCode.status == .unprocessableEntity && badCode.body.string.contains(L10n.t("council.refused.bad_code")))
            #expect(minutes.status == .seeOther)
            #expect(publicMeeting.body.string.contains("同意在 5 号楼北侧增设充电桩") && publicMeeting.body.string.contains(L10n.t("council.counts", 0, 1)))
            #expect(OpennessWebTests.personalData(in: publicMeeting.body.string).isEmpty)
            #expect(answer.body.string.contains("快递柜由物业统一规划") && answer.body.string.contains(L10n.t("proposal.state.declined")))
            let actions = try await OpennessWebTests.actions(app, object: "council_proposal")
            #expect(actions.contains("proposal.step"))
            let memberActions = try await OpennessWebTests.actions(app, object: "council_member")
            #expect(memberActions.filter { $0 == "council.member_add" }.count == 1)
            let meetingActions = try await OpennessWebTests.actions(app, object: "council_meeting")
            #expect(meetingActions.contains("council.check_in") && meetingActions.contains("council.minutes"))
        }
    }
}

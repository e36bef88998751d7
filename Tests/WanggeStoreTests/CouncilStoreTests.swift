import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Councils in storage: participation checked against the register, one vote per person or household, scoped")
struct CouncilStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let today = "2026-11-27"
    static let open = RateLimit(key: "test", limit: 100, window: 3600)

    /// A resident of the register as the public form would name them.
    struct Person {
        var id: UUID
        var household: UUID
        var claim: ParticipantClaim
    }

    /// Residents of `unit` with an ID number, a phone and a household, as claims.
    static func people(_ db: any Database, of unit: UnitRow) async throws -> [Person] {
        let rows = try await ResidentRepository(db, cipher: TestDatabase.keys.cipher).search(nil, limit: 500, in: .subtree(of: unit)).rows
        struct H: Decodable { var id: UUID; var number: String }
        let numbers = Dictionary(
            uniqueKeysWithValues: try await Fixture.sql(db).raw("SELECT id, number FROM households").all(decoding: H.self).map { ($0.id, $0.number) })
        return rows.compactMap { r in
            guard let id = r.idNumber, let phone = r.phone, let h = r.householdID, let number = numbers[h], r.anonymisedAt == nil else { return nil }
            return Person(id: r.id, household: h, claim: ParticipantClaim(idNumber: id, phone: phone, household: number))
        }
    }

    /// Two people of one household and one of another.
    static func trio(_ people: [Person]) throws -> (Person, Person, Person) {
        let byHome = Dictionary(grouping: people, by: \.household)
        let shared = try #require(byHome.values.first { $0.count >= 2 })
        let other = try #require(people.first { $0.household != shared[0].household })
        return (shared[0], shared[1], other)
    }

    static func setUp(_ db: any Database, _ unit: UnitRow, heldOn: String = today) async throws -> CouncilMeeting {
        let councils = CouncilRepository(db)
        _ = try await councils.name("议事会", of: unit.id, at: t0, in: .everything)
        return try await councils.schedule(
            CouncilMeetingDraft(title: "月度议事会", agenda: "充电棚", heldOn: heldOn, startsAt: "19:00", place: "会议室"), for: unit.id, code: "ABCD2345", at: t0,
            in: .everything)
    }

    @Test("a household poll: the second member of a household is refused, strangers are refused, each refusal counted", arguments: TestDatabase.enabled)
    func householdPoll(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let communities = try await OpennessStoreTests.communities(db)
            let (home, away) = (communities[0], communities[1])
            let meeting = try await Self.setUp(db, home)
            let (a, b, c) = try Self.trio(try await Self.people(db, of: home))
            let stranger = try #require(try await Self.people(db, of: away).first)
            let proposals = ProposalRepository(db)
            var p = try await proposals.submit(title: "建充电棚", body: "飞线充电危险", proposer: nil, to: home, at: Self.t0, limit: Self.open)
            p = try await proposals.apply(.accept(meeting: meeting.id), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything)
            p = try await proposals.apply(.openPoll(.household), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything)
            let repo = ParticipationRepository(db, cipher: TestDatabase.keys.cipher)
            var wrongPhone = c.claim
            wrongPhone.phone = c.claim.phone == "13900000000" ? "13900000001" : "13900000000"
            var wrongHome = a.claim
            wrongHome.household = c.claim.household
            // MUT
            let first = try await repo.vote(a.claim, choice: .approve, on: p, at: Self.t0)
            let sameHome = try await repo.vote(b.claim, choice: .oppose, on: p, at: Self.t0)
            let again = try await repo.vote(a.claim, choice: .oppose, on: p, at: Self.t0)
            let otherHome = try await repo.vote(c.claim, choice: .abstain, on: p, at: Self.t0)
            let phone = try await repo.vote(wrongPhone, choice: .approve, on: p, at: Self.t0)
            let home2 = try await repo.vote(wrongHome, choice: .approve, on: p, at: Self.t0)
            let outside = try await repo.vote(stranger.claim, choice: .approve, on: p, at: Self.t0)
            // validate
            #expect(first == .recorded(resident: a.id))
            #expect(sameHome == .refused(.secondVote) && again == .refused(.secondVote))
            #expect(otherHome == .recorded(resident: c.id))
            #expect(phone == .refused(.notInRegister) && home2 == .refused(.notInRegister) && outside == .refused(.notInRegister))
            let counted = try await proposals.get(p.id, in: .everything).tally
            #expect(counted == Ballot.Tally(approve: 1, oppose: 0, abstain: 1))
            let refusals = try await repo.refusals(of: p.id)
            #expect(refusals == [.secondVote: 2, .notInRegister: 3])
            // Once decided the poll is closed.
            _ = try await proposals.apply(
                .decide(.councilVote(MeetingVote(eligible: 7, present: 5, approve: 3, oppose: 1, abstain: 1)), reasons: "多数赞成"), to: p.id, by: "秘书",
                on: Self.today, at: Self.t0, in: .everything)
            let decided = try await proposals.get(p.id, in: .everything)
            #expect(decided.state == .adopted && decided.quorum == true && decided.passed == true && decided.mode == "council_vote")
            let closed = await Fixture.storeError { try await repo.vote(b.claim, choice: .approve, on: decided, at: Self.t0) }
            #expect(closed?.key == "proposal.poll_closed")
            // A vote read while the poll was open and sent after the decision is not counted either.
            let stale = p
            let late = await Fixture.storeError { try await repo.vote(b.claim, choice: .approve, on: stale, at: Self.t0) }
            #expect(late?.key == "proposal.poll_closed")
            let stillCounted = try await proposals.get(p.id, in: .everything).tally
            #expect(stillCounted.total == 2)
        }
    }

    @Test("two votes by one person sent at once: exactly one counts, the other is refused as a second vote", arguments: TestDatabase.enabled)
    func simultaneousVotes(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let home = try await OpennessStoreTests.communities(db)[0]
            let meeting = try await Self.setUp(db, home)
            let (a, _, _) = try Self.trio(try await Self.people(db, of: home))
            let proposals = ProposalRepository(db)
            var p = try await proposals.submit(title: "增设快递柜", body: "快递柜经常满", proposer: "王", to: home, at: Self.t0, limit: Self.open)
            p = try await proposals.apply(.accept(meeting: meeting.id), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything)
            p = try await proposals.apply(.openPoll(.person), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything)
            let repo = ParticipationRepository(db, cipher: TestDatabase.keys.cipher)
            let poll = p
            // MUT
            async let one = repo.vote(a.claim, choice: .approve, on: poll, at: Self.t0)
            async let two = repo.vote(a.claim, choice: .oppose, on: poll, at: Self.t0)
            let outcomes = [try await one, try await two]
            // validate
            #expect(outcomes.filter { $0 == .recorded(resident: a.id) }.count == 1)
            #expect(outcomes.filter { $0 == .refused(.secondVote) }.count == 1)
            let stored = try await Fixture.count(db, "proposal_votes", where: "proposal_id = \(bind: p.id)")
            #expect(stored == 1)
            // Taken into 四议两公开: the major decision named must be the same community's.
            let away = try await OpennessStoreTests.communities(db)[1]
            let decisions = DecisionRepository(db)
            let theirs = try await decisions.propose(title: "外社区事项", proposal: "x", powerItemID: nil, to: away.id, on: Self.today, at: Self.t0, in: .everything)
            let ours = try await decisions.propose(title: "增设快递柜选址", proposal: "y", powerItemID: nil, to: home.id, on: Self.today, at: Self.t0, in: .everything)
            let wrong = await Fixture.storeError {
                try await proposals.apply(
                    .decide(.fourDeliberations(adopted: true, decision: theirs.id), reasons: "转入四议两公开"), to: p.id, by: "秘书", on: Self.today, at: Self.t0,
                    in: .everything)
            }
            #expect(wrong?.field == "decision")
            let taken = try await proposals.apply(
                .decide(.fourDeliberations(adopted: true, decision: ours.id), reasons: "转入四议两公开"), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything)
            #expect(taken.state == .adopted && taken.decisionID == ours.id && taken.decisionTitle == "增设快递柜选址" && taken.mode == "four_deliberations")
        }
    }

    @Test("registration and check-in: verified, once each, the code and the day checked; proposals limited per address", arguments: TestDatabase.enabled)
    func meetingsAndLimits(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let communities = try await OpennessStoreTests.communities(db)
            let (home, away) = (communities[0], communities[1])
            let meeting = try await Self.setUp(db, home)
            let (a, _, c) = try Self.trio(try await Self.people(db, of: home))
            let stranger = try #require(try await Self.people(db, of: away).first)
            let repo = ParticipationRepository(db, cipher: TestDatabase.keys.cipher)
            // MUT
            let registered = try await repo.register(a.claim, for: meeting, at: Self.t0)
            let twice = try await repo.register(a.claim, for: meeting, at: Self.t0)
            let unknown = try await repo.register(stranger.claim, for: meeting, at: Self.t0)
            // check-in: the code of the sheet (any case), on the day only
            let wrongCode = try await repo.checkIn(a.claim, code: "WRONG123", at: meeting, today: Self.today, now: Self.t0)
            let wrongDay = try await repo.checkIn(a.claim, code: "ABCD2345", at: meeting, today: "2026-11-28", now: Self.t0)
            let came = try await repo.checkIn(a.claim, code: "abcd2345", at: meeting, today: Self.today, now: Self.t0)
            let walkIn = try await repo.checkIn(c.claim, code: "ABCD2345", at: meeting, today: Self.today, now: Self.t0)
            let walkInAgain = try await repo.checkIn(c.claim, code: "ABCD2345", at: meeting, today: Self.today, now: Self.t0)
            // validate
            #expect(registered == .recorded(resident: a.id) && twice == .already(resident: a.id) && unknown == .refused(.notInRegister))
            #expect(wrongCode == .refused(.badCode) && wrongDay == .refused(.badCode))
            #expect(came == .recorded(resident: a.id) && walkIn == .recorded(resident: c.id) && walkInAgain == .already(resident: c.id))
            let councils = CouncilRepository(db)
            let counted = try await councils.meeting(meeting.id, in: .everything)
            #expect(counted.registered == 1 && counted.checkedIn == 2)
            let attendance = try await councils.attendance(of: counted)
            #expect(attendance.count == 2)
            let refusals = try await repo.refusals(of: meeting.id)
            #expect(refusals == [.notInRegister: 1, .badCode: 2])
            // Minutes close the meeting to new proposals on its agenda.
            _ = try await councils.recordMinutes("一致同意", of: meeting.id, today: Self.today, at: Self.t0, in: .everything)
            let proposals = ProposalRepository(db)
            let p = try await proposals.submit(title: "路灯", body: "路灯坏了", proposer: nil, to: home, at: Self.t0, limit: Self.open)
            let late = await Fixture.storeError { try await proposals.apply(.accept(meeting: meeting.id), to: p.id, by: "秘书", on: Self.today, at: Self.t0, in: .everything) }
            #expect(late?.field == "meeting")
            // Out of scope: another community's staff see nothing.
            let hidden = await Fixture.storeError { try await proposals.get(p.id, in: .subtree(of: away)) }
            #expect(hidden?.kind == .notFound)
            let hiddenMeeting = await Fixture.storeError { try await councils.meeting(meeting.id, in: .subtree(of: away)) }
            #expect(hiddenMeeting?.kind == .notFound)
            // The rate limit is counted with the write: the third from one address is refused, nothing written.
            let tight = RateLimit(key: "proposal:10.0.0.9", limit: 2, window: 3600)
            let before = try await Fixture.count(db, "council_proposals")
            _ = try await proposals.submit(title: "一", body: "一", proposer: nil, to: home, at: Self.t0, limit: tight)
            _ = try await proposals.submit(title: "二", body: "二", proposer: nil, to: home, at: Self.t0, limit: tight)
            await #expect(throws: RateLimitExceeded.self) {
                try await proposals.submit(title: "三", body: "三", proposer: nil, to: home, at: Self.t0, limit: tight)
            }
            let after = try await Fixture.count(db, "council_proposals")
            #expect(after == before + 2)
            // Bad input names its field, nothing written.
            let blank = await Fixture.storeError { try await proposals.submit(title: "标题", body: " ", proposer: nil, to: home, at: Self.t0, limit: Self.open) }
            #expect(blank?.field == "body")
            let unchanged = try await Fixture.count(db, "council_proposals")
            #expect(unchanged == before + 2)
        }
    }
}

import Foundation
import Testing
@testable import WanggeCore

@Suite("Councils: the proposal machine, one-vote keys and participation checks")
struct CouncilRulesTests {
    static let meeting = UUID()
    static let vote = MeetingVote(eligible: 7, present: 5, approve: 3, oppose: 1, abstain: 1)

    /// One of each step, as the table below names them.
    static let steps: [String: ProposalStep] = [
        "accept": .accept(meeting: meeting), "decline": .decline(reason: "公约已有约定"), "open_poll": .openPoll(.household),
        "decide": .decide(.fourDeliberations(adopted: true, decision: nil), reasons: "符合多数居民意愿"), "follow_up": .followUp(note: "已报街道审核"),
        "complete": .complete(note: "已建成"),
    ]

    /// The machine's whole table, written out by hand: (from, step) → to; every other pair is refused.
    static let allowed: [ProposalState: [String: ProposalState]] = [
        .submitted: ["accept": .accepted, "decline": .declined],
        .accepted: ["open_poll": .voting, "decide": .adopted],
        .voting: ["decide": .adopted],
        .adopted: ["follow_up": .adopted, "complete": .done],
        .declined: [:], .notAdopted: [:], .done: [:],
    ]

    @Test("every state × step: the allowed ones lead where the table says, the rest are refused naming the state")
    func wholeTable() throws {
        for state in ProposalState.allCases {
            for (name, step) in Self.steps {
                if let to = Self.allowed[state]?[name] {
                    let t = try ProposalMachine.apply(step, to: state)
                    #expect(t.state == to, "\(state) + \(name)")
                } else {
                    #expect(throws: OpennessProblem.invalid("proposal.out_of_order", [L10n.term(state.nameKey)])) { try ProposalMachine.apply(step, to: state) }
                }
            }
        }
        #expect(ProposalState.allCases.filter(\.isFinal) == [.declined, .notAdopted, .done])
    }

    /// A council decides like a representatives' meeting: (eligible, present, for) → (quorum, adopted).
    static let councilVotes: [(Int, Int, Int, Bool, Bool)] = [
        // 5 of 7 is at least two thirds (4.67); 3 of 5 is more than half.
        (7, 5, 3, true, true),
        // 4 of 7 is short of two thirds, even if all four are for.
        (7, 4, 4, false, false),
        // 6 present, exactly half for: not adopted.
        (7, 6, 3, true, false),
        // 6 of 9 is exactly two thirds: a quorum; 4 of 6 for.
        (9, 6, 4, true, true),
    ]

    @Test("a council vote's outcome is computed from its counts with the representatives' rule")
    func councilVote() throws {
        for (eligible, present, approve, quorum, adopted) in Self.councilVotes {
            let v = MeetingVote(eligible: eligible, present: present, approve: approve, oppose: present - approve, abstain: 0)
            for from in [ProposalState.accepted, .voting] {
                let t = try ProposalMachine.apply(.decide(.councilVote(v), reasons: "按表决结果"), to: from)
                #expect(t.result == MeetingResult(quorum: quorum, passed: adopted), "\(eligible)/\(present)/\(approve)")
                #expect(t.state == (adopted ? .adopted : .notAdopted))
            }
        }
    }

    @Test("the other modes: four deliberations as stated, a department always adopts and must be named")
    func otherModes() throws {
        #expect(try ProposalMachine.apply(.decide(.fourDeliberations(adopted: false, decision: nil), reasons: "资金不足"), to: .accepted).state == .notAdopted)
        #expect(try ProposalMachine.apply(.decide(.fourDeliberations(adopted: true, decision: UUID()), reasons: "同意"), to: .voting).state == .adopted)
        #expect(try ProposalMachine.apply(.decide(.departmentCase(department: "区交通支队"), reasons: "属交通管理"), to: .accepted).state == .adopted)
        #expect(throws: OpennessProblem.invalid("proposal.text_required", field: "department")) {
            try ProposalMachine.apply(.decide(.departmentCase(department: "  "), reasons: "属交通管理"), to: .accepted)
        }
    }

    @Test("texts are required and bounded, and impossible counts are refused, each naming its field")
    func badInput() {
        #expect(throws: OpennessProblem.invalid("proposal.text_required", field: "reason")) { try ProposalMachine.apply(.decline(reason: " \n"), to: .submitted) }
        #expect(throws: OpennessProblem.invalid("proposal.text_required", field: "reasons")) {
            try ProposalMachine.apply(.decide(.fourDeliberations(adopted: true, decision: nil), reasons: ""), to: .accepted)
        }
        #expect(throws: OpennessProblem.invalid("proposal.text_required", field: "note")) { try ProposalMachine.apply(.followUp(note: ""), to: .adopted) }
        #expect(throws: OpennessProblem.invalid("power.too_long", ["2000"], field: "note")) {
            try ProposalMachine.apply(.complete(note: String(repeating: "长", count: 2001)), to: .adopted)
        }
        let tooMany = MeetingVote(eligible: 7, present: 8, approve: 8, oppose: 0, abstain: 0)
        #expect(throws: OpennessProblem.invalid("decision.present_range", field: "present")) {
            try ProposalMachine.apply(.decide(.councilVote(tooMany), reasons: "x"), to: .accepted)
        }
        let overVoted = MeetingVote(eligible: 7, present: 5, approve: 4, oppose: 2, abstain: 0)
        #expect(throws: OpennessProblem.invalid("decision.votes_exceed", field: "approve")) {
            try ProposalMachine.apply(.decide(.councilVote(overVoted), reasons: "x"), to: .voting)
        }
    }

    @Test("one vote per person keys on the person; per household, two people of one household share a key")
    func voterKeys() {
        let (a, b, home) = (UUID(), UUID(), UUID())
        #expect(Ballot.voterKey(.person, resident: a, household: home) != Ballot.voterKey(.person, resident: b, household: home))
        #expect(Ballot.voterKey(.household, resident: a, household: home) == Ballot.voterKey(.household, resident: b, household: home))
        #expect(Ballot.voterKey(.household, resident: a, household: home) != Ballot.voterKey(.household, resident: a, household: UUID()))
        var tally = Ballot.Tally()
        tally.add(.approve, 3)
        tally.add(.oppose)
        tally.add(.abstain, 2)
        #expect(tally == Ballot.Tally(approve: 3, oppose: 1, abstain: 2) && tally.total == 6)
    }

    @Test("a participant's claim is normalised, and each bad field is named")
    func claims() throws {
        let today = SimpleDate(year: 2026, month: 11, day: 30)!
        let id = ResidentID.make(region: "110105", birth: SimpleDate(year: 1960, month: 3, day: 8)!, sequence: 12).value
        let c = try ParticipantClaim.checked(idNumber: " " + id.lowercased() + " ", phone: "138 1234 5678", household: " H0001 ", today: today)
        #expect(c == ParticipantClaim(idNumber: id, phone: "13812345678", household: "H0001"))
        #expect(throws: OpennessProblem.invalid("council.bad_id_number", field: "id_number")) {
            try ParticipantClaim.checked(idNumber: "110105196003080121", phone: "13812345678", household: "H1", today: today)
        }
        #expect(throws: OpennessProblem.invalid("council.bad_phone", field: "phone")) {
            try ParticipantClaim.checked(idNumber: id, phone: "12345", household: "H1", today: today)
        }
        #expect(throws: OpennessProblem.invalid("council.bad_household", field: "household")) {
            try ParticipantClaim.checked(idNumber: id, phone: "13812345678", household: "  ", today: today)
        }
    }

    @Test("meetings and members: fields checked and named; clock times on the 24-hour clock; codes from the plain alphabet")
    func drafts() throws {
        let ok = CouncilMeetingDraft(title: " 议事会 ", agenda: "一、充电棚", heldOn: "2026-12-09", startsAt: "19:00", place: "会议室")
        #expect(try ok.checked().title == "议事会")
        var bad = ok
        bad.startsAt = "24:00"
        #expect(throws: OpennessProblem.invalid("council.bad_time", field: "starts_at")) { try bad.checked() }
        bad = ok
        bad.heldOn = "2026-13-01"
        #expect(throws: OpennessProblem.invalid("log.bad_day", field: "held_on")) { try bad.checked() }
        bad = ok
        bad.agenda = ""
        #expect(throws: OpennessProblem.invalid("council.agenda_required", field: "agenda")) { try bad.checked() }
        #expect(throws: OpennessProblem.invalid("council.role_required", field: "role")) { try CouncilMemberDraft(name: "王建国", role: " ").checked() }
        var g = SystemRandomNumberGenerator()
        let code = CouncilMeetingDraft.checkinCode(using: &g)
        #expect(code.count == 8 && code.allSatisfy { CouncilMeetingDraft.codeAlphabet.contains($0) })
    }
}

import Foundation

/// The meetings of a major decision run as 四议两公开, each with its own quorum and majority.
public enum MeetingKind: String, Sendable, Codable, CaseIterable {
    /// 党员大会审议: at least two thirds of the members present, more than half of those present approve.
    case partyMembers = "party_members"
    /// 村民会议 / 居民会议: more than half of the adult residents present, more than half of those present
    /// approve (村民委员会组织法 art. 22; the community law follows it).
    case residents
    /// 村民代表会议 / 居民代表会议: at least two thirds of the representatives present, more than half of
    /// those present approve (村民委员会组织法 art. 26).
    case representatives

    public var nameKey: String { "decision.meeting.\(rawValue)" }
}

/// What a meeting recorded: who could attend, who did, and how those present voted.
public struct MeetingVote: Sendable, Equatable, Codable {
    public var eligible: Int
    public var present: Int
    public var approve: Int
    public var oppose: Int
    public var abstain: Int

    public init(eligible: Int, present: Int, approve: Int, oppose: Int, abstain: Int) {
        (self.eligible, self.present, self.approve, self.oppose, self.abstain) = (eligible, present, approve, oppose, abstain)
    }

    /// The counts are possible: no more present than eligible, no more votes than present.
    public func check() throws(OpennessProblem) {
        guard eligible > 0 else { throw .invalid("decision.eligible_required", field: "eligible") }
        guard (0...eligible).contains(present) else { throw .invalid("decision.present_range", field: "present") }
        guard approve >= 0, oppose >= 0, abstain >= 0 else { throw .invalid("decision.votes_range", field: "approve") }
        guard approve + oppose + abstain <= present else { throw .invalid("decision.votes_exceed", field: "approve") }
    }
}

/// A meeting's result, with the rule each part was held to.
public struct MeetingResult: Sendable, Equatable {
    public var quorum: Bool
    public var passed: Bool
}

public enum VoteRules {
    /// Quorum and majority in whole numbers, so that "exactly two thirds" and "exactly half" are
    /// decided without rounding: 20 of 30 is a quorum for a party meeting, 10 of 20 approving is not
    /// a majority.
    public static func result(_ kind: MeetingKind, _ v: MeetingVote) -> MeetingResult {
        let quorum: Bool =
            switch kind {
            case .partyMembers, .representatives: 3 * v.present >= 2 * v.eligible
            case .residents: 2 * v.present > v.eligible
            }
        let passed = quorum && 2 * v.approve > v.present
        return MeetingResult(quorum: quorum, passed: passed)
    }
}

/// The steps of 四议两公开: the party organisation proposes, the two committees consult, the party
/// members' meeting reviews, the residents' (representatives') meeting resolves, the resolution is
/// published and, once carried out, the result.
public enum DecisionStage: String, Sendable, Codable, CaseIterable {
    case proposed
    case consulted
    case partyReviewed = "party_reviewed"
    case resolved
    case resolutionPublished = "resolution_published"
    case resultPublished = "result_published"
    /// A meeting did not pass it (or had no quorum): the decision stops here, on the record.
    case rejected

    public var nameKey: String { "decision.stage.\(rawValue)" }
}

public enum DecisionStep: Sendable, Equatable {
    case consult(note: String)
    case partyMeeting(MeetingVote)
    case residentsMeeting(MeetingKind, MeetingVote)
    case publishResolution(text: String)
    case publishResult(text: String)

    public var from: DecisionStage {
        switch self {
        case .consult: .proposed
        case .partyMeeting: .consulted
        case .residentsMeeting: .partyReviewed
        case .publishResolution: .resolved
        case .publishResult: .resolutionPublished
        }
    }
}

/// 四议两公开 as a pure function of the stage and a step.
public enum DecisionMachine {
    public struct Transition: Sendable, Equatable {
        public var stage: DecisionStage
        public var result: MeetingResult?
    }

    public static func apply(_ step: DecisionStep, to stage: DecisionStage) throws(OpennessProblem) -> Transition {
        guard step.from == stage else { throw .invalid("decision.out_of_order", [L10n.term(stage.nameKey)]) }
        switch step {
        case .consult(let note), .publishResolution(let note), .publishResult(let note):
            guard !PowerItemDraft.clean(note).isEmpty else { throw .invalid("decision.text_required", field: "text") }
            let next: DecisionStage =
                switch step {
                case .consult: .consulted
                case .publishResolution: .resolutionPublished
                default: .resultPublished
                }
            return Transition(stage: next, result: nil)
        case .partyMeeting(let vote):
            try vote.check()
            let r = VoteRules.result(.partyMembers, vote)
            return Transition(stage: r.passed ? .partyReviewed : .rejected, result: r)
        case .residentsMeeting(let kind, let vote):
            guard kind != .partyMembers else { throw .invalid("decision.bad_meeting", field: "kind") }
            try vote.check()
            let r = VoteRules.result(kind, vote)
            return Transition(stage: r.passed ? .resolved : .rejected, result: r)
        }
    }
}

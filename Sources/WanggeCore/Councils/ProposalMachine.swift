import Foundation

/// Where a resident's proposal to the council stands. The public sees the state and, once there
/// is one, the answer.
public enum ProposalState: String, Sendable, Codable, CaseIterable {
    /// Received from the public form, waiting for the community to take it up or decline it.
    case submitted
    /// Put on the agenda of a council meeting.
    case accepted
    /// On a meeting's agenda with a residents' poll open.
    case voting
    /// Not taken up, with the reason the resident reads.
    case declined
    /// Decided for, and followed up until carried out.
    case adopted
    /// Decided against, with the reasons.
    case notAdopted = "not_adopted"
    /// Carried out.
    case done

    public var nameKey: String { "proposal.state.\(rawValue)" }

    /// No step leads out of these.
    public var isFinal: Bool { self == .declined || self == .notAdopted || self == .done }
}

/// Who may cast one vote in a residents' poll: each person in the register, or each household
/// (门牌), whoever of it votes first.
public enum VoteUnit: String, Sendable, Codable, CaseIterable {
    case person
    case household

    public var nameKey: String { "proposal.vote_unit.\(rawValue)" }
}

/// How a proposal was decided.
public enum ProposalDecisionMode: Sendable, Equatable {
    /// The council voted on it at a meeting: the counts decide, held to the rules of a
    /// representatives' meeting (`VoteRules`).
    case councilVote(MeetingVote)
    /// Taken into the community's 四议两公开; adopted says whether the community takes it up that
    /// way, and `decision` names the major decision it became, once there is one.
    case fourDeliberations(adopted: Bool, decision: UUID?)
    /// Handed to a department to carry out as a case: always adopted, and the department named.
    case departmentCase(department: String)

    public var rawValue: String {
        switch self {
        case .councilVote: "council_vote"
        case .fourDeliberations: "four_deliberations"
        case .departmentCase: "department_case"
        }
    }

    public static let rawValues = ["council_vote", "four_deliberations", "department_case"]

    public static func nameKey(_ raw: String) -> String { "proposal.mode.\(raw)" }
}

public enum ProposalStep: Sendable, Equatable {
    /// Puts the proposal on the agenda of a meeting of the council.
    case accept(meeting: UUID)
    case decline(reason: String)
    /// Opens a residents' poll on an accepted proposal.
    case openPoll(VoteUnit)
    case decide(ProposalDecisionMode, reasons: String)
    /// A note on how carrying it out goes; the proposal stays adopted.
    case followUp(note: String)
    /// The last note: it is carried out.
    case complete(note: String)

    /// The states the step may be taken from.
    public var from: Set<ProposalState> {
        switch self {
        case .accept, .decline: [.submitted]
        case .openPoll: [.accepted]
        case .decide: [.accepted, .voting]
        case .followUp, .complete: [.adopted]
        }
    }
}

/// A proposal's life as a pure function of its state and a step.
public enum ProposalMachine {
    public struct Transition: Sendable, Equatable {
        public var state: ProposalState
        /// For a council vote: quorum and majority as computed from the counts.
        public var result: MeetingResult?
    }

    /// Texts a resident reads (reasons, notes) are at most this long.
    public static let maxText = 2000

    public static func apply(_ step: ProposalStep, to state: ProposalState) throws(OpennessProblem) -> Transition {
        guard step.from.contains(state) else { throw .invalid("proposal.out_of_order", [L10n.term(state.nameKey)]) }
        switch step {
        case .accept:
            return Transition(state: .accepted, result: nil)
        case .openPoll:
            return Transition(state: .voting, result: nil)
        case .decline(let text):
            try required(text, field: "reason")
            return Transition(state: .declined, result: nil)
        case .followUp(let text):
            try required(text, field: "note")
            return Transition(state: .adopted, result: nil)
        case .complete(let text):
            try required(text, field: "note")
            return Transition(state: .done, result: nil)
        case .decide(let mode, let reasons):
            try required(reasons, field: "reasons")
            switch mode {
            case .councilVote(let vote):
                try vote.check()
                let r = VoteRules.result(.representatives, vote)
                return Transition(state: r.passed ? .adopted : .notAdopted, result: r)
            case .fourDeliberations(let adopted, _):
                return Transition(state: adopted ? .adopted : .notAdopted, result: nil)
            case .departmentCase(let department):
                try required(department, field: "department")
                return Transition(state: .adopted, result: nil)
            }
        }
    }

    static func required(_ text: String, field: String) throws(OpennessProblem) {
        let t = PowerItemDraft.clean(text)
        guard !t.isEmpty else { throw .invalid("proposal.text_required", field: field) }
        guard t.count <= maxText else { throw .invalid("power.too_long", [String(maxText)], field: field) }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A resident's proposal to a community's council, with the answer it got.
public struct CouncilProposal: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var title: String
    public var body: String
    /// As the resident signed it (optional); staff only.
    public var proposer: String?
    public var state: ProposalState
    public var meetingID: UUID?
    public var meetingTitle: String?
    public var meetingOn: String?
    public var declineReason: String?
    public var voteUnit: VoteUnit?
    /// `ProposalDecisionMode.rawValue` once decided.
    public var mode: String?
    public var reasons: String?
    public var department: String?
    /// The major decision (四议两公开) it was taken into.
    public var decisionID: UUID?
    public var decisionTitle: String?
    /// The council's vote, when the council voted.
    public var vote: MeetingVote?
    public var quorum: Bool?
    public var passed: Bool?
    public var decidedOn: String?
    public var createdAt: Date
    public var followUps: [ProposalFollowUp] = []
    public var tally = Ballot.Tally()
    /// The case opened when it was handed to a department, with its tracking code and state now.
    public var caseID: UUID?
    public var caseCode: String?
    public var caseState: CaseState?

    enum CodingKeys: String, CodingKey {
        case id, title, body, proposer, state, reasons, department, vote, quorum, passed, mode, tally
        case unitID = "unit_id", meetingID = "meeting_id", meetingTitle = "meeting_title", meetingOn = "meeting_on", declineReason = "decline_reason"
        case voteUnit = "vote_unit", decidedOn = "decided_on", createdAt = "created_at", followUps = "follow_ups", decisionID = "decision_id"
        case decisionTitle = "decision_title", caseID = "case_id", caseCode = "case_code", caseState = "case_state"
    }

    struct Stored: Decodable {
        var id: UUID
        var unit_id: UUID
        var title: String
        var body: String
        var proposer: String?
        var state: String
        var meeting_id: UUID?
        var meeting_title: String?
        var meeting_on: String?
        var decline_reason: String?
        var vote_unit: String?
        var mode: String?
        var reasons: String?
        var department: String?
        var decision_id: UUID?
        var decision_title: String?
        var eligible: Int?
        var present: Int?
        var approve: Int?
        var oppose: Int?
        var abstain: Int?
        var quorum: Bool?
        var passed: Bool?
        var decided_on: String?
        var created_at: Date
        var case_id: UUID?
        var case_code: String?
        var case_state: String?

        var proposal: CouncilProposal {
            var vote: MeetingVote?
            if let eligible, let present, let approve, let oppose, let abstain {
                vote = MeetingVote(eligible: eligible, present: present, approve: approve, oppose: oppose, abstain: abstain)
            }
            var p = CouncilProposal(
                id: id, unitID: unit_id, title: title, body: body, proposer: proposer, state: ProposalState(rawValue: state) ?? .submitted, meetingID: meeting_id,
                meetingTitle: meeting_title, meetingOn: meeting_on, declineReason: decline_reason, voteUnit: vote_unit.flatMap(VoteUnit.init(rawValue:)),
                mode: mode, reasons: reasons, department: department, decisionID: decision_id, decisionTitle: decision_title, vote: vote, quorum: quorum, passed: passed, decidedOn: decided_on, createdAt: created_at)
            (p.caseID, p.caseCode, p.caseState) = (case_id, case_code, case_state.flatMap(CaseState.init(rawValue:)))
            return p
        }
    }

    static let select = """
        SELECT p.id, p.unit_id, p.title, p.body, p.proposer, p.state, p.meeting_id, m.title AS meeting_title, m.held_on AS meeting_on, p.decline_reason, \
        p.vote_unit, p.mode, p.reasons, p.department, p.decision_id, d.title AS decision_title, p.eligible, p.present, p.approve, p.oppose, p.abstain, p.quorum, p.passed, p.decided_on, p.created_at, \
        p.case_id, cs.tracking_code AS case_code, cs.state AS case_state \
        FROM council_proposals p LEFT JOIN council_meetings m ON m.id = p.meeting_id LEFT JOIN major_decisions d ON d.id = p.decision_id \
        LEFT JOIN cases cs ON cs.id = p.case_id
        """
}

/// A note on how carrying out an adopted proposal goes; the last one completes it.
public struct ProposalFollowUp: Codable, Sendable, Equatable {
    public var note: String
    public var completes: Bool
    public var recordedAt: Date

    enum CodingKeys: String, CodingKey {
        case note, completes
        case recordedAt = "recorded_at"
    }
}

/// Keeps residents' proposals. Each staff step goes through `ProposalMachine`; a council vote's
/// quorum and majority are computed there from the counts, never typed in.
public struct ProposalRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxTitle = 100
    public static let maxBody = 2000

    /// A proposal from the public form. `limit` is counted in the same commit, so a burst from one
    /// address is cut off exactly (`RateLimitExceeded`), and a refused form does not use it up.
    public func submit(title: String, body: String, proposer: String?, to unit: UnitRow, at now: Date, limit: RateLimit) async throws -> CouncilProposal {
        guard unit.level == .community else { throw StoreError(.invalid, "council.not_community", field: "unit") }
        let t = title.trimmingCharacters(in: .whitespacesAndNewlines), b = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let p = proposer?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw StoreError(.invalid, "admission.title_required", field: "title") }
        guard t.count <= Self.maxTitle else { throw StoreError(.invalid, "power.too_long", [String(Self.maxTitle)], field: "title") }
        guard !b.isEmpty else { throw StoreError(.invalid, "proposal.body_required", field: "body") }
        guard b.count <= Self.maxBody else { throw StoreError(.invalid, "power.too_long", [String(Self.maxBody)], field: "body") }
        guard (p ?? "").count <= CouncilMemberDraft.maxName else { throw StoreError(.invalid, "power.too_long", [String(CouncilMemberDraft.maxName)], field: "proposer") }
        let id = UUID()
        try await db.transaction { tx in
            let sql = tx.sql
            guard try await RateLimiter.count(limit.key, window: limit.window, now: now, on: sql) <= limit.limit else { throw RateLimitExceeded(key: limit.key) }
            try await sql.raw(
                """
                INSERT INTO council_proposals (id, unit_id, title, body, proposer, state, created_at, updated_at) \
                VALUES (\(bind: id), \(bind: unit.id), \(bind: t), \(bind: b), \(bind: p?.isEmpty == false ? p : nil), \(bind: ProposalState.submitted.rawValue), \
                \(bind: now), \(bind: now))
                """
            ).run()
        }
        return try await get(id, in: .everything)
    }

    /// Takes a staff step. Accepting names a meeting of the same community's council that has not
    /// yet had its minutes recorded. Handing a proposal to a department opens `handOver`, a case
    /// prepared by the case intake (`CaseRepository.prepare`), in the same transaction, and links
    /// the two; without one the hand-over is refused.
    public func apply(
        _ step: ProposalStep, to id: UUID, by name: String, on day: String, at now: Date, in scope: Scope, handOver: PreparedCase? = nil
    ) async throws -> CouncilProposal {
        let p = try await get(id, in: scope)
        if case .decide(.departmentCase, _) = step, handOver == nil { throw StoreError(.invalid, "case.category_required", field: "category") }
        let t = try CouncilRepository.checked { () throws(OpennessProblem) in try ProposalMachine.apply(step, to: p.state) }
        if case .decide(.fourDeliberations(_, let decision?), _) = step {
            let d = try await DecisionRepository(db).get(decision, in: scope)
            guard d.unitID == p.unitID else { throw StoreError(.invalid, "proposal.bad_decision", field: "decision") }
        }
        if case .accept(let meetingID) = step {
            let m = try await CouncilRepository(db).meeting(meetingID, in: scope)
            guard m.unitID == p.unitID, m.minutes == nil else { throw StoreError(.invalid, "proposal.bad_meeting", field: "meeting") }
        }
        let from = p.state
        try await db.transaction { tx in
            let sql = tx.sql
            var set: SQLQueryString = ""
            switch step {
            case .accept(let meetingID): set = ", meeting_id = \(bind: meetingID)"
            case .decline(let reason): set = ", decline_reason = \(bind: Self.clean(reason))"
            case .openPoll(let unit): set = ", vote_unit = \(bind: unit.rawValue)"
            case .decide(let mode, let reasons):
                set = ", mode = \(bind: mode.rawValue), reasons = \(bind: Self.clean(reasons)), decided_on = \(bind: day)"
                switch mode {
                case .councilVote(let v):
                    set = """
                        \(set), eligible = \(bind: v.eligible), present = \(bind: v.present), approve = \(bind: v.approve), oppose = \(bind: v.oppose), \
                        abstain = \(bind: v.abstain), quorum = \(bind: t.result?.quorum ?? false), passed = \(bind: t.result?.passed ?? false)
                        """
                case .departmentCase(let department):
                    set = "\(set), department = \(bind: Self.clean(department))"
                    if let handOver {
                        try await CaseRepository.store([handOver], on: tx)
                        set = "\(set), case_id = \(bind: handOver.row.id)"
                    }
                case .fourDeliberations(_, let decision): set = "\(set), decision_id = \(bind: decision)"
                }
            case .followUp(let note), .complete(let note):
                var completes = false
                if case .complete = step { completes = true }
                try await sql.raw(
                    """
                    INSERT INTO proposal_followups (id, proposal_id, note, completes, recorded_by, recorded_at) \
                    VALUES (\(bind: UUID()), \(bind: id), \(bind: Self.clean(note)), \(bind: completes), \(bind: name), \(bind: now))
                    """
                ).run()
            }
            let moved = try await sql.raw(
                """
                UPDATE council_proposals SET state = \(bind: t.state.rawValue), updated_at = \(bind: now)\(set) \
                WHERE id = \(bind: id) AND state = \(bind: from.rawValue) RETURNING id
                """
            ).all()
            guard !moved.isEmpty else { throw StoreError(.conflict, "proposal.out_of_order", [L10n.t(from.nameKey)]) }
        }
        return try await get(id, in: scope)
    }

    static func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The proposal a case was opened for, if any: its id, title and community.
    public func proposal(ofCase caseID: UUID) async throws -> (id: UUID, title: String, unitID: UUID)? {
        struct Row: Decodable { var id: UUID; var title: String; var unit_id: UUID }
        return try await sql.raw("SELECT id, title, unit_id FROM council_proposals WHERE case_id = \(bind: caseID)").first(decoding: Row.self)
            .map { ($0.id, $0.title, $0.unit_id) }
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> CouncilProposal {
        guard let p = try await list("p.id = \(bind: id) AND \(scope.condition("p.unit_id"))", limit: 1).first else { throw StoreError.notFound("proposal") }
        return p
    }

    /// A community's proposals, newest first, with their follow-ups and poll counts.
    public func proposals(of unitID: UUID, limit: Int = 100, in scope: Scope) async throws -> [CouncilProposal] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await list("p.unit_id = \(bind: unit.id)", limit: limit)
    }

    func list(_ condition: SQLQueryString, limit: Int, offset: Int = 0) async throws -> [CouncilProposal] {
        let rows = try await sql.raw(
            "\(unsafeRaw: CouncilProposal.select) WHERE \(condition) ORDER BY p.created_at DESC, p.id LIMIT \(count: limit) OFFSET \(count: offset)"
        )
        .all(decoding: CouncilProposal.Stored.self)
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        struct Note: Decodable { var proposal_id: UUID; var note: String; var completes: Bool; var recorded_at: Date }
        let notes = try await sql.raw(
            "SELECT proposal_id, note, completes, recorded_at FROM proposal_followups WHERE proposal_id IN (\(binds: ids)) ORDER BY recorded_at, id"
        ).all(decoding: Note.self)
        struct Count: Decodable { var proposal_id: UUID; var choice: String; var n: Int }
        let counts = try await sql.raw(
            "SELECT proposal_id, choice, COUNT(*) AS n FROM proposal_votes WHERE proposal_id IN (\(binds: ids)) GROUP BY proposal_id, choice"
        ).all(decoding: Count.self)
        let notesBy = Dictionary(grouping: notes, by: \.proposal_id)
        var tallies: [UUID: Ballot.Tally] = [:]
        for c in counts { if let choice = Ballot.Choice(rawValue: c.choice) { tallies[c.proposal_id, default: Ballot.Tally()].add(choice, c.n) } }
        return rows.map { r in
            var p = r.proposal
            p.followUps = (notesBy[r.id] ?? []).map { ProposalFollowUp(note: $0.note, completes: $0.completes, recordedAt: $0.recorded_at) }
            p.tally = tallies[r.id] ?? Ballot.Tally()
            return p
        }
    }
}

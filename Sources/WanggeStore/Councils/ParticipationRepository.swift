import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// What became of a resident's registration, check-in or vote.
public enum ParticipationOutcome: Sendable, Equatable {
    /// Recorded, for this resident of the register.
    case recorded(resident: UUID)
    /// Already recorded before (a second registration or check-in changes nothing).
    case already(resident: UUID)
    /// Refused, and counted against the meeting or poll.
    case refused(ParticipationRefusal)
}

/// Registration, check-in and votes by residents, each checked against the register: the ID
/// number (by its look-up hash, nothing is decrypted), the phone and the household number must
/// all belong to one living record of the community. A poll holds each voter key once (a unique
/// index), so two votes sent at the same instant cannot both count.
public struct ParticipationRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    struct Match: Decodable {
        var id: UUID
        var household_id: UUID
    }

    /// The community a meeting or poll belongs to, read before its transaction opens (the
    /// transaction holds its own connection; another read inside it could wait on the pool).
    func community(_ unitID: UUID) async throws -> UnitRow {
        guard let unit = try await UnitRepository(db).find(unitID, in: .everything) else { throw StoreError.notFound("unit") }
        return unit
    }

    /// The resident of the community `unit` that the claim names, or nil.
    func resident(_ claim: ParticipantClaim, community unit: UnitRow, on sql: any SQLDatabase) async throws -> Match? {
        try await sql.raw(
            """
            SELECT r.id, r.household_id FROM residents r JOIN households h ON h.id = r.household_id \
            WHERE r.id_number_hash = \(bind: cipher.lookupHash(claim.idNumber)) AND r.phone = \(bind: claim.phone) AND h.number = \(bind: claim.household) \
            AND r.anonymised_at IS NULL AND \(Scope.subtree(of: unit).condition("r.unit_id"))
            """
        ).first(decoding: Match.self)
    }

    static func refuse(_ reason: ParticipationRefusal, _ action: String, target: UUID, at now: Date, on sql: any SQLDatabase) async throws -> ParticipationOutcome {
        try await sql.raw(
            """
            INSERT INTO participation_refusals (id, target_id, action, reason, refused_at) \
            VALUES (\(bind: UUID()), \(bind: target), \(bind: action), \(bind: reason.rawValue), \(bind: now))
            """
        ).run()
        return .refused(reason)
    }

    /// Sets the time `column` (registered or checked in) of a resident's line on the attendance
    /// list, unless it is set already; the unique (meeting, resident) index keeps one line each, and
    /// a line written meanwhile by a registration racing a check-in gets this time too.
    static func attend(_ resident: UUID, meeting: UUID, column: String, at now: Date, on sql: any SQLDatabase) async throws -> ParticipationOutcome {
        let before = try await sql.raw(
            "SELECT \(ident: column) AS t FROM meeting_attendance WHERE meeting_id = \(bind: meeting) AND resident_id = \(bind: resident)"
        ).first()
        if let before {
            guard try before.decodeNil(column: "t") else { return .already(resident: resident) }
            try await sql.raw(
                "UPDATE meeting_attendance SET \(ident: column) = \(bind: now) WHERE meeting_id = \(bind: meeting) AND resident_id = \(bind: resident)"
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO meeting_attendance (id, meeting_id, resident_id, \(ident: column)) VALUES (\(bind: UUID()), \(bind: meeting), \(bind: resident), \(bind: now)) \
                ON CONFLICT (meeting_id, resident_id) DO UPDATE SET \(ident: column) = COALESCE(meeting_attendance.\(ident: column), excluded.\(ident: column))
                """
            ).run()
        }
        return .recorded(resident: resident)
    }

    /// Registers a resident for a meeting that has not yet taken place.
    public func register(_ claim: ParticipantClaim, for meeting: CouncilMeeting, at now: Date) async throws -> ParticipationOutcome {
        let unit = try await community(meeting.unitID)
        return try await db.transaction { tx in
            let sql = tx.sql
            guard let r = try await resident(claim, community: unit, on: sql) else {
                return try await Self.refuse(.notInRegister, "register", target: meeting.id, at: now, on: sql)
            }
            return try await Self.attend(r.id, meeting: meeting.id, column: "registered_at", at: now, on: sql)
        }
    }

    /// Checks a resident in at the door: the code of the meeting's QR sheet, on the meeting's day.
    public func checkIn(_ claim: ParticipantClaim, code: String, at meeting: CouncilMeeting, today: String, now: Date) async throws -> ParticipationOutcome {
        let unit = try await community(meeting.unitID)
        return try await db.transaction { tx in
            let sql = tx.sql
            guard code.uppercased() == meeting.checkinCode, meeting.heldOn == today else {
                return try await Self.refuse(.badCode, "check_in", target: meeting.id, at: now, on: sql)
            }
            guard let r = try await resident(claim, community: unit, on: sql) else {
                return try await Self.refuse(.notInRegister, "check_in", target: meeting.id, at: now, on: sql)
            }
            return try await Self.attend(r.id, meeting: meeting.id, column: "checked_in_at", at: now, on: sql)
        }
    }

    /// Casts a resident's vote in a proposal's open poll: one per person or per household as the
    /// poll says. A second one is refused and counted.
    public func vote(_ claim: ParticipantClaim, choice: Ballot.Choice, on proposal: CouncilProposal, at now: Date) async throws -> ParticipationOutcome {
        guard proposal.state == .voting, let voteUnit = proposal.voteUnit else { throw StoreError(.conflict, "proposal.poll_closed") }
        let unit = try await community(proposal.unitID)
        return try await db.transaction { tx in
            let sql = tx.sql
            guard let r = try await resident(claim, community: unit, on: sql) else {
                return try await Self.refuse(.notInRegister, "vote", target: proposal.id, at: now, on: sql)
            }
            let key = Ballot.voterKey(voteUnit, resident: r.id, household: r.household_id)
            // Written only while the poll is open, so a vote racing the decision that closes it is not
            // counted after the result was recorded.
            let cast = try await sql.raw(
                """
                INSERT INTO proposal_votes (id, proposal_id, voter_key, resident_id, choice, cast_at) \
                SELECT \(bind: UUID()), \(bind: proposal.id), \(bind: key), \(bind: r.id), \(bind: choice.rawValue), \(bind: now) \
                WHERE EXISTS (SELECT 1 FROM council_proposals WHERE id = \(bind: proposal.id) AND state = \(bind: ProposalState.voting.rawValue)) \
                ON CONFLICT (proposal_id, voter_key) DO NOTHING RETURNING id
                """
            ).all()
            guard cast.isEmpty else { return .recorded(resident: r.id) }
            let open = try await sql.raw(
                "SELECT id FROM council_proposals WHERE id = \(bind: proposal.id) AND state = \(bind: ProposalState.voting.rawValue)"
            ).all()
            guard !open.isEmpty else { throw StoreError(.conflict, "proposal.poll_closed") }
            return try await Self.refuse(.secondVote, "vote", target: proposal.id, at: now, on: sql)
        }
    }

    /// Refusals counted against a meeting or poll, by reason.
    public func refusals(of target: UUID) async throws -> [ParticipationRefusal: Int] {
        struct Row: Decodable { var reason: String; var n: Int }
        let rows = try await sql.raw("SELECT reason, COUNT(*) AS n FROM participation_refusals WHERE target_id = \(bind: target) GROUP BY reason")
            .all(decoding: Row.self)
        var out: [ParticipationRefusal: Int] = [:]
        for r in rows { if let reason = ParticipationRefusal(rawValue: r.reason) { out[reason] = r.n } }
        return out
    }
}

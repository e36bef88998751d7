import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A meeting that voted on a major decision, with its counts and what they came to.
public struct DecisionMeeting: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var kind: MeetingKind
    public var heldOn: String
    public var vote: MeetingVote
    public var quorum: Bool
    public var passed: Bool

    struct Stored: Decodable {
        var id: UUID
        var decision_id: UUID
        var kind: String
        var held_on: String
        var eligible: Int
        var present: Int
        var approve: Int
        var oppose: Int
        var abstain: Int
        var quorum: Bool
        var passed: Bool

        var meeting: DecisionMeeting {
            DecisionMeeting(
                id: id, kind: MeetingKind(rawValue: kind) ?? .residents, heldOn: held_on,
                vote: MeetingVote(eligible: eligible, present: present, approve: approve, oppose: oppose, abstain: abstain), quorum: quorum, passed: passed)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, vote, quorum, passed
        case heldOn = "held_on"
    }
}

/// A major decision of a community run as 四议两公开, with its meetings.
public struct MajorDecision: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var powerItemID: UUID?
    public var powerItemTitle: String?
    public var title: String
    public var proposal: String
    public var stage: DecisionStage
    public var consultation: String?
    public var resolution: String?
    public var result: String?
    public var proposedOn: String
    public var updatedAt: Date
    public var meetings: [DecisionMeeting] = []

    enum CodingKeys: String, CodingKey {
        case id, title, proposal, stage, consultation, resolution, result, meetings
        case unitID = "unit_id", powerItemID = "power_item_id", powerItemTitle = "power_item_title", proposedOn = "proposed_on", updatedAt = "updated_at"
    }

    struct Stored: Decodable {
        var id: UUID
        var unit_id: UUID
        var power_item_id: UUID?
        var power_item_title: String?
        var title: String
        var proposal: String
        var stage: String
        var consultation: String?
        var resolution: String?
        var result: String?
        var proposed_on: String
        var updated_at: Date
    }

    static let select = """
        SELECT d.id, d.unit_id, d.power_item_id, p.title AS power_item_title, d.title, d.proposal, d.stage, d.consultation, d.resolution, d.result, \
        d.proposed_on, d.updated_at FROM major_decisions d LEFT JOIN power_items p ON p.id = d.power_item_id
        """
}

/// Keeps major decisions and their meetings; each step goes through `DecisionMachine`, which
/// computes quorum and majority from the recorded counts.
public struct DecisionRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// Proposes a decision for a community, tagged with the power item it exercises (of the
    /// community's list or a catalogue above it), or untagged, which its page flags.
    public func propose(
        title: String, proposal: String, powerItemID: UUID?, to unitID: UUID, on day: String, at now: Date, in scope: Scope
    ) async throws -> MajorDecision {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .community else { throw StoreError(.invalid, "admission.not_community", field: "unit") }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw StoreError(.invalid, "admission.title_required", field: "title") }
        if let powerItemID {
            let usable = try await PowerListRepository(db).items(ofUnits: unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) })
            guard usable.contains(where: { $0.id == powerItemID }) else { throw StoreError(.invalid, "admission.unknown_item", field: "power_item") }
        }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO major_decisions (id, unit_id, power_item_id, title, proposal, stage, proposed_on, updated_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: powerItemID), \(bind: title), \(bind: proposal), \(bind: DecisionStage.proposed.rawValue), \
            \(bind: day), \(bind: now))
            """
        ).run()
        return try await get(id, in: scope)
    }

    /// Takes the next step of 四议两公开; a meeting records its counts and, computed from them,
    /// whether it had a quorum and passed.
    public func apply(_ step: DecisionStep, to id: UUID, on day: String, at now: Date, in scope: Scope) async throws -> MajorDecision {
        let decision = try await get(id, in: scope)
        let t: DecisionMachine.Transition
        do { t = try DecisionMachine.apply(step, to: decision.stage) } catch {
            throw StoreError(error.field == nil ? .conflict : .invalid, error.messageKey, error.args.map(\.localizedTerm), field: error.field)
        }
        try await db.transaction { db in
            let sql = db.sql
            var text: SQLQueryString = ""
            switch step {
            case .consult(let note): text = ", consultation = \(bind: note)"
            case .publishResolution(let note): text = ", resolution = \(bind: note)"
            case .publishResult(let note): text = ", result = \(bind: note)"
            case .partyMeeting(let vote): try await Self.record(.partyMembers, vote, t.result, of: id, on: day, sql)
            case .residentsMeeting(let kind, let vote): try await Self.record(kind, vote, t.result, of: id, on: day, sql)
            }
            let moved = try await sql.raw(
                """
                UPDATE major_decisions SET stage = \(bind: t.stage.rawValue), updated_at = \(bind: now) \(text) \
                WHERE id = \(bind: id) AND stage = \(bind: decision.stage.rawValue) RETURNING id
                """
            ).all()
            guard !moved.isEmpty else { throw StoreError(.conflict, "decision.out_of_order", [L10n.t(decision.stage.nameKey)]) }
        }
        return try await get(id, in: scope)
    }

    static func record(_ kind: MeetingKind, _ v: MeetingVote, _ r: MeetingResult?, of id: UUID, on day: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO decision_meetings (id, decision_id, kind, held_on, eligible, present, approve, oppose, abstain, quorum, passed) \
            VALUES (\(bind: UUID()), \(bind: id), \(bind: kind.rawValue), \(bind: day), \(bind: v.eligible), \(bind: v.present), \(bind: v.approve), \
            \(bind: v.oppose), \(bind: v.abstain), \(bind: r?.quorum ?? false), \(bind: r?.passed ?? false))
            """
        ).run()
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> MajorDecision {
        guard
            let d = try await list("d.id = \(bind: id) AND \(scope.condition("d.unit_id"))").first
        else { throw StoreError.notFound("decision") }
        return d
    }

    /// A community's decisions, newest first, with their meetings.
    public func decisions(of unitID: UUID, untaggedOnly: Bool = false, in scope: Scope) async throws -> [MajorDecision] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let untagged: SQLQueryString = untaggedOnly ? " AND d.power_item_id IS NULL" : ""
        return try await list("d.unit_id = \(bind: unit.id)\(untagged)")
    }

    func list(_ condition: SQLQueryString) async throws -> [MajorDecision] {
        let rows = try await sql.raw("\(unsafeRaw: MajorDecision.select) WHERE \(condition) ORDER BY d.proposed_on DESC, d.id LIMIT 200")
            .all(decoding: MajorDecision.Stored.self)
        guard !rows.isEmpty else { return [] }
        let meetings = try await sql.raw(
            """
            SELECT id, decision_id, kind, held_on, eligible, present, approve, oppose, abstain, quorum, passed FROM decision_meetings \
            WHERE decision_id IN (\(binds: rows.map(\.id))) ORDER BY held_on, kind
            """
        ).all(decoding: DecisionMeeting.Stored.self)
        let byDecision = Dictionary(grouping: meetings, by: \.decision_id)
        return rows.map { r in
            MajorDecision(
                id: r.id, unitID: r.unit_id, powerItemID: r.power_item_id, powerItemTitle: r.power_item_title, title: r.title, proposal: r.proposal,
                stage: DecisionStage(rawValue: r.stage) ?? .proposed, consultation: r.consultation, resolution: r.resolution, result: r.result,
                proposedOn: r.proposed_on, updatedAt: r.updated_at, meetings: (byDecision[r.id] ?? []).map(\.meeting))
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A community's residents' council (议事会) with its public members.
public struct Council: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var name: String
    public var members: [CouncilMember] = []

    enum CodingKeys: String, CodingKey {
        case id, name, members
        case unitID = "unit_id"
    }
}

/// A member as published: name and role only.
public struct CouncilMember: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var role: String
}

/// A council meeting with its registration and check-in counts.
public struct CouncilMeeting: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var councilID: UUID
    public var unitID: UUID
    public var title: String
    public var agenda: String
    public var heldOn: String
    public var startsAt: String
    public var place: String
    /// Staff only: the code of the QR sheet at the door.
    public var checkinCode: String
    public var minutes: String?
    public var registered: Int
    public var checkedIn: Int

    enum CodingKeys: String, CodingKey {
        case id, title, agenda, place, minutes, registered
        case councilID = "council_id", unitID = "unit_id", heldOn = "held_on", startsAt = "starts_at", checkinCode = "checkin_code", checkedIn = "checked_in"
    }

    static let select = """
        SELECT m.id, m.council_id, c.unit_id, m.title, m.agenda, m.held_on, m.starts_at, m.place, m.checkin_code, m.minutes, \
        (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.registered_at IS NOT NULL) AS registered, \
        (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.checked_in_at IS NOT NULL) AS checked_in \
        FROM council_meetings m JOIN councils c ON c.id = m.council_id
        """
}

/// One resident on a meeting's attendance list.
public struct MeetingAttendee: Codable, Sendable, Equatable {
    public var name: String
    public var registeredAt: Date?
    public var checkedInAt: Date?

    enum CodingKeys: String, CodingKey {
        case name
        case registeredAt = "registered_at", checkedInAt = "checked_in_at"
    }
}

/// Keeps councils, their members and meetings. A council belongs to a community; staff see and
/// change only those in their part of the tree (404 otherwise). The public reads with `.everything`.
public struct CouncilRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    func community(_ unitID: UUID, in scope: Scope) async throws -> UnitRow {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .community else { throw StoreError(.invalid, "council.not_community", field: "unit") }
        return unit
    }

    /// The council of a community, with its members, or nil if it has none yet.
    public func council(of unitID: UUID, in scope: Scope) async throws -> Council? {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        struct Row: Decodable { var id: UUID; var unit_id: UUID; var name: String }
        guard let row = try await sql.raw("SELECT id, unit_id, name FROM councils WHERE unit_id = \(bind: unit.id)").first(decoding: Row.self) else { return nil }
        let members = try await sql.raw("SELECT id, name, role FROM council_members WHERE council_id = \(bind: row.id) ORDER BY added_at, id")
            .all(decoding: CouncilMember.self)
        return Council(id: row.id, unitID: row.unit_id, name: row.name, members: members)
    }

    /// Sets up a community's council, or renames it.
    public func name(_ name: String, of unitID: UUID, at now: Date, in scope: Scope) async throws -> Council {
        let unit = try await community(unitID, in: scope)
        let n = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !n.isEmpty else { throw StoreError(.invalid, "council.name_required", field: "name") }
        guard n.count <= CouncilMeetingDraft.maxTitle else { throw StoreError(.invalid, "power.too_long", [String(CouncilMeetingDraft.maxTitle)], field: "name") }
        try await sql.raw(
            """
            INSERT INTO councils (id, unit_id, name, created_at) VALUES (\(bind: UUID()), \(bind: unit.id), \(bind: n), \(bind: now)) \
            ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name
            """
        ).run()
        guard let council = try await council(of: unit.id, in: scope) else { throw StoreError.notFound("council") }
        return council
    }

    func existing(_ unitID: UUID, in scope: Scope) async throws -> Council {
        guard let c = try await council(of: unitID, in: scope) else { throw StoreError(.invalid, "council.none", field: "name") }
        return c
    }

    public func addMember(_ draft: CouncilMemberDraft, to unitID: UUID, at now: Date, in scope: Scope) async throws -> CouncilMember {
        let council = try await existing(unitID, in: scope)
        let d = try Self.checked { () throws(OpennessProblem) in try draft.checked() }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO council_members (id, council_id, name, role, added_at) VALUES (\(bind: id), \(bind: council.id), \(bind: d.name), \(bind: d.role), \(bind: now))
            """
        ).run()
        return CouncilMember(id: id, name: d.name, role: d.role)
    }

    /// Removes a member; returns the member and the council's community.
    public func removeMember(_ id: UUID, in scope: Scope) async throws -> (member: CouncilMember, unitID: UUID) {
        struct Row: Decodable { var id: UUID; var name: String; var role: String; var unit_id: UUID }
        guard
            let row = try await sql.raw(
                """
                SELECT cm.id, cm.name, cm.role, c.unit_id FROM council_members cm JOIN councils c ON c.id = cm.council_id \
                WHERE cm.id = \(bind: id) AND \(scope.condition("c.unit_id"))
                """
            ).first(decoding: Row.self)
        else { throw StoreError.notFound("council_member") }
        try await sql.raw("DELETE FROM council_members WHERE id = \(bind: id)").run()
        return (CouncilMember(id: row.id, name: row.name, role: row.role), row.unit_id)
    }

    public func schedule(_ draft: CouncilMeetingDraft, for unitID: UUID, code: String, at now: Date, in scope: Scope) async throws -> CouncilMeeting {
        let council = try await existing(unitID, in: scope)
        let d = try Self.checked { () throws(OpennessProblem) in try draft.checked() }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO council_meetings (id, council_id, title, agenda, held_on, starts_at, place, checkin_code, created_at) \
            VALUES (\(bind: id), \(bind: council.id), \(bind: d.title), \(bind: d.agenda), \(bind: d.heldOn), \(bind: d.startsAt), \(bind: d.place), \
            \(bind: code), \(bind: now))
            """
        ).run()
        return try await meeting(id, in: scope)
    }

    /// Records the minutes of a meeting that has taken place (its day is today or past).
    public func recordMinutes(_ text: String, of id: UUID, today: String, at now: Date, in scope: Scope) async throws -> CouncilMeeting {
        let m = try await meeting(id, in: scope)
        guard m.heldOn <= today else { throw StoreError(.invalid, "council.minutes_too_early", field: "minutes") }
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw StoreError(.invalid, "council.minutes_required", field: "minutes") }
        guard t.count <= 5000 else { throw StoreError(.invalid, "power.too_long", ["5000"], field: "minutes") }
        try await sql.raw("UPDATE council_meetings SET minutes = \(bind: t), minutes_at = \(bind: now) WHERE id = \(bind: id)").run()
        return try await meeting(id, in: scope)
    }

    public func meeting(_ id: UUID, in scope: Scope) async throws -> CouncilMeeting {
        guard
            let m = try await sql.raw("\(unsafeRaw: CouncilMeeting.select) WHERE m.id = \(bind: id) AND \(scope.condition("c.unit_id"))")
                .first(decoding: CouncilMeeting.self)
        else { throw StoreError.notFound("meeting") }
        return m
    }

    /// A council's meetings, latest first.
    public func meetings(of council: Council, limit: Int = 50) async throws -> [CouncilMeeting] {
        try await sql.raw(
            "\(unsafeRaw: CouncilMeeting.select) WHERE m.council_id = \(bind: council.id) ORDER BY m.held_on DESC, m.starts_at DESC, m.id LIMIT \(count: limit)"
        ).all(decoding: CouncilMeeting.self)
    }

    /// Who registered and who came, by name, in the order they registered or came.
    public func attendance(of meeting: CouncilMeeting) async throws -> [MeetingAttendee] {
        try await sql.raw(
            """
            SELECT r.name, a.registered_at, a.checked_in_at FROM meeting_attendance a JOIN residents r ON r.id = a.resident_id \
            WHERE a.meeting_id = \(bind: meeting.id) ORDER BY COALESCE(a.registered_at, a.checked_in_at), r.id LIMIT 2000
            """
        ).all(decoding: MeetingAttendee.self)
    }

    /// A rule of the core run with its problem turned into a storage error naming the field.
    public static func checked<T>(_ body: () throws(OpennessProblem) -> T) throws -> T {
        do { return try body() } catch { throw StoreError(error.field == nil ? .conflict : .invalid, error.messageKey, error.args.map(\.localizedTerm), field: error.field) }
    }
}

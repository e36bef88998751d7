import FluentKit
import Foundation
import SQLKit
import WanggeCore

public struct PartyOrg: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var kind: PartyOrgKind
    public var name: String
    public var secretary: String

    enum CodingKeys: String, CodingKey { case id, kind, name, secretary, unitID = "unit_id" }
}

/// A member registered to a grid, with the minutes served there this month and in all.
public struct PartyMember: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var kind: PartyMemberKind
    public var name: String
    public var workplace: String
    public var registeredOn: String
    public var monthMinutes: Int
    public var totalMinutes: Int

    enum CodingKeys: String, CodingKey {
        case id, kind, name, workplace
        case unitID = "unit_id", registeredOn = "registered_on", monthMinutes = "month_minutes", totalMinutes = "total_minutes"
    }
}

/// A unit's party figures: members registered in it and below, and their minutes in a month.
public struct PartyCounts: Sendable, Equatable {
    public var members: Int
    public var minutes: Int

    public init(members: Int, minutes: Int) { (self.members, self.minutes) = (members, minutes) }
}

/// Keeps the party overlay of grids. Everything is kept on a grid and read through the caller's
/// scope: a grid outside it is 404.
public struct PartyRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    func grid(_ unitID: UUID, in scope: Scope) async throws -> UnitRow {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .grid else { throw StoreError(.invalid, "party.grid_only", field: "unit") }
        return unit
    }

    static func checked<T>(_ body: () throws(OpennessProblem) -> T) throws -> T {
        do { return try body() } catch { throw StoreError(.invalid, error.messageKey, error.args, field: error.field) }
    }

    public func addOrg(kind: String, name: String, secretary: String, to unitID: UUID, at now: Date, in scope: Scope) async throws -> PartyOrg {
        let unit = try await grid(unitID, in: scope)
        let (k, n, s) = try Self.checked { () throws(OpennessProblem) in try PartyRules.org(kind: kind, name: name, secretary: secretary) }
        let org = PartyOrg(id: UUID(), unitID: unit.id, kind: k, name: n, secretary: s)
        try await sql.raw(
            """
            INSERT INTO party_orgs (id, unit_id, kind, name, secretary, created_at) \
            VALUES (\(bind: org.id), \(bind: unit.id), \(bind: k.rawValue), \(bind: n), \(bind: s), \(bind: now))
            """
        ).run()
        return org
    }

    public func register(
        kind: String, name: String, workplace: String, on day: String, to unitID: UUID, today: String, at now: Date, in scope: Scope
    ) async throws -> UUID {
        let unit = try await grid(unitID, in: scope)
        let (k, n, w, d) = try Self.checked { () throws(OpennessProblem) in
            try PartyRules.member(kind: kind, name: name, workplace: workplace, day: day, today: today)
        }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO party_members (id, unit_id, kind, name, workplace, registered_on, created_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: k.rawValue), \(bind: n), \(bind: w), \(bind: d), \(bind: now))
            """
        ).run()
        return id
    }

    /// Records a member's service in their grid; returns the member's grid.
    public func recordService(
        of memberID: UUID, day: String, activity: String, hours: String, today: String, by name: String, at now: Date, in scope: Scope
    ) async throws -> UUID {
        let unitID = try await unit(ofMember: memberID, in: scope)
        let (d, a, m) = try Self.checked { () throws(OpennessProblem) in try PartyRules.service(day: day, activity: activity, hours: hours, today: today) }
        try await sql.raw(
            """
            INSERT INTO party_service (id, member_id, unit_id, day, activity, minutes, recorded_by, created_at) \
            VALUES (\(bind: UUID()), \(bind: memberID), \(bind: unitID), \(bind: d), \(bind: a), \(bind: m), \(bind: name), \(bind: now))
            """
        ).run()
        return unitID
    }

    /// The grid a registered member serves in, if it is inside the scope.
    public func unit(ofMember memberID: UUID, in scope: Scope) async throws -> UUID {
        struct Row: Decodable { var unit_id: UUID }
        guard
            let member = try await sql.raw("SELECT unit_id FROM party_members WHERE id = \(bind: memberID) AND \(scope.condition("unit_id"))")
                .first(decoding: Row.self)
        else { throw StoreError.notFound("party_member") }
        return member.unit_id
    }

    public func orgs(of unitID: UUID, in scope: Scope) async throws -> [PartyOrg] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await sql.raw("SELECT id, unit_id, kind, name, secretary FROM party_orgs WHERE unit_id = \(bind: unit.id) ORDER BY kind, name")
            .all(decoding: PartyOrg.self)
    }

    /// The grid's registered members with their minutes in `month` ("2026-11") and in all.
    public func members(of unitID: UUID, month: String, in scope: Scope) async throws -> [PartyMember] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await sql.raw(
            """
            SELECT m.id, m.unit_id, m.kind, m.name, m.workplace, m.registered_on, \
            CAST(COALESCE(SUM(CASE WHEN s.day LIKE \(bind: month + "-%") THEN s.minutes ELSE 0 END), 0) AS BIGINT) AS month_minutes, \
            CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS total_minutes \
            FROM party_members m LEFT JOIN party_service s ON s.member_id = m.id WHERE m.unit_id = \(bind: unit.id) \
            GROUP BY m.id, m.unit_id, m.kind, m.name, m.workplace, m.registered_on ORDER BY m.registered_on, m.name
            """
        ).all(decoding: PartyMember.self)
    }

    /// Members registered in the unit and below, and the minutes served there in `month`.
    public func counts(under unitID: UUID, month: String, in scope: Scope) async throws -> PartyCounts {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        struct N: Decodable { var n: Int? }
        let members =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM party_members WHERE unit_id IN (SELECT id FROM units WHERE \(Scope.under("path", unit.path)))"
            ).first(decoding: N.self)?.n ?? 0
        let minutes =
            try await sql.raw(
                """
                SELECT CAST(SUM(minutes) AS BIGINT) AS n FROM party_service WHERE day LIKE \(bind: month + "-%") \
                AND unit_id IN (SELECT id FROM units WHERE \(Scope.under("path", unit.path)))
                """
            ).first(decoding: N.self)?.n ?? 0
        return PartyCounts(members: members, minutes: minutes)
    }
}

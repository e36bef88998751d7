import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A member of a grid's team as shown on the grid page and the contact card.
public struct TeamMember: Codable, Sendable, Equatable {
    public var staffID: UUID
    public var assignmentID: UUID
    public var name: String
    public var phone: String?
    /// The person agreed to have `phone` printed on contact cards and shown to residents.
    public var phonePublic: Bool
    public var kindKey: String
    public var kindName: String
    public var duty: String?
    public var buildingID: UUID?
    /// The log-in account this person uses, if linked.
    public var accountID: UUID?

    enum CodingKeys: String, CodingKey {
        case name, phone, duty
        case phonePublic = "phone_public"
        case staffID = "staff_id", assignmentID = "assignment_id", kindKey = "kind_key", kindName = "kind_name", buildingID = "building_id"
        case accountID = "account_id"
    }
}

public struct StaffKindRow: Codable, Sendable, Equatable {
    public var key: String
    public var nameZh: String
    public var nameEn: String
    public var sort: Int
    enum CodingKeys: String, CodingKey { case key, sort, nameZh = "name_zh", nameEn = "name_en" }
}

/// Staff of every kind and their assignments to grids (G3).
public struct StaffRepository: Sendable, SQLRepository {
    let db: any Database

    /// A grid needs at least this many people ("每个网格设置3—5人").
    public static let minimumTeam = 3

    public init(_ db: any Database) { self.db = db }

    public func kinds() async throws -> [StaffKindRow] {
        try await sql.raw("SELECT key, name_zh, name_en, sort FROM staff_kinds ORDER BY sort").all(decoding: StaffKindRow.self)
    }

    /// The current team of a unit (usually a grid).
    public func team(of unitID: UUID, in scope: Scope) async throws -> [TeamMember] {
        _ = try await UnitRepository(db).get(unitID, in: scope)
        return try await sql.raw(
            """
            SELECT s.id AS staff_id, a.id AS assignment_id, s.name, s.phone, s.phone_public, s.kind_key, k.name_zh AS kind_name, a.duty, a.building_id, s.account_id \
            FROM staff_assignments a JOIN staff s ON s.id = a.staff_id JOIN staff_kinds k ON k.key = s.kind_key \
            WHERE a.unit_id = \(bind: unitID) AND a.ended_at IS NULL AND s.active = \(bind: true) ORDER BY k.sort, s.name
            """
        ).all(decoding: TeamMember.self)
    }

    /// Links a member of staff to the account they sign in with (one member per account; unlinks
    /// whoever had the account before).
    public func link(staff staffID: UUID, account accountID: UUID?) async throws {
        try await db.transaction { tx in
            if let accountID { try await tx.sql.raw("UPDATE staff SET account_id = NULL WHERE account_id = \(bind: accountID)").run() }
            try await tx.sql.raw("UPDATE staff SET account_id = \(bind: accountID) WHERE id = \(bind: staffID)").run()
        }
    }

    /// The member of staff an account belongs to, if linked.
    public func staffID(ofAccount accountID: UUID) async throws -> UUID? {
        try await sql.raw("SELECT id FROM staff WHERE account_id = \(bind: accountID)").first()?.decode(column: "id", as: UUID.self)
    }

    /// Team sizes of every live grid in scope.
    public func teamSizes(in scope: Scope) async throws -> [UUID: Int] {
        struct Count: Decodable { var unit_id: UUID; var n: Int }
        let rows = try await sql.raw(
            """
            SELECT a.unit_id, COUNT(DISTINCT a.staff_id) AS n FROM staff_assignments a JOIN staff s ON s.id = a.staff_id \
            WHERE a.ended_at IS NULL AND s.active = \(bind: true) AND \(scope.condition("a.unit_id")) GROUP BY a.unit_id
            """
        ).all(decoding: Count.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.unit_id, $0.n) })
    }

    /// Adds a person and assigns them to a unit in one step.
    public func add(
        name: String, phone: String?, phonePublic: Bool = false, kindKey: String, to unitID: UUID, duty: String?,
        buildingID: UUID?, in scope: Scope, at now: Date = Date()
    ) async throws -> TeamMember {
        var problems: [FieldProblem] = []
        let trimmed = name.trimmingSpaces()
        if trimmed.isEmpty { problems.append(FieldProblem("name", "field.required")) } else if trimmed.count > 50 { problems.append(FieldProblem("name", "field.too_long", ["50"])) }
        var normalizedPhone: String?
        if let raw = phone?.trimmedOrNil {
            do { normalizedPhone = try Phone.normalize(raw) } catch { problems.append(FieldProblem("phone", "phone.invalid", [raw])) }
        }
        if try await !kinds().contains(where: { $0.key == kindKey }) { problems.append(FieldProblem("kind", "staff.unknown_kind", [kindKey])) }
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        if let buildingID { _ = try await PlaceRepository(db).building(buildingID, in: scope) }
        let staffID = UUID(), assignmentID = UUID(), phone = normalizedPhone
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.insert(into: "staff").columns("id", "name", "phone", "phone_public", "kind_key", "active", "created_at")
                .values(SQLBind(staffID), SQLBind(trimmed), SQLBind(phone), SQLBind(phone != nil && phonePublic), SQLBind(kindKey), SQLBind(true), SQLBind(now)).run()
            try await sql.insert(into: "staff_assignments").columns("id", "staff_id", "unit_id", "building_id", "duty", "started_at")
                .values(SQLBind(assignmentID), SQLBind(staffID), SQLBind(unit.id), SQLBind(buildingID), SQLBind(duty?.trimmedOrNil), SQLBind(now)).run()
        }
        return try await team(of: unit.id, in: scope).first { $0.assignmentID == assignmentID }!
    }

    /// Ends an assignment (the person leaves the grid); history is kept.
    public func endAssignment(_ assignmentID: UUID, in scope: Scope, at now: Date = Date()) async throws {
        guard
            try await sql.raw("SELECT id FROM staff_assignments WHERE id = \(bind: assignmentID) AND \(scope.condition("unit_id"))")
                .first() != nil
        else { throw StoreError.notFound("assignment") }
        try await sql.update("staff_assignments").set("ended_at", to: now).where("id", .equal, assignmentID).run()
    }

    /// The current assignment `assignmentID` in unit `unitID`, or not found when it is not there or
    /// not in scope.
    func currentAssignment(_ assignmentID: UUID, of unitID: UUID, in scope: Scope) async throws -> TeamMember {
        guard let member = try await team(of: unitID, in: scope).first(where: { $0.assignmentID == assignmentID }) else {
            throw StoreError.notFound("assignment")
        }
        return member
    }

    /// Records whether the person of an assignment agreed to publish their phone number.
    public func setPhonePublic(_ published: Bool, assignment assignmentID: UUID, of unitID: UUID, in scope: Scope) async throws {
        let member = try await currentAssignment(assignmentID, of: unitID, in: scope)
        try await sql.raw("UPDATE staff SET phone_public = \(bind: published && member.phone != nil) WHERE id = \(bind: member.staffID)").run()
    }

    /// Sets the buildings an assignment covers (a proxy agent's 2–3 buildings). Each must be a
    /// building of the same grid; the list replaces the one before. Returns the codes now covered.
    public func setBuildings(_ buildingIDs: [UUID], assignment assignmentID: UUID, of unitID: UUID, in scope: Scope) async throws -> [String] {
        _ = try await currentAssignment(assignmentID, of: unitID, in: scope)
        let wanted = Array(Set(buildingIDs))
        let own = try await PlaceRepository(db).buildings(inGrid: unitID, in: scope)
        let codes = own.filter { wanted.contains($0.id) }.map(\.code)
        guard codes.count == wanted.count else { throw StoreError(.invalid, "staff.building_not_in_grid", field: "buildings") }
        try await db.transaction { tx in
            try await tx.sql.raw("DELETE FROM staff_buildings WHERE assignment_id = \(bind: assignmentID)").run()
            for id in wanted {
                try await tx.sql.insert(into: "staff_buildings").columns("id", "assignment_id", "building_id")
                    .values(SQLBind(UUID()), SQLBind(assignmentID), SQLBind(id)).run()
            }
        }
        return codes
    }

    /// The buildings each current member of a unit's team covers, by assignment.
    public func coveredBuildings(of unitID: UUID, in scope: Scope) async throws -> [UUID: [BuildingRow]] {
        struct Cover: Decodable { var assignment_id: UUID; var building_id: UUID }
        let covers = try await sql.raw(
            """
            SELECT sb.assignment_id, sb.building_id FROM staff_buildings sb JOIN staff_assignments a ON a.id = sb.assignment_id \
            WHERE a.unit_id = \(bind: unitID) AND a.ended_at IS NULL AND \(scope.condition("a.unit_id"))
            """
        ).all(decoding: Cover.self)
        guard !covers.isEmpty else { return [:] }
        let buildings = Dictionary(uniqueKeysWithValues: try await PlaceRepository(db).buildings(inGrid: unitID, in: scope).map { ($0.id, $0) })
        var out: [UUID: [BuildingRow]] = [:]
        for c in covers { if let b = buildings[c.building_id] { out[c.assignment_id, default: []].append(b) } }
        return out.mapValues { $0.sorted { $0.code < $1.code } }
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The changes to the grid tree and its teams, each with its audit entry, shared by the JSON API
/// and the administrator's forms on the unit page so both record the same thing.
enum TreeActions {
    static func create(_ req: Request, _ v: Viewer, parentID: UUID?, level: UnitLevel, code: String?, name: String, boundary: GeoArea?) async throws -> UnitRow {
        let repo = UnitRepository(req.db)
        var code = code?.trimmingSpaces()
        if code?.isEmpty ?? true, let parentID {
            code = try await repo.nextChildCode(under: try await repo.get(parentID, in: v.scope), level: level)
        }
        guard let code, !code.isEmpty else { throw StoreError(.invalid, "field.required", field: "code") }
        let unit = try await repo.create(parentID: parentID, level: level, code: code, name: name, boundary: boundary, actor: v.account.username, in: v.scope)
        try await req.audit(
            "create", object: "unit", unit.id.uuidString,
            detail: AuditDetail(["code": unit.code, "name": unit.name, "level": unit.level.rawValue, "parent": unit.parentID?.uuidString]).text)
        return unit
    }

    static func update(_ req: Request, _ v: Viewer, _ id: UUID, name: String?, boundary: GeoArea??) async throws -> UnitRow {
        let unit = try await UnitRepository(req.db).update(id, name: name, boundary: boundary, actor: v.account.username, in: v.scope)
        try await req.audit(
            "update", object: "unit", unit.id.uuidString,
            detail: AuditDetail(["code": unit.code, "name": name, "boundary": boundary.map { $0 == nil ? "cleared" : "changed" }]).text)
        return unit
    }

    static func move(_ req: Request, _ v: Viewer, _ id: UUID, to parentID: UUID) async throws -> UnitRow {
        let unit = try await UnitRepository(req.db).move(id, to: parentID, actor: v.account.username, in: v.scope)
        try await req.audit("move", object: "unit", unit.id.uuidString, detail: AuditDetail(["parent": parentID.uuidString, "code": unit.code]).text)
        return unit
    }

    static func merge(_ req: Request, _ v: Viewer, _ source: UUID, into target: UUID) async throws -> UnitRow {
        let merged = try await UnitRepository(req.db).merge(source, into: target, actor: v.account.username, in: v.scope)
        try await req.audit("merge", object: "unit", source.uuidString, detail: AuditDetail(["into": merged.id.uuidString]).text)
        return merged
    }

    static func split(_ req: Request, _ v: Viewer, _ id: UUID, into parts: [SplitPart]) async throws -> [UnitRow] {
        let made = try await UnitRepository(req.db).split(id, into: parts, actor: v.account.username, in: v.scope)
        try await req.audit("split", object: "unit", id.uuidString, detail: AuditDetail(["parts": made.map(\.code).joined(separator: ",")]).text)
        return made
    }

    static func addMember(
        _ req: Request, _ v: Viewer, to unitID: UUID, name: String, phone: String?, phonePublic: Bool = false, kind: String, duty: String?, buildingID: UUID?
    ) async throws -> TeamMember {
        let member = try await StaffRepository(req.db).add(
            name: name, phone: phone, phonePublic: phonePublic, kindKey: kind, to: unitID, duty: duty, buildingID: buildingID, in: v.scope)
        try await req.audit(
            "assign", object: "assignment", member.assignmentID.uuidString,
            detail: AuditDetail(["unit": unitID.uuidString, "staff_kind": member.kindKey, "phone_public": member.phonePublic ? "yes" : "no"]).text)
        return member
    }

    /// Whether a member's phone is published, and the buildings they cover.
    static func updateMember(_ req: Request, _ v: Viewer, unit: UUID, assignment: UUID, phonePublic: Bool, buildings: [UUID]) async throws {
        let staff = StaffRepository(req.db)
        // The buildings first: they are what can be refused, and then nothing has changed.
        let codes = try await staff.setBuildings(buildings, assignment: assignment, of: unit, in: v.scope)
        try await staff.setPhonePublic(phonePublic, assignment: assignment, of: unit, in: v.scope)
        try await req.audit(
            "update", object: "assignment", assignment.uuidString,
            detail: AuditDetail(["unit": unit.uuidString, "phone_public": phonePublic ? "yes" : "no", "buildings": codes.sorted().joined(separator: ",")]).text)
    }

    static func endAssignment(_ req: Request, _ v: Viewer, _ id: UUID) async throws {
        try await StaffRepository(req.db).endAssignment(id, in: v.scope)
        try await req.audit("unassign", object: "assignment", id.uuidString)
    }
}

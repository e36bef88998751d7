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
        return try await req.audited("create", object: "unit") { db in
            try await UnitRepository(db).create(parentID: parentID, level: level, code: code, name: name, boundary: boundary, actor: v.account.username, in: v.scope)
        } entry: { unit in
            (unit.id.uuidString, AuditDetail(["code": unit.code, "name": unit.name, "level": unit.level.rawValue, "parent": unit.parentID?.uuidString]).text)
        }
    }

    static func update(_ req: Request, _ v: Viewer, _ id: UUID, name: String?, boundary: GeoArea??) async throws -> UnitRow {
        let boundaryChange = boundary.map { $0 == nil ? "cleared" : "changed" }
        return try await req.audited("update", object: "unit") { db in
            try await UnitRepository(db).update(id, name: name, boundary: boundary, actor: v.account.username, in: v.scope)
        } entry: { unit in
            (unit.id.uuidString, AuditDetail(["code": unit.code, "name": name, "boundary": boundaryChange]).text)
        }
    }

    static func move(_ req: Request, _ v: Viewer, _ id: UUID, to parentID: UUID) async throws -> UnitRow {
        try await req.audited("move", object: "unit") { db in
            try await UnitRepository(db).move(id, to: parentID, actor: v.account.username, in: v.scope)
        } entry: { unit in
            (unit.id.uuidString, AuditDetail(["parent": parentID.uuidString, "code": unit.code]).text)
        }
    }

    static func merge(_ req: Request, _ v: Viewer, _ source: UUID, into target: UUID) async throws -> UnitRow {
        try await req.audited("merge", object: "unit") { db in
            try await UnitRepository(db).merge(source, into: target, actor: v.account.username, in: v.scope)
        } entry: { merged in
            (source.uuidString, AuditDetail(["into": merged.id.uuidString]).text)
        }
    }

    static func split(_ req: Request, _ v: Viewer, _ id: UUID, into parts: [SplitPart]) async throws -> [UnitRow] {
        let made = try await req.audited("split", object: "unit") { db in
            try await UnitRepository(db).split(id, into: parts, actor: v.account.username, in: v.scope)
        } entry: { made in
            (id.uuidString, AuditDetail(["parts": made.map(\.code).joined(separator: ",")]).text)
        }
        return made
    }

    static func addMember(
        _ req: Request, _ v: Viewer, to unitID: UUID, name: String, phone: String?, phonePublic: Bool = false, kind: String, duty: String?, buildingID: UUID?
    ) async throws -> TeamMember {
        try await req.audited("assign", object: "assignment") { db in
            try await StaffRepository(db).add(
                name: name, phone: phone, phonePublic: phonePublic, kindKey: kind, to: unitID, duty: duty, buildingID: buildingID, in: v.scope)
        } entry: { member in
            (member.assignmentID.uuidString, AuditDetail(["unit": unitID.uuidString, "staff_kind": member.kindKey, "phone_public": member.phonePublic ? "yes" : "no"]).text)
        }
    }

    /// Whether a member's phone is published, and the buildings they cover.
    static func updateMember(_ req: Request, _ v: Viewer, unit: UUID, assignment: UUID, phonePublic: Bool, buildings: [UUID]) async throws {
        _ = try await req.audited("update", object: "assignment") { db in
            let staff = StaffRepository(db)
            // The buildings first: they are what can be refused, and then nothing has changed.
            let codes = try await staff.setBuildings(buildings, assignment: assignment, of: unit, in: v.scope)
            try await staff.setPhonePublic(phonePublic, assignment: assignment, of: unit, in: v.scope)
            return codes
        } entry: { codes in
            (assignment.uuidString, AuditDetail(["unit": unit.uuidString, "phone_public": phonePublic ? "yes" : "no", "buildings": codes.sorted().joined(separator: ",")]).text)
        }
    }

    static func endAssignment(_ req: Request, _ v: Viewer, _ id: UUID) async throws {
        try await req.audited("unassign", object: "assignment") { db in
            try await StaffRepository(db).endAssignment(id, in: v.scope)
        } entry: { _ in
            (id.uuidString, "")
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Everything the register holds about one person, unmasked: what PIPL art. 45 says a person may
/// have a copy of. Built only for the export of a single record; never for lists.
public struct ResidentRecord: Codable, Sendable, Equatable {
    public struct Household: Codable, Sendable, Equatable {
        public var number: String
        public var address: String
        public var room: String?
        public var kind: String
    }

    public struct Grid: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
    }

    public struct Tag: Codable, Sendable, Equatable {
        public var key: String
        public var name: String
    }

    public var id: UUID
    public var name: String
    public var idNumber: String?
    public var documentNumber: String?
    public var sex: String?
    public var birthDate: String?
    public var phone: String?
    public var relation: String?
    public var residenceType: String
    public var household: Household?
    public var grid: Grid?
    public var tags: [Tag]
    public var createdAt: Date
    public var updatedAt: Date
    public var exportedAt: Date
}

/// Residents' rights (PIPL arts. 44–47): a copy of the record, correction, and anonymisation.
/// Each takes the caller's scope like every other read or write of the register.
extension ResidentRepository {
    /// The whole record of one resident in scope, unmasked, with household, grid and every tag
    /// (sensitive ones included: it is the person's own data).
    public func record(_ id: UUID, in scope: Scope, at now: Date = Date()) async throws -> ResidentRecord {
        let row = try await get(id, in: scope)
        var household: ResidentRecord.Household?
        if let hid = row.householdID {
            let h = try await PlaceRepository(db).household(hid, in: .everything)
            household = .init(number: h.number, address: h.address, room: h.room, kind: h.kind)
        }
        var grid: UnitRow?
        if let unitID = row.unitID { grid = try await UnitRepository(db).find(unitID, in: .everything) }
        let tags = try await tags(of: [id])[id] ?? []
        return ResidentRecord(
            id: row.id, name: row.name, idNumber: row.idNumber, documentNumber: row.documentNumber, sex: row.sex,
            birthDate: row.birthDate, phone: row.phone, relation: row.relation, residenceType: row.residenceType,
            household: household, grid: grid.map { .init(code: $0.code, name: $0.name) },
            tags: tags.map { .init(key: $0.key, name: $0.nameZh) }, createdAt: row.createdAt, updatedAt: row.updatedAt, exportedAt: now)
    }

    /// A correction: `update` with the names (never the values) of the fields it changed, for
    /// the audit log. Nothing is written when validation fails.
    public func correct(_ id: UUID, _ input: ResidentInput, in scope: Scope, at now: Date = Date()) async throws -> (row: ResidentRow, changed: [String]) {
        let before = try await get(id, in: scope)
        let tagsBefore = Set((try await tags(of: [id])[id] ?? []).map(\.key))
        let after = try await update(id, input, in: scope, at: now)
        var changed: [String] = []
        let pairs: [(String, String?, String?)] = [
            ("name", before.name, after.name), ("id_number", before.idNumber, after.idNumber),
            ("document_number", before.documentNumber, after.documentNumber), ("phone", before.phone, after.phone),
            ("household", before.householdID?.uuidString, after.householdID?.uuidString), ("relation", before.relation, after.relation),
            ("residence_type", before.residenceType, after.residenceType),
        ]
        for (field, old, new) in pairs where old != new { changed.append(field) }
        if Set(input.tags) != tagsBefore { changed.append("tags") }
        return (after, changed)
    }

    /// Removes a resident's personal data at their request and keeps the row: name replaced,
    /// ID number and its hash, document number, phone, birth date, relation and tags removed, the
    /// household link dropped (the grid stays, so the person still counts there), and the row
    /// marked so it is never edited back into a person. History and case links keep pointing at it.
    @discardableResult
    public func anonymise(_ id: UUID, in scope: Scope, at now: Date = Date()) async throws -> ResidentRow {
        let row = try await get(id, in: scope)
        guard row.anonymisedAt == nil else { throw StoreError(.conflict, "rights.already_anonymised") }
        let name = L10n.t("rights.anonymised_name", lang: .zh)
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.raw(
                """
                UPDATE residents SET name = \(bind: name), id_number = NULL, id_number_hash = NULL, document_number = NULL, \
                phone = NULL, birth_date = NULL, relation = NULL, household_id = NULL, \
                anonymised_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id)
                """
            ).run()
            try await sql.delete(from: "resident_tags").where("resident_id", .equal, id).run()
        }
        return try await get(id, in: scope)
    }
}

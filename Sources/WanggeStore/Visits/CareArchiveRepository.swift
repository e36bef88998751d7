import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Someone to call about a person in care.
public struct CareContact: Codable, Sendable, Equatable {
    public var name: String
    public var relation: String
    public var phone: String

    public init(name: String, relation: String, phone: String) { (self.name, self.relation, self.phone) = (name, relation, phone) }
}

/// What a care archive says (B1): needs, home-care and health notes, and contacts. Stored
/// encrypted as one field; it leaves storage only to a caller who passed the care gate.
public struct CareNotes: Codable, Sendable, Equatable {
    public var needs: String
    public var homeCare: String
    public var health: String
    public var contacts: [CareContact]

    public init(needs: String = "", homeCare: String = "", health: String = "", contacts: [CareContact] = []) {
        (self.needs, self.homeCare, self.health, self.contacts) = (needs, homeCare, health, contacts)
    }
}

/// A person's care archive. `notes` is nil when read without the gate (it exists, with its visit
/// frequency, but says nothing more).
public struct CareArchive: Codable, Sendable, Equatable {
    public var residentID: UUID
    public var frequency: CareFrequency
    public var notes: CareNotes?
    public var updatedBy: String
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case frequency, notes
        case residentID = "resident_id", updatedBy = "updated_by", updatedAt = "updated_at"
    }
}

/// Care archives of people in the register, scoped by the person's grid. Who may read the notes is
/// `CareAccess`; the caller audits each read before calling `notes`.
public struct CareArchiveRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    public static let maxNote = 2000
    public static let maxContacts = 5

    struct Row: Decodable {
        var resident_id: UUID
        var frequency: String
        var notes: String
        var updated_by: String
        var updated_at: Date
    }

    func row(_ residentID: UUID, in scope: Scope) async throws -> Row? {
        try await sql.raw(
            """
            SELECT c.resident_id, c.frequency, c.notes, c.updated_by, c.updated_at FROM care_archives c JOIN residents r ON r.id = c.resident_id \
            WHERE c.resident_id = \(bind: residentID) AND \(scope.condition("r.unit_id"))
            """
        ).first(decoding: Row.self)
    }

    /// The archive without its notes, or nil when the person (in scope) has none.
    public func summary(_ residentID: UUID, in scope: Scope) async throws -> CareArchive? {
        try await row(residentID, in: scope).map {
            CareArchive(residentID: $0.resident_id, frequency: CareFrequency(rawValue: $0.frequency) ?? .monthly, notes: nil, updatedBy: $0.updated_by, updatedAt: $0.updated_at)
        }
    }

    /// The summaries of several people at once (for a household's members).
    public func summaries(_ residentIDs: [UUID], in scope: Scope) async throws -> [UUID: CareArchive] {
        var result: [UUID: CareArchive] = [:]
        for id in residentIDs { if let s = try await summary(id, in: scope) { result[id] = s } }
        return result
    }

    /// The archive with its notes decrypted. Only for a caller that passed the gate and audited it.
    public func withNotes(_ residentID: UUID, in scope: Scope) async throws -> CareArchive {
        guard let r = try await row(residentID, in: scope) else { throw StoreError.notFound("care_archive") }
        let text: String
        do { text = try cipher.decrypt(r.notes) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
        return CareArchive(
            residentID: r.resident_id, frequency: CareFrequency(rawValue: r.frequency) ?? .monthly,
            notes: try JSONDecoder().decode(CareNotes.self, from: Data(text.utf8)), updatedBy: r.updated_by, updatedAt: r.updated_at)
    }

    /// Checks notes: each at most 2000 characters without control characters (line breaks are
    /// fine), at most five contacts, each with a name, a relation and a valid phone.
    public static func check(_ notes: CareNotes) throws -> CareNotes {
        var n = notes
        for (field, keyPath) in [("needs", \CareNotes.needs), ("home_care", \.homeCare), ("health", \.health)] {
            let text = n[keyPath: keyPath].trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count <= maxNote else { throw StoreError(.invalid, "log.too_long", [String(maxNote)], field: field) }
            if case .controlCharacter? = TextInputRules.problem(text, field: "text") { throw StoreError(.invalid, "field.control_character", field: field) }
            n[keyPath: keyPath] = text
        }
        n.contacts = n.contacts.filter { !($0.name.trimmingSpaces().isEmpty && $0.phone.trimmingSpaces().isEmpty && $0.relation.trimmingSpaces().isEmpty) }
        guard n.contacts.count <= maxContacts else { throw StoreError(.invalid, "visit.too_many", [String(maxContacts)], field: "contacts") }
        n.contacts = try n.contacts.map { c in
            let name = c.name.trimmingSpaces(), relation = c.relation.trimmingSpaces()
            guard !name.isEmpty, name.count <= 50 else { throw StoreError(.invalid, "care.contact_name", field: "contacts") }
            guard relation.count <= 20 else { throw StoreError(.invalid, "field.too_long", ["20"], field: "contacts") }
            guard let phone = try? Phone.normalize(c.phone.trimmingSpaces()) else { throw StoreError(.invalid, "phone.invalid", [c.phone], field: "contacts") }
            return CareContact(name: name, relation: relation, phone: phone)
        }
        return n
    }

    /// The care groups of a person in scope, as of `today`.
    public func groups(of residentID: UUID, on today: SimpleDate, in scope: Scope) async throws -> [CareGroup] {
        let people = ResidentRepository(db, cipher: cipher)
        let person = try await people.get(residentID, in: scope)
        let tags = try await people.tags(of: [residentID])[residentID]?.map(\.key) ?? []
        var size = 0
        if let household = person.householdID {
            size = try await sql.raw("SELECT COUNT(*) AS n FROM residents WHERE household_id = \(bind: household)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return CareGroup.of(birthDate: person.birthDate.flatMap(SimpleDate.init(iso:)), tags: tags, householdSize: size, on: today)
    }

    /// Creates or replaces a person's archive (the person in scope and in a care group) and returns
    /// it without its notes.
    public func save(
        _ residentID: UUID, frequency: CareFrequency, notes raw: CareNotes, by actor: CaseActor, signer: AuditSigner, today: SimpleDate, scope: Scope, now: Date
    ) async throws -> CareArchive {
        guard !(try await groups(of: residentID, on: today, in: scope)).isEmpty else { throw StoreError(.invalid, "care.not_eligible", field: "resident") }
        let notes = try Self.check(raw)
        let person = try await ResidentRepository(db, cipher: cipher).get(residentID, in: scope)
        let sealed = cipher.encrypt(try VisitRepository.json(notes))
        let existing = try await row(residentID, in: scope) != nil
        try await db.transaction { tx in
            if existing {
                try await tx.sql.raw(
                    """
                    UPDATE care_archives SET frequency = \(bind: frequency.rawValue), notes = \(bind: sealed), unit_id = \(bind: person.unitID), \
                    updated_by_id = \(bind: actor.id), updated_by = \(bind: actor.name), updated_at = \(bind: now) WHERE resident_id = \(bind: residentID)
                    """
                ).run()
            } else {
                try await tx.sql.raw(
                    """
                    INSERT INTO care_archives (id, resident_id, unit_id, frequency, notes, updated_by_id, updated_by, updated_at, created_at) \
                    VALUES (\(bind: UUID()), \(bind: residentID), \(bind: person.unitID), \(bind: frequency.rawValue), \(bind: sealed), \(bind: actor.id), \
                    \(bind: actor.name), \(bind: now), \(bind: now))
                    """
                ).run()
            }
            try await AuditLog.append(
                [signer.entry("care.save", "care_archive", residentID, ["frequency": frequency.rawValue, "contacts": String(notes.contacts.count)], at: now)],
                chain: signer.chain, on: tx.sql)
        }
        // The notes just written are not read back: every read of them goes through the gate.
        guard let saved = try await summary(residentID, in: scope) else { throw StoreError.notFound("care_archive") }
        return saved
    }
}

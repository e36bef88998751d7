import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Offline changes to residents' register fields, merged field by field (see `SyncMerge`), and the
/// conflicts they leave for a person to decide.
extension SyncRepository {
    /// The register fields a phone may change offline.
    public static let editableFields: Set<String> = ["phone", "tags", "relation"]

    public struct Author: Sendable {
        public var id: UUID
        public var name: String
        public var device: UUID
        public var clientID: String

        public init(id: UUID, name: String, device: UUID, clientID: String) {
            (self.id, self.name, self.device, self.clientID) = (id, name, device, clientID)
        }
    }

    /// A resident's editable fields as the phone's copy shows them.
    static func phoneView(_ r: ResidentRow, visibleTags: [String]) -> [String: String?] {
        ["phone": r.phone.map(Mask.phone), "tags": visibleTags.sorted().joined(separator: ","), "relation": r.relation]
    }

    /// Merges the edits into the resident and records every clash; returns the fields written and the
    /// conflicts recorded. Validation failures throw (nothing is written).
    public func applyResidentEdits(
        _ residentID: UUID, _ edits: [FieldEdit], baseVersion: Int64, trustsBase: Bool, role: Role, by author: Author, in scope: Scope, now: Date
    ) async throws -> (applied: [String], conflicts: [UUID]) {
        for e in edits where !Self.editableFields.contains(e.field) {
            throw StoreError(.invalid, "sync.field_not_editable", [e.field], field: "body.edits")
        }
        let people = ResidentRepository(db, cipher: cipher)
        let row = try await people.get(residentID, in: scope)
        guard row.anonymisedAt == nil else { throw StoreError(.conflict, "rights.already_anonymised") }
        let tags = try await people.tags(of: [residentID])[residentID] ?? []
        let visible = tags.filter { !$0.sensitive || role.seesSensitiveTags }.map(\.key)
        let hidden = tags.map(\.key).filter { !visible.contains($0) }
        let outcome = SyncMerge.merge(
            edits, baseVersion: baseVersion, serverVersion: try await version(of: residentID), server: Self.phoneView(row, visibleTags: visible),
            trustsBase: trustsBase)
        if !outcome.apply.isEmpty {
            var input = try await input(row, tags: tags.map(\.key))
            for edit in outcome.apply {
                switch edit.field {
                case "phone": input.phone = edit.mine?.trimmedOrNil
                case "relation": input.relation = edit.mine?.trimmedOrNil
                default: input.tags = Array(Set(hidden + Self.tagList(edit.mine))).sorted()
                }
            }
            _ = try await people.update(residentID, input, in: scope, at: now)
        }
        var ids: [UUID] = []
        for clash in outcome.clashes {
            let id = UUID()
            try await sql.raw(
                """
                INSERT INTO sync_conflicts (id, resident_id, unit_id, field, base, mine, server, state, author_id, author_name, device_id, client_id, created_at) \
                VALUES (\(bind: id), \(bind: residentID), \(bind: row.unitID), \(bind: clash.field), \(bind: clash.base.map(cipher.encrypt)), \
                \(bind: clash.mine.map(cipher.encrypt)), \(bind: clash.server.map(cipher.encrypt)), 'open', \(bind: author.id), \(bind: author.name), \
                \(bind: author.device), \(bind: author.clientID), \(bind: now))
                """
            ).run()
            ids.append(id)
        }
        return (outcome.apply.map(\.field), ids)
    }

    static func tagList(_ s: String?) -> [String] {
        (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A resident's record as it stands, as the input the resident repository writes back.
    public func input(_ row: ResidentRow, tags: [String]) async throws -> ResidentInput {
        ResidentInput(
            name: row.name, idNumber: row.idNumber, documentNumber: row.documentNumber, phone: row.phone, householdNumber: try await householdNumber(row.householdID),
            relation: row.relation, residenceType: row.residenceType, tags: tags)
    }

    /// The number of a household, for building a resident's input from its row.
    public func householdNumber(_ id: UUID?) async throws -> String? {
        guard let id else { return nil }
        return try await sql.raw("SELECT number FROM households WHERE id = \(bind: id)").first()?.decode(column: "number", as: String.self)
    }

    // MARK: Conflicts

    struct StoredConflict: Decodable {
        var id: UUID
        var resident_id: UUID
        var name: String
        var unit_id: UUID?
        var field: String
        var base: String?
        var mine: String?
        var server: String?
        var state: String
        var author_id: UUID
        var author_name: String
        var created_at: Date
        var decided_by: String?
        var decided_at: Date?
        var final_value: String?
    }

    static let conflictSelect = """
        SELECT c.id, c.resident_id, r.name, c.unit_id, c.field, c.base, c.mine, c.server, c.state, c.author_id, c.author_name, c.created_at, \
        c.decided_by, c.decided_at, c.final_value FROM sync_conflicts c JOIN residents r ON r.id = c.resident_id
        """

    func decode(_ c: StoredConflict) throws -> SyncConflictRecord {
        func open(_ s: String?) throws -> String? {
            guard let s else { return nil }
            do { return try cipher.decrypt(s) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
        }
        return SyncConflictRecord(
            id: c.id, residentID: c.resident_id, residentName: c.name, unitID: c.unit_id, field: c.field, base: try open(c.base), mine: try open(c.mine),
            server: try open(c.server), state: SyncConflictState(rawValue: c.state) ?? .open, authorID: c.author_id, authorName: c.author_name,
            createdAt: c.created_at, decidedBy: c.decided_by, decidedAt: c.decided_at, finalValue: try open(c.final_value))
    }

    /// Conflicts in scope, open ones first then the newest; `author` limits them to one worker's.
    public func conflicts(author: UUID? = nil, openOnly: Bool = false, limit: Int = 200, in scope: Scope) async throws -> [SyncConflictRecord] {
        let mine: SQLQueryString = author.map { " AND c.author_id = \(bind: $0)" } ?? ""
        let open: SQLQueryString = openOnly ? " AND c.state = 'open'" : ""
        return try await sql.raw(
            """
            \(unsafeRaw: Self.conflictSelect) WHERE \(scope.condition("c.unit_id"))\(mine)\(open) \
            ORDER BY CASE c.state WHEN 'open' THEN 0 ELSE 1 END, c.created_at DESC, c.id LIMIT \(count: limit)
            """
        ).all(decoding: StoredConflict.self).map(decode)
    }

    public func conflict(_ id: UUID, in scope: Scope) async throws -> SyncConflictRecord {
        guard
            let c = try await sql.raw("\(unsafeRaw: Self.conflictSelect) WHERE c.id = \(bind: id) AND \(scope.condition("c.unit_id"))").first(
                decoding: StoredConflict.self)
        else { throw StoreError.notFound("conflict") }
        return try decode(c)
    }

    /// Decides an open conflict (see `SyncConflictMachine`) and writes the chosen value to the
    /// register, in one transaction. A worker decides only their own.
    public func decide(
        _ id: UUID, _ action: SyncConflictAction, by decider: SyncConflictDecider, actor: UUID, actorName: String, in scope: Scope, now: Date
    ) async throws -> SyncConflictRecord {
        let c = try await conflict(id, in: scope)
        let decision: SyncConflictMachine.Decision
        do {
            decision = try SyncConflictMachine.decide(action, state: c.state, by: decider, isAuthor: c.authorID == actor, mine: c.mine)
        } catch .notYours {
            throw StoreError.notFound("conflict")
        } catch .alreadyDecided(let s) {
            throw StoreError(.conflict, "sync.conflict.already_decided", [L10n.t(s.nameKey)])
        } catch {
            throw StoreError(.invalid, error.messageKey, field: "value")
        }
        let cipher = self.cipher
        try await db.transaction { tx in
            let updated = try await tx.sql.raw(
                """
                UPDATE sync_conflicts SET state = \(bind: decision.state.rawValue), decided_by_id = \(bind: actor), decided_by = \(bind: actorName), \
                decided_at = \(bind: now), final_value = \(bind: (decision.write ?? c.server).map(cipher.encrypt)) WHERE id = \(bind: id) AND state = 'open' RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw StoreError(.conflict, "sync.conflict.already_decided", [L10n.t(SyncConflictState.keptServer.nameKey)]) }
            guard let value = decision.write else { return }
            let people = ResidentRepository(tx, cipher: cipher)
            let row = try await people.get(c.residentID, in: scope)
            let tags = try await people.tags(of: [row.id])[row.id]?.map(\.key) ?? []
            var input = try await SyncRepository(tx, cipher: cipher).input(row, tags: tags)
            switch c.field {
            case "phone": input.phone = value?.trimmedOrNil
            case "relation": input.relation = value?.trimmedOrNil
            default:
                let sensitive = Set(try await people.allTags().filter(\.sensitive).map(\.key))
                // What the clash was about is the visible list; sensitive tags the phone never saw stay.
                input.tags = Array(Set(tags.filter { sensitive.contains($0) } + Self.tagList(value))).sorted()
            }
            _ = try await people.update(row.id, input, in: scope, at: now)
        }
        return try await conflict(id, in: scope)
    }
}

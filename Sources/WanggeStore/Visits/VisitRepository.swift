import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Who is writing, for the audit entries a visit appends inside its own transaction.
public struct AuditSigner: Sendable {
    public var actorID: UUID?
    public var actor: String
    public var role: String
    public var ip: String
    public var chain: AuditChain

    public init(actorID: UUID?, actor: String, role: String, ip: String, chain: AuditChain) {
        (self.actorID, self.actor, self.role, self.ip, self.chain) = (actorID, actor, role, ip, chain)
    }

    func entry(_ action: String, _ type: String, _ id: UUID, _ detail: KeyValuePairs<String, String?>, at: Date) -> AuditEntry {
        AuditEntry(
            at: at, actorID: actorID, actor: actor, role: role, ip: ip, action: action, objectType: type, objectID: id.uuidString,
            detail: AuditDetail(detail).text, outcome: "ok")
    }
}

/// Home visits (入户走访). A visit belongs to a household of a grid in the caller's scope (anything
/// else is 404). Its register changes are checked by the resident validator first; if any fails,
/// the visit is saved as a draft with the problems and nothing else is written. Otherwise the visit,
/// its changes, its needs (as rows of the needs log), its photos and an audit entry for each of
/// them are written in one transaction.
public struct VisitRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    public static let maxSeen = 2000
    public static let maxNeeds = 10
    public static let maxChanges = 20

    // MARK: Submitting

    public func submit(_ s: VisitSubmission, by actor: CaseActor, signer: AuditSigner, scope: Scope, now: Date) async throws -> VisitOutcome {
        if let client = s.clientID, let existing = try await find(clientID: client, in: scope) {
            return VisitOutcome(visit: existing, replayed: true)
        }
        // The fixed draft sent again (the phone did not hear the answer): the draft it completed is
        // answered as stored, whatever client id the second try carried.
        if let id = s.draftID, let done = try await find(id, in: scope), done.state == .recorded, done.householdID == s.householdID {
            return VisitOutcome(visit: done, replayed: true)
        }
        let household = try await PlaceRepository(db).household(s.householdID, in: scope)
        guard let gridID = household.unitID else { throw StoreError.notFound("household") }
        var draft: HomeVisit?
        if let id = s.draftID {
            let found = try await get(id, in: scope)
            guard found.householdID == household.id else { throw StoreError.notFound("visit") }
            draft = found
        }
        let seen = s.seen.trimmingCharacters(in: .whitespacesAndNewlines)
        guard seen.count <= Self.maxSeen else { throw StoreError(.invalid, "log.too_long", [String(Self.maxSeen)], field: "seen") }
        if case .controlCharacter? = TextInputRules.problem(seen, field: "text") { throw StoreError(.invalid, "field.control_character", field: "seen") }
        let needs = s.needs.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard needs.count <= Self.maxNeeds else { throw StoreError(.invalid, "visit.too_many", [String(Self.maxNeeds)], field: "needs") }
        for need in needs where need.count > NeedRepository.maxText {
            throw StoreError(.invalid, "log.too_long", [String(NeedRepository.maxText)], field: "needs")
        }
        guard s.changes.count <= Self.maxChanges else { throw StoreError(.invalid, "visit.too_many", [String(Self.maxChanges)], field: "changes") }
        let members = try await ResidentRepository(db, cipher: cipher).search(nil, householdID: household.id, limit: 500, in: scope).rows
        let memberIDs = Set(members.map(\.id))
        var met: [UUID] = []
        for id in s.met where !met.contains(id) { met.append(id) }
        guard met.allSatisfy(memberIDs.contains) else { throw StoreError(.invalid, "visit.not_member", field: "met") }

        let problems = try await check(s.changes, household: household, members: members, scope: scope)
        let state: VisitState
        do {
            state = try VisitMachine.submit(from: draft?.state, seen: seen, met: met.count, problems: problems.count)
        } catch .alreadyRecorded {
            throw StoreError(.conflict, VisitProblem.alreadyRecorded.messageKey)
        } catch {
            throw StoreError(.invalid, error.messageKey, field: "seen")
        }

        let id = draft?.id ?? UUID()
        let day = SimpleDate(s.visitedAt).description
        let cipher = self.cipher
        let isNew = draft == nil, metIDs = met
        try await db.transaction { tx in
            let sql = tx.sql
            var entries: [AuditEntry] = []
            var recordedNeeds = needs.map { VisitNeed(text: $0, needID: nil) }
            if state == .recorded {
                entries += try await Self.apply(s.changes, household: household, visit: id, signer: signer, scope: scope, now: now, on: tx, cipher: cipher)
                for i in recordedNeeds.indices {
                    let need = try await NeedRepository(tx).record(
                        NeedDraft(text: recordedNeeds[i].text, householdNumber: household.number), in: gridID, by: actor, at: now, scope: scope)
                    recordedNeeds[i].needID = need.id
                    entries.append(signer.entry("need.record", "resident_need", need.id, ["unit": gridID.uuidString, "household": household.number, "visit": id.uuidString], at: now))
                }
            }
            let changes = cipher.encrypt(try Self.json(s.changes))
            let problemText = cipher.encrypt(try Self.json(problems))
            if isNew {
                try await sql.raw(
                    """
                    INSERT INTO home_visits (id, household_id, unit_id, state, day, visited_at, visitor_id, visitor_name, seen, met, needs, changes, problems, \
                    client_id, created_at, updated_at) VALUES (\(bind: id), \(bind: household.id), \(bind: gridID), \(bind: state.rawValue), \(bind: day), \
                    \(bind: s.visitedAt), \(bind: actor.id), \(bind: actor.name), \(bind: seen), \(bind: try Self.json(metIDs)), \(bind: try Self.json(recordedNeeds)), \
                    \(bind: changes), \(bind: problemText), \(bind: s.clientID?.uuidString), \(bind: now), \(bind: now))
                    """
                ).run()
            } else {
                // Only a draft is completed: two submissions of one draft cannot both record it.
                let updated = try await sql.raw(
                    """
                    UPDATE home_visits SET state = \(bind: state.rawValue), day = \(bind: day), visited_at = \(bind: s.visitedAt), visitor_id = \(bind: actor.id), \
                    visitor_name = \(bind: actor.name), seen = \(bind: seen), met = \(bind: try Self.json(metIDs)), needs = \(bind: try Self.json(recordedNeeds)), \
                    changes = \(bind: changes), problems = \(bind: problemText), updated_at = \(bind: now) \
                    WHERE id = \(bind: id) AND state = \(bind: VisitState.draft.rawValue) RETURNING id
                    """
                ).all()
                guard !updated.isEmpty else { throw StoreError(.conflict, VisitProblem.alreadyRecorded.messageKey) }
            }
            try await Self.insertPhotos(s.photos, visit: id, at: now, on: sql)
            entries.append(
                signer.entry(
                    state == .recorded ? "visit.record" : "visit.draft", "home_visit", id,
                    [
                        "household": household.number, "changes": String(s.changes.count), "problems": problems.isEmpty ? nil : String(problems.count),
                        "photos": s.photos.isEmpty ? nil : String(s.photos.count),
                    ], at: now))
            try await AuditLog.append(entries, chain: signer.chain, on: sql)
        }
        return VisitOutcome(visit: try await get(id, in: scope), replayed: false)
    }

    /// Checks every change as the resident form and the import would, writing nothing. Each
    /// problem's field names its change: `changes.2.id_number`.
    func check(_ changes: [VisitChange], household: HouseholdRow, members: [ResidentRow], scope: Scope) async throws -> [FieldProblem] {
        let validator = ResidentValidator(sql: sql, scope: scope, cipher: cipher)
        let people = ResidentRepository(db, cipher: cipher)
        var problems: [FieldProblem] = []
        var newIDs: Set<String> = []
        for (i, change) in changes.enumerated() {
            let prefix = "changes.\(i)."
            func add(_ found: [FieldProblem]) { problems += found.map { FieldProblem(prefix + $0.field, $0.key, $0.args) } }
            do {
                switch change.kind {
                case .addMember:
                    guard let member = change.member else {
                        add([FieldProblem("name", "field.required")])
                        continue
                    }
                    let checked = try await validator.validate(Self.input(member, household: household.number), existingID: nil)
                    if let id = checked.idNumber?.value, !newIDs.insert(id).inserted { add([FieldProblem("id_number", "resident.duplicate_id")]) }
                case .moveOut, .phone, .tags:
                    guard let id = change.residentID, let member = members.first(where: { $0.id == id }) else {
                        add([FieldProblem("resident", "visit.not_member")])
                        continue
                    }
                    guard member.anonymisedAt == nil else {
                        add([FieldProblem("resident", "rights.already_anonymised")])
                        continue
                    }
                    guard change.kind != .moveOut else { continue }
                    let tags = try await people.tags(of: [id])[id]?.map(\.key) ?? []
                    _ = try await validator.validate(Self.input(member, household: household.number, tags: tags, change: change), existingID: id)
                }
            } catch let failure as ValidationFailure {
                add(failure.problems)
            }
        }
        return problems
    }

    static func input(_ m: VisitMember, household: String) -> ResidentInput {
        ResidentInput(
            name: m.name, idNumber: m.idNumber, documentNumber: m.documentNumber, phone: m.phone, householdNumber: household, relation: m.relation,
            residenceType: m.residenceType?.trimmedOrNil ?? "registered", tags: m.tags ?? [])
    }

    /// A member's record as it stands, with a phone or tag change made to it.
    static func input(_ r: ResidentRow, household: String, tags: [String], change: VisitChange) -> ResidentInput {
        var tags = tags
        if change.kind == .tags {
            let remove = Set(change.removeTags ?? [])
            tags = (tags + (change.addTags ?? [])).filter { !remove.contains($0) }
        }
        let phone = change.kind == .phone ? change.phone : r.phone
        return ResidentInput(
            name: r.name, idNumber: r.idNumber, documentNumber: r.documentNumber, phone: phone, householdNumber: household, relation: r.relation,
            residenceType: r.residenceType, tags: Array(Set(tags)).sorted())
    }

    /// Applies checked changes inside the visit's transaction, through the resident repository
    /// (which validates once more), and returns their audit entries.
    static func apply(
        _ changes: [VisitChange], household: HouseholdRow, visit: UUID, signer: AuditSigner, scope: Scope, now: Date,
        on tx: any Database, cipher: FieldCipher
    ) async throws -> [AuditEntry] {
        let people = ResidentRepository(tx, cipher: cipher)
        var entries: [AuditEntry] = []
        for change in changes {
            switch change.kind {
            case .addMember:
                guard let member = change.member else { continue }
                let row = try await people.create(input(member, household: household.number), in: scope, at: now)
                entries.append(signer.entry("create", "resident", row.id, ["household": household.number, "visit": visit.uuidString], at: now))
            case .moveOut:
                guard let id = change.residentID else { continue }
                // Moved away: the person leaves the household and the grid's register; the row stays
                // (with its history) for those above who keep unplaced people.
                try await tx.sql.raw(
                    "UPDATE residents SET household_id = NULL, unit_id = NULL, updated_at = \(bind: now) WHERE id = \(bind: id) AND household_id = \(bind: household.id)"
                ).run()
                try await tx.sql.raw("UPDATE care_archives SET unit_id = NULL WHERE resident_id = \(bind: id)").run()
                entries.append(signer.entry("resident.move_out", "resident", id, ["household": household.number, "visit": visit.uuidString], at: now))
            case .phone, .tags:
                // Read afresh: an earlier change of this visit may have changed the same person.
                guard let id = change.residentID, let member = try await people.find(id, in: scope) else { continue }
                let tags = try await people.tags(of: [id])[id]?.map(\.key) ?? []
                _ = try await people.update(id, input(member, household: household.number, tags: tags, change: change), in: scope, at: now)
                let what: String? = change.kind == .phone ? "phone" : "tags"
                entries.append(signer.entry("update", "resident", id, ["household": household.number, "visit": visit.uuidString, "changed": what], at: now))
            }
        }
        return entries
    }

    static func insertPhotos(_ photos: [CheckedAttachment], visit: UUID, at: Date, on sql: any SQLDatabase) async throws {
        for p in photos {
            try await sql.insert(into: "home_visit_photos")
                .columns("id", "visit_id", "content_type", "byte_size", "sha256", "original_name", "data", "created_at")
                .values(
                    SQLBind(p.id), SQLBind(visit), SQLBind(p.kind.contentType), SQLBind(p.bytes.count), SQLBind(p.sha256), SQLBind(p.name), SQLBind(p.bytes),
                    SQLBind(at)
                ).run()
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    // MARK: Reading (always through the visit's grid)

    struct Stored: Decodable {
        var id: UUID
        var household_id: UUID
        var number: String
        var unit_id: UUID
        var state: String
        var day: String
        var visited_at: Date
        var visitor_id: UUID?
        var visitor_name: String
        var seen: String
        var met: String
        var needs: String
        var changes: String
        var problems: String
        var client_id: String?
    }

    static let select = """
        SELECT v.id, v.household_id, h.number, v.unit_id, v.state, v.day, v.visited_at, v.visitor_id, v.visitor_name, v.seen, v.met, v.needs, \
        v.changes, v.problems, v.client_id FROM home_visits v JOIN households h ON h.id = v.household_id
        """

    func decode(_ rows: [Stored]) async throws -> [HomeVisit] {
        let decoder = JSONDecoder()
        var photos: [UUID: [VisitPhotoRow]] = [:]
        for chunk in rows.map(\.id).chunks(of: 500) {
            let found = try await sql.raw(
                "SELECT \(unsafeRaw: VisitPhotoRow.columns) FROM home_visit_photos p WHERE p.visit_id IN (\(binds: Array(chunk))) ORDER BY p.created_at, p.id"
            ).all(decoding: VisitPhotoRow.self)
            for p in found { photos[p.visitID, default: []].append(p) }
        }
        return try rows.map { r in
            func open(_ s: String) throws -> Data {
                do { return Data(try cipher.decrypt(s).utf8) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
            }
            return HomeVisit(
                id: r.id, householdID: r.household_id, householdNumber: r.number, unitID: r.unit_id, state: VisitState(rawValue: r.state) ?? .draft,
                day: r.day, visitedAt: r.visited_at, visitorID: r.visitor_id, visitorName: r.visitor_name, seen: r.seen,
                met: try decoder.decode([UUID].self, from: Data(r.met.utf8)), needs: try decoder.decode([VisitNeed].self, from: Data(r.needs.utf8)),
                changes: try decoder.decode([VisitChange].self, from: try open(r.changes)),
                problems: try decoder.decode([FieldProblem].self, from: try open(r.problems)), clientID: r.client_id, photos: photos[r.id] ?? [])
        }
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> HomeVisit? {
        let rows = try await sql.raw("\(unsafeRaw: Self.select) WHERE v.id = \(bind: id) AND \(scope.condition("v.unit_id"))").all(decoding: Stored.self)
        return try await decode(rows).first
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> HomeVisit {
        guard let visit = try await find(id, in: scope) else { throw StoreError.notFound("visit") }
        return visit
    }

    func find(clientID: UUID, in scope: Scope) async throws -> HomeVisit? {
        let rows = try await sql.raw("\(unsafeRaw: Self.select) WHERE v.client_id = \(bind: clientID.uuidString)").all(decoding: Stored.self)
        guard let row = rows.first else { return nil }
        // A client id stored by someone else's grid is not this caller's to see.
        guard try await find(row.id, in: scope) != nil else { throw StoreError.notFound("visit") }
        return try await decode(rows).first
    }

    /// The visits of a household in scope, newest first (drafts included).
    public func visits(of householdID: UUID, limit: Int = 50, in scope: Scope) async throws -> [HomeVisit] {
        _ = try await PlaceRepository(db).household(householdID, in: scope)
        let rows = try await sql.raw(
            """
            \(unsafeRaw: Self.select) WHERE v.household_id = \(bind: householdID) AND \(scope.condition("v.unit_id")) \
            ORDER BY v.day DESC, v.visited_at DESC, v.id LIMIT \(count: min(max(limit, 1), 200))
            """
        ).all(decoding: Stored.self)
        return try await decode(rows)
    }

    /// One photo with its bytes, when its visit is in scope.
    public func photo(_ id: UUID, of visitID: UUID, in scope: Scope) async throws -> (row: VisitPhotoRow, bytes: Data)? {
        guard
            let found = try await sql.raw(
                """
                SELECT \(unsafeRaw: VisitPhotoRow.columns), p.data FROM home_visit_photos p JOIN home_visits v ON v.id = p.visit_id \
                WHERE p.id = \(bind: id) AND p.visit_id = \(bind: visitID) AND \(scope.condition("v.unit_id"))
                """
            ).first()
        else { return nil }
        return (try found.decode(model: VisitPhotoRow.self), try found.decode(column: "data", as: Data.self))
    }

    // MARK: Coverage

    /// Every household under `unitID` (in scope) as the coverage rule sees it: its last recorded
    /// visit and the most frequent care visit of its people.
    public func facts(under unitID: UUID, in scope: Scope) async throws -> [HouseholdVisitFacts] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        struct Row: Decodable {
            var id: UUID
            var number: String
            var unit_id: UUID
            var room: String?
            var building: String?
            var last_day: String?
        }
        let rows = try await sql.raw(
            """
            SELECT h.id, h.number, h.unit_id, h.room, b.name AS building, \
            (SELECT MAX(v.day) FROM home_visits v WHERE v.household_id = h.id AND v.state = \(bind: VisitState.recorded.rawValue)) AS last_day \
            FROM households h JOIN units u ON u.id = h.unit_id LEFT JOIN buildings b ON b.id = h.building_id \
            WHERE \(Scope.under("u.path", unit.path)) AND \(scope.condition("h.unit_id"))
            """
        ).all(decoding: Row.self)
        struct Care: Decodable {
            var household_id: UUID
            var frequency: String
        }
        let care = try await sql.raw(
            """
            SELECT r.household_id, c.frequency FROM care_archives c JOIN residents r ON r.id = c.resident_id JOIN units u ON u.id = r.unit_id \
            WHERE \(Scope.under("u.path", unit.path)) AND r.household_id IS NOT NULL AND \(scope.condition("r.unit_id"))
            """
        ).all(decoding: Care.self)
        var every: [UUID: CareFrequency] = [:]
        for c in care {
            guard let f = CareFrequency(rawValue: c.frequency) else { continue }
            every[c.household_id] = min(every[c.household_id] ?? f, f)
        }
        return rows.map {
            HouseholdVisitFacts(
                householdID: $0.id, number: $0.number, gridID: $0.unit_id, building: $0.building, room: $0.room,
                lastVisit: $0.last_day.flatMap(SimpleDate.init(iso:)), careEvery: every[$0.id])
        }
    }
}

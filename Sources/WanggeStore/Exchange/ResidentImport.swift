import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Residents from CSV: every field checked as in the form, households looked up by number,
/// existing people updated in place — found by ID number, by their other document, or, in a masked
/// export sent back, by name and the masked ID. An update touches only what the file says
/// (`ImportCells`): a column the file lacks, an empty cell (unless "empty means clear") and a
/// masked value leave the field as it is. Every changed field is counted.
struct ResidentImport {
    let db: any Database
    let scope: Scope
    let cipher: FieldCipher
    var options = ImportOptions()
    var actor = ImportActor(accountID: nil, name: "cli")
    var fileHash = ""

    static let tagSeparators: Set<Character> = [";", "；", ",", "，", "、", "|"]
    static let fields = ["name", "id_number", "document_number", "phone", "household_number", "relation", "residence_type", "tags"]

    /// One row of the file, read and checked field by field.
    struct Parsed {
        var record: CSVRecord
        var name: CellIntent
        var idNumber: ResidentID?
        var idCell: CellIntent
        var idMasked: String?
        var document: CellIntent
        var documentMasked: String?
        var phone: CellIntent
        var household: CellIntent
        var householdRef: (id: UUID, unitID: UUID?)?
        var relation: CellIntent
        var residence: CellIntent
        var tags: CellIntent
        var tagKeys: [String]
    }

    /// The row to write: a new person, or the new state of one that exists.
    struct Write {
        var id: UUID
        var isNew: Bool
        var name: String
        var idNumber: ResidentID?
        var idChanged: Bool
        var document: String?
        var phone: String?
        var householdID: UUID?
        var relation: String?
        var residenceType: String
        var unitID: UUID?
        var tags: [String]
        var tagsChanged: Bool
        var changed: Set<String>
    }

    func run(_ input: Sheet, progress: ImportProgress) async throws -> ImportResult {
        var sheet = input
        let sql = db.sql
        let grids = try await GridCatalogue.load(db, scope: scope)
        let knownTags = try await ResidentRepository(db, cipher: cipher).allTags()
        let numbers = Set(
            sheet.table.records.map { ExcelCells.longNumber(sheet.value($0, "household_number")).value }.filter { !$0.isEmpty && !ImportCells.isMasked($0) })
        let households = try await existing(sql, table: "households", key: "number", values: Array(numbers))
        var parsed: [Parsed] = []
        var seen: [String: Int] = [:]
        for (n, record) in sheet.table.records.enumerated() {
            progress.checked(n + 1)
            guard let p = parse(record, &sheet, knownTags: knownTags, households: households, grids: grids) else { continue }
            if let id = p.idNumber { sheet.unique(record, "id_number", id.value, seen: &seen) }
            parsed.append(p)
        }
        let matches = try await match(parsed, &sheet)
        // What is stored of the people the file updates (the same snapshot an import batch records).
        let currents = try await ResidentSnapshot.read(Array(Set(matches.values)), on: db.sql)
        let sensitive = Set(knownTags.filter(\.sensitive).map(\.key))
        var writes: [Write] = []
        for (i, p) in parsed.enumerated() {
            let write: Write?
            if let id = matches[i], let current = currents[id] {
                guard mayUpdate(current.unit_id, grids, scope) else {
                    sheet.problem(p.record, p.idNumber == nil ? "document_number" : "id_number", L10n.t("resident.duplicate_id"))
                    continue
                }
                write = update(id, current, sensitive: sensitive, with: p, &sheet)
            } else {
                write = create(p, &sheet)
            }
            if let write { writes.append(write) }
        }
        try await checkNewIDsAreFree(writes, parsed: parsed, &sheet)
        try sheet.failIfProblems()

        var result = ImportResult(kind: .residents, inserted: writes.filter(\.isNew).count, updated: 0, encoding: "")
        result.notices = sheet.notices
        result.dryRun = options.dryRun
        for w in writes where !w.isNew {
            if w.changed.isEmpty { result.unchanged += 1 } else { result.updated += 1 }
            for f in w.changed { result.changes[f, default: 0] += 1 }
        }
        guard !options.dryRun else { return result }
        result.batch = try await write(writes, inserted: result.inserted, updated: result.updated, progress: progress)
        progress.finish()
        return result
    }

    // MARK: Reading a row

    func parse(
        _ record: CSVRecord, _ sheet: inout Sheet, knownTags: [TagRow], households: [String: (id: UUID, unitID: UUID?)], grids: GridCatalogue
    ) -> Parsed? {
        let before = sheet.problems.count
        func intent(_ field: String, _ raw: String? = nil) -> CellIntent {
            ImportCells.intent(present: sheet.index[field] != nil, raw: raw ?? sheet.value(record, field), emptyClears: options.emptyClears)
        }
        let name = intent("name")
        if case .set(let v) = name {
            if v.count > 50 { sheet.problem(record, "name", L10n.t("field.too_long", 50)) }
        }
        var idNumber: ResidentID?, idMasked: String?
        var cleanID = sheet.longNumber(record, "id_number") ?? ""
        if let upgraded = ExcelCells.upgradeID(cleanID) {
            sheet.notice(record, "id_number", ExcelCells.Fix(before: cleanID, after: upgraded, reason: "excel.fix.id15"))
            cleanID = upgraded
        }
        let idCell = intent("id_number", cleanID)
        if ImportCells.isMasked(cleanID) { idMasked = cleanID }
        if case .set(let v) = idCell {
            do {
                idNumber = try ResidentID(v)
            } catch .badCheck where ExcelCells.isTruncated(v, digits: 18) {
                sheet.problem(record, "id_number", L10n.t(ExcelCells.Damage.truncated.messageKey, v))
            } catch {
                sheet.problem(record, "id_number", L10n.format(error.messageKey, error.messageArgs))
            }
        }
        let document = intent("document_number")
        let rawDocument = sheet.value(record, "document_number").trimmingSpaces()
        let documentMasked = ImportCells.isMasked(rawDocument) ? rawDocument : nil
        var phone = intent("phone", sheet.longNumber(record, "phone") ?? "")
        if case .set(let v) = phone {
            if let n = try? Phone.normalize(v) { phone = .set(n) } else { sheet.problem(record, "phone", L10n.t("phone.invalid", v)) }
        }
        var householdRef: (id: UUID, unitID: UUID?)?
        let household = intent("household_number", sheet.longNumber(record, "household_number") ?? "")
        if case .set(let number) = household {
            if let h = households[number], mayUpdate(h.unitID, grids, scope) {
                householdRef = h
            } else {
                sheet.problem(record, "household_number", L10n.t("household.unknown", number))
            }
        }
        var relation = intent("relation")
        if case .set = relation {
            relation = sheet.vocabulary(record, "relation", keys: Vocabulary.relations, prefix: "relation").map(CellIntent.set) ?? .keep
        }
        var residence = intent("residence_type")
        if case .set = residence {
            residence = sheet.vocabulary(record, "residence_type", keys: Vocabulary.residenceTypes, prefix: "residence").map(CellIntent.set) ?? .keep
        }
        let tags = intent("tags")
        var tagKeys: [String] = []
        if case .set(let list) = tags {
            for raw in list.split(whereSeparator: { Self.tagSeparators.contains($0) }).map({ String($0).trimmingSpaces() }) where !raw.isEmpty {
                if let tag = knownTags.first(where: { $0.key == raw || $0.nameZh == raw || $0.nameEn.lowercased() == raw.lowercased() }),
                    !tag.sensitive || options.seesSensitiveTags
                {
                    tagKeys.append(tag.key)
                } else {
                    sheet.problem(record, "tags", L10n.t("tag.unknown", raw))
                }
            }
        }
        for (field, cell) in [("name", name), ("document_number", document), ("relation", relation)] {
            guard case .set(let v) = cell else { continue }
            switch TextInputRules.problem(v, field: field) {
            case .controlCharacter?: sheet.problem(record, field, L10n.t("field.control_character"))
            case .tooLong(let n)? where field != "name": sheet.problem(record, field, L10n.t("field.too_long", n))
            default: break
            }
        }
        guard sheet.problems.count == before else { return nil }
        return Parsed(
            record: record, name: name, idNumber: idNumber, idCell: idCell, idMasked: idMasked, document: document,
            documentMasked: documentMasked, phone: phone,
            household: household, householdRef: householdRef, relation: relation, residence: residence, tags: tags,
            tagKeys: Array(Set(tagKeys)).sorted())
    }

    // MARK: Finding who exists

    /// Row index → the resident it updates: by ID number's look-up hash, by other document, or for
    /// a masked ID by name and the masked form of the stored ID (one match only).
    func match(_ rows: [Parsed], _ sheet: inout Sheet) async throws -> [Int: UUID] {
        let sql = db.sql
        let byHash = try await existing(sql, table: "residents", key: "id_number_hash", values: rows.compactMap { $0.idNumber.map { cipher.lookupHash($0.value) } })
        let documents = rows.compactMap { p -> String? in
            guard p.idNumber == nil, case .set(let d) = p.document else { return nil }
            return d
        }
        let byDocument = try await existing(sql, table: "residents", key: "document_number", values: documents)
        let maskedNames = rows.compactMap { p -> String? in
            guard p.idMasked != nil || (p.idNumber == nil && p.documentMasked != nil), case .set(let n) = p.name else { return nil }
            return n
        }
        let candidates = try await maskedCandidates(names: Array(Set(maskedNames)))
        var found: [Int: UUID] = [:]
        for (i, p) in rows.enumerated() {
            if let id = p.idNumber {
                if let hit = byHash[cipher.lookupHash(id.value)] { found[i] = hit.id }
            } else if let masked = p.idMasked ?? p.documentMasked {
                // A masked export sent back: the person whose name and masked number these are.
                let field = p.idMasked == nil ? "document_number" : "id_number"
                guard case .set(let name) = p.name else {
                    sheet.problem(p.record, field, L10n.t("field.masked_value"))
                    continue
                }
                var hits = (candidates[name] ?? []).filter { c in
                    (p.idMasked == nil ? c.document : c.plain).map { ImportCells.masksID(masked, $0) } ?? false
                }
                if hits.count > 1, let h = p.householdRef { hits = hits.filter { $0.householdID == h.id } }
                if hits.count == 1 {
                    found[i] = hits[0].id
                } else {
                    sheet.problem(p.record, field, L10n.t(hits.isEmpty ? "import.masked_no_match" : "import.masked_ambiguous", masked, hits.count))
                }
            } else if case .set(let d) = p.document, let hit = byDocument[d] {
                found[i] = hit.id
            }
        }
        return found
    }

    struct Candidate {
        var id: UUID
        var plain: String?
        var document: String?
        var householdID: UUID?
    }

    func maskedCandidates(names: [String]) async throws -> [String: [Candidate]] {
        struct Row: Decodable { var id: UUID; var name: String; var id_number: String?; var document_number: String?; var household_id: UUID? }
        var out: [String: [Candidate]] = [:]
        for chunk in names.chunks(of: 500) {
            let rows = try await db.sql.raw(
                """
                SELECT id, name, id_number, document_number, household_id FROM residents \
                WHERE name IN (\(binds: Array(chunk))) AND \(scope.condition("unit_id"))
                """
            ).all(decoding: Row.self)
            for r in rows {
                let plain = r.id_number.flatMap { try? cipher.decrypt($0) }
                out[r.name, default: []].append(Candidate(id: r.id, plain: plain, document: r.document_number, householdID: r.household_id))
            }
        }
        return out
    }

    // MARK: What to write

    func create(_ p: Parsed, _ sheet: inout Sheet) -> Write? {
        guard case .set(let name) = p.name else {
            sheet.problem(p.record, "name", L10n.t("field.required"))
            return nil
        }
        if p.idMasked != nil {
            sheet.problem(p.record, "id_number", L10n.t("field.masked_value"))
            return nil
        }
        let residence: String
        if case .set(let r) = p.residence { residence = r } else { residence = "registered" }
        let document: String?
        if case .set(let d) = p.document { document = d } else { document = nil }
        if p.idNumber == nil && (residence != "overseas" || document == nil) {
            sheet.problem(p.record, "id_number", L10n.t("field.required"))
            return nil
        }
        if p.householdRef == nil && !scope.includesUnplaced {
            sheet.problem(p.record, "household_number", L10n.t("field.required"))
            return nil
        }
        var phone: String?, relation: String?
        if case .set(let v) = p.phone { phone = v }
        if case .set(let v) = p.relation { relation = v }
        return Write(
            id: UUID(), isNew: true, name: name, idNumber: p.idNumber, idChanged: true, document: document, phone: phone,
            householdID: p.householdRef?.id, relation: relation, residenceType: residence, unitID: p.householdRef?.unitID, tags: p.tagKeys,
            tagsChanged: true, changed: Set(Self.fields))
    }

    /// The new state of an existing person. Sensitive tags are kept when whoever imports cannot see
    /// them, or when the row comes from a masked export (whose tag list may have been cut to the
    /// exporter's view); removing one takes a full export or the person's page.
    func update(_ id: UUID, _ c: ResidentSnapshot, sensitive: Set<String>, with p: Parsed, _ sheet: inout Sheet) -> Write? {
        let currentTags = c.tags ?? []
        var changed: Set<String> = []
        func apply(_ cell: CellIntent, _ current: String?, field: String, clearable: Bool = true) -> String? {
            switch cell {
            case .keep: return current
            case .clear:
                guard clearable else {
                    sheet.problem(p.record, field, L10n.t("field.required"))
                    return current
                }
                if current != nil { changed.insert(field) }
                return nil
            case .set(let v):
                if v != current { changed.insert(field) }
                return v
            }
        }
        let name = apply(p.name, c.name, field: "name", clearable: false) ?? c.name
        let document = apply(p.document, c.document_number, field: "document_number")
        let phone = apply(p.phone, c.phone, field: "phone")
        let relation = apply(p.relation, c.relation, field: "relation")
        let residence = apply(p.residence, c.residence_type, field: "residence_type", clearable: false) ?? c.residence_type
        var idChanged = false
        switch p.idCell {
        case .set:
            if let id = p.idNumber, cipher.lookupHash(id.value) != c.id_number_hash {
                idChanged = true
                changed.insert("id_number")
            }
        case .clear: sheet.problem(p.record, "id_number", L10n.t("import.id_not_cleared"))
        case .keep: break
        }
        var householdID = c.household_id, unitID = c.unit_id
        switch p.household {
        case .set:
            if let h = p.householdRef, h.id != c.household_id {
                householdID = h.id
                unitID = h.unitID
                changed.insert("household_number")
            }
        case .clear:
            // Out of the household, still in its grid (the coverage audit lists people without a household).
            if householdID != nil { changed.insert("household_number") }
            householdID = nil
        case .keep: break
        }
        var tags = currentTags
        switch p.tags {
        case .set: tags = p.tagKeys
        case .clear: tags = []
        case .keep: break
        }
        if !options.seesSensitiveTags || p.idMasked != nil || p.documentMasked != nil {
            tags = Array(Set(tags).union(Set(currentTags).intersection(sensitive))).sorted()
        }
        let tagsChanged = tags != currentTags
        if tagsChanged { changed.insert("tags") }
        return Write(
            id: id, isNew: false, name: name, idNumber: idChanged ? p.idNumber : nil, idChanged: idChanged, document: document, phone: phone,
            householdID: householdID, relation: relation, residenceType: residence, unitID: unitID, tags: tags, tagsChanged: tagsChanged,
            changed: changed)
    }

    /// An ID number the file gives someone must not belong to another person already.
    func checkNewIDsAreFree(_ writes: [Write], parsed: [Parsed], _ sheet: inout Sheet) async throws {
        let changing = writes.filter { !$0.isNew && $0.idChanged }
        guard !changing.isEmpty else { return }
        let taken = try await existing(db.sql, table: "residents", key: "id_number_hash", values: changing.compactMap { $0.idNumber.map { cipher.lookupHash($0.value) } })
        for w in changing {
            guard let id = w.idNumber, let other = taken[cipher.lookupHash(id.value)], other.id != w.id else { continue }
            if let p = parsed.first(where: { $0.idNumber?.value == id.value }) { sheet.problem(p.record, "id_number", L10n.t("resident.duplicate_id")) }
        }
    }

    /// Writes the rows and records the batch in the same transaction; returns the batch's id, nil
    /// when nothing changed.
    func write(_ writes: [Write], inserted: Int, updated: Int, progress: ImportProgress) async throws -> UUID? {
        let cipher = self.cipher, actor = self.actor, fileHash = self.fileHash
        let now = Date()
        let touched = writes.filter { $0.isNew || !$0.changed.isEmpty }
        guard !touched.isEmpty else { return nil }
        let batch = UUID()
        try await db.transaction { tx in
            let sql = tx.sql
            let before = try await ResidentSnapshot.read(touched.filter { !$0.isNew }.map(\.id), on: sql)
            var fresh: [[any Encodable & Sendable]] = []
            var tagRows: [[any Encodable & Sendable]] = []
            var retagged: [UUID] = []
            for (i, w) in writes.enumerated() {
                if w.isNew {
                    fresh.append([
                        w.id, w.name, w.idNumber.map { cipher.encrypt($0.value) }, w.idNumber.map { cipher.lookupHash($0.value) }, w.document,
                        w.idNumber?.sex.rawValue, w.idNumber?.birthDate.description, w.phone, w.householdID, w.relation, w.residenceType, w.unitID, now, now,
                    ])
                } else if !w.changed.isEmpty {
                    var set: SQLQueryString = """
                        name = \(bind: w.name), document_number = \(bind: w.document), phone = \(bind: w.phone), household_id = \(bind: w.householdID), \
                        relation = \(bind: w.relation), residence_type = \(bind: w.residenceType), unit_id = \(bind: w.unitID), updated_at = \(bind: now)
                        """
                    if w.idChanged, let id = w.idNumber {
                        set = """
                            \(set), id_number = \(bind: cipher.encrypt(id.value)), id_number_hash = \(bind: cipher.lookupHash(id.value)), \
                            sex = \(bind: id.sex.rawValue), birth_date = \(bind: id.birthDate.description)
                            """
                    }
                    try await sql.raw("UPDATE residents SET \(set) WHERE id = \(bind: w.id)").run()
                }
                if w.tagsChanged {
                    if !w.isNew { retagged.append(w.id) }
                    for tag in w.tags { tagRows.append([w.id, tag]) }
                }
                if i % 1000 == 999 { progress.written(i + 1, of: writes.count) }
            }
            for chunk in retagged.chunks(of: 500) {
                try await sql.raw("DELETE FROM resident_tags WHERE resident_id IN (\(binds: Array(chunk)))").run()
            }
            let bulk = BulkWriter(sql: sql)
            try await bulk.insert(
                into: "residents",
                columns: [
                    "id", "name", "id_number", "id_number_hash", "document_number", "sex", "birth_date", "phone",
                    "household_id", "relation", "residence_type", "unit_id", "created_at", "updated_at",
                ], rows: fresh)
            try await bulk.insert(into: "resident_tags", columns: ["resident_id", "tag_key"], rows: tagRows)
            try await ImportBatches.recordResidents(
                batch, actor: actor, file: fileHash, at: now, inserted: inserted, updated: updated, before: before, ids: touched.map(\.id), on: sql)
        }
        return batch
    }
}

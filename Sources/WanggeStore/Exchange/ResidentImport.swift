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
struct ResidentImport: ChunkedImport {
    static let kind = ImportKind.residents
    let context: ImportContext
    let cipher: FieldCipher
    var scope: Scope { context.scope }
    var options: ImportOptions { context.options }
    var grids = GridCatalogue(byCode: [:], locator: GridLocator(grids: []))
    var knownTags: [TagRow] = []
    var sensitive: Set<String> = []
    /// ID numbers seen in the file (packed, see `ResidentID.packed`) and the row of each.
    var seen: [UInt64: Int32] = [:]
    /// Tags by key, Chinese name and lower-cased English name.
    var tagsByName: [String: TagRow] = [:]
    /// Birth dates after today are refused; today is read once, not per row.
    let today = SimpleDate.today
    var ids = SequentialIDs()
    let now = Date()
    var result = ImportResult(kind: .residents, inserted: 0, updated: 0, encoding: "")

    init(_ context: ImportContext, cipher: FieldCipher) {
        self.context = context
        self.cipher = cipher
    }

    /// Separators between tags in one cell, line breaks included (Alt+Enter in Excel).
    static let tagSeparators: Set<Character> = [";", "；", ",", "，", "、", "|", "\n", "\r", "\r\n"]
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
        /// What is stored now of a person who exists.
        var before: ResidentSnapshot?
        var name: String
        var idNumber: ResidentID?
        var idHash: String?
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

    mutating func prepare(on sql: any SQLDatabase) async throws {
        grids = try await GridCatalogue.load(context.db, scope: scope)
        knownTags = try await ResidentRepository(context.db, cipher: cipher).allTags()
        sensitive = Set(knownTags.filter(\.sensitive).map(\.key))
        for tag in knownTags.reversed() { for name in [tag.key, tag.nameZh, tag.nameEn.lowercased()] { tagsByName[name] = tag } }
    }

    mutating func check(_ records: [CSVRecord], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws -> [Write] {
        let numbers = Set(records.map { ExcelCells.longNumber(sheet.value($0, "household_number")).value }.filter { !$0.isEmpty && !ImportCells.isMasked($0) })
        let households = try await existing(sql, table: "households", key: "number", values: Array(numbers))
        var parsed: [Parsed] = []
        for record in records {
            guard let p = parse(record, &sheet, knownTags: knownTags, households: households, grids: grids) else { continue }
            if let id = p.idNumber {
                if let first = seen[id.packed] {
                    sheet.problem(record, "id_number", L10n.t("import.duplicate_in_file", id.value, first))
                } else {
                    seen[id.packed] = Int32(clamping: record.row)
                }
            }
            parsed.append(p)
        }
        let cipher = self.cipher
        let hashes = Parallel.map(parsed) { $0.idNumber.map { cipher.lookupHash($0.value) } }
        let matches = try await match(parsed, hashes: hashes, &sheet, on: sql)
        // What is stored of the people the file updates (the same snapshot an import batch records).
        let currents = try await ResidentSnapshot.read(Array(Set(matches.values)), on: sql)
        var writes: [Write] = []
        for (i, p) in parsed.enumerated() {
            let write: Write?
            if let id = matches[i], let current = currents[id] {
                guard mayUpdate(current.unit_id, grids, scope) else {
                    sheet.problem(p.record, p.idNumber == nil ? "document_number" : "id_number", L10n.t("resident.duplicate_id"))
                    continue
                }
                write = update(id, current, sensitive: sensitive, with: p, hash: hashes[i], &sheet)
            } else {
                write = create(p, hash: hashes[i], &sheet)
            }
            if let write { writes.append(write) }
        }
        try await checkNewIDsAreFree(writes, parsed: parsed, &sheet, on: sql)
        for w in writes {
            if w.isNew {
                result.inserted += 1
            } else if w.changed.isEmpty {
                result.unchanged += 1
            } else {
                result.updated += 1
            }
            if !w.isNew { for f in w.changed { result.changes[f, default: 0] += 1 } }
        }
        return writes
    }

    // MARK: Reading a row

    func parse(
        _ record: CSVRecord, _ sheet: inout Sheet, knownTags: [TagRow], households: [String: (id: UUID, unitID: UUID?)], grids: GridCatalogue
    ) -> Parsed? {
        let before = sheet.problemCount
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
                idNumber = try ResidentID(v, today: today)
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
                if let tag = tagsByName[raw] ?? tagsByName[raw.lowercased()],
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
        guard sheet.problemCount == before else { return nil }
        return Parsed(
            record: record, name: name, idNumber: idNumber, idCell: idCell, idMasked: idMasked, document: document,
            documentMasked: documentMasked, phone: phone,
            household: household, householdRef: householdRef, relation: relation, residence: residence, tags: tags,
            tagKeys: Array(Set(tagKeys)).sorted())
    }

    // MARK: Finding who exists

    /// Row index → the resident it updates: by ID number's look-up hash, by other document, or for
    /// a masked ID by name and the masked form of the stored ID (one match only).
    func match(_ rows: [Parsed], hashes: [String?], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws -> [Int: UUID] {
        let byHash = try await existing(sql, table: "residents", key: "id_number_hash", values: hashes.compactMap { $0 })
        let documents = rows.compactMap { p -> String? in
            guard p.idNumber == nil, case .set(let d) = p.document else { return nil }
            return d
        }
        let byDocument = try await existing(sql, table: "residents", key: "document_number", values: documents)
        let maskedNames = rows.compactMap { p -> String? in
            guard p.idMasked != nil || (p.idNumber == nil && p.documentMasked != nil), case .set(let n) = p.name else { return nil }
            return n
        }
        let candidates = try await maskedCandidates(names: Array(Set(maskedNames)), on: sql)
        var found: [Int: UUID] = [:]
        for (i, p) in rows.enumerated() {
            if let hash = hashes[i] {
                if let hit = byHash[hash] { found[i] = hit.id }
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

    func maskedCandidates(names: [String], on sql: any SQLDatabase) async throws -> [String: [Candidate]] {
        struct Row: Decodable { var id: UUID; var name: String; var id_number: String?; var document_number: String?; var household_id: UUID? }
        var out: [String: [Candidate]] = [:]
        for chunk in names.chunks(of: 500) {
            let rows = try await sql.bulk.raw(
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

    mutating func create(_ p: Parsed, hash: String?, _ sheet: inout Sheet) -> Write? {
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
            id: ids.next(), isNew: true, before: nil, name: name, idNumber: p.idNumber, idHash: hash, idChanged: true, document: document, phone: phone,
            householdID: p.householdRef?.id, relation: relation, residenceType: residence, unitID: p.householdRef?.unitID, tags: p.tagKeys,
            tagsChanged: true, changed: Set(Self.fields))
    }

    /// The new state of an existing person. Sensitive tags are kept when whoever imports cannot see
    /// them, or when the row comes from a masked export (whose tag list may have been cut to the
    /// exporter's view); removing one takes a full export or the person's page.
    func update(_ id: UUID, _ c: ResidentSnapshot, sensitive: Set<String>, with p: Parsed, hash: String?, _ sheet: inout Sheet) -> Write? {
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
            if p.idNumber != nil, hash != c.id_number_hash {
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
            id: id, isNew: false, before: c, name: name, idNumber: idChanged ? p.idNumber : nil, idHash: idChanged ? hash : nil, idChanged: idChanged,
            document: document, phone: phone,
            householdID: householdID, relation: relation, residenceType: residence, unitID: unitID, tags: tags, tagsChanged: tagsChanged,
            changed: changed)
    }

    /// An ID number the file gives someone must not belong to another person already.
    func checkNewIDsAreFree(_ writes: [Write], parsed: [Parsed], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws {
        let changing = writes.filter { !$0.isNew && $0.idChanged }
        guard !changing.isEmpty else { return }
        let taken = try await existing(sql, table: "residents", key: "id_number_hash", values: changing.compactMap(\.idHash))
        for w in changing {
            guard let id = w.idNumber, let hash = w.idHash, let other = taken[hash], other.id != w.id else { continue }
            if let p = parsed.first(where: { $0.idNumber?.value == id.value }) { sheet.problem(p.record, "id_number", L10n.t("resident.duplicate_id")) }
        }
    }

    /// Writes a clean chunk: new people in multi-row INSERTs (their ID numbers encrypted on every
    /// core), changed people one UPDATE each, tags, and the batch's record of every row touched.
    mutating func write(_ writes: [Write], on sql: any SQLDatabase, batch: BatchRecorder) async throws {
        let touched = writes.filter { $0.isNew || !$0.changed.isEmpty }
        guard !touched.isEmpty else { return }
        let cipher = self.cipher, now = self.now
        let sealed = Parallel.map(touched) { w in w.idChanged ? w.idNumber.map { cipher.encrypt($0.value) } : nil }
        var fresh: [[SQLValue]] = [], tagRows: [[SQLValue]] = [], retagged: [UUID] = []
        var recorded: [(id: UUID, before: String?, after: String)] = []
        for (w, sealedID) in zip(touched, sealed) {
            let after = ResidentSnapshot(
                name: w.name, id_number: sealedID ?? w.before?.id_number, id_number_hash: w.idChanged ? w.idHash : w.before?.id_number_hash,
                document_number: w.document, sex: w.idChanged ? w.idNumber?.sex.rawValue : w.before?.sex,
                birth_date: w.idChanged ? w.idNumber?.birthDate.description : w.before?.birth_date, phone: w.phone, household_id: w.householdID,
                relation: w.relation, residence_type: w.residenceType, unit_id: w.unitID, tags: w.tags)
            if w.isNew {
                fresh.append([
                    .uuid(w.id), .text(w.name), .text(after.id_number), .text(after.id_number_hash), .text(w.document), .text(after.sex),
                    .text(after.birth_date), .text(w.phone), .uuid(w.householdID), .text(w.relation), .text(w.residenceType), .uuid(w.unitID),
                    .date(now), .date(now),
                ])
            } else {
                var set: SQLQueryString = """
                    name = \(bind: w.name), document_number = \(bind: w.document), phone = \(bind: w.phone), household_id = \(bind: w.householdID), \
                    relation = \(bind: w.relation), residence_type = \(bind: w.residenceType), unit_id = \(bind: w.unitID), updated_at = \(bind: now)
                    """
                if w.idChanged {
                    set = """
                        \(set), id_number = \(bind: after.id_number), id_number_hash = \(bind: after.id_number_hash), \
                        sex = \(bind: after.sex), birth_date = \(bind: after.birth_date)
                        """
                }
                try await sql.raw("UPDATE residents SET \(set) WHERE id = \(bind: w.id)").run()
            }
            if w.tagsChanged {
                if !w.isNew { retagged.append(w.id) }
                for tag in w.tags { tagRows.append([.uuid(w.id), .text(tag)]) }
            }
            recorded.append((w.id, try w.before?.json, after.fingerprint))
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
            ], values: fresh)
        try await bulk.insert(into: "resident_tags", columns: ["resident_id", "tag_key"], values: tagRows)
        try await batch.record(recorded, on: sql)
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Residents from CSV: every field checked as in the form, households looked up by number,
/// existing people (by ID number) updated in place.
struct ResidentImport {
    let db: any Database
    let scope: Scope
    let cipher: FieldCipher

    static let tagSeparators: Set<Character> = [";", "；", ",", "，", "、", "|"]

    func run(_ input: Sheet, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> ImportResult {
        var sheet = input
        let sql = db.sql
        let grids = try await GridCatalogue.load(db, scope: scope)
        let tags = try await ResidentRepository(db, cipher: cipher).allTags()
        let householdNumbers = Set(sheet.table.records.map { sheet.value($0, "household_number") }.filter { !$0.isEmpty })
        let households = try await existing(sql, table: "households", key: "number", values: Array(householdNumbers))
        var seen: [String: Int] = [:]
        struct Row { var values: ResidentRow; var tags: [String]; var record: CSVRecord }
        var rows: [Row] = []
        let now = Date()
        for record in sheet.table.records {
            let residenceType = sheet.vocabulary(record, "residence_type", keys: Vocabulary.residenceTypes, prefix: "residence") ?? "registered"
            let relation = sheet.vocabulary(record, "relation", keys: Vocabulary.relations, prefix: "relation")
            var tagKeys: [String] = []
            for raw in sheet.value(record, "tags").split(whereSeparator: { Self.tagSeparators.contains($0) }).map({ String($0).trimmingSpaces() }) where !raw.isEmpty {
                if let tag = tags.first(where: { $0.key == raw || $0.nameZh == raw || $0.nameEn.lowercased() == raw.lowercased() }) { tagKeys.append(tag.key) } else { sheet.problem(record, "tags", L10n.t("tag.unknown", raw)) }
            }
            let input = ResidentInput(
                name: sheet.value(record, "name"), idNumber: sheet.value(record, "id_number"),
                documentNumber: sheet.value(record, "document_number"), phone: sheet.value(record, "phone"),
                householdNumber: nil, relation: relation, residenceType: residenceType, tags: [])
            let (id, phone, problems) = ResidentValidator.checkFields(input, knownTags: [])
            for p in problems { sheet.problem(record, p.field, p.message()) }
            if let id { sheet.unique(record, "id_number", id.value, seen: &seen) }
            var householdID: UUID?, unitID: UUID?
            let number = sheet.value(record, "household_number")
            if !number.isEmpty {
                if let h = households[number], mayUpdate(h.unitID, grids, scope) { householdID = h.id; unitID = h.unitID } else { sheet.problem(record, "household_number", L10n.t("household.unknown", number)) }
            } else if !scope.includesUnplaced {
                sheet.problem(record, "household_number", L10n.t("field.required"))
            }
            guard problems.isEmpty else { continue }
            rows.append(
                Row(
                    values: ResidentRow(
                        id: UUID(), name: input.name, idNumber: id?.value, documentNumber: input.documentNumber?.trimmedOrNil, sex: id?.sex.rawValue,
                        birthDate: id?.birthDate.description, phone: phone, householdID: householdID, relation: relation,
                        residenceType: residenceType, unitID: unitID, createdAt: now, updatedAt: now), tags: Array(Set(tagKeys)).sorted(), record: record))
        }
        // People are matched by ID number, or by their other document when they have none (overseas residents).
        let byHash = try await existing(sql, table: "residents", key: "id_number_hash", values: rows.compactMap(\.values.idNumber).map(cipher.lookupHash))
        let cipher = self.cipher
        let byDocument = try await existing(
            sql, table: "residents", key: "document_number",
            values: rows.filter { $0.values.idNumber == nil }.compactMap(\.values.documentNumber))
        @Sendable func match(_ r: ResidentRow) -> (id: UUID, unitID: UUID?)? {
            if let n = r.idNumber { return byHash[cipher.lookupHash(n)] }
            return r.documentNumber.flatMap { byDocument[$0] }
        }
        for row in rows {
            if let hit = match(row.values), !mayUpdate(hit.unitID, grids, scope) {
                sheet.problem(row.record, row.values.idNumber == nil ? "document_number" : "id_number", L10n.t("resident.duplicate_id"))
            }
        }
        try sheet.failIfProblems()
        let batch = rows
        let (inserted, updated) = try await db.transaction { tx in
            var updated = 0
            let sql = tx.sql
            var fresh: [[any Encodable & Sendable]] = []
            var tagRows: [[any Encodable & Sendable]] = []
            for (i, row) in batch.enumerated() {
                var r = row.values
                if let hit = match(r) {
                    r.id = hit.id
                    try await sql.raw(
                        """
                        UPDATE residents SET name = \(bind: r.name), document_number = \(bind: r.documentNumber), phone = \(bind: r.phone), \
                        household_id = \(bind: r.householdID), relation = \(bind: r.relation), residence_type = \(bind: r.residenceType), \
                        unit_id = \(bind: r.unitID), updated_at = \(bind: r.updatedAt) WHERE id = \(bind: r.id)
                        """
                    ).run()
                    try await sql.delete(from: "resident_tags").where("resident_id", .equal, r.id).run()
                    updated += 1
                } else {
                    fresh.append([
                        r.id, r.name, r.idNumber.map(cipher.encrypt), r.idNumber.map(cipher.lookupHash), r.documentNumber, r.sex, r.birthDate,
                        r.phone, r.householdID, r.relation, r.residenceType, r.unitID, r.createdAt, r.updatedAt,
                    ])
                }
                for tag in row.tags { tagRows.append([r.id, tag]) }
                if i % 1000 == 999 { progress(i + 1, batch.count) }
            }
            let bulk = BulkWriter(sql: sql)
            try await bulk.insert(
                into: "residents",
                columns: [
                    "id", "name", "id_number", "id_number_hash", "document_number", "sex", "birth_date", "phone",
                    "household_id", "relation", "residence_type", "unit_id", "created_at", "updated_at",
                ], rows: fresh)
            try await bulk.insert(into: "resident_tags", columns: ["resident_id", "tag_key"], rows: tagRows)
            return (fresh.count, updated)
        }
        progress(rows.count, rows.count)
        return ImportResult(kind: .residents, inserted: inserted, updated: updated, encoding: "")
    }
}

/// Unit boundaries from a GeoJSON FeatureCollection whose features carry the unit's code
/// in a `code` (or `编码`) property.
struct BoundaryImport {
    let db: any Database
    let scope: Scope

    func run(_ data: Data) async throws -> ImportResult {
        let (features, parseProblems) = GeoJSON.parseReport(data)
        var problems = parseProblems.map { ImportProblem(row: $0.feature, column: nil, message: $0.message()) }
        let units = UnitRepository(db)
        var updates: [(UUID, GeoArea)] = []
        for feature in features {
            let i = feature.number - 1
            let code = feature.properties["code"] ?? feature.properties["编码"] ?? feature.properties["网格编码"] ?? ""
            guard !code.isEmpty else { problems.append(ImportProblem(row: i + 1, column: "code", message: L10n.t("field.required"))); continue }
            guard let area = feature.area else { problems.append(ImportProblem(row: i + 1, column: "geometry", message: L10n.t("geo.not_area"))); continue }
            guard let unit = try await units.find(code: code, in: scope) else {
                problems.append(ImportProblem(row: i + 1, column: "code", message: L10n.t("import.unknown_unit", code))); continue
            }
            updates.append((unit.id, area))
        }
        if features.isEmpty && problems.isEmpty { problems.append(ImportProblem(row: nil, column: nil, message: L10n.t("import.empty"))) }
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
        let batch = updates
        try await db.transaction { tx in
            let repo = UnitRepository(tx)
            for (id, area) in batch { _ = try await repo.update(id, name: nil, boundary: .some(area), actor: "import", in: scope) }
        }
        return ImportResult(kind: .boundaries, inserted: 0, updated: updates.count, encoding: "")
    }
}

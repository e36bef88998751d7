import Crypto
import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A resident as an import batch records it: every field an import writes, as stored (the ID
/// number encrypted), and the tags.
struct ResidentSnapshot: Codable, Equatable, Sendable {
    var name: String
    var id_number: String?
    var id_number_hash: String?
    var document_number: String?
    var sex: String?
    var birth_date: String?
    var phone: String?
    var household_id: UUID?
    var relation: String?
    var residence_type: String
    var unit_id: UUID?
    /// Read with the row; nil only while it is being read.
    var tags: [String]?

    /// The snapshots of these residents now (absent ones are missing from the answer).
    static func read(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: ResidentSnapshot] {
        var out: [UUID: ResidentSnapshot] = [:]
        for chunk in ids.chunks(of: 500) {
            let rows = try await sql.raw(
                """
                SELECT id, name, id_number, id_number_hash, document_number, sex, birth_date, phone, household_id, relation, residence_type, unit_id \
                FROM residents WHERE id IN (\(binds: Array(chunk)))
                """
            ).all()
            struct Tag: Decodable { var resident_id: UUID; var tag_key: String }
            let tags = try await sql.raw("SELECT resident_id, tag_key FROM resident_tags WHERE resident_id IN (\(binds: Array(chunk)))").all(decoding: Tag.self)
            let byResident = Dictionary(grouping: tags, by: \.resident_id).mapValues { $0.map(\.tag_key).sorted() }
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                var snapshot = try row.decode(model: ResidentSnapshot.self)
                snapshot.tags = byResident[id] ?? []
                out[id] = snapshot
            }
        }
        return out
    }

    func restore(_ id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE residents SET name = \(bind: name), id_number = \(bind: id_number), id_number_hash = \(bind: id_number_hash), \
            document_number = \(bind: document_number), sex = \(bind: sex), birth_date = \(bind: birth_date), phone = \(bind: phone), \
            household_id = \(bind: household_id), relation = \(bind: relation), residence_type = \(bind: residence_type), unit_id = \(bind: unit_id) \
            WHERE id = \(bind: id)
            """
        ).run()
        try await sql.raw("DELETE FROM resident_tags WHERE resident_id = \(bind: id)").run()
        for tag in tags ?? [] { try await sql.insert(into: "resident_tags").columns("resident_id", "tag_key").values(SQLBind(id), SQLBind(tag)).run() }
    }
}

/// A recorded import, as the import page lists it.
public struct ImportBatchRow: Codable, Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var actor: String
    public var createdAt: Date
    public var fileSHA256: String
    public var inserted: Int
    public var updated: Int
    public var rolledBackAt: Date?
    public var rolledBackBy: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, actor, inserted, updated
        case createdAt = "created_at", fileSHA256 = "file_sha256", rolledBackAt = "rolled_back_at", rolledBackBy = "rolled_back_by"
    }
}

/// Who ran an import, for its batch.
public struct ImportActor: Sendable {
    public var accountID: UUID?
    public var name: String

    public init(accountID: UUID?, name: String) {
        self.accountID = accountID
        self.name = name
    }
}

/// Import batches: recorded in the import's own transaction, listed, and rolled back as a whole
/// while no later change touched their rows (B6, issue 11 item 2).
public struct ImportBatches: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// Records a resident import's batch on `sql` (inside the import's transaction): `before` of
    /// every updated row (nil for rows the import added), and their state after.
    static func recordResidents(
        _ batch: UUID, actor: ImportActor, file: String, at now: Date, inserted: Int, updated: Int, before: [UUID: ResidentSnapshot], ids: [UUID],
        on sql: any SQLDatabase
    ) async throws {
        try await sql.insert(into: "import_batches")
            .columns("id", "kind", "account_id", "actor", "created_at", "file_sha256", "inserted", "updated")
            .values(
                SQLBind(batch), SQLBind(ImportKind.residents.rawValue), SQLBind(actor.accountID), SQLBind(actor.name), SQLBind(now), SQLBind(file),
                SQLBind(inserted), SQLBind(updated)
            ).run()
        let after = try await ResidentSnapshot.read(ids, on: sql)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var rows: [[any Encodable & Sendable]] = []
        for (seq, id) in ids.enumerated() {
            guard let a = after[id] else { continue }
            let b = try before[id].map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            rows.append([batch, seq, id, b, String(decoding: try encoder.encode(a), as: UTF8.self)])
        }
        try await BulkWriter(sql: sql).insert(into: "import_batch_rows", columns: ["batch_id", "seq", "record_id", "before", "after"], rows: rows)
    }

    /// The latest batches run by `account` (every account's with nil), newest first.
    public func recent(account: UUID?, limit: Int = 20) async throws -> [ImportBatchRow] {
        let by: SQLQueryString = account.map { "WHERE account_id = \(bind: $0)" } ?? ""
        return try await sql.raw(
            """
            SELECT id, kind, actor, created_at, file_sha256, inserted, updated, rolled_back_at, rolled_back_by FROM import_batches \(by) \
            ORDER BY created_at DESC LIMIT \(bind: limit)
            """
        ).all(decoding: ImportBatchRow.self)
    }

    public func find(_ id: UUID) async throws -> ImportBatchRow? {
        try await sql.raw(
            """
            SELECT id, kind, actor, created_at, file_sha256, inserted, updated, rolled_back_at, rolled_back_by FROM import_batches WHERE id = \(bind: id)
            """
        ).first(decoding: ImportBatchRow.self)
    }

    /// Puts every row of the batch back as it was: rows it added are deleted, rows it changed get
    /// their old values. Refused (nothing written) when the batch was rolled back already, when a
    /// row has changed since (named), or when a row lies outside `scope`. Returns the rows restored.
    public func rollback(_ id: UUID, in scope: Scope, by actor: String, at now: Date) async throws -> Int {
        guard let batch = try await find(id) else { throw StoreError.notFound("import_batch") }
        guard batch.rolledBackAt == nil else { throw StoreError(.conflict, "import.undo.already", [ChinaTime.formatMinutes(batch.rolledBackAt!)]) }
        guard batch.kind == ImportKind.residents.rawValue else { throw StoreError(.conflict, "import.undo.kind") }
        struct Row: Decodable { var record_id: UUID; var before: String?; var after: String }
        let rows = try await sql.raw("SELECT record_id, before, after FROM import_batch_rows WHERE batch_id = \(bind: id) ORDER BY seq").all(decoding: Row.self)
        return try await db.transaction { tx in
            let sql = tx.sql
            let ids = rows.map(\.record_id)
            var outside = 0
            for chunk in ids.chunks(of: 500) {
                outside +=
                    try await sql.raw("SELECT COUNT(*) AS n FROM residents WHERE id IN (\(binds: Array(chunk))) AND NOT \(scope.condition("unit_id"))")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            guard outside == 0 else { throw StoreError(.conflict, "import.undo.outside", ["\(outside)"]) }
            let current = try await ResidentSnapshot.read(ids, on: sql)
            let decoder = JSONDecoder()
            var changed: [UUID] = []
            for r in rows where current[r.record_id] != (try decoder.decode(ResidentSnapshot.self, from: Data(r.after.utf8))) { changed.append(r.record_id) }
            guard changed.isEmpty else {
                throw StoreError(.conflict, "import.undo.changed_since", ["\(changed.count)", changed.prefix(5).map(\.uuidString).joined(separator: ", ")])
            }
            for r in rows {
                if let before = r.before {
                    try await decoder.decode(ResidentSnapshot.self, from: Data(before.utf8)).restore(r.record_id, on: sql)
                } else {
                    try await sql.raw("DELETE FROM resident_tags WHERE resident_id = \(bind: r.record_id)").run()
                    try await sql.raw("DELETE FROM residents WHERE id = \(bind: r.record_id)").run()
                }
            }
            try await sql.raw("UPDATE import_batches SET rolled_back_at = \(bind: now), rolled_back_by = \(bind: actor) WHERE id = \(bind: id)").run()
            return rows.count
        }
    }
}

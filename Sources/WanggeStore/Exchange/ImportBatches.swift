import Crypto
import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// A resident as an import batch records it: every field an import writes, as stored (the ID
/// number encrypted), and the tags.
struct ResidentSnapshot: BatchSnapshot {
    static let table = "residents"
    static let columns = "name, id_number, id_number_hash, document_number, sex, birth_date, phone, household_id, relation, residence_type, unit_id"
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
                "SELECT id, \(unsafeRaw: columns) FROM residents WHERE id IN (\(binds: Array(chunk)))"
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

    var fields: [String?] {
        [
            name, id_number, id_number_hash, document_number, sex, birth_date, phone, household_id?.text, relation, residence_type,
            unit_id?.text, (tags ?? []).joined(separator: ","),
        ]
    }

    static func delete(_ ids: [UUID], on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM resident_tags WHERE resident_id IN (\(binds: ids))").run()
        try await sql.raw("DELETE FROM residents WHERE id IN (\(binds: ids))").run()
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

    /// The latest batches run by `account` (every account's with nil), newest first.
    public func recent(account: UUID?, limit: Int = 20) async throws -> [ImportBatchRow] {
        let by: SQLQueryString = account.map { "WHERE account_id = \(bind: $0)" } ?? ""
        return try await sql.raw(
            """
            SELECT id, kind, actor, created_at, file_sha256, inserted, updated, rolled_back_at, rolled_back_by FROM import_batches \(by) \
            ORDER BY created_at DESC LIMIT \(count: limit)
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
        let count: Int
        switch ImportKind(rawValue: batch.kind) {
        case .residents?: count = try await rollback(id, ResidentSnapshot.self, in: scope)
        case .households?: count = try await rollback(id, HouseholdSnapshot.self, in: scope)
        case .buildings?: count = try await rollback(id, BuildingSnapshot.self, in: scope)
        default: throw StoreError(.conflict, "import.undo.kind")
        }
        try await sql.raw("UPDATE import_batches SET rolled_back_at = \(bind: now), rolled_back_by = \(bind: actor) WHERE id = \(bind: id)").run()
        return count
    }

    /// The rollback itself, in one transaction: every row checked (a page at a time), then every
    /// row put back.
    func rollback<S: BatchSnapshot>(_ id: UUID, _: S.Type, in scope: Scope) async throws -> Int {
        return try await db.transaction { tx in
            let sql = tx.sql
            func pages(_ body: ([BatchRow]) async throws -> Void) async throws {
                var after = -1
                while true {
                    let rows = try await sql.raw(
                        """
                        SELECT seq, record_id, before, after FROM import_batch_rows WHERE batch_id = \(bind: id) AND seq > \(bind: after) \
                        ORDER BY seq LIMIT 1000
                        """
                    ).all(decoding: BatchRow.self)
                    guard let last = rows.last else { return }
                    try await body(rows)
                    after = last.seq
                }
            }
            var outside = 0, total = 0
            var changed: [UUID] = []
            let decoder = JSONDecoder()
            try await pages { rows in
                let ids = rows.map(\.record_id)
                outside +=
                    try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: S.table) WHERE id IN (\(binds: ids)) AND NOT \(scope.condition("unit_id"))")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                let current = try await S.read(ids, on: sql)
                let used = try await S.referenced(rows.filter { $0.before == nil }.map(\.record_id), on: sql)
                for r in rows {
                    let now = current[r.record_id]
                    let same = r.after.hasPrefix("{") ? now == (try decoder.decode(S.self, from: Data(r.after.utf8))) : now?.fingerprint == r.after
                    if !same || used.contains(r.record_id) { changed.append(r.record_id) }
                }
                total += rows.count
            }
            guard outside == 0 else { throw StoreError(.conflict, "import.undo.outside", ["\(outside)"]) }
            guard changed.isEmpty else {
                throw StoreError(.conflict, "import.undo.changed_since", ["\(changed.count)", changed.prefix(5).map(\.uuidString).joined(separator: ", ")])
            }
            try await pages { rows in
                let added = rows.filter { $0.before == nil }.map(\.record_id)
                if !added.isEmpty { try await S.delete(added, on: sql) }
                for r in rows {
                    guard let before = r.before else { continue }
                    try await decoder.decode(S.self, from: Data(before.utf8)).restore(r.record_id, on: sql)
                }
            }
            return total
        }
    }
}

/// A row of `import_batch_rows`.
struct BatchRow: Decodable {
    var seq: Int
    var record_id: UUID
    var before: String?
    var after: String
}

/// A record as an import batch keeps it: every field an import writes, as stored. `before` is
/// kept whole (JSON) for rows an import changed; `after` as a fingerprint, enough to tell
/// whether anything touched the row since.
protocol BatchSnapshot: Codable, Equatable, Sendable {
    static var table: String { get }
    /// The columns a snapshot holds, as `SELECT` lists them (named as its fields).
    static var columns: String { get }
    /// The snapshots of these records now (absent ones are missing from the answer).
    static func read(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Self]
    /// Of these records (added by the batch), those something else now points at.
    static func referenced(_ ids: [UUID], on sql: any SQLDatabase) async throws -> Set<UUID>
    static func delete(_ ids: [UUID], on sql: any SQLDatabase) async throws
    func restore(_ id: UUID, on sql: any SQLDatabase) async throws
    /// The fields in a fixed order, for the fingerprint.
    var fields: [String?] { get }
}

extension BatchSnapshot {
    /// SHA-256 over the fields (unit separators between them, NUL for none).
    var fingerprint: String {
        var bytes: [UInt8] = []
        for field in fields {
            if let field { bytes += Array(field.utf8) } else { bytes.append(0) }
            bytes.append(0x1F)
        }
        return "sha256:" + Hex.string(SHA256.hash(data: bytes))
    }

    var json: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }

    static func referenced(_ ids: [UUID], on sql: any SQLDatabase) async throws -> Set<UUID> { [] }

    static func read(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Self] {
        var out: [UUID: Self] = [:]
        for chunk in ids.chunks(of: 500) {
            for row in try await sql.raw("SELECT id, \(unsafeRaw: columns) FROM \(ident: table) WHERE id IN (\(binds: Array(chunk)))").all() {
                out[try row.decode(column: "id", as: UUID.self)] = try row.decode(model: Self.self)
            }
        }
        return out
    }
}

/// Records an import's batch in the import's own transaction: the batch row first (its rows refer
/// to it), each chunk's changed rows as they are written, the counts at the end.
final class BatchRecorder: @unchecked Sendable {
    let id = UUID()
    private var seq = 0

    static func start(_ kind: ImportKind, actor: ImportActor, on sql: any SQLDatabase) async throws -> BatchRecorder {
        let batch = BatchRecorder()
        try await sql.insert(into: "import_batches")
            .columns("id", "kind", "account_id", "actor", "created_at", "file_sha256", "inserted", "updated")
            .values(
                SQLBind(batch.id), SQLBind(kind.rawValue), SQLBind(actor.accountID), SQLBind(actor.name), SQLBind(Date()), SQLBind(""), SQLBind(0),
                SQLBind(0)
            ).run()
        return batch
    }

    /// Records rows of this chunk: each record's state before (nil for a record the import added)
    /// and the fingerprint of its state after.
    func record(_ rows: [(id: UUID, before: String?, after: String)], on sql: any SQLDatabase) async throws {
        var values: [[SQLValue]] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            values.append([.uuid(id), .int(seq), .uuid(row.id), SQLValue.text(row.before), .text(row.after)])
            seq += 1
        }
        try await BulkWriter(sql: sql).insert(into: "import_batch_rows", columns: ["batch_id", "seq", "record_id", "before", "after"], values: values)
    }

    /// The batch's id, or nil (and no batch) when the import changed nothing.
    func finish(file: String, inserted: Int, updated: Int, on sql: any SQLDatabase) async throws -> UUID? {
        guard seq > 0 else {
            try await sql.raw("DELETE FROM import_batches WHERE id = \(bind: id)").run()
            return nil
        }
        try await sql.raw(
            "UPDATE import_batches SET file_sha256 = \(bind: file), inserted = \(bind: inserted), updated = \(bind: updated) WHERE id = \(bind: id)"
        ).run()
        return id
    }
}

extension ImportBatches {
    public static func sha256(_ bytes: [UInt8]) -> String { Hex.string(SHA256.hash(data: bytes)) }
}

/// A building as an import batch keeps it.
struct BuildingSnapshot: BatchSnapshot {
    static let table = "buildings"
    static let columns = "code, unit_id, name, address, kind, floors, lon, lat"
    var code: String
    var unit_id: UUID?
    var name: String
    var address: String
    var kind: String
    var floors: Int?
    var lon: Double
    var lat: Double

    var fields: [String?] { [code, unit_id?.text, name, address, kind, floors.map(String.init), "\(lon)", "\(lat)"] }

    static func referenced(_ ids: [UUID], on sql: any SQLDatabase) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable { var building_id: UUID }
        return Set(
            try await sql.raw("SELECT DISTINCT building_id FROM households WHERE building_id IN (\(binds: ids))").all(decoding: Row.self).map(\.building_id))
    }

    static func delete(_ ids: [UUID], on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM buildings WHERE id IN (\(binds: ids))").run()
    }

    func restore(_ id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE buildings SET code = \(bind: code), unit_id = \(bind: unit_id), name = \(bind: name), address = \(bind: address), \
            kind = \(bind: kind), floors = \(bind: floors), lon = \(bind: lon), lat = \(bind: lat) WHERE id = \(bind: id)
            """
        ).run()
    }
}

/// A household as an import batch keeps it.
struct HouseholdSnapshot: BatchSnapshot {
    static let table = "households"
    static let columns = "number, unit_id, building_id, room, address, kind"
    var number: String
    var unit_id: UUID?
    var building_id: UUID?
    var room: String?
    var address: String
    var kind: String

    var fields: [String?] { [number, unit_id?.text, building_id?.text, room, address, kind] }

    static func referenced(_ ids: [UUID], on sql: any SQLDatabase) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable { var household_id: UUID }
        return Set(
            try await sql.raw("SELECT DISTINCT household_id FROM residents WHERE household_id IN (\(binds: ids))").all(decoding: Row.self).map(\.household_id))
    }

    static func delete(_ ids: [UUID], on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM households WHERE id IN (\(binds: ids))").run()
    }

    /// Its residents follow it back into its old grid, as they followed it out.
    func restore(_ id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE households SET number = \(bind: number), unit_id = \(bind: unit_id), building_id = \(bind: building_id), room = \(bind: room), \
            address = \(bind: address), kind = \(bind: kind) WHERE id = \(bind: id)
            """
        ).run()
        try await sql.raw("UPDATE residents SET unit_id = \(bind: unit_id) WHERE household_id = \(bind: id)").run()
    }
}

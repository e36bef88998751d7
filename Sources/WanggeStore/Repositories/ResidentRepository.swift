import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// What a form, the API or an import asks to store about a resident.
public struct ResidentInput: Sendable, Codable {
    public var name: String
    public var idNumber: String?
    public var documentNumber: String?
    public var phone: String?
    public var householdNumber: String?
    public var relation: String?
    public var residenceType: String
    public var tags: [String]

    public init(
        name: String, idNumber: String?, documentNumber: String? = nil, phone: String?, householdNumber: String?,
        relation: String?, residenceType: String, tags: [String]
    ) {
        self.name = name
        self.idNumber = idNumber
        self.documentNumber = documentNumber
        self.phone = phone
        self.householdNumber = householdNumber
        self.relation = relation
        self.residenceType = residenceType
        self.tags = tags
    }
}

/// Residents of the register. ID numbers are stored encrypted (`FieldCipher`) with a keyed hash
/// beside them for exact look-up; rows leave this repository with the number decrypted, and
/// `ResidentView` decides what the caller is shown.
public struct ResidentRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// Rows as read from the table, with ID numbers decrypted.
    func decrypted(_ rows: [ResidentRow]) throws -> [ResidentRow] {
        try rows.map(decrypted)
    }

    /// One row with its ID number decrypted.
    func decrypted(_ row: ResidentRow) throws -> ResidentRow {
        var r = row
        if let stored = row.idNumber {
            do { r.idNumber = try cipher.decrypt(stored) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
        }
        return r
    }

    /// Tags in their display order (`sort`).
    static func ordered(_ tags: [TagRow]) -> [TagRow] { tags.sorted { $0.sort < $1.sort } }

    /// The stored form of a row: ID number encrypted, and its look-up hash.
    func sealed(_ row: ResidentRow) -> (row: ResidentRow, hash: String?) {
        var r = row
        r.idNumber = row.idNumber.map(cipher.encrypt)
        return (r, row.idNumber.map(cipher.lookupHash))
    }

    /// Residents in scope matching `query`: a name (prefix), a whole ID number, a whole phone number,
    /// or four digits as a phone's last four (尾号), found through an index on that expression.
    public func search(
        _ query: String?, gridID: UUID? = nil, householdID: UUID? = nil, tag: String? = nil,
        limit: Int = 50, offset: Int = 0, in scope: Scope
    ) async throws -> (rows: [ResidentRow], total: Int) {
        var condition = scope.condition("unit_id")
        if let q = query?.trimmingSpaces(), !q.isEmpty {
            let upper = q.uppercased()
            var terms: [SQLQueryString] = [namePrefix(q), "id_number_hash = \(bind: cipher.lookupHash(upper))"]
            if q.allSatisfy({ $0.isASCII && $0.isNumber }) { terms.append("phone = \(bind: q)") }
            if q.count == 4 && q.allSatisfy({ $0.isASCII && $0.isNumber }) { terms.append("\(unsafeRaw: Self.phoneTail(sql)) = \(bind: q)") }
            condition = "\(condition) AND (\(terms.joined(separator: " OR ")))"
        }
        if let gridID { condition = "\(condition) AND unit_id = \(bind: gridID)" }
        if let householdID { condition = "\(condition) AND household_id = \(bind: householdID)" }
        if let tag { condition = "\(condition) AND id IN (SELECT resident_id FROM resident_tags WHERE tag_key = \(bind: tag))" }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM residents WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: ResidentRow.columns) FROM residents WHERE \(condition) \
            ORDER BY name, id LIMIT \(count: min(max(limit, 1), 500)) OFFSET \(count: max(offset, 0))
            """
        ).all(decoding: ResidentRow.self)
        return (try decrypted(rows), total)
    }

    /// Where a page of `pageRows` ends: the (name, id) the next page continues after.
    public struct PageKey: Sendable, Equatable {
        public var name: String
        public var id: UUID
    }

    /// Every resident in scope a page at a time in (name, id) order, each page found by the key of
    /// the one before (never OFFSET, which made an export of a million people quadratic). A page is
    /// one statement: the household number and the tags come with each row, as `sqlite3 -csv` would
    /// read them, instead of two look-ups per 500 rows after it. The rows stay undecoded so that a
    /// caller can ask for the next page (`key(after:)`) before it turns this one into views.
    public func pageRows(after last: PageKey?, limit: Int = 1000, in scope: Scope) async throws -> [any SQLRow] {
        // One row-value comparison, not `name > ? OR (name = ? AND id > ?)`: SQLite reads the OR
        // form from the last name to the end of the index for every page (an export of 1.2 M people
        // took over seven minutes); the row value is a range it seeks into and leaves after a page.
        let after: SQLQueryString = last.map { "AND (r.name, r.id) > (\(bind: $0.name), \(bind: $0.id))" } ?? ""
        let tagList = sql.dialect.name == "postgresql" ? "string_agg(t.tag_key, ',')" : "group_concat(t.tag_key, ',')"
        return try await sql.bulk.raw(
            """
            SELECT \(unsafeRaw: ResidentRow.qualifiedColumns), h.number AS household_number, \
            (SELECT \(unsafeRaw: tagList) FROM resident_tags t WHERE t.resident_id = r.id) AS tag_keys \
            FROM residents r LEFT JOIN households h ON h.id = r.household_id \
            WHERE \(scope.condition("r.unit_id")) \(after) ORDER BY r.name, r.id LIMIT \(count: min(max(limit, 1), 5000))
            """
        ).all()
    }

    /// The key the page after `rows` starts from; nil when there are no rows (the end).
    public func key(after rows: [any SQLRow]) throws -> PageKey? {
        guard let last = rows.last else { return nil }
        return PageKey(name: try last.decode(column: "name", as: String.self), id: try last.decode(column: "id", as: UUID.self))
    }

    /// A page of `pageRows` as views for `role` (`tags`: every tag by key, from `allTags`).
    public func views(ofPage rows: [any SQLRow], role: Role, reveal: Bool = false, tags: [String: TagRow]) throws -> [ResidentView] {
        let today = SimpleDate.today
        return try rows.map { row in
            let resident = try decrypted(try row.decode(model: ResidentRow.self))
            let keys = try row.decode(column: "tag_keys", as: String?.self)?.split(separator: ",") ?? []
            let own = Self.ordered(keys.compactMap { tags[String($0)] })
            let number = try row.decode(column: "household_number", as: String?.self)
            return ResidentView(resident, tags: own, householdNumber: number, role: role, reveal: reveal, today: today)
        }
    }

    /// Names starting with `q`. LIKE alone reads the whole name index on SQLite (its LIKE is
    /// case-insensitive, the index is not), 1.6 s among 1.2 million people; so when `q` has no Latin
    /// letter for case to matter, the same prefix is also stated as a range of the index (every name
    /// from `q` up to `q` followed by the last code point), which SQLite walks in a few milliseconds.
    /// PostgreSQL's LIKE keeps its own plan.
    /// A phone's last four digits, the expression `CreateResidentPhoneTailIndex` indexes (no column of its own).
    static func phoneTail(_ sql: any SQLDatabase) -> String { sql.dialect.name == "postgresql" ? "right(phone, 4)" : "substr(phone, -4)" }

    func namePrefix(_ q: String) -> SQLQueryString {
        let like: SQLQueryString = "name LIKE \(bind: Self.likePrefix(q)) ESCAPE '\\'"
        guard sql.dialect.name == "sqlite", !q.contains(where: { $0.isASCII && $0.isLetter }) else { return like }
        return "(name >= \(bind: q) AND name < \(bind: q + "\u{10FFFF}") AND \(like))"
    }

    /// A LIKE pattern matching names that start with `q`, with LIKE's own wildcards taken literally.
    static func likePrefix(_ q: String) -> String {
        q.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> ResidentRow? {
        let row = try await sql.raw("SELECT \(unsafeRaw: ResidentRow.columns) FROM residents WHERE id = \(bind: id) AND \(scope.condition("unit_id"))")
            .first(decoding: ResidentRow.self)
        return try row.map { try decrypted([$0])[0] }
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> ResidentRow {
        guard let row = try await find(id, in: scope) else { throw StoreError.notFound("resident") }
        return row
    }

    public func allTags() async throws -> [TagRow] {
        try await sql.raw("SELECT key, name_zh, name_en, sensitive, sort FROM tags ORDER BY sort").all(decoding: TagRow.self)
    }

    /// The tags of each resident, in the table's order.
    public func tags(of ids: [UUID]) async throws -> [UUID: [TagRow]] {
        guard !ids.isEmpty else { return [:] }
        struct Pair: Decodable { var resident_id: UUID; var tag_key: String }
        let all = Dictionary(uniqueKeysWithValues: try await allTags().map { ($0.key, $0) })
        var result: [UUID: [TagRow]] = [:]
        for chunk in ids.chunks(of: 500) {
            let pairs = try await sql.raw("SELECT resident_id, tag_key FROM resident_tags WHERE resident_id IN (\(binds: Array(chunk)))").all(decoding: Pair.self)
            for pair in pairs { if let tag = all[pair.tag_key] { result[pair.resident_id, default: []].append(tag) } }
        }
        return result.mapValues(Self.ordered)
    }

    /// Views of rows for a role, with tags and household numbers filled in.
    public func views(_ rows: [ResidentRow], role: Role, reveal: Bool = false) async throws -> [ResidentView] {
        let tags = try await tags(of: rows.map(\.id))
        let householdIDs = Array(Set(rows.compactMap(\.householdID)))
        struct Number: Decodable { var id: UUID; var number: String }
        var numbers: [UUID: String] = [:]
        for chunk in householdIDs.chunks(of: 500) {
            for n in try await sql.raw("SELECT id, number FROM households WHERE id IN (\(binds: Array(chunk)))").all(decoding: Number.self) {
                numbers[n.id] = n.number
            }
        }
        return rows.map { ResidentView($0, tags: tags[$0.id] ?? [], householdNumber: $0.householdID.flatMap { numbers[$0] }, role: role, reveal: reveal) }
    }

    /// Creates a resident after validating every field; the grid comes from the household.
    public func create(_ input: ResidentInput, in scope: Scope, at now: Date = Date()) async throws -> ResidentRow {
        let validated = try await ResidentValidator(sql: sql, scope: scope, cipher: cipher).validate(input, existingID: nil)
        let row = validated.row(id: UUID(), now: now)
        let stored = sealed(row)
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.insert(into: "residents").model(stored.row, nilEncodingStrategy: .asNil).run()
            try await sql.update("residents").set("id_number_hash", to: stored.hash).where("id", .equal, row.id).run()
            try await Self.writeTags(validated.tags, for: row.id, on: sql)
        }
        return row
    }

    /// Replaces a resident's fields (PUT semantics) within scope.
    public func update(_ id: UUID, _ input: ResidentInput, in scope: Scope, at now: Date = Date()) async throws -> ResidentRow {
        let existing = try await get(id, in: scope)
        // An anonymised record stays anonymous: filling it in again would undo the person's deletion.
        guard existing.anonymisedAt == nil else { throw StoreError(.conflict, "rights.already_anonymised") }
        let validated = try await ResidentValidator(sql: sql, scope: scope, cipher: cipher).validate(input, existingID: id)
        var changed = validated.row(id: id, now: now)
        changed.createdAt = existing.createdAt
        let row = changed
        let stored = sealed(row)
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.update("residents").set(model: stored.row).set("id_number_hash", to: stored.hash).where("id", .equal, id).run()
            try await sql.delete(from: "resident_tags").where("resident_id", .equal, id).run()
            try await Self.writeTags(validated.tags, for: id, on: sql)
        }
        return row
    }

    static func writeTags(_ tags: [String], for id: UUID, on sql: any SQLDatabase) async throws {
        guard !tags.isEmpty else { return }
        var insert = sql.insert(into: "resident_tags").columns("resident_id", "tag_key")
        for tag in tags { insert = insert.values(SQLBind(id), SQLBind(tag)) }
        try await insert.run()
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// What the auditor searches the log by. Every condition is optional; `from` is inclusive and
/// `to` exclusive, so a day's entries are `from: midnight, to: next midnight`.
public struct AuditFilter: Sendable, Equatable {
    /// Accounts whose name starts with this (case-insensitive).
    public var actor: String?
    public var action: String?
    public var objectType: String?
    public var objectID: String?
    public var outcome: String?
    public var from: Date?
    public var to: Date?
    /// Text anywhere in the detail (case-insensitive, wildcards taken literally).
    public var text: String?
    /// Only entries up to this one: holds a long export still while new entries arrive.
    public var throughSeq: Int64?

    public init(
        actor: String? = nil, action: String? = nil, objectType: String? = nil, objectID: String? = nil,
        outcome: String? = nil, from: Date? = nil, to: Date? = nil, text: String? = nil, throughSeq: Int64? = nil
    ) {
        self.actor = actor
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.outcome = outcome
        self.from = from
        self.to = to
        self.text = text
        self.throughSeq = throughSeq
    }
}

/// One stored entry with its sequence number, as searches return it.
@dynamicMemberLookup
public struct AuditRecord: Sendable, Codable, Equatable {
    public var seq: Int64
    public var entry: AuditEntry

    public init(seq: Int64, entry: AuditEntry) {
        self.seq = seq
        self.entry = entry
    }

    /// `record.actor`, `record.at`, …: the entry's fields, read through.
    public subscript<T>(dynamicMember field: KeyPath<AuditEntry, T>) -> T { entry[keyPath: field] }

    enum CodingKeys: String, CodingKey { case seq }

    /// One flat object, `seq` beside the entry's fields, as the API has always answered.
    public init(from decoder: any Decoder) throws {
        seq = try decoder.container(keyedBy: CodingKeys.self).decode(Int64.self, forKey: .seq)
        entry = try AuditEntry(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try entry.encode(to: encoder)
    }
}

/// The outcome of walking the chain: how many entries were checked and, if the log was tampered
/// with, the first place it shows.
public struct AuditVerification: Sendable, Equatable {
    public enum Finding: Sendable, Equatable {
        /// The entry's hash does not match its contents: edited, or forged without the key.
        case edited(seq: Int64)
        /// Entries `after + 1` through `through` are missing.
        case deleted(after: Int64, through: Int64)
        /// The entry is genuine but does not follow from the one before it: copied in or moved.
        case inserted(seq: Int64)
        /// The head row's hash does not match the last entry: the head was rewritten.
        case headMismatch(seq: Int64)
    }

    /// Entries whose hash and link were checked and found good.
    public var checked: Int
    /// The first and last entry checked (nil when the log is empty since its base).
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    public var finding: Finding?

    public var isIntact: Bool { finding == nil }

    /// The sequence number of the first bad entry, to name on screen and in the command's output.
    public var firstBadSeq: Int64? {
        switch finding {
        case .edited(let s), .inserted(let s), .headMismatch(let s): s
        case .deleted(let after, _): after + 1
        case nil: nil
        }
    }

    public var messageKey: String {
        switch finding {
        case .edited: "audit.verify.edited"
        case .deleted: "audit.verify.deleted"
        case .inserted: "audit.verify.inserted"
        case .headMismatch: "audit.verify.head"
        case nil: firstSeq == nil ? "audit.verify.intact" : "audit.verify.intact_range"
        }
    }

    public var args: [String] {
        switch finding {
        case .edited(let s), .inserted(let s), .headMismatch(let s): ["\(s)"]
        case .deleted(let after, let through): ["\(after + 1)", "\(through)"]
        case nil: ["\(checked)"] + [firstSeq, lastSeq].compactMap { $0.map(String.init) }
        }
    }

    public func message(_ lang: L10n.Language = .zh) -> String { L10n.format(messageKey, args, lang: lang) }
}

/// What `prune` removed.
public struct AuditPruneResult: Sendable, Equatable {
    public var deleted: Int
    /// The last deleted entry, now the chain's base; nil when nothing was old enough.
    public var throughSeq: Int64?

    public init(deleted: Int, throughSeq: Int64?) {
        self.deleted = deleted
        self.throughSeq = throughSeq
    }
}

extension AuditLog {
    /// GB/T 22239-2019 8.1.4.3 and 网络安全法 art. 21: network logs are kept at least six months.
    public static let minimumRetentionDays = 184

    /// Entries matching `filter`, newest first, and how many match in all.
    public func search(filter: AuditFilter, limit: Int = 50, offset: Int = 0) async throws -> (entries: [AuditRecord], total: Int) {
        var c: SQLQueryString = "1 = 1"
        if let v = filter.actor?.trimmedOrNil { c = "\(c) AND LOWER(actor) LIKE \(bind: Self.like(v.lowercased(), prefixOnly: true)) ESCAPE '\\'" }
        if let v = filter.action?.trimmedOrNil { c = "\(c) AND action = \(bind: v)" }
        if let v = filter.objectType?.trimmedOrNil { c = "\(c) AND object_type = \(bind: v)" }
        if let v = filter.objectID?.trimmedOrNil { c = "\(c) AND object_id = \(bind: v)" }
        if let v = filter.outcome?.trimmedOrNil { c = "\(c) AND outcome = \(bind: v)" }
        if let v = filter.from { c = "\(c) AND at >= \(bind: v)" }
        if let v = filter.to { c = "\(c) AND at < \(bind: v)" }
        if let v = filter.throughSeq { c = "\(c) AND seq <= \(bind: v)" }
        if let v = filter.text?.trimmedOrNil { c = "\(c) AND LOWER(detail) LIKE \(bind: Self.like(v.lowercased(), prefixOnly: false)) ESCAPE '\\'" }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(c)").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw("SELECT \(unsafeRaw: StoredEntry.columns) FROM audit_log WHERE \(c) ORDER BY seq DESC LIMIT \(count: limit) OFFSET \(count: offset)")
            .all(decoding: StoredEntry.self)
        return (rows.map(\.record), total)
    }

    /// The actions that occur in the log, for the search form's choice list.
    public func actions() async throws -> [String] {
        try await sql.raw("SELECT DISTINCT action FROM audit_log ORDER BY action").all().map { try $0.decode(column: "action", as: String.self) }
    }

    /// Walks the chain from the base left by pruning to the head, `pageSize` entries at a time,
    /// and reports the first entry that was edited, inserted or deleted. Entries appended while
    /// the walk runs are left for the next one.
    public func verify(pageSize: Int = 5000, progress: (Int, Int) -> Void = { _, _ in }) async throws -> AuditVerification {
        let head = try await Self.head(sql)
        var result = AuditVerification(checked: 0, firstSeq: nil, lastSeq: nil, finding: nil)
        // Pruned entries never come back; one at or below the base was put there by hand.
        if let stray = try await minSeq(sql, "seq <= \(bind: head.baseSeq)") {
            result.finding = .inserted(seq: stray)
            return result
        }
        let total =
            try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE seq > \(bind: head.baseSeq) AND seq <= \(bind: head.seq)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        var expected = head.baseHash
        var last: Int64? = head.baseSeq
        progress(0, total)
        while true {
            let cursor = last ?? head.baseSeq
            let rows = try await sql.raw(
                """
                SELECT \(unsafeRaw: StoredEntry.columns) FROM audit_log WHERE seq > \(bind: cursor) AND seq <= \(bind: head.seq) \
                ORDER BY seq LIMIT \(count: pageSize)
                """
            ).all(decoding: StoredEntry.self)
            if rows.isEmpty { break }
            if result.firstSeq == nil { result.firstSeq = rows[0].seq }
            if let broken = chain.verify(rows.map(\.link), expectedPrevious: &expected, lastSeq: &last) {
                let at: Int64
                switch broken {
                case .edited(let s): result.finding = .edited(seq: s); at = s
                case .gap(let after, let next): result.finding = .deleted(after: after, through: next - 1); at = next
                case .brokenLink(let s): result.finding = .inserted(seq: s); at = s
                }
                result.checked += rows.firstIndex { $0.seq == at } ?? 0
                result.lastSeq = last
                return result
            }
            result.checked += rows.count
            result.lastSeq = last
            progress(result.checked, total)
        }
        let end = last ?? head.baseSeq
        if end < head.seq {
            // The newest entries were deleted: the head remembers how far the log went.
            result.finding = .deleted(after: end, through: head.seq)
        } else if expected != head.hash {
            result.finding = .headMismatch(seq: end)
        } else if let forged = try await minSeq(sql, "seq > \(bind: try await Self.head(sql).seq)") {
            // Past the head as it is now: written without going through `append`.
            result.finding = .inserted(seq: forged)
        }
        return result
    }

    /// Deletes the entries older than `cutoff` — which must be at least `minimumRetentionDays`
    /// before `now` — and moves the chain's base to the last one deleted, so `verify` starts
    /// cleanly from there. Refuses to prune a broken chain (that would hide the evidence), and
    /// records the pruning itself in the log.
    @discardableResult
    public func prune(olderThan cutoff: Date, now: Date = Date(), actor: String = "cli", role: String = "-", ip: String = "-") async throws -> AuditPruneResult {
        guard cutoff <= now.addingTimeInterval(-Double(Self.minimumRetentionDays) * 86400) else {
            throw StoreError(.invalid, "audit.retention", ["\(Self.minimumRetentionDays)"])
        }
        let check = try await verify()
        guard check.isIntact else { throw StoreError(.conflict, "audit.prune_broken", [check.message()]) }
        let result = try await db.transaction { tx -> AuditPruneResult in
            let sql = tx.sql
            // Takes the head's lock, like `append`, so no entry is added while the base moves.
            try await sql.raw("UPDATE audit_head SET seq = seq WHERE id = 1").run()
            let head = try await Self.head(sql)
            // Only a run from the base: an old entry after a newer one (a slow clock) waits.
            let firstKept = try await minSeq(sql, "seq > \(bind: head.baseSeq) AND at >= \(bind: cutoff)")
            let through = firstKept.map { $0 - 1 } ?? head.seq
            guard through > head.baseSeq else { return AuditPruneResult(deleted: 0, throughSeq: nil) }
            guard let hash = try await sql.raw("SELECT hash FROM audit_log WHERE seq = \(bind: through)").first()?.decode(column: "hash", as: String.self) else {
                throw StoreError(.conflict, "audit.prune_broken", ["\(through)"])
            }
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE seq <= \(bind: through)").first()?.decode(column: "n", as: Int.self) ?? 0
            try await sql.raw("DELETE FROM audit_log WHERE seq <= \(bind: through)").run()
            try await sql.raw("UPDATE audit_head SET base_seq = \(bind: through), base_hash = \(bind: hash) WHERE id = 1").run()
            return AuditPruneResult(deleted: n, throughSeq: through)
        }
        let stamp = ISO8601DateFormatter().string(from: cutoff)
        try await append(
            AuditEntry(
                at: now, actorID: nil, actor: actor, role: role, ip: ip, action: "prune", objectType: "audit_log",
                objectID: result.throughSeq.map { "≤\($0)" } ?? "-",
                detail: AuditDetail(["deleted": "\(result.deleted)", "before": stamp, "through": result.throughSeq.map(String.init)]).text,
                outcome: "ok"))
        return result
    }

    struct Head: Decodable {
        var seq: Int64, hash: String, baseSeq: Int64, baseHash: String
        enum CodingKeys: String, CodingKey { case seq, hash, baseSeq = "base_seq", baseHash = "base_hash" }
    }

    static func head(_ sql: any SQLDatabase) async throws -> Head {
        guard let head = try await sql.raw("SELECT seq, hash, base_seq, base_hash FROM audit_head WHERE id = 1").first(decoding: Head.self) else {
            throw StoreError(.invalid, "audit.no_head")
        }
        return head
    }

    func minSeq(_ sql: any SQLDatabase, _ condition: SQLQueryString) async throws -> Int64? {
        try await sql.raw("SELECT MIN(seq) AS n FROM audit_log WHERE \(condition)").first()?.decode(column: "n", as: Int64?.self) ?? nil
    }

    /// A LIKE pattern for `text` with LIKE's own wildcards taken literally.
    static func like(_ text: String, prefixOnly: Bool) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return (prefixOnly ? "" : "%") + escaped + "%"
    }
}

/// An entry's detail as `key=value; key=value`: short, language-neutral (the hash fixes the text
/// for good) and readable on the auditor's page, which names the keys it knows in Chinese.
public struct AuditDetail: Sendable {
    public var text: String

    public init(_ pairs: KeyValuePairs<String, String?>) {
        self.init(fields: pairs.map { ($0.key, $0.value) })
    }

    /// The same from pairs built up at run time, in order; nil values are left out.
    public init(fields: [(String, String?)]) {
        text = fields.compactMap { k, v in v.map { "\(k)=\($0.replacingOccurrences(of: "; ", with: ", "))" } }.joined(separator: "; ")
    }

    /// The pairs of a detail written this way; free text comes back as one pair with an empty key.
    public static func pairs(_ text: String) -> [(key: String, value: String)] {
        text.components(separatedBy: "; ").map { part in
            guard let eq = part.firstIndex(of: "="), part[..<eq].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }), eq != part.startIndex else {
                return ("", part)
            }
            return (String(part[..<eq]), String(part[part.index(after: eq)...]))
        }
    }
}

/// A row of `audit_log` as stored.
struct StoredEntry: Decodable {
    var seq: Int64
    var at: Date
    var actor_id: UUID?
    var actor: String
    var role: String
    var ip: String
    var action: String
    var object_type: String
    var object_id: String
    var detail: String
    var outcome: String
    var previous: String
    var hash: String

    static let columns = "seq, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash"

    var entry: AuditEntry {
        AuditEntry(
            at: at, actorID: actor_id, actor: actor, role: role, ip: ip, action: action, objectType: object_type,
            objectID: object_id, detail: detail, outcome: outcome)
    }

    var link: AuditChain.Link { AuditChain.Link(seq: seq, previous: previous, hash: hash, fields: entry.chainFields) }

    var record: AuditRecord {
        AuditRecord(
            seq: seq,
            entry: AuditEntry(
                at: at, actorID: actor_id, actor: actor, role: role, ip: ip, action: action, objectType: object_type,
                objectID: object_id, detail: detail, outcome: outcome))
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeSecurity

/// One thing that happened, as the audit log keeps it: when, who (and in which role, from where),
/// what was done to which object, and how it ended.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var at: Date
    public var actorID: UUID?
    public var actor: String
    public var role: String
    public var ip: String
    public var action: String
    public var objectType: String
    public var objectID: String
    public var detail: String
    public var outcome: String

    public init(
        at: Date, actorID: UUID?, actor: String, role: String, ip: String, action: String,
        objectType: String, objectID: String, detail: String, outcome: String
    ) {
        self.at = at
        self.actorID = actorID
        self.actor = actor
        self.role = role
        self.ip = ip
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.detail = detail
        self.outcome = outcome
    }

    /// The fields the chain hashes, in a fixed order. Times are whole milliseconds so every
    /// database returns exactly what was hashed.
    var chainFields: [String] {
        [String(Int64((at.timeIntervalSince1970 * 1000).rounded())), actorID?.uuidString ?? "", actor, role, ip, action, objectType, objectID, detail, outcome]
    }
}

/// The append-only, hash-chained audit log (MLPS 2.0 level 3). Appending takes the single
/// `audit_head` row's lock first, so appenders on any number of instances form one chain.
public struct AuditLog: Sendable, SQLRepository {
    let db: any Database
    let chain: AuditChain

    public init(_ db: any Database, chain: AuditChain) {
        self.db = db
        self.chain = chain
    }

    /// Appends one entry and returns its sequence number.
    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> Int64 {
        let chain = self.chain
        return try await db.transaction { tx in
            try await Self.append([entry], chain: chain, on: tx.sql)
        }
    }

    /// Appends entries in order inside the caller's transaction, so they commit (or vanish) with
    /// the change they record; returns the first entry's sequence number.
    @discardableResult
    public static func append(_ entries: [AuditEntry], chain: AuditChain, on sql: any SQLDatabase) async throws -> Int64 {
        guard !entries.isEmpty else { return 0 }
        // The head is read by the update that moves it on (RETURNING), which takes the write lock (a
        // row lock on PostgreSQL, the database lock on SQLite) first, so two appenders can never both
        // read the same head.
        struct Head: Decodable { var seq: Int64; var hash: String }
        guard
            let head = try await sql.raw("UPDATE audit_head SET seq = seq + \(bind: entries.count) WHERE id = 1 RETURNING seq, hash")
                .first(decoding: Head.self)
        else {
            throw StoreError(.invalid, "audit.no_head")
        }
        // The head now holds the last sequence number of this run; the first is that minus the others.
        let first = head.seq - Int64(entries.count - 1)
        var previous = head.hash
        var insert = sql.insert(into: "audit_log")
            .columns("seq", "at", "actor_id", "actor", "role", "ip", "action", "object_type", "object_id", "detail", "outcome", "previous", "hash")
        for (i, entry) in entries.enumerated() {
            var e = entry
            e.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
            let hash = chain.hash(previous: previous, fields: e.chainFields)
            insert = insert.values(
                SQLBind(first + Int64(i)), SQLBind(e.at), SQLBind(e.actorID), SQLBind(e.actor), SQLBind(e.role), SQLBind(e.ip),
                SQLBind(e.action), SQLBind(e.objectType), SQLBind(e.objectID), SQLBind(e.detail), SQLBind(e.outcome),
                SQLBind(previous), SQLBind(hash))
            previous = hash
        }
        try await insert.run()
        try await sql.raw("UPDATE audit_head SET hash = \(bind: previous) WHERE id = 1").run()
        return first
    }
}

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

    public init(at: Date, actorID: UUID?, actor: String, role: String, ip: String, action: String,
                objectType: String, objectID: String, detail: String, outcome: String) {
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
public struct AuditLog: Sendable {
    let db: any Database
    let chain: AuditChain
    var sql: any SQLDatabase { db as! any SQLDatabase }

    public init(_ db: any Database, chain: AuditChain) {
        self.db = db
        self.chain = chain
    }

    /// Appends one entry and returns its sequence number.
    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> Int64 {
        var e = entry
        e.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
        let stamped = e
        let chain = self.chain
        return try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            // Updating first takes the write lock (a row lock on PostgreSQL, the database lock on
            // SQLite) before the head is read, so two appenders can never both read the same head.
            try await sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").run()
            struct Head: Decodable { var seq: Int64; var hash: String }
            guard let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first(decoding: Head.self) else {
                throw StoreError(.invalid, "audit.no_head")
            }
            let hash = chain.hash(previous: head.hash, fields: stamped.chainFields)
            try await sql.insert(into: "audit_log")
                .columns("seq", "at", "actor_id", "actor", "role", "ip", "action", "object_type", "object_id", "detail", "outcome", "previous", "hash")
                .values(SQLBind(head.seq), SQLBind(stamped.at), SQLBind(stamped.actorID), SQLBind(stamped.actor), SQLBind(stamped.role), SQLBind(stamped.ip),
                        SQLBind(stamped.action), SQLBind(stamped.objectType), SQLBind(stamped.objectID), SQLBind(stamped.detail), SQLBind(stamped.outcome),
                        SQLBind(head.hash), SQLBind(hash))
                .run()
            try await sql.raw("UPDATE audit_head SET hash = \(bind: hash) WHERE id = 1").run()
            return head.seq
        }
    }
}

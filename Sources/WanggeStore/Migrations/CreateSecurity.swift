import FluentKit
import Foundation
import SQLKit
import WanggeSecurity

/// What the access issue adds: log-in protection on accounts, the hash-chained audit log and its
/// head, database-backed rate limits (shared by every instance), scoped API tokens, and ID numbers
/// encrypted at rest with a keyed hash for exact look-up. Existing ID numbers are encrypted here.
struct CreateSecurity: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on db: any Database) async throws {
        try await db.schema("accounts")
            .field("failed_logins", .int, .required, .sql(.default(0)))
            .update()
        try await db.schema("accounts").field("locked_until", .datetime).update()
        try await db.schema("accounts").field("password_changed_at", .datetime).update()
        try await db.schema("accounts").field("totp_secret", .string).update()
        try await db.schema("accounts").field("totp_last_step", .int64).update()
        try await db.schema("accounts").field("disabled_at", .datetime).update()

        try await db.schema("audit_log")
            .field("seq", .int64, .identifier(auto: false))
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor", .string, .required)
            .field("role", .string, .required)
            .field("ip", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string, .required)
            .field("detail", .string, .required)
            .field("outcome", .string, .required)
            .field("previous", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await db.createIndex("audit_log", "at")
        try await db.createIndex("audit_log", "actor")
        try await db.createIndex("audit_log", "action")
        try await db.createIndex("audit_log", "object_id")
        // One row: the last sequence number and hash, updated with every append (the row lock
        // serialises appenders across instances), and the base left by retention pruning.
        try await db.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("base_seq", .int64, .required)
            .field("base_hash", .string, .required)
            .create()
        let sql = db.sql
        try await sql.insert(into: "audit_head").columns("id", "seq", "hash", "base_seq", "base_hash")
            .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(AuditChain.genesis), SQLBind(Int64(0)), SQLBind(AuditChain.genesis)).run()

        try await db.schema("rate_buckets")
            .field("key", .string, .identifier(auto: false))
            .field("window_start", .double, .required)
            .field("count", .int, .required)
            .create()

        try await db.schema("api_tokens")
            .id()
            .field("account_id", .uuid, .required, .references("accounts", "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("scopes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await db.schema("residents").field("id_number_hash", .string).update()
        try await sql.create(index: "idx_residents_id_number_hash").unique().on("residents").column("id_number_hash").run()
        try await encryptExisting(sql)
    }

    /// Encrypts ID numbers stored in plain text by earlier versions, a page at a time.
    func encryptExisting(_ sql: any SQLDatabase) async throws {
        struct Row: Decodable { var id: UUID; var id_number: String }
        while true {
            let rows = try await sql.raw("SELECT id, id_number FROM residents WHERE id_number IS NOT NULL AND id_number_hash IS NULL LIMIT 1000")
                .all(decoding: Row.self)
            if rows.isEmpty { return }
            for row in rows {
                try await sql.update("residents")
                    .set("id_number", to: cipher.encrypt(row.id_number))
                    .set("id_number_hash", to: cipher.lookupHash(row.id_number))
                    .where("id", .equal, row.id).run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("api_tokens").delete()
        try await db.schema("rate_buckets").delete()
        try await db.schema("audit_head").delete()
        try await db.schema("audit_log").delete()
    }
}

import FluentKit
import Foundation
import SQLKit

/// Log-in sessions as rows (see `CreateSessions`). The web layer's session driver stores through
/// this; the data is the session's string map as JSON.
public struct SessionRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    struct Row: Decodable { var data: String }

    /// The session's data, or nil when it does not exist or has expired.
    public func read(_ id: String, now: Date) async throws -> [String: String]? {
        guard
            let row = try await sql.raw("SELECT data FROM sessions WHERE id = \(bind: id) AND expires_at > \(bind: now.timeIntervalSince1970)")
                .first(decoding: Row.self)
        else { return nil }
        return (try? JSONDecoder().decode([String: String].self, from: Data(row.data.utf8))) ?? [:]
    }

    /// Writes the session (insert or replace).
    public func write(_ id: String, data: [String: String], accountID: UUID?, expiresAt: Date) async throws {
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO sessions (id, account_id, data, expires_at) VALUES (\(bind: id), \(bind: accountID), \(bind: json), \(bind: expiresAt.timeIntervalSince1970)) \
            ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, data = excluded.data, expires_at = excluded.expires_at
            """
        ).run()
    }

    public func delete(_ id: String) async throws {
        try await sql.raw("DELETE FROM sessions WHERE id = \(bind: id)").run()
    }

    /// Ends every session of the account but `keep` (after a password change or reset, a role change, disabling).
    public func deleteAll(of accountID: UUID, except keep: String? = nil) async throws {
        try await sql.raw("DELETE FROM sessions WHERE account_id = \(bind: accountID) AND id <> \(bind: keep ?? "")").run()
    }

    /// Removes expired sessions.
    public func purge(now: Date) async throws {
        try await sql.raw("DELETE FROM sessions WHERE expires_at <= \(bind: now.timeIntervalSince1970)").run()
    }

    /// Sessions stored now (for tests and operations).
    public func count() async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

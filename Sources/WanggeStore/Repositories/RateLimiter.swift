import FluentKit
import Foundation
import SQLKit

/// Fixed-window rate limits kept in the database, so every instance behind the load balancer
/// counts the same attempts (an in-memory counter per instance would multiply the limit).
public struct RateLimiter: Sendable {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    public init(_ db: any Database) { self.db = db }

    /// Counts one hit against `key` and says whether it is within `limit` hits per `window`.
    public func hit(_ key: String, limit: Int, window: TimeInterval, now: Date) async throws -> Bool {
        let t = now.timeIntervalSince1970
        let expired = t - window
        let count = try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.raw("""
                INSERT INTO rate_buckets (key, window_start, count) VALUES (\(bind: key), \(bind: t), 1) \
                ON CONFLICT (key) DO UPDATE SET \
                count = CASE WHEN rate_buckets.window_start < \(bind: expired) THEN 1 ELSE rate_buckets.count + 1 END, \
                window_start = CASE WHEN rate_buckets.window_start < \(bind: expired) THEN \(bind: t) ELSE rate_buckets.window_start END
                """).run()
            return try await sql.raw("SELECT count FROM rate_buckets WHERE key = \(bind: key)").first()?.decode(column: "count", as: Int.self) ?? 1
        }
        return count <= limit
    }

    /// Forgets old windows; called now and then so the table stays small.
    public func sweep(olderThan cutoff: Date) async throws {
        try await sql.raw("DELETE FROM rate_buckets WHERE window_start < \(bind: cutoff.timeIntervalSince1970)").run()
    }
}

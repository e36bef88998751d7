import FluentKit
import Foundation
import SQLKit

/// Fixed-window rate limits kept in the database, so every instance behind the load balancer
/// counts the same attempts (an in-memory counter per instance would multiply the limit).
public struct RateLimiter: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// Counts `cost` hits (one by default) against `key` and says whether the window's total is
    /// still within `limit` per `window`.
    public func hit(_ key: String, cost: Int = 1, limit: Int, window: TimeInterval, now: Date) async throws -> Bool {
        try await db.transaction { tx in
            try await Self.count(key, cost: cost, window: window, now: now, on: tx.sql) <= limit
        }
    }

    /// The hits counted against `key` in its current window, without counting one.
    public func current(_ key: String, window: TimeInterval, now: Date) async throws -> Int {
        let expired = now.timeIntervalSince1970 - window
        return try await sql.raw("SELECT count FROM rate_buckets WHERE key = \(bind: key) AND window_start >= \(bind: expired)")
            .first()?.decode(column: "count", as: Int.self) ?? 0
    }

    /// Counts one hit inside the caller's transaction and returns the hits in the current window.
    public static func count(_ key: String, cost: Int = 1, window: TimeInterval, now: Date, on sql: any SQLDatabase) async throws -> Int {
        let t = now.timeIntervalSince1970
        let expired = t - window
        return try await sql.raw(
            """
            INSERT INTO rate_buckets (key, window_start, count) VALUES (\(bind: key), \(bind: t), \(bind: cost)) \
            ON CONFLICT (key) DO UPDATE SET \
            count = CASE WHEN rate_buckets.window_start < \(bind: expired) THEN \(bind: cost) ELSE rate_buckets.count + \(bind: cost) END, \
            window_start = CASE WHEN rate_buckets.window_start < \(bind: expired) THEN \(bind: t) ELSE rate_buckets.window_start END \
            RETURNING count
            """
        ).first()?.decode(column: "count", as: Int.self) ?? cost
    }

    /// Forgets old windows; called now and then so the table stays small.
    public func sweep(olderThan cutoff: Date) async throws {
        try await sql.raw("DELETE FROM rate_buckets WHERE window_start < \(bind: cutoff.timeIntervalSince1970)").run()
    }
}

/// A limit a case's intake counts against, checked in the transaction that writes the case (so a
/// burst of reports is counted exactly, and counted only if written).
public struct RateLimit: Sendable, Equatable {
    public var key: String
    public var limit: Int
    public var window: TimeInterval
    public init(key: String, limit: Int, window: TimeInterval) {
        self.key = key
        self.limit = limit
        self.window = window
    }
}

/// A write refused because its rate limit was used up.
public struct RateLimitExceeded: Error, Sendable, Equatable {
    public var key: String
}

import Vapor
import WanggeStore

/// Vapor's session driver over `SessionRepository`: sessions live in the database (so any instance
/// can serve any request), each row knows its account and when it expires, and nothing is written
/// for a visitor who has nothing to keep — an anonymous look at the log-in page or a grid's QR page
/// leaves no row behind (its CSRF token is a cookie of its own, see `CSRF`).
///
/// A signed-in session expires `idleTimeout` after it was last used, and never later than
/// `absoluteTimeout` after log-in. A session without an account (half-way through the two-step
/// log-in, or carrying a notice for the log-in page) lives `pendingLifetime`.
struct DatabaseSessions: SessionDriver {
    static let pendingLifetime: TimeInterval = 10 * 60
    static let noticeGrace: TimeInterval = 60 * 60

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        let id = SessionID(string: [UInt8].random(count: 32).base64URL)
        return write(id, data, request).map { id }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            let values = try await SessionRepository(request.db).read(sessionID.string, now: request.now)
            request.storage[ReadSessionKey.self] = values
            return values.map { SessionData(initialData: $0) }
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        write(sessionID, data, request).map { sessionID }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask { try await SessionRepository(request.db).delete(sessionID.string) }
    }

    func write(_ id: SessionID, _ data: SessionData, _ req: Request) -> EventLoopFuture<Void> {
        req.eventLoop.makeFutureWithTask {
            let sessions = SessionRepository(req.db)
            let values = data.snapshot
            // Nothing worth keeping: no row (an empty session that existed is removed).
            guard !values.isEmpty else { return try await sessions.delete(id.string) }
            // Unchanged since it was read for this request: nothing to write (most requests).
            if let read = req.storage[ReadSessionKey.self], read == values { return }
            try await sessions.write(
                id.string, data: values, accountID: values[SessionKeys.account].flatMap(UUID.init(uuidString:)),
                expiresAt: Self.expiry(values, now: req.now, policy: req.policy))
        }
    }

    static func expiry(_ values: [String: String], now: Date, policy: SecurityPolicy) -> Date {
        guard values[SessionKeys.account] != nil else { return now.addingTimeInterval(pendingLifetime) }
        let created = values[SessionKeys.created].flatMap(Double.init) ?? now.timeIntervalSince1970
        let seen = values[SessionKeys.seen].flatMap(Double.init) ?? now.timeIntervalSince1970
        // The row outlives the session by `noticeGrace`, so the log-in page can still say why it ended
        // (the viewer middleware ends it on time); after that it is purged.
        return Date(timeIntervalSince1970: min(seen + policy.idleTimeout, created + policy.absoluteTimeout) + noticeGrace)
    }
}

/// The session's values as read at the start of the request, to tell whether it needs writing back.
struct ReadSessionKey: StorageKey { typealias Value = [String: String] }

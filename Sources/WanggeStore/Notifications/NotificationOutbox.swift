import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// A notification as the outbox page and the case page show it: the recipient masked.
public struct OutboxItem: Sendable, Equatable {
    public var id: UUID
    /// The case whose step it tells of, and its tracking code.
    public var caseID: UUID
    public var caseCode: String
    /// The case of the reporter it goes to (the same case, or one merged into it).
    public var recipientCaseID: UUID
    public var channel: NoticeChannel
    /// The phone or e-mail, masked (`Mask`); "—" when it cannot be read.
    public var recipient: String
    public var notice: ReporterNotice
    public var delivery: Delivery
    public var createdAt: Date
}

/// A row one instance has claimed for one attempt: the address in clear, for the sender only.
public struct ClaimedNotification: Sendable, Equatable {
    public var id: UUID
    public var leaseToken: UUID
    public var channel: NoticeChannel
    /// The phone or e-mail; nil when the reporter's case no longer has one.
    public var address: String?
    public var notice: ReporterNotice
    public var delivery: Delivery
}

/// The notification outbox (P4, C4 "explained to the reporter"). Notices are queued by
/// `enqueue` inside the transaction of the case step that causes them; instances deliver them by
/// claiming due rows with a lease (`claim`), then marking each sent or failed. The rules are
/// `DeliveryMachine`'s; the SQL here mirrors `DeliveryMachine.isDue` so that a claim is one UPDATE.
public struct NotificationOutbox: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    // MARK: Queueing

    struct NewRow: Encodable {
        var id: UUID
        var case_id: UUID
        var event_seq: Int
        var recipient_case_id: UUID
        var channel: String
        var kind: String
        var reason: String?
        var level: String?
        var state: String
        var attempts: Int
        var next_attempt_at: Date
        var created_at: Date
    }

    /// Queues what `event` (number `seq` on `row`'s timeline) tells the reporters: the case's own and
    /// those of every case merged into it, one row per reporter and channel they left an address for.
    /// A reporter with neither phone nor e-mail gets nothing. Runs in the step's transaction; the
    /// unique key makes queueing the same step twice a no-op.
    static func enqueue(_ event: CaseEvent, seq: Int, on row: CaseRow, on sql: any SQLDatabase) async throws {
        guard let kind = ReporterNoticeKind.forEvent(event) else { return }
        struct Contact: Decodable {
            var id: UUID
            var reporter_phone: String?
            var reporter_email: String?
        }
        var contacts = [Contact(id: row.id, reporter_phone: row.reporterPhone, reporter_email: row.reporterEmail)]
        let merged = try await CaseRepository.mergedIDs(into: row.id, on: sql)
        if !merged.isEmpty {
            contacts += try await sql.raw("SELECT id, reporter_phone, reporter_email FROM cases WHERE id IN (\(binds: merged)) ORDER BY id")
                .all(decoding: Contact.self)
        }
        let rows = contacts.flatMap { c -> [NewRow] in
            let channels = [(NoticeChannel.sms, c.reporter_phone), (.email, c.reporter_email)].compactMap { $0.1 == nil ? nil : $0.0 }
            return channels.map { channel in
                NewRow(
                    id: UUID(), case_id: row.id, event_seq: seq, recipient_case_id: c.id, channel: channel.rawValue, kind: kind.rawValue,
                    reason: event.reason, level: kind == .escalated ? event.level?.rawValue : nil, state: DeliveryState.queued.rawValue,
                    attempts: 0, next_attempt_at: event.at, created_at: event.at)
            }
        }
        guard !rows.isEmpty else { return }
        try await sql.insert(into: "notifications").models(rows, nilEncodingStrategy: .asNil).ignoringConflicts().run()
    }

    // MARK: Delivering

    /// The SQL form of `DeliveryMachine.isDue` (table alias none).
    static func dueCondition(now: Date, policy: DeliveryPolicy) -> SQLQueryString {
        """
        ((state IN ('queued', 'retrying') AND next_attempt_at <= \(bind: now)) \
        OR (state = 'sending' AND lease_until <= \(bind: now) AND attempts < \(bind: policy.maxAttempts)))
        """
    }

    /// Claims up to `limit` due rows of `channels` for one attempt, in one UPDATE whose WHERE re-checks
    /// that each is still due, so two instances never hold the same row (on PostgreSQL the inner select
    /// also skips rows another instance is claiming). Rows of a channel without a sender are never
    /// claimed: they stay queued.
    public func claim(channels: Set<NoticeChannel>, now: Date, policy: DeliveryPolicy, limit: Int = 20) async throws -> [ClaimedNotification] {
        guard let token = try await Self.claim(table: "notifications", channels: channels, now: now, policy: policy, limit: limit, on: sql) else { return [] }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Stored.columns), r.tracking_code AS recipient_code, r.reporter_phone, r.reporter_email \
            FROM notifications n JOIN cases r ON r.id = n.recipient_case_id WHERE n.lease_token = \(bind: token) ORDER BY n.next_attempt_at
            """
        ).all(decoding: Stored.self)
        return rows.map { r in
            ClaimedNotification(id: r.id, leaseToken: token, channel: r.noticeChannel, address: r.address(cipher), notice: r.notice, delivery: r.delivery)
        }
    }

    /// The sender took it. False when the lease was lost meanwhile (another instance took the row over).
    @discardableResult
    public func markSent(_ c: ClaimedNotification, now: Date) async throws -> Bool {
        let next: Delivery
        do { next = try DeliveryMachine.succeed(c.delivery, now: now) } catch { return false }
        return try await save(next, id: c.id, token: c.leaseToken)
    }

    /// The attempt failed: retried after the backoff, or a dead letter after the last attempt.
    @discardableResult
    public func markFailed(_ c: ClaimedNotification, error: String, now: Date, policy: DeliveryPolicy) async throws -> Bool {
        let next: Delivery
        do { next = try DeliveryMachine.fail(c.delivery, error: error, now: now, policy: policy) } catch { return false }
        return try await save(next, id: c.id, token: c.leaseToken)
    }

    /// Gives a claimed row back untried (`DeliveryMachine.release`): due again at once, the attempt not counted.
    @discardableResult
    public func release(_ c: ClaimedNotification) async throws -> Bool {
        let next: Delivery
        do { next = try DeliveryMachine.release(c.delivery) } catch { return false }
        return try await save(next, id: c.id, token: c.leaseToken)
    }

    func save(_ d: Delivery, id: UUID, token: UUID) async throws -> Bool {
        try await Self.save(d, table: "notifications", id: id, token: token, on: sql)
    }

    /// Marks claimed rows of `table` (an outbox table with the delivery machine's columns) for one
    /// attempt in one UPDATE whose WHERE re-checks that each is still due; returns the lease token
    /// the claimed rows now carry, or nil when none was due.
    static func claim(
        table: String, channels: Set<NoticeChannel>, now: Date, policy: DeliveryPolicy, limit: Int, on sql: any SQLDatabase
    ) async throws -> UUID? {
        guard !channels.isEmpty else { return nil }
        let token = UUID()
        let lease = now.addingTimeInterval(policy.lease)
        let names = channels.map(\.rawValue).sorted()
        let skip: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let due = Self.dueCondition(now: now, policy: policy)
        let claimed = try await sql.raw(
            """
            UPDATE \(ident: table) SET state = 'sending', attempts = attempts + 1, lease_until = \(bind: lease), lease_token = \(bind: token) \
            WHERE id IN (SELECT id FROM \(ident: table) WHERE \(due) AND channel IN (\(binds: names)) \
            ORDER BY next_attempt_at LIMIT \(count: limit)\(skip)) AND \(due) RETURNING id
            """
        ).all()
        return claimed.isEmpty ? nil : token
    }

    /// Saves what the delivery machine made of a claimed row, only while the lease is still ours.
    static func save(_ d: Delivery, table: String, id: UUID, token: UUID, on sql: any SQLDatabase) async throws -> Bool {
        let updated = try await sql.raw(
            """
            UPDATE \(ident: table) SET state = \(bind: d.state.rawValue), attempts = \(bind: d.attempts), next_attempt_at = \(bind: d.nextAttemptAt), \
            lease_until = NULL, lease_token = NULL, last_error = \(bind: d.lastError), sent_at = \(bind: d.sentAt) \
            WHERE id = \(bind: id) AND lease_token = \(bind: token) AND state = 'sending' RETURNING id
            """
        ).all()
        return updated.count == 1
    }

    /// Rows left in `sending` by an instance that went away after their last attempt become dead letters
    /// (`DeliveryMachine.abandon`). Returns how many.
    @discardableResult
    public func abandonStale(now: Date, policy: DeliveryPolicy) async throws -> Int {
        try await Self.abandonStale(table: "notifications", now: now, policy: policy, on: sql)
    }

    static func abandonStale(table: String, now: Date, policy: DeliveryPolicy, on sql: any SQLDatabase) async throws -> Int {
        let rows = try await sql.raw(
            """
            UPDATE \(ident: table) SET state = 'dead', lease_until = NULL, lease_token = NULL, last_error = \(bind: L10n.t("notify.sweep.abandoned")) \
            WHERE state = 'sending' AND lease_until <= \(bind: now) AND attempts >= \(bind: policy.maxAttempts) RETURNING id
            """
        ).all()
        return rows.count
    }

    /// How long a sent notice stays listed on the outbox page before it is removed.
    public static let keepSentDays = 180

    /// How many notices are in each state (queued, retrying, sending, sent, dead): the backlog for /metrics.
    public func stateCounts() async throws -> [String: Int] {
        let rows = try await sql.raw("SELECT state, COUNT(*) AS n FROM notifications GROUP BY state").all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "state", as: String.self), try $0.decode(column: "n", as: Int.self)) })
    }

    /// Removes sent notices older than `keepSentDays` (at most `limit` a call, so a sweep round stays
    /// short; the next round takes the rest). Queued, retrying and dead notices are never removed, and
    /// a step is never queued again once committed, so no notice is sent twice. Returns how many.
    @discardableResult
    public func pruneSent(now: Date, limit: Int = 5000) async throws -> Int {
        let before = now.addingTimeInterval(-Double(Self.keepSentDays) * 86_400)
        let rows = try await sql.raw(
            """
            DELETE FROM notifications WHERE id IN \
            (SELECT id FROM notifications WHERE state = 'sent' AND sent_at < \(bind: before) ORDER BY sent_at LIMIT \(count: limit)) RETURNING id
            """
        ).all()
        return rows.count
    }

    // MARK: Operators

    /// 立即重发: a dead letter in scope goes back to the queue with a full set of attempts.
    public func retryNow(_ id: UUID, in scope: Scope, now: Date) async throws -> OutboxItem {
        guard let item = try await list(in: scope, id: id).first else { throw StoreError.notFound("notification") }
        let next: Delivery
        do { next = try DeliveryMachine.retryNow(item.delivery, now: now) } catch { throw StoreError(.conflict, "notify.not_dead") }
        let updated = try await sql.raw(
            """
            UPDATE notifications SET state = \(bind: next.state.rawValue), attempts = 0, next_attempt_at = \(bind: next.nextAttemptAt), \
            lease_until = NULL, lease_token = NULL WHERE id = \(bind: id) AND state = 'dead' RETURNING id
            """
        ).all()
        guard updated.count == 1 else { throw StoreError(.conflict, "notify.not_dead") }
        var after = item
        after.delivery = next
        return after
    }

    /// The outbox in scope (scoped by the case whose step the notice tells of), newest first, paged
    /// by key: `after` is the id of the last row of the previous page.
    public func list(
        in scope: Scope, state: DeliveryState? = nil, caseID: UUID? = nil, id: UUID? = nil, after: UUID? = nil, limit: Int = 100
    ) async throws -> [OutboxItem] {
        var conditions: [SQLQueryString] = [scope.caseCondition("c")]
        if let state { conditions.append("n.state = \(bind: state.rawValue)") }
        if let caseID { conditions.append("(n.case_id = \(bind: caseID) OR n.recipient_case_id = \(bind: caseID))") }
        if let id { conditions.append("n.id = \(bind: id)") }
        if let after {
            let at: SQLQueryString = "(SELECT created_at FROM notifications WHERE id = \(bind: after))"
            conditions.append("(n.created_at, n.id) < (\(at), \(bind: after))")
        }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Stored.columns), r.tracking_code AS recipient_code, r.reporter_phone, r.reporter_email, c.tracking_code AS case_code \
            FROM notifications n JOIN cases c ON c.id = n.case_id JOIN cases r ON r.id = n.recipient_case_id \
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY n.created_at DESC, n.id DESC LIMIT \(count: limit)
            """
        ).all(decoding: Stored.self)
        return rows.map { r in
            let channel = r.noticeChannel
            return OutboxItem(
                id: r.id, caseID: r.case_id, caseCode: r.case_code ?? r.recipient_code, recipientCaseID: r.recipient_case_id, channel: channel,
                recipient: r.address(cipher).map { channel == .sms ? Mask.phone($0) : Mask.email($0) } ?? "—", notice: r.notice, delivery: r.delivery,
                createdAt: r.created_at)
        }
    }

    struct Stored: Decodable {
        var id: UUID
        var case_id: UUID
        var recipient_case_id: UUID
        var channel: String
        var kind: String
        var reason: String?
        var level: String?
        var state: String
        var attempts: Int
        var next_attempt_at: Date
        var lease_until: Date?
        var last_error: String?
        var created_at: Date
        var sent_at: Date?
        var recipient_code: String
        var reporter_phone: String?
        var reporter_email: String?
        var case_code: String?

        static let columns = """
            n.id, n.case_id, n.recipient_case_id, n.channel, n.kind, n.reason, n.level, n.state, n.attempts, n.next_attempt_at, \
            n.lease_until, n.last_error, n.created_at, n.sent_at
            """

        var noticeChannel: NoticeChannel { NoticeChannel(rawValue: channel) ?? .sms }

        /// The reporter's phone or e-mail for this row's channel, decrypted; nil when there is none or it cannot be read.
        func address(_ cipher: FieldCipher) -> String? {
            (noticeChannel == .sms ? reporter_phone : reporter_email).flatMap { try? cipher.decrypt($0) }
        }

        var notice: ReporterNotice {
            ReporterNotice(
                kind: ReporterNoticeKind(rawValue: kind) ?? .accepted, trackingCode: recipient_code, reason: reason,
                level: level.flatMap(UnitLevel.init(rawValue:)))
        }

        var delivery: Delivery {
            Delivery(
                state: DeliveryState(rawValue: state) ?? .queued, attempts: attempts, nextAttemptAt: next_attempt_at, leaseUntil: lease_until,
                lastError: last_error, sentAt: sent_at)
        }
    }
}

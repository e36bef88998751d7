import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeTestSupport

@testable import WanggeStore

@Suite("Notification outbox: queued with the step, once per reporter; claimed with a lease; retried, dead-lettered")
struct NotificationOutboxTests {
    static let t0 = CaseStoreTests.t0
    static let op = CaseStoreTests.operatorActor
    static let policy = DeliveryPolicy(maxAttempts: 3, baseDelay: 60, maxDelay: 600, lease: 120)

    static func sorted(_ grids: [String: UnitRow]) -> [UnitRow] { grids.values.sorted { $0.code < $1.code } }

    static func outbox(_ db: any Database) -> NotificationOutbox { NotificationOutbox(db, cipher: TestDatabase.keys.cipher) }

    static func draft(_ point: GeoPoint?, phone: String? = nil, email: String? = nil) -> CaseIntake {
        var d = CaseStoreTests.draft(at: point, phone: phone)
        d.reporterEmail = email
        return d
    }

    /// (case, recipient case, channel, kind) of every queued row, sorted.
    static func rows(_ db: any Database) async throws -> [String] {
        struct Row: Decodable {
            var case_id: UUID
            var recipient_case_id: UUID
            var channel: String
            var kind: String
        }
        let rows = try await Fixture.sql(db).raw("SELECT case_id, recipient_case_id, channel, kind FROM notifications").all(decoding: Row.self)
        return rows.map { "\($0.case_id) \($0.recipient_case_id) \($0.channel) \($0.kind)" }.sorted()
    }

    static func key(_ caseID: UUID, _ recipient: UUID, _ channel: NoticeChannel, _ kind: ReporterNoticeKind) -> String {
        "\(caseID) \(recipient) \(channel.rawValue) \(kind.rawValue)"
    }

    @Test("each step is queued once per reporter and channel, merged reporters included; a replayed step queues nothing", arguments: TestDatabase.enabled)
    func oncePerReporter(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let grids = try await Fixture.grids(db)
            let grid = try #require(Self.sorted(grids).first)
            let point = try CaseStoreTests.point(in: grid)
            let repo = CaseStoreTests.repo(db)
            let a = try await repo.intake(Self.draft(point, phone: "13800001111", email: "a@example.cn"), actor: Self.op, at: Self.t0)
            let b = try await repo.intake(Self.draft(point, phone: "13800002222"), actor: Self.op, at: Self.t0)
            let c = try await repo.intake(Self.draft(point), actor: Self.op, at: Self.t0)
            let reported = try await Self.rows(db)
            #expect(reported.isEmpty, "a report itself is answered by its receipt")

            // MUT: merge two duplicates into a, then accept and close a.
            var t = Self.t0
            func next() -> Date {
                t = t.addingTimeInterval(60)
                return t
            }
            try await repo.apply(.merge(into: a.id.uuidString), to: b.id, actor: Self.op, in: .everything, at: next())
            try await repo.apply(.merge(into: a.id.uuidString), to: c.id, actor: Self.op, in: .everything, at: next())
            try await repo.apply(.accept(), to: a.id, expectedVersion: 1, actor: Self.op, in: .everything, at: next())
            let replay = await Fixture.storeError {
                try await repo.apply(.accept(), to: a.id, expectedVersion: 1, actor: Self.op, in: .everything, at: next())
            }
            try await repo.apply(.close(), to: a.id, actor: Self.op, in: .everything, at: next())

            // validate
            #expect(replay?.key == "case.stale")
            let expected = [
                Self.key(b.id, b.id, .sms, .merged),
                Self.key(a.id, a.id, .sms, .accepted), Self.key(a.id, a.id, .email, .accepted), Self.key(a.id, b.id, .sms, .accepted),
                Self.key(a.id, a.id, .sms, .closed), Self.key(a.id, a.id, .email, .closed), Self.key(a.id, b.id, .sms, .closed),
            ].sorted()
            let queued = try await Self.rows(db)
            #expect(queued == expected, "the reporter with no address (c) gets nothing; b hears of a's steps with its own code")

            // Queueing the same step again (a retried transaction) is a no-op by the unique key.
            let timeline = try await repo.timeline(a.id)
            let accept = try #require(timeline.first { $0.action == .accept })
            let row = try await repo.get(a.id, in: .everything)
            let event = CaseEvent(action: .accept, from: .reported, to: .accepted, actor: .operator_, at: accept.at)
            try await NotificationOutbox.enqueue(event, seq: accept.seq, on: row, on: Fixture.sql(db))
            let again = try await Self.rows(db)
            #expect(again == expected)

            // b's notice names b's own tracking code, never a's.
            let items = try await Self.outbox(db).list(in: .everything, caseID: b.id)
            let forB = items.filter { $0.recipientCaseID == b.id }
            #expect(forB.count == 3 && forB.allSatisfy { $0.notice.trackingCode == b.trackingCode && $0.recipient == "138****2222" })
            let forA = try await Self.outbox(db).list(in: .everything, caseID: a.id)
            let email = try #require(forA.first { $0.channel == .email })
            #expect(email.recipient == "*@example.cn", "masked")
        }
    }

    @Test("the sweeper's escalation is queued in its transaction, once", arguments: TestDatabase.enabled)
    func escalationOnce(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(Self.sorted(grids).first)
            let c = try await CaseStoreTests.repo(db).intake(Self.draft(try CaseStoreTests.point(in: grid), phone: "13800003333"), actor: Self.op, at: Self.t0)
            let sweeper = CaseSweeper(db, cipher: TestDatabase.keys.cipher)
            let late = c.respondBy.addingTimeInterval(60)
            _ = try await sweeper.sweep(now: late)
            _ = try await sweeper.sweep(now: late.addingTimeInterval(60))
            let items = try await Self.outbox(db).list(in: .everything)
            #expect(items.map(\.notice.kind) == [.escalated])
            #expect(items.first?.notice.level == .community)
            #expect(items.first?.notice.text(publicBaseURL: nil).contains("社区") == true)
        }
    }

    /// A case with a phone, accepted: one SMS notice queued at `t0 + 60`.
    static func oneNotice(_ db: any Database) async throws -> OutboxItem {
        let grids = try await Fixture.grids(db)
        let grid = try #require(Self.sorted(grids).first)
        let repo = CaseStoreTests.repo(db)
        let c = try await repo.intake(Self.draft(try CaseStoreTests.point(in: grid), phone: "13800004444"), actor: Self.op, at: Self.t0)
        try await repo.apply(.accept(), to: c.id, actor: Self.op, in: .everything, at: Self.t0.addingTimeInterval(60))
        let items = try await Self.outbox(db).list(in: .everything, caseID: c.id)
        return try #require(items.first)
    }

    @Test("a failure is retried after a doubling backoff, a dead letter after the last attempt, and sent again by hand", arguments: TestDatabase.enabled)
    func retryAndDeadLetter(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let item = try await Self.oneNotice(db)
            let outbox = Self.outbox(db)
            var now = item.delivery.nextAttemptAt
            var waits: [TimeInterval] = []

            // MUT: three failed attempts
            for attempt in 1...3 {
                let early = try await outbox.claim(channels: [.sms], now: now.addingTimeInterval(-1), policy: Self.policy)
                #expect(early.isEmpty, "not before its time")
                let claimed = try await outbox.claim(channels: [.sms], now: now, policy: Self.policy)
                #expect(claimed.map(\.id) == [item.id])
                let c = try #require(claimed.first)
                #expect(c.address == "13800004444" && c.delivery.attempts == attempt)
                let marked = try await outbox.markFailed(c, error: "HTTP 503 busy", now: now, policy: Self.policy)
                #expect(marked)
                let listed = try await outbox.list(in: .everything, id: item.id)
                let after = try #require(listed.first)
                if attempt < 3 {
                    #expect(after.delivery.state == .retrying)
                    waits.append(after.delivery.nextAttemptAt.timeIntervalSince(now))
                    now = after.delivery.nextAttemptAt
                } else {
                    #expect(after.delivery.state == .dead && after.delivery.lastError == "HTTP 503 busy" && after.delivery.attempts == 3)
                }
            }

            // validate
            #expect(waits == [60, 120])
            let none = try await outbox.claim(channels: [.sms], now: now.addingTimeInterval(86400), policy: Self.policy)
            #expect(none.isEmpty, "a dead letter is not tried again by itself")
            let dead = try await outbox.list(in: .everything, state: .dead)
            #expect(dead.map(\.id) == [item.id])

            let retried = try await outbox.retryNow(item.id, in: .everything, now: now)
            #expect(retried.delivery.state == .queued)
            let twice = await Fixture.storeError { try await outbox.retryNow(item.id, in: .everything, now: now) }
            #expect(twice?.key == "notify.not_dead")
            let claimed = try await outbox.claim(channels: [.sms], now: now, policy: Self.policy)
            let c = try #require(claimed.first)
            #expect(c.delivery.attempts == 1)
            let sent = try await outbox.markSent(c, now: now)
            #expect(sent)
            let done = try await outbox.list(in: .everything, state: .sent)
            #expect(done.map(\.id) == [item.id])
            let later = try await outbox.claim(channels: [.sms], now: now.addingTimeInterval(86400), policy: Self.policy)
            #expect(later.isEmpty, "nothing is sent twice")
        }
    }

    @Test("sent notices are pruned after 180 days; queued and dead ones never", arguments: TestDatabase.enabled)
    func pruneSent(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup: one notice sent, one dead letter.
            let sent = try await Self.oneNotice(db)
            let outbox = Self.outbox(db)
            let now = sent.delivery.nextAttemptAt
            let c = try #require(try await outbox.claim(channels: [.sms], now: now, policy: Self.policy).first)
            try await outbox.markSent(c, now: now)
            let repo = CaseStoreTests.repo(db)
            let other = try await repo.intake(
                Self.draft(try CaseStoreTests.point(in: try #require(Self.sorted(try await Fixture.grids(db)).first)), phone: "13800005555"), actor: Self.op,
                at: Self.t0)
            try await repo.apply(.accept(), to: other.id, actor: Self.op, in: .everything, at: Self.t0.addingTimeInterval(60))
            let dead = try #require(try await outbox.list(in: .everything, caseID: other.id).first)
            try await Fixture.sql(db).raw("UPDATE notifications SET state = 'dead' WHERE id = \(bind: dead.id)").run()
            let days = Double(NotificationOutbox.keepSentDays) * 86_400
            // MUT
            let early = try await outbox.pruneSent(now: now.addingTimeInterval(days - 1))
            let due = try await outbox.pruneSent(now: now.addingTimeInterval(days + 1))
            let again = try await outbox.pruneSent(now: now.addingTimeInterval(10 * days))
            // validate
            #expect(early == 0 && due == 1 && again == 0)
            let left = try await outbox.list(in: .everything).map(\.id)
            #expect(left == [dead.id])
        }
    }

    @Test("a lease keeps a row with one instance; a lapsed lease passes it on and the first holder cannot mark it", arguments: TestDatabase.enabled)
    func lease(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let item = try await Self.oneNotice(db)
            let outbox = Self.outbox(db)
            let now = item.delivery.nextAttemptAt
            async let one = outbox.claim(channels: [.sms], now: now, policy: Self.policy)
            async let two = outbox.claim(channels: [.sms], now: now, policy: Self.policy)
            let (first, second) = try await (one, two)
            #expect(first.count + second.count == 1, "two instances claiming at once: one gets the row")
            let holder = try #require((first + second).first)
            let meanwhile = try await outbox.claim(channels: [.sms], now: now.addingTimeInterval(119), policy: Self.policy)
            #expect(meanwhile.isEmpty)

            let takeover = try await outbox.claim(channels: [.sms], now: now.addingTimeInterval(121), policy: Self.policy)
            #expect(takeover.map(\.id) == [item.id] && takeover.first?.delivery.attempts == 2)
            let stale = try await outbox.markSent(holder, now: now.addingTimeInterval(122))
            #expect(!stale, "the instance that lost its lease cannot mark the row")
            let fresh = try await outbox.markSent(try #require(takeover.first), now: now.addingTimeInterval(122))
            #expect(fresh)

            // A row left sending after its last attempt becomes a dead letter.
            let other = try await Self.oneNotice(db)
            var t = other.delivery.nextAttemptAt
            for _ in 1...3 {
                _ = try await outbox.claim(channels: [.sms], now: t, policy: Self.policy)
                t = t.addingTimeInterval(121)
            }
            let abandoned = try await outbox.abandonStale(now: t, policy: Self.policy)
            #expect(abandoned == 1)
            let state = try await outbox.list(in: .everything, id: other.id).first?.delivery.state
            #expect(state == .dead)
        }
    }

    @Test("with no sender for its channel a notice stays queued", arguments: TestDatabase.enabled)
    func noSender(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let item = try await Self.oneNotice(db)
            let outbox = Self.outbox(db)
            let nothing = try await outbox.claim(channels: [], now: Self.t0.addingTimeInterval(86400), policy: Self.policy)
            let emailOnly = try await outbox.claim(channels: [.email], now: Self.t0.addingTimeInterval(86400), policy: Self.policy)
            #expect(nothing.isEmpty && emailOnly.isEmpty)
            let after = try await outbox.list(in: .everything, id: item.id).first
            #expect(after?.delivery.state == .queued && after?.delivery.attempts == 0)
        }
    }

    @Test("the outbox is scoped by the case's grid", arguments: TestDatabase.enabled)
    func scoped(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let item = try await Self.oneNotice(db)
            let own = try await Self.outbox(db).list(in: .subtree(of: grids[0]))
            let other = try await Self.outbox(db).list(in: .subtree(of: grids[3]))
            #expect(own.map(\.id) == [item.id])
            #expect(other.isEmpty)
            let refused = await Fixture.storeError { try await Self.outbox(db).retryNow(item.id, in: .subtree(of: grids[3]), now: Self.t0) }
            #expect(refused?.kind == .notFound)

            // Pages by key, newest first; rows queued at the same moment are told apart by id.
            let second = try await Self.oneNotice(db)
            let page1 = try await Self.outbox(db).list(in: .everything, limit: 1)
            let page2 = try await Self.outbox(db).list(in: .everything, after: page1.first?.id, limit: 1)
            let page3 = try await Self.outbox(db).list(in: .everything, after: page2.first?.id, limit: 1)
            #expect(Set(page1.map(\.id) + page2.map(\.id)) == [item.id, second.id] && page3.isEmpty)
        }
    }

    @Test("a reporter's e-mail is checked, stored encrypted and moved by key rotation", arguments: TestDatabase.enabled)
    func emailStored(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            func key(_ id: String, _ byte: UInt8) throws -> FieldCipher.Key { try FieldCipher.Key(id: id, bytes: Array(repeating: byte, count: 32)) }
            let old = try FieldCipher(keys: [key("k1", 1)])
            let both = try FieldCipher(keys: [key("k3", 3), key("k1", 1)])
            let c = try await CaseRepository(db, cipher: old).intake(Self.draft(nil, email: " Li@Example.CN "), actor: Self.op, at: Self.t0)
            #expect(c.reporterEmail == "Li@example.cn")
            let raw = try await Fixture.sql(db).raw("SELECT reporter_email FROM cases").first()?.decode(column: "reporter_email", as: String.self)
            #expect(raw != nil && raw != "Li@example.cn")
            let bad = await Fixture.storeError { try await CaseRepository(db, cipher: old).intake(Self.draft(nil, email: "li@"), actor: Self.op, at: Self.t0) }
            #expect(bad?.field == "email")
            let report = try await KeyRotation(db, cipher: both).rotate()
            #expect(report.reporterEmails == 1)
            let remaining = try await KeyRotation(db, cipher: both).remaining()
            #expect(remaining == 0)
            let reread = try await CaseRepository(db, cipher: try FieldCipher(keys: [key("k3", 3)])).get(c.id, in: .everything).reporterEmail
            #expect(reread == "Li@example.cn")
        }
    }
}

import Foundation
import Testing
import WanggeCore

@Suite("Notification delivery: queued → sending → sent / retrying / dead, with backoff and leases")
struct NotificationsDeliveryTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let policy = DeliveryPolicy(maxAttempts: 4, baseDelay: 60, maxDelay: 300, lease: 120)

    /// The specification, held apart from the code: which states a row may be claimed in.
    static let claimable: Set<DeliveryState> = [.queued, .retrying]

    @Test("backoff doubles from the base and stops at the cap")
    func backoff() {
        #expect((1...5).map { Self.policy.backoff(afterAttempt: $0) } == [60, 120, 240, 300, 300])
        let standard = DeliveryPolicy()
        #expect(standard.maxAttempts == 8)
        #expect((1...8).map { standard.backoff(afterAttempt: $0) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(DeliveryPolicy(maxAttempts: 0).maxAttempts == 1, "at least one attempt")
    }

    @Test("a queued row is claimed, holds a lease and is sent")
    func sent() throws {
        let queued = Delivery(nextAttemptAt: Self.t0)
        #expect(!DeliveryMachine.isDue(queued, now: Self.t0.addingTimeInterval(-1), policy: Self.policy))
        let sending = try DeliveryMachine.claim(queued, now: Self.t0, policy: Self.policy)
        #expect(sending.state == .sending && sending.attempts == 1 && sending.leaseUntil == Self.t0.addingTimeInterval(120))
        #expect(!DeliveryMachine.isDue(sending, now: Self.t0.addingTimeInterval(119), policy: Self.policy), "the lease holds the row")
        #expect(throws: DeliveryProblem.notDue(.sending)) { try DeliveryMachine.claim(sending, now: Self.t0.addingTimeInterval(60), policy: Self.policy) }
        let sent = try DeliveryMachine.succeed(sending, now: Self.t0.addingTimeInterval(1))
        #expect(sent.state == .sent && sent.sentAt == Self.t0.addingTimeInterval(1) && sent.leaseUntil == nil)
        #expect(!DeliveryMachine.isDue(sent, now: Self.t0.addingTimeInterval(1e6), policy: Self.policy), "nothing is sent twice")
        #expect(throws: DeliveryProblem.notSending(.sent)) { try DeliveryMachine.succeed(sent, now: Self.t0) }
    }

    @Test("failures retry after a doubling wait, and the last one makes a dead letter")
    func retriesThenDead() throws {
        var d = Delivery(nextAttemptAt: Self.t0)
        var now = Self.t0
        var waits: [TimeInterval] = []
        for attempt in 1...Self.policy.maxAttempts {
            #expect(DeliveryMachine.isDue(d, now: now, policy: Self.policy))
            d = try DeliveryMachine.claim(d, now: now, policy: Self.policy)
            #expect(d.attempts == attempt)
            d = try DeliveryMachine.fail(d, error: "HTTP 503", now: now, policy: Self.policy)
            #expect(d.lastError == "HTTP 503")
            if attempt < Self.policy.maxAttempts {
                #expect(d.state == .retrying)
                waits.append(d.nextAttemptAt.timeIntervalSince(now))
                #expect(!DeliveryMachine.isDue(d, now: d.nextAttemptAt.addingTimeInterval(-1), policy: Self.policy))
                now = d.nextAttemptAt
            }
        }
        #expect(waits == [60, 120, 240])
        #expect(d.state == .dead && d.attempts == 4)
        #expect(!DeliveryMachine.isDue(d, now: now.addingTimeInterval(1e6), policy: Self.policy), "a dead letter waits for a person")

        // 立即重发 starts it over with every attempt.
        let again = try DeliveryMachine.retryNow(d, now: now)
        #expect(again.state == .queued && again.attempts == 0 && again.nextAttemptAt == now)
        #expect(throws: DeliveryProblem.notDead(.queued)) { try DeliveryMachine.retryNow(again, now: now) }
    }

    @Test("a row given back untried is not charged the attempt")
    func release() throws {
        let first = try DeliveryMachine.claim(Delivery(nextAttemptAt: Self.t0), now: Self.t0, policy: Self.policy)
        let back = try DeliveryMachine.release(first)
        #expect(back.state == .queued && back.attempts == 0 && back.leaseUntil == nil && DeliveryMachine.isDue(back, now: Self.t0, policy: Self.policy))
        let failed = try DeliveryMachine.fail(first, error: "x", now: Self.t0, policy: Self.policy)
        let second = try DeliveryMachine.claim(failed, now: failed.nextAttemptAt, policy: Self.policy)
        let again = try DeliveryMachine.release(second)
        #expect(again.state == .retrying && again.attempts == 1 && again.lastError == "x")
        #expect(throws: DeliveryProblem.notSending(.retrying)) { try DeliveryMachine.release(again) }
    }

    @Test("a lapsed lease frees the row for another instance; after the last attempt it is abandoned as dead")
    func lapsedLease() throws {
        let sending = try DeliveryMachine.claim(Delivery(nextAttemptAt: Self.t0), now: Self.t0, policy: Self.policy)
        let later = Self.t0.addingTimeInterval(121)
        #expect(DeliveryMachine.isDue(sending, now: later, policy: Self.policy))
        let taken = try DeliveryMachine.claim(sending, now: later, policy: Self.policy)
        #expect(taken.attempts == 2)

        let last = Delivery(state: .sending, attempts: 4, nextAttemptAt: Self.t0, leaseUntil: Self.t0)
        #expect(!DeliveryMachine.isDue(last, now: later, policy: Self.policy))
        #expect(DeliveryMachine.isAbandoned(last, now: later, policy: Self.policy))
        let dead = try DeliveryMachine.abandon(last, now: later, policy: Self.policy, error: "lease")
        #expect(dead.state == .dead && dead.lastError == "lease")
    }

    @Test("only queued and retrying rows (and lapsed leases) are due, in every state")
    func dueTable() {
        for state in DeliveryState.allCases {
            let d = Delivery(state: state, attempts: 1, nextAttemptAt: Self.t0, leaseUntil: Self.t0.addingTimeInterval(10))
            #expect(DeliveryMachine.isDue(d, now: Self.t0, policy: Self.policy) == Self.claimable.contains(state), "\(state)")
        }
    }
}

@Suite("What a reporter is told")
struct NotificationsNoticeTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func event(_ action: CaseActionKind, reason: String? = nil, level: UnitLevel? = nil) -> CaseEvent {
        CaseEvent(action: action, from: .reported, to: .accepted, actor: .operator_, at: t0, reason: reason, level: level)
    }

    @Test("the steps a reporter hears of, and only those")
    func kinds() {
        let told: [CaseActionKind: ReporterNoticeKind] = [
            .accept: .accepted, .reject: .rejected, .escalate: .escalated, .suspend: .suspended, .markUnsolvable: .unsolvable,
            .close: .closed, .resolveOnSpot: .closed, .reopen: .reopened, .merge: .merged,
        ]
        for action in CaseActionKind.allCases {
            #expect(ReporterNoticeKind.forEvent(Self.event(action)) == told[action], "\(action)")
        }
    }

    @Test("the text names the tracking code, the step, the reason (scrubbed) and the link")
    func text() {
        let rejected = ReporterNotice(kind: .rejected, trackingCode: "ABCDEFGH", reason: "不属于本平台受理范围，请拨打13812345678")
        let t = rejected.text(publicBaseURL: "https://wangge.example.cn/")
        #expect(t.hasPrefix("【网格】"))
        #expect(t.contains("ABCD-EFGH") && t.contains("不予受理") && t.contains("不属于本平台受理范围"))
        #expect(!t.contains("13812345678"), "numbers in a reason are starred as on the tracking page")
        #expect(t.contains("https://wangge.example.cn/t/ABCDEFGH"))

        let closed = ReporterNotice(kind: .closed, trackingCode: "ABCDEFGH").text(publicBaseURL: nil)
        #expect(closed.contains("已办结") && closed.contains("评价") && !closed.contains("/t/"), "no relative link in a text message")

        let up = ReporterNotice(kind: .escalated, trackingCode: "ABCDEFGH", reason: "超时未办结", level: .street).text(publicBaseURL: nil)
        #expect(up.contains("街道") && up.contains("超时未办结"))
        #expect(ReporterNotice(kind: .accepted, trackingCode: "ABCDEFGH").subject == "您反映的问题 ABCD-EFGH：已受理")
    }

    @Test("e-mail addresses are checked and masked")
    func email() {
        #expect(EmailAddress.normalize(" Zhang.San@Example.CN ") == "Zhang.San@example.cn")
        for bad in ["", "zhang", "zhang@", "@example.cn", "zhang@example", "a@b@c.cn", "zhang san@example.cn", "zhang@exa_mple.cn", "张三@example.cn", ".a@example.cn", "a..b@example.cn"] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
        #expect(Mask.email("zhangsan@example.cn") == "z******n@example.cn")
        #expect(Mask.email("ab@example.cn") == "**@example.cn")
    }
}

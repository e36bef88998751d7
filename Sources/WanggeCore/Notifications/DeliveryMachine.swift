import Foundation

/// Where one queued notification stands. Raw values are stored, so they never change.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt (or for a sender of its channel to be configured).
    case queued
    /// Claimed by one instance, which holds a lease on it until `leaseUntil`.
    case sending
    /// The sender accepted it (SMTP 250 after DATA, a 2xx from the SMS gateway).
    case sent
    /// The last attempt failed; tried again at `nextAttemptAt`.
    case retrying
    /// Every attempt failed: a dead letter, kept until someone sends it again by hand.
    case dead

    public var nameKey: String { "notify.state.\(rawValue)" }
}

/// How hard delivery tries: attempts before a dead letter, the backoff between attempts (doubling
/// from `baseDelay` up to `maxDelay`), and how long a claim holds a row before another instance may
/// take it over (a sender that died mid-send).
public struct DeliveryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var lease: TimeInterval

    public init(maxAttempts: Int = 8, baseDelay: TimeInterval = 60, maxDelay: TimeInterval = 3600, lease: TimeInterval = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
        self.lease = max(1, lease)
    }

    /// The wait after the `attempt`-th failed attempt (1-based): base, 2·base, 4·base … capped.
    public func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let doublings = min(max(attempt - 1, 0), 30)
        return min(maxDelay, baseDelay * Double(1 << doublings))
    }
}

/// What the delivery machine needs to know about one notification.
public struct Delivery: Sendable, Hashable {
    public var state: DeliveryState
    /// Attempts started so far (a claim starts one).
    public var attempts: Int
    /// When the row may be claimed next (queued and retrying rows).
    public var nextAttemptAt: Date
    /// While sending: when the claim lapses.
    public var leaseUntil: Date?
    public var lastError: String?
    public var sentAt: Date?

    public init(
        state: DeliveryState = .queued, attempts: Int = 0, nextAttemptAt: Date, leaseUntil: Date? = nil,
        lastError: String? = nil, sentAt: Date? = nil
    ) {
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.lastError = lastError
        self.sentAt = sentAt
    }
}

/// Delivery of one notification as a pure function, like the case loop: queued → sending → sent,
/// or → retrying (after a backoff) → sending … → dead after the last attempt; a dead letter goes
/// back to queued only by hand. Storage claims rows with an UPDATE whose WHERE is `isDue`, so two
/// instances never hold the same row; a lapsed lease (the sender died) makes it due again.
public enum DeliveryMachine {
    /// Whether a row may be claimed at `now`.
    public static func isDue(_ d: Delivery, now: Date, policy: DeliveryPolicy) -> Bool {
        switch d.state {
        case .queued, .retrying: d.nextAttemptAt <= now
        case .sending: (d.leaseUntil ?? now) <= now && d.attempts < policy.maxAttempts
        case .sent, .dead: false
        }
    }

    /// Whether a row is stuck in `sending` after its last attempt: its lease lapsed and no attempt is left.
    public static func isAbandoned(_ d: Delivery, now: Date, policy: DeliveryPolicy) -> Bool {
        d.state == .sending && (d.leaseUntil ?? now) <= now && d.attempts >= policy.maxAttempts
    }

    /// One instance takes the row for one attempt, holding it until the lease lapses.
    public static func claim(_ d: Delivery, now: Date, policy: DeliveryPolicy) throws(DeliveryProblem) -> Delivery {
        guard isDue(d, now: now, policy: policy) else { throw .notDue(d.state) }
        var next = d
        next.state = .sending
        next.attempts += 1
        next.leaseUntil = now.addingTimeInterval(policy.lease)
        return next
    }

    /// The sender took it.
    public static func succeed(_ d: Delivery, now: Date) throws(DeliveryProblem) -> Delivery {
        guard d.state == .sending else { throw .notSending(d.state) }
        var next = d
        next.state = .sent
        next.sentAt = now
        next.leaseUntil = nil
        next.lastError = nil
        return next
    }

    /// The sender refused or could not be reached: again after the backoff, or a dead letter
    /// after the last attempt. The error is kept for the outbox page.
    public static func fail(_ d: Delivery, error: String, now: Date, policy: DeliveryPolicy) throws(DeliveryProblem) -> Delivery {
        guard d.state == .sending else { throw .notSending(d.state) }
        var next = d
        next.leaseUntil = nil
        next.lastError = String(error.prefix(500))
        if d.attempts >= policy.maxAttempts {
            next.state = .dead
        } else {
            next.state = .retrying
            next.nextAttemptAt = now.addingTimeInterval(policy.backoff(afterAttempt: d.attempts))
        }
        return next
    }

    /// A claimed row given back untried (its sender could not be reached for an earlier row of the same
    /// round): the attempt is not counted, and it is due again when it was before the claim.
    public static func release(_ d: Delivery) throws(DeliveryProblem) -> Delivery {
        guard d.state == .sending else { throw .notSending(d.state) }
        var next = d
        next.attempts = max(0, d.attempts - 1)
        next.state = next.attempts == 0 ? .queued : .retrying
        next.leaseUntil = nil
        return next
    }

    /// A row whose lease lapsed after its last attempt becomes a dead letter (the instance sending it went away).
    public static func abandon(_ d: Delivery, now: Date, policy: DeliveryPolicy, error: String) throws(DeliveryProblem) -> Delivery {
        guard isAbandoned(d, now: now, policy: policy) else { throw .notSending(d.state) }
        var next = d
        next.state = .dead
        next.leaseUntil = nil
        next.lastError = error
        return next
    }

    /// 重新发送: someone sends a dead letter again by hand; it starts over with a full set of attempts.
    public static func retryNow(_ d: Delivery, now: Date) throws(DeliveryProblem) -> Delivery {
        guard d.state == .dead else { throw .notDead(d.state) }
        var next = d
        next.state = .queued
        next.attempts = 0
        next.nextAttemptAt = now
        next.leaseUntil = nil
        return next
    }
}

public enum DeliveryProblem: Error, Sendable, Equatable {
    case notDue(DeliveryState)
    case notSending(DeliveryState)
    case notDead(DeliveryState)
}

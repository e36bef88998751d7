import Foundation
import WanggeCore

/// A row one instance has claimed for one attempt, whatever it tells: the address in clear and the
/// words, for the sender only.
public protocol ClaimedDelivery: Sendable {
    var id: UUID { get }
    var channel: NoticeChannel { get }
    /// The phone or e-mail; nil when the register no longer has one.
    var address: String? { get }
    var subject: String { get }
    /// What the gateway may quote back: a case's tracking code, a notice's number.
    var reference: String { get }
    func text(publicBaseURL: String?) -> String
}

/// An outbox table the delivery rounds work through the same way: claim due rows with a lease, then
/// mark each sent, failed or given back. The reporters' notices (`NotificationOutbox`) and the
/// households' notices (`NoticeReachRepository`) are two of them, sharing senders and rules.
public protocol DeliveryQueue: Sendable {
    associatedtype Claim: ClaimedDelivery
    func claim(channels: Set<NoticeChannel>, now: Date, policy: DeliveryPolicy, limit: Int) async throws -> [Claim]
    @discardableResult func markSent(_ c: Claim, now: Date) async throws -> Bool
    @discardableResult func markFailed(_ c: Claim, error: String, now: Date, policy: DeliveryPolicy) async throws -> Bool
    @discardableResult func release(_ c: Claim) async throws -> Bool
    @discardableResult func abandonStale(now: Date, policy: DeliveryPolicy) async throws -> Int
}

extension ClaimedNotification: ClaimedDelivery {
    public var subject: String { notice.subject }
    public var reference: String { notice.trackingCode }
    public func text(publicBaseURL: String?) -> String { notice.text(publicBaseURL: publicBaseURL) }
}

extension NotificationOutbox: DeliveryQueue {}

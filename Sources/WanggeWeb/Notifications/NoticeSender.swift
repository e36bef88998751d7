import Foundation
import WanggeCore

/// One notice ready to go: the address in clear and the words.
struct OutgoingNotice: Sendable, Equatable {
    var id: UUID
    var channel: NoticeChannel
    var address: String
    var subject: String
    var text: String
    var trackingCode: String
}

/// Something that delivers a notice on one channel, or throws saying why not. A return means the
/// other side took it (SMTP 250 after the message, a 2xx from the gateway).
protocol NoticeSender: Sendable {
    func send(_ message: OutgoingNotice) async throws
}

/// Why a notice was not delivered, in words for the outbox page. `unreachable` says the sender itself
/// could not be reached (no connection, no answer), so the round stops trying that channel.
struct NoticeFailure: Error, Sendable, CustomStringConvertible {
    var description: String
    var unreachable = false
}

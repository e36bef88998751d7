import Foundation
import NIOCore
import NIOPosix

/// Where and as whom mail is sent: `WANGGE_SMTP_HOST`, `WANGGE_SMTP_PORT` (25), `WANGGE_SMTP_FROM`,
/// `WANGGE_SMTP_HELO` (the name this host gives in EHLO).
struct SMTPSettings: Sendable, Equatable {
    var host: String
    var port: Int
    var from: String
    var helo: String
    var timeout: TimeInterval = 10
}

/// An error from the mail server or the connection, with what the server said, for the outbox page.
struct SMTPFailure: Error, Sendable, CustomStringConvertible {
    var step: String
    var reply: String
    var description: String { "SMTP \(step): \(reply)" }
}

/// A plain SMTP client (RFC 5321) over SwiftNIO: EHLO (HELO if refused), MAIL FROM, RCPT TO, DATA with
/// dot-stuffing, QUIT — one connection per message. No TLS and no authentication: it is meant for a
/// relay on the local network that takes mail from this host.
struct SMTPSender: NoticeSender {
    let settings: SMTPSettings
    let group: any EventLoopGroup

    func send(_ message: OutgoingNotice) async throws {
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "localhost"
        let mail = MailMessage(
            from: settings.from, to: message.address, subject: message.subject, body: message.text, date: Date(),
            messageID: "\(UUID().uuidString.lowercased())@\(domain)")
        try await withDeadline(seconds: settings.timeout) { try await self.deliver(mail) }
    }

    func deliver(_ mail: MailMessage) async throws {
        let channel: NIOAsyncChannel<String, ByteBuffer>
        do { channel = try await connect() } catch { throw NoticeFailure(description: "SMTP connect: \(error)", unreachable: true) }
        try await converse(mail, on: channel)
    }

    func connect() async throws -> NIOAsyncChannel<String, ByteBuffer> {
        try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(settings.timeout)))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One message over an open connection, from the greeting to QUIT.
    func converse(_ mail: MailMessage, on channel: NIOAsyncChannel<String, ByteBuffer>) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> SMTPReply {
                var collected: [String] = []
                while let line = try await lines.next() {
                    guard let parsed = SMTPReply.parse(line) else { throw SMTPFailure(step: "reply", reply: line) }
                    collected.append(parsed.text)
                    if parsed.last { return SMTPReply(code: parsed.code, lines: collected) }
                }
                throw SMTPFailure(step: "reply", reply: "connection closed")
            }
            func send(_ text: String) async throws {
                try await outbound.write(ByteBuffer(string: text))
            }
            func expect(_ step: String, _ ok: ClosedRange<Int>) async throws -> SMTPReply {
                let r = try await reply()
                guard ok.contains(r.code) else { throw SMTPFailure(step: step, reply: "\(r.code) \(r.text)") }
                return r
            }
            _ = try await expect("greeting", 220...220)
            try await send("EHLO \(settings.helo)\r\n")
            let ehlo = try await reply()
            if !(200...299).contains(ehlo.code) {
                try await send("HELO \(settings.helo)\r\n")
                _ = try await expect("HELO", 250...250)
            }
            try await send("MAIL FROM:<\(mail.from)>\r\n")
            _ = try await expect("MAIL FROM", 250...250)
            try await send("RCPT TO:<\(mail.to)>\r\n")
            _ = try await expect("RCPT TO", 250...251)
            try await send("DATA\r\n")
            _ = try await expect("DATA", 354...354)
            try await send(MailMessage.dotStuffed(mail.rendered))
            _ = try await expect("message", 250...250)
            try await send("QUIT\r\n")
            _ = try? await reply()
        }
    }
}

/// Splits what the server sends into lines (CRLF or LF), as text.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            // A server that sends a line longer than SMTP allows (1000) is not one to talk to.
            if buffer.readableBytes > 4096 { throw SMTPFailure(step: "reply", reply: "line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Runs `body`, or throws when it takes longer than `seconds` (a server that stops answering).
func withDeadline<T: Sendable>(seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw NoticeFailure(description: "no answer in \(Int(seconds)) s", unreachable: true)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

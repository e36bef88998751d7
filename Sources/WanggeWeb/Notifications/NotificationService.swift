import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Delivers the notification outbox while the server runs, every `WANGGE_NOTIFY_SECONDS` on every
/// instance. Nothing is held in memory: each round claims due rows in the database with a lease
/// (`NotificationOutbox.claim`), so instances sharing one database never send the same row at once,
/// and a row an instance dropped mid-send is taken over once its lease lapses.
struct NotificationService: LifecycleHandler {
    let settings: NotificationSettings
    let task = SweeperService.TaskBox()

    func didBoot(_ app: Application) throws {
        guard settings.interval > 0, !settings.channels.isEmpty, app.environment != .testing, SweeperService.serving else { return }
        task.repeating(every: settings.interval, app, what: "notification delivery") { _ = try await Self.deliver($0) }
    }

    func shutdown(_ app: Application) {
        task.set(nil)
    }

    /// What one round did.
    struct Round: Sendable, Equatable {
        var sent = 0
        var failed = 0
    }

    /// The senders the configuration names, by channel.
    static func senders(_ app: Application) -> [NoticeChannel: any NoticeSender] {
        var s: [NoticeChannel: any NoticeSender] = [:]
        if let smtp = app.notificationSettings.smtp { s[.email] = SMTPSender(settings: smtp, group: app.eventLoopGroup) }
        if let sms = app.notificationSettings.sms { s[.sms] = SMSGatewaySender(settings: sms, client: app.client) }
        return s
    }

    /// One round with the configured senders, by the application's clock.
    /// The reporters' notices first, then the households' notices, with the same senders.
    static func deliver(_ app: Application) async throws -> Round {
        let senders = senders(app)
        let reporters = try await deliver(
            outbox: NotificationOutbox(app.db, cipher: app.keys.cipher), senders: senders, settings: app.notificationSettings,
            clock: app.clock, logger: app.logger)
        let households = try await deliver(
            outbox: NoticeReachRepository(app.db), senders: senders, settings: app.notificationSettings, clock: app.clock, logger: app.logger)
        return Round(sent: reporters.sent + households.sent, failed: reporters.failed + households.failed)
    }

    /// Claims due notices of the channels `senders` cover, a batch at a time until none is left, and
    /// sends each channel's in order, the channels side by side (a mail relay that is down does not hold
    /// up text messages). Each is marked sent or failed (retried after a backoff, dead after the last
    /// attempt); when a sender cannot be reached at all, the rest of its batch is given back untried.
    static func deliver<Queue: DeliveryQueue>(
        outbox: Queue, senders: [NoticeChannel: any NoticeSender], settings: NotificationSettings, clock: WanggeClock,
        logger: Logger, batch: Int = 20
    ) async throws -> Round {
        var round = Round()
        try await outbox.abandonStale(now: clock.now(), policy: settings.policy)
        var channels = Set(senders.keys)
        for _ in 0..<100 where !channels.isEmpty {
            let claimed = try await outbox.claim(channels: channels, now: clock.now(), policy: settings.policy, limit: batch)
            let results = try await withThrowingTaskGroup(of: (NoticeChannel, Round, Bool).self) { group in
                for (channel, rows) in Dictionary(grouping: claimed, by: \.channel) {
                    group.addTask {
                        try await send(rows, with: senders[channel], outbox: outbox, settings: settings, clock: clock, logger: logger)
                    }
                }
                var all: [(NoticeChannel, Round, Bool)] = []
                for try await r in group { all.append(r) }
                return all
            }
            for (channel, part, reachable) in results {
                round.sent += part.sent
                round.failed += part.failed
                if !reachable { channels.remove(channel) }
            }
            if claimed.count < batch { break }
        }
        if round.sent + round.failed > 0 { logger.info("\(L10n.t("notify.done", round.sent, round.failed))") }
        return round
    }

    /// Sends one channel's claimed rows in order; false in the result when its sender could not be reached.
    static func send<Queue: DeliveryQueue>(
        _ rows: [Queue.Claim], with sender: (any NoticeSender)?, outbox: Queue, settings: NotificationSettings,
        clock: WanggeClock, logger: Logger
    ) async throws -> (NoticeChannel, Round, Bool) {
        var round = Round()
        let channel = rows.first?.channel ?? .sms
        for (n, c) in rows.enumerated() {
            do {
                guard let sender else { throw NoticeFailure(description: L10n.t("notify.no_sender", L10n.t(c.channel.nameKey))) }
                guard let address = c.address else { throw NoticeFailure(description: L10n.t("notify.error.no_address")) }
                let message = OutgoingNotice(
                    id: c.id, channel: c.channel, address: address, subject: c.subject, text: c.text(publicBaseURL: settings.publicBaseURL),
                    trackingCode: c.reference)
                try await sender.send(message)
                try await outbox.markSent(c, now: clock.now())
                round.sent += 1
            } catch {
                logger.warning("notification \(c.id) (\(c.channel.rawValue)) failed: \(error)")
                try await outbox.markFailed(c, error: "\(error)", now: clock.now(), policy: settings.policy)
                round.failed += 1
                if (error as? NoticeFailure)?.unreachable == true {
                    for untried in rows.dropFirst(n + 1) { try await outbox.release(untried) }
                    return (channel, round, false)
                }
            }
        }
        return (channel, round, true)
    }
}

/// `wangge notify`: one delivery round of the notification outbox now, with the configured senders.
struct NotifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Send the reporters' notices that are due now with the configured senders (the server also does this every few seconds)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let r = try await NotificationService.deliver(context.application)
        context.console.print(L10n.t("notify.done", r.sent, r.failed))
    }
}

struct NotificationSettingsKey: StorageKey { typealias Value = NotificationSettings }

extension Application {
    /// The outbox's configuration (see `NotificationSettings`), read at start-up.
    var notificationSettings: NotificationSettings {
        get { storage[NotificationSettingsKey.self] ?? NotificationSettings(environment: [:]) }
        set { storage[NotificationSettingsKey.self] = newValue }
    }
}

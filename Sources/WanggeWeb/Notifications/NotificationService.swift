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
    static func deliver(_ app: Application) async throws -> Round {
        try await deliver(
            outbox: NotificationOutbox(app.db, cipher: app.keys.cipher), senders: senders(app), settings: app.notificationSettings,
            clock: app.clock, logger: app.logger)
    }

    /// Claims due notices of the channels `senders` cover, a batch at a time until none is left,
    /// sends each and marks it sent, or failed (retried after a backoff, dead after the last attempt).
    static func deliver(
        outbox: NotificationOutbox, senders: [NoticeChannel: any NoticeSender], settings: NotificationSettings, clock: WanggeClock,
        logger: Logger, batch: Int = 20
    ) async throws -> Round {
        var round = Round()
        try await outbox.abandonStale(now: clock.now(), policy: settings.policy)
        for _ in 0..<100 {
            let claimed = try await outbox.claim(channels: Set(senders.keys), now: clock.now(), policy: settings.policy, limit: batch)
            for c in claimed {
                do {
                    guard let sender = senders[c.channel] else { throw NoticeFailure(description: L10n.t("notify.no_sender", L10n.t(c.channel.nameKey))) }
                    guard let address = c.address else { throw NoticeFailure(description: L10n.t("notify.error.no_address")) }
                    let message = OutgoingNotice(
                        id: c.id, channel: c.channel, address: address, subject: c.notice.subject,
                        text: c.notice.text(publicBaseURL: settings.publicBaseURL), trackingCode: c.notice.trackingCode)
                    try await sender.send(message)
                    try await outbox.markSent(c, now: clock.now())
                    round.sent += 1
                } catch {
                    logger.warning("notification \(c.id) (\(c.channel.rawValue)) failed: \(error)")
                    try await outbox.markFailed(c, error: "\(error)", now: clock.now(), policy: settings.policy)
                    round.failed += 1
                }
            }
            if claimed.count < batch { break }
        }
        if round.sent + round.failed > 0 { logger.info("\(L10n.t("notify.done", round.sent, round.failed))") }
        return round
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

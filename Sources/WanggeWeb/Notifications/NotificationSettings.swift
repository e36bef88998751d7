import Foundation
import WanggeCore

/// The notification outbox's configuration, from the environment (documented in the README):
/// the public address links point at, a sender per channel (none configured: that channel's
/// notices stay queued), how often each instance delivers, and the retry policy.
struct NotificationSettings: Sendable, Equatable {
    /// `WANGGE_PUBLIC_URL`: where residents reach this server, for the `/t/{code}` link in each notice.
    var publicBaseURL: String?
    var smtp: SMTPSettings?
    var sms: SMSGatewaySettings?
    /// `WANGGE_NOTIFY_SECONDS` (default 10; 0 turns delivery off on this instance).
    var interval: Int = 10
    var policy = DeliveryPolicy()

    init(environment env: [String: String]) {
        func value(_ key: String) -> String? { env[key]?.trimmingCharacters(in: .whitespaces).trimmedOrNil }
        func number(_ key: String, min: Int) -> Int? { value(key).flatMap(Int.init).flatMap { $0 >= min ? $0 : nil } }
        publicBaseURL = value("WANGGE_PUBLIC_URL")
        if let host = value("WANGGE_SMTP_HOST") {
            smtp = SMTPSettings(
                host: host, port: number("WANGGE_SMTP_PORT", min: 1) ?? 25, from: value("WANGGE_SMTP_FROM") ?? "wangge@localhost",
                helo: value("WANGGE_SMTP_HELO") ?? "localhost")
        }
        if let url = value("WANGGE_SMS_URL") {
            sms = SMSGatewaySettings(
                url: url, template: value("WANGGE_SMS_TEMPLATE") ?? SMSGatewaySettings.defaultTemplate,
                contentType: value("WANGGE_SMS_CONTENT_TYPE") ?? SMSGatewaySettings.defaultContentType)
        }
        interval = number("WANGGE_NOTIFY_SECONDS", min: 0) ?? 10
        policy = DeliveryPolicy(
            maxAttempts: number("WANGGE_NOTIFY_MAX_ATTEMPTS", min: 1) ?? 8,
            baseDelay: TimeInterval(number("WANGGE_NOTIFY_BACKOFF_SECONDS", min: 0) ?? 60),
            maxDelay: TimeInterval(number("WANGGE_NOTIFY_BACKOFF_MAX_SECONDS", min: 0) ?? 3600),
            lease: TimeInterval(number("WANGGE_NOTIFY_LEASE_SECONDS", min: 1) ?? 120))
    }

    /// The channels this instance can send on.
    var channels: Set<NoticeChannel> {
        var c: Set<NoticeChannel> = []
        if smtp != nil { c.insert(.email) }
        if sms != nil { c.insert(.sms) }
        return c
    }
}

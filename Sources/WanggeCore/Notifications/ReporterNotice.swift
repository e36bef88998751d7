import Foundation

/// How a notice reaches a reporter. Raw values are stored.
public enum NoticeChannel: String, Sendable, Codable, CaseIterable {
    case sms
    case email

    public var nameKey: String { "notify.channel.\(rawValue)" }
}

/// The steps a reporter hears of (P4 "feedback to each reporter", C4 "explained to the reporter"),
/// one notice per reporter per step. Raw values are stored.
public enum ReporterNoticeKind: String, Sendable, Codable, CaseIterable {
    case accepted
    case rejected
    case escalated
    case suspended
    case unsolvable
    /// Closed and solved: the notice asks for the rating (回访).
    case closed
    case reopened
    case merged

    public var nameKey: String { "notify.kind.\(rawValue)" }

    /// The notice a timeline event calls for, or nil. Acceptance is told although the timeline does
    /// not mark it for the reporter (the tracking page shows it anyway): a reporter who phoned or wrote
    /// wants to know someone took it up. Callbacks are the reporter's own step; the staff's inner
    /// steps (dispatch, signing for, handling, verification) are not the reporter's business.
    public static func forEvent(_ event: CaseEvent) -> ReporterNoticeKind? {
        switch event.action {
        case .accept: .accepted
        case .reject: .rejected
        case .escalate: .escalated
        case .suspend: .suspended
        case .markUnsolvable: .unsolvable
        case .close, .resolveOnSpot: .closed
        case .reopen: .reopened
        case .merge: .merged
        default: nil
        }
    }
}

/// The words of one notice: a short Chinese text naming the tracking code, the step, the reason when
/// there is one, and the link to the tracking page. Reasons pass the public scrubber, as on the
/// tracking page, so a phone number typed into a reason is not sent on.
public struct ReporterNotice: Sendable, Equatable {
    public var kind: ReporterNoticeKind
    /// The reporter's own tracking code (a merged duplicate's reporter gets theirs, not the target's).
    public var trackingCode: String
    public var reason: String?
    /// For an escalation, the level the case went up to.
    public var level: UnitLevel?

    public init(kind: ReporterNoticeKind, trackingCode: String, reason: String? = nil, level: UnitLevel? = nil) {
        self.kind = kind
        self.trackingCode = trackingCode
        self.reason = reason
        self.level = level
    }

    /// The tracking page's address under `publicBaseURL` (`https://wangge.example.gov.cn`), or nil without one:
    /// a relative link means nothing in a text message.
    public func link(publicBaseURL: String?) -> String? {
        guard var base = publicBaseURL?.trimmingCharacters(in: .whitespaces), !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/t/" + trackingCode
    }

    public var subject: String { L10n.t("notify.subject", TrackingCode.display(trackingCode), L10n.t(kind.nameKey)) }

    /// The message text, for an SMS or the body of an e-mail.
    public func text(publicBaseURL: String?) -> String {
        let code = TrackingCode.display(trackingCode)
        let why = reason.map(PublicText.scrub).flatMap { $0.isEmpty ? nil : $0 }
        var s: String
        switch kind {
        case .escalated:
            s = L10n.t("notify.text.escalated", code, L10n.t((level ?? .district).nameKey))
        default:
            s = L10n.t("notify.text.\(kind.rawValue)", code)
        }
        if let why { s += L10n.t("notify.text.reason", why) }
        if let link = link(publicBaseURL: publicBaseURL) {
            s += L10n.t(kind == .closed ? "notify.text.rate_link" : "notify.text.link", link)
        } else if kind == .closed {
            s += L10n.t("notify.text.rate")
        }
        return L10n.t("notify.text.sign") + s
    }
}

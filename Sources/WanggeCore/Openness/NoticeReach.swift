import Foundation

/// Whom a notice is for. The whole unit is the notice board as it always was; buildings and care
/// groups narrow it to the households a grid's chat group would have told. Raw values are stored.
public enum NoticeAudience: String, Sendable, Codable, CaseIterable {
    case unit
    case buildings
    case careGroup = "care_group"

    public var nameKey: String { "reach.audience.\(rawValue)" }
}

/// How far a notice got with one household. A household counts once in each column it reached.
public struct HouseholdReach: Sendable, Equatable {
    /// A message went out to a resident's phone (the sender took it).
    public var delivered: Bool
    /// The household's own link was opened.
    public var opened: Bool
    /// The household's building was marked as posted (已张贴).
    public var printed: Bool

    public init(delivered: Bool, opened: Bool, printed: Bool) { (self.delivered, self.opened, self.printed) = (delivered, opened, printed) }

    /// Reached by no way at all.
    public var none: Bool { !delivered && !opened && !printed }
}

/// A notice's reach counted over its households: the numbers staff are shown, with their rates.
public struct NoticeReachCounts: Sendable, Equatable, Codable {
    /// Households the target resolved to.
    public var households: Int
    /// Of those, households with a phone on record, to whom a message was queued.
    public var withContact: Int
    public var delivered: Int
    public var opened: Int
    public var printed: Int
    public var none: Int

    public init(households: Int = 0, withContact: Int = 0, delivered: Int = 0, opened: Int = 0, printed: Int = 0, none: Int = 0) {
        (self.households, self.withContact, self.delivered, self.opened, self.printed, self.none) = (households, withContact, delivered, opened, printed, none)
    }

    /// Households with no contact on record: their notice is a printed sheet.
    public var toPrint: Int { households - withContact }

    /// Counts households by what reached them.
    public static func count(_ rows: [(hasContact: Bool, reach: HouseholdReach)]) -> NoticeReachCounts {
        var c = NoticeReachCounts()
        for r in rows {
            c.households += 1
            if r.hasContact { c.withContact += 1 }
            if r.reach.delivered { c.delivered += 1 }
            if r.reach.opened { c.opened += 1 }
            if r.reach.printed { c.printed += 1 }
            if r.reach.none { c.none += 1 }
        }
        return c
    }

    /// `part` of the households as a whole percentage, nil when there are none (no rate of nothing).
    public func rate(_ part: Int) -> Int? {
        households == 0 ? nil : Int((Double(part) * 100 / Double(households)).rounded())
    }

    enum CodingKeys: String, CodingKey {
        case households, delivered, opened, printed, none
        case withContact = "with_contact"
    }
}

/// The per-household link in a notice's message: an unguessable token and nothing else, so the
/// address says nothing about the household.
public enum NoticeToken {
    /// 128 random bits as 32 lower-case hexadecimal digits.
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// Whether `s` could be a token (checked before any look-up).
    public static func isWellFormed(_ s: String) -> Bool {
        s.count == 32 && s.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// The link under `publicBaseURL`, or nil without one: a relative link means nothing in a text message.
    public static func link(_ token: String, publicBaseURL: String?) -> String? {
        guard var base = publicBaseURL?.trimmingCharacters(in: .whitespaces), !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/n/" + token
    }
}

/// The words of a notice's message to one household: the unit, the title, and the household's link.
/// The title passes the public scrubber, as on the notice board.
public struct HouseholdNoticeMessage: Sendable, Equatable {
    public var unitName: String
    public var title: String
    public var token: String

    public init(unitName: String, title: String, token: String) { (self.unitName, self.title, self.token) = (unitName, title, token) }

    public var subject: String { L10n.t("reach.message.subject", unitName, PublicText.scrub(title)) }

    public func text(publicBaseURL: String?) -> String {
        let head = L10n.t("reach.message.text", unitName, PublicText.scrub(title))
        guard let link = NoticeToken.link(token, publicBaseURL: publicBaseURL) else { return head }
        return head + L10n.t("reach.message.link", link)
    }
}

/// What a letter to the mailbox (区长信箱、网络问政, C1) is about. A writer picks one of four plain
/// words; each opens a case in a seeded category of the 纠纷与咨询 class, whose department and
/// time limits then apply as for any other case.
public enum MailboxKind: String, Sendable, CaseIterable {
    case complaint  // 投诉
    case suggestion  // 建议
    case inquiry  // 咨询
    case help  // 求助

    public var nameKey: String { "mailbox.kind.\(rawValue)" }

    public var categoryKey: String {
        switch self {
        case .complaint: "appeal.complaint"
        case .suggestion: "appeal.suggestion"
        case .inquiry: "appeal.policy_inquiry"
        case .help: "appeal.help"
        }
    }
}

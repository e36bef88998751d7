/// What a 社情日志 entry is about. A short fixed list, so a community can count its grids' entries
/// by kind; anything else is 其他.
public enum SocialLogCategory: String, Sendable, Codable, CaseIterable {
    case publicOrder = "public_order"
    case environment
    case dispute
    case livelihood
    case other

    public var nameKey: String { "log.category.\(rawValue)" }
}

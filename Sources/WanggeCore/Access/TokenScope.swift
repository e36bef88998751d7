/// What an API token may do on its account's behalf. A token never exceeds its account's role;
/// the scope narrows it further (a phone terminal that only reads the register, an integration
/// that only imports).
public enum TokenScope: String, Sendable, Codable, CaseIterable {
    case registerRead = "register:read"
    case registerWrite = "register:write"
    case treeWrite = "tree:write"
    /// Full ID numbers and phones through the logged "show" (never implied by the others).
    case personalReveal = "personal:reveal"

    public var nameKey: String { "scope.\(rawValue.replacingOccurrences(of: ":", with: "_"))" }
}

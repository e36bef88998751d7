import WanggeCore

/// The one error type the storage layer throws. `key` is a localisation key (see `L10n`),
/// `args` fill its placeholders, and `field` names the input at fault where there is one.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case notFound, invalid, conflict }

    public let kind: Kind
    public let key: String
    public let args: [String]
    public let field: String?

    public init(_ kind: Kind, _ key: String, _ args: [String] = [], field: String? = nil) {
        self.kind = kind
        self.key = key
        self.args = args
        self.field = field
    }

    /// An out-of-scope id looks exactly like a missing one.
    public static func notFound(_ what: String) -> StoreError { StoreError(.notFound, "error.not_found", [what]) }

    public func message(_ lang: L10n.Language = .zh) -> String { L10n.format(key, args, lang: lang) }
    public var description: String { message(.en) }
}

/// The user-facing message of a domain problem, or a plain description of anything else.
func problemMessage(_ error: any Error) -> String {
    (error as? any LocalizedProblem)?.message() ?? "\(error)"
}

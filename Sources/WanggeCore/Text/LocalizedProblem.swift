/// An error a user may see. Cases carry a message key from the one `L10n` table and the
/// values to fill in, so the same error reads right in Chinese and English, in a web page
/// or an import report, without each caller writing its own wording.
///
/// An argument that is itself a term of the table (a level name, an encoding) is written
/// `"@" + key`, so it is translated along with the message instead of frozen in Chinese.
public protocol LocalizedProblem: Error, Sendable, Equatable {
    var messageKey: String { get }
    var args: [String] { get }
}

extension LocalizedProblem {
    public func message(_ lang: L10n.Language = .zh) -> String {
        let filled = args.map { arg in
            arg.hasPrefix("@") && L10n.has(String(arg.dropFirst())) ? L10n.format(String(arg.dropFirst()), [], lang: lang) : arg
        }
        return L10n.format(messageKey, filled, lang: lang)
    }
}

extension L10n {
    /// An argument that `LocalizedProblem.message` translates (see there).
    static func term(_ key: String) -> String { "@" + key }
}

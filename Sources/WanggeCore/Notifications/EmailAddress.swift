/// A reporter's e-mail address, checked the way a mail server will take it: one `@`, a local part
/// and a domain of plain ASCII (RFC 5321 mailbox, without quoted local parts or address literals,
/// which no resident types), at most 254 characters.
public enum EmailAddress {
    public static let maxLength = 254

    /// The address trimmed, with its domain in lower case, or nil when it is not one.
    public static func normalize(_ raw: String) -> String? {
        let s = raw.trimmingSpaces()
        guard s.count <= maxLength, s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else { return nil }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = String(parts[0]), domain = String(parts[1]).lowercased()
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy(localAllowed.contains),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return nil }
        }
        return local + "@" + domain
    }

    public static func isValid(_ raw: String) -> Bool { normalize(raw) != nil }
}

extension Mask {
    /// "zhangsan@example.com" → "z******n@example.com": the domain stays readable, the person does not.
    public static func email(_ s: String) -> String {
        let t = s.trimmingSpaces()
        guard let at = t.lastIndex(of: "@") else { return keep(first: 1, last: 1, of: t) }
        return keep(first: 1, last: 1, of: String(t[..<at])) + String(t[at...])
    }
}

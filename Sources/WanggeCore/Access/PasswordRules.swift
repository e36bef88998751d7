/// Password strength as GB/T 22239 level 3 assessors expect: at least 8 characters from at
/// least three of the four classes (lower, upper, digit, symbol).
public enum PasswordRules {
    public static let minimumLength = 8

    public static func isStrong(_ password: String) -> Bool {
        guard password.count >= minimumLength else { return false }
        var classes = 0
        if password.contains(where: { $0.isLowercase }) { classes += 1 }
        if password.contains(where: { $0.isUppercase }) { classes += 1 }
        if password.contains(where: { $0.isNumber }) { classes += 1 }
        if password.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        return classes >= 3
    }
}

/// What Excel does to a cell on its way through an office, undone where that is safe and named
/// where it is not (B6). Long numbers (ID numbers, 户号, phones) are where the damage is: Excel
/// reads them as numbers, keeps 15 significant digits and may write them in scientific notation.
public enum ExcelCells {
    /// An automatic change made to a cell, for the import report: "before → after" and why.
    public struct Fix: Sendable, Equatable {
        public var before: String
        public var after: String
        /// Localisation key of the reason.
        public var reason: String
        public var args: [String] = []

        public init(before: String, after: String, reason: String, args: [String] = []) {
            self.before = before
            self.after = after
            self.reason = reason
            self.args = args
        }
    }

    /// Damage that cannot be undone: the number is lost, the file must be made again.
    public enum Damage: Sendable, Equatable {
        /// `1.10105E+17`: stored as a number and written in scientific notation.
        case scientific
        /// `110105194912310000`: stored as a number, only 15 significant digits kept.
        case truncated

        public var messageKey: String {
            switch self {
            case .scientific: "excel.scientific"
            case .truncated: "excel.truncated"
            }
        }
    }

    /// A text cell: a leading apostrophe (Excel's "keep as text" mark) and stray tabs removed.
    public static func text(_ raw: String) -> (value: String, fix: Fix?) {
        var s = raw.trimmingSpaces()
        if s.hasPrefix("'") {
            s = String(s.dropFirst()).trimmingSpaces()
            return (s, Fix(before: raw, after: s, reason: "excel.fix.apostrophe"))
        }
        return (s, nil)
    }

    /// A long-number cell (ID number, 户号, phone): apostrophe dropped, full-width digits and letters
    /// made ASCII (each a `Fix`), then checked for what Excel's number format does to it.
    public static func longNumber(_ raw: String, digits expected: Int? = nil) -> (value: String, fixes: [Fix], damage: Damage?) {
        var fixes: [Fix] = []
        var (s, fix) = text(raw)
        if let fix { fixes.append(fix) }
        let narrow = halfWidth(s)
        if narrow != s {
            fixes.append(Fix(before: s, after: narrow, reason: "excel.fix.full_width"))
            s = narrow
        }
        if isScientific(s) { return (s, fixes, .scientific) }
        if let expected, isTruncated(s, digits: expected) { return (s, fixes, .truncated) }
        return (s, fixes, nil)
    }

    /// `1.10105E+17`, `1.1E17`, `4.4E+14`: a number Excel wrote in scientific notation.
    public static func isScientific(_ s: String) -> Bool {
        guard s.utf8.contains(UInt8(ascii: "E")) || s.utf8.contains(UInt8(ascii: "e")) else { return false }
        let u = Array(s.uppercased().utf8)
        guard let e = u.firstIndex(of: UInt8(ascii: "E")), e > 0, e < u.count - 1 else { return false }
        let mantissa = u[..<e], exponent = u[(e + 1)...]
        let isDigit = { (c: UInt8) in (48...57).contains(c) }
        let dots = mantissa.filter { $0 == UInt8(ascii: ".") }.count
        guard dots <= 1, mantissa.contains(where: isDigit), mantissa.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) else { return false }
        let exp = exponent.first == UInt8(ascii: "+") ? exponent.dropFirst() : exponent[...]
        return !exp.isEmpty && exp.allSatisfy(isDigit)
    }

    /// All digits, as long as expected, and every digit after the 15th a zero: what is left of a
    /// longer number Excel kept to 15 significant digits. (A real number ends in 000 one time in a
    /// thousand; for ID numbers the caller also checks the check digit before blaming Excel.)
    public static func isTruncated(_ s: String, digits: Int) -> Bool {
        guard digits > 15, s.count == digits, s.utf8.allSatisfy({ (48...57).contains($0) }) else { return false }
        return s.utf8.dropFirst(15).allSatisfy { $0 == UInt8(ascii: "0") }
    }

    /// Full-width digits, letters and the full-width hyphen made ASCII (０１２ → 012, ｘ → x).
    public static func halfWidth(_ s: String) -> String {
        // Full-width forms are U+FF01…U+FF5E: three UTF-8 bytes starting EF BC or EF BD.
        guard s.utf8.contains(0xEF) else { return s }
        return String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { u in
                    switch u.value {
                    case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF0D: Unicode.Scalar(u.value - 0xFEE0)!
                    default: u
                    }
                }))
    }

    /// A 15-digit ID number of the 1984–1999 format made 18 by GB 11643-1999: "19" before the
    /// two-digit year and a check character at the end. Nil when `s` is not 15 digits.
    public static func upgradeID(_ s: String) -> String? {
        guard s.count == 15, s.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let body = String(s.prefix(6)) + "19" + String(s.dropFirst(6))
        return ResidentID.checkCharacter(for: body).map { body + String($0) }
    }
}

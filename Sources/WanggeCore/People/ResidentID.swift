/// A resident identity number per GB 11643-1999: 6-digit region, 8-digit birth date,
/// 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2 check character.
public struct ResidentID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public enum Sex: String, Sendable, Codable { case male, female }

    public enum Problem: Error, Sendable, Equatable {
        case wrongLength(Int)
        case notDigits
        case badRegion
        case badBirthDate
        case futureBirthDate
        case badCheck(expected: Character)
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits, or nil if they are not 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.utf8.map { Int($0) - 48 }
        guard digits.count == 17, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkChars[sum % 11]
    }

    /// Validates and normalises (lower-case x becomes X). `today` bounds the birth date.
    public init(_ raw: String, today: SimpleDate = .today) throws(Problem) {
        let s = raw.trimmingSpaces().uppercased()
        guard s.count == 18 else { throw .wrongLength(s.count) }
        let body = String(s.prefix(17))
        guard body.utf8.allSatisfy({ (48...57).contains($0) }) else { throw .notDigits }
        let last = s.last!
        guard last == "X" || last.isASCII && last.isNumber else { throw .notDigits }
        let province = Int(body.prefix(2))!
        guard (11...82).contains(province) else { throw .badRegion }
        let y = Int(body.dropFirst(6).prefix(4))!, m = Int(body.dropFirst(10).prefix(2))!, d = Int(body.dropFirst(12).prefix(2))!
        guard y >= 1850, let birth = SimpleDate(year: y, month: m, day: d) else { throw .badBirthDate }
        guard birth <= today else { throw .futureBirthDate }
        let expected = Self.checkCharacter(for: body)!
        guard expected == last else { throw .badCheck(expected: expected) }
        value = s
    }

    /// Builds a valid number from its parts (used by the demo generator).
    public static func make(region: String, birth: SimpleDate, sequence: Int) -> ResidentID {
        let body = region + birth.compact + String.zeroPadded(sequence, width: 3)
        return ResidentID(unchecked: body + String(checkCharacter(for: body)!))
    }

    private init(unchecked: String) { value = unchecked }

    public var region: String { String(value.prefix(6)) }
    public var birthDate: SimpleDate {
        let y = Int(value.dropFirst(6).prefix(4))!, m = Int(value.dropFirst(10).prefix(2))!, d = Int(value.dropFirst(12).prefix(2))!
        return SimpleDate(year: y, month: m, day: d)!
    }
    public var sex: Sex { Int(String(value.dropFirst(16).prefix(1)))! % 2 == 1 ? .male : .female }
    public var description: String { value }
}

extension String {
    /// `n` left-padded with zeros to `width` digits.
    public static func zeroPadded(_ n: Int, width: Int) -> String {
        let digits = "\(n)"
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }

    /// Trims ASCII and full-width spaces, tabs and line ends (Excel pastes all of them).
    public func trimmingSpaces() -> String {
        // Most cells have nothing to trim: an ASCII letter, digit or CJK lead byte at both ends.
        if let first = utf8.first, let last = utf8.last, Self.plainEnd(first), Self.plainEnd(last) { return self }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\r" || $0 == "\n" || $0 == "\u{FEFF}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }

    /// A first or last byte that cannot belong to a space `trimmingSpaces` removes (0x20, tab, CR,
    /// LF, and the last bytes of U+3000 and U+FEFF).
    static func plainEnd(_ b: UInt8) -> Bool { b > 0x20 && b != 0x80 && b != 0xBF && b != 0xE3 && b != 0xEF }

    /// Nil for the empty string, else the string as it is.
    public var nilIfEmpty: String? { isEmpty ? nil : self }

    /// The string trimmed of spaces (`trimmingSpaces`), or nil when nothing is left.
    public var trimmedOrNil: String? {
        let t = trimmingSpaces()
        return t.isEmpty ? nil : t
    }
}

extension ResidentID {
    /// The number in 64 bits (the first 17 digits times 11 plus the check character, X as 10),
    /// so that a million numbers can be held to find repeats without a million strings.
    public var packed: UInt64 {
        var n: UInt64 = 0
        for c in value.utf8.prefix(17) { n = n * 10 + UInt64(c &- 48) }
        let last = value.utf8.last ?? 48
        return n * 11 + (last == UInt8(ascii: "X") || last == UInt8(ascii: "x") ? 10 : UInt64(last &- 48))
    }
}

/// Chinese phone numbers as residents and staff write them on forms and in spreadsheets.
public enum Phone {
    /// Mainland area codes with three digits (Beijing and the 02x cities); all others have four.
    static let threeDigitAreaCodes: Set<String> = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]

    /// A mobile as 11 digits ("13812345678") or a landline as "0AA-NNNNNNNN"/"0AAA-NNNNNNN".
    /// Spaces, dashes, brackets, full-width digits and a +86/0086 prefix are accepted.
    public static func normalize(_ raw: String) throws(PhoneProblem) -> String {
        var digits = ""
        var dashAt: Int?
        for c in raw.trimmingSpaces() {
            if let d = asciiDigit(c) {
                digits.append(d)
            } else if "-－—–".contains(c) {
                if dashAt == nil, !digits.isEmpty { dashAt = digits.count }
            } else if c == "(" || c == ")" || c == "（" || c == "）" {
                // "(010)12345678" marks the area code like a dash does.
                if c == ")" || c == "）", dashAt == nil { dashAt = digits.count }
            } else if c == " " || c == "\u{3000}" || c == "\t" {
                continue
            } else if c == "+", digits.isEmpty {
                continue
            } else {
                throw .invalidCharacter(String(c))
            }
        }
        guard !digits.isEmpty else { throw .empty }
        if digits.hasPrefix("0086") {
            digits.removeFirst(4)
            dashAt = nil
        } else if digits.hasPrefix("86"), digits.count == 13 {
            digits.removeFirst(2)
            dashAt = nil
        }
        if digits.hasPrefix("0") { return try landline(digits, dashAt: dashAt) }
        let second = digits.dropFirst().first ?? "0"
        if digits.hasPrefix("1"), ("3"..."9").contains(second) { return try mobile(digits) }
        if (7...8).contains(digits.count) { throw .missingAreaCode }
        if digits.hasPrefix("1") { return try mobile(digits) }
        throw .unknownFormat
    }

    public static func isValid(_ raw: String) -> Bool { (try? normalize(raw)) != nil }

    static func asciiDigit(_ c: Character) -> Character? {
        guard let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1 else { return nil }
        if (48...57).contains(v) { return c }
        if (0xFF10...0xFF19).contains(v) { return Character(Unicode.Scalar(v - 0xFF10 + 48)!) }
        return nil
    }

    static func mobile(_ d: String) throws(PhoneProblem) -> String {
        guard d.count == 11 else { throw .wrongMobileLength(d.count) }
        let second = d.dropFirst().first!
        guard ("3"..."9").contains(second) else { throw .notMobilePrefix(String(d.prefix(3))) }
        return d
    }

    static func landline(_ d: String, dashAt: Int?) throws(PhoneProblem) -> String {
        let areaLength: Int
        if let dashAt {
            areaLength = dashAt
        } else {
            areaLength = threeDigitAreaCodes.contains(String(d.prefix(3))) ? 3 : 4
        }
        let area = String(d.prefix(areaLength)), number = String(d.dropFirst(areaLength))
        let threeDigit = threeDigitAreaCodes.contains(area)
        // Four-digit codes run 0310–0999; 01x and 02x belong to the three-digit ones.
        let fourDigit = areaLength == 4 && ("3"..."9").contains(area.dropFirst().first ?? "0")
        guard areaLength == 3 && threeDigit || fourDigit else { throw .badAreaCode(area) }
        guard (7...8).contains(number.count) else { throw .wrongLandlineLength(number.count) }
        // A leading 0 means the area code was typed twice or the split is wrong.
        guard number.first != "0" else { throw .badSubscriberNumber(number) }
        return area + "-" + number
    }
}

public enum PhoneProblem: LocalizedProblem {
    case empty
    case invalidCharacter(String)
    case wrongMobileLength(Int)
    case notMobilePrefix(String)
    case badAreaCode(String)
    case wrongLandlineLength(Int)
    case badSubscriberNumber(String)
    /// A 7–8 digit local number: which city's it is cannot be told.
    case missingAreaCode
    case unknownFormat

    public var messageKey: String {
        switch self {
        case .empty: "phone.empty"
        case .invalidCharacter: "phone.invalidCharacter"
        case .wrongMobileLength: "phone.wrongMobileLength"
        case .notMobilePrefix: "phone.notMobilePrefix"
        case .badAreaCode: "phone.badAreaCode"
        case .wrongLandlineLength: "phone.wrongLandlineLength"
        case .badSubscriberNumber: "phone.badSubscriberNumber"
        case .missingAreaCode: "phone.missingAreaCode"
        case .unknownFormat: "phone.unknownFormat"
        }
    }

    public var args: [String] {
        switch self {
        case .empty, .missingAreaCode, .unknownFormat: []
        case .invalidCharacter(let s), .notMobilePrefix(let s), .badAreaCode(let s), .badSubscriberNumber(let s): [s]
        case .wrongMobileLength(let n), .wrongLandlineLength(let n): ["\(n)"]
        }
    }
}

/// The short code a reporter uses to follow a case without an account: 8 characters, 7 random
/// and a check character, from 31 symbols without look-alikes (no 0/O, 1/I/L), so it survives
/// being read over the phone or copied from a receipt.
///
/// The check character makes the weighted sum Σ (i+1)·value(i) over all 8 positions ≡ 0 mod 31.
/// As 31 is prime and the weights 1…8 differ, every single wrong character and every swap of
/// two neighbours is caught. 31⁷ ≈ 2.75 × 10¹⁰ codes leave guessing hopeless at any rate limit.
public enum TrackingCode {
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    public static let length = 8
    static let modulus = 31

    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return make(using: &g)
    }

    public static func make<G: RandomNumberGenerator>(using g: inout G) -> String {
        make(values: (0..<(length - 1)).map { _ in Int.random(in: 0..<modulus, using: &g) })
    }

    /// The code of seven symbol values (each 0..<31) and its check character.
    static func make(values: [Int]) -> String {
        String((values + [checkValue(values)]).map { alphabet[$0] })
    }

    /// The canonical form of what someone typed: upper case, spaces and hyphens dropped,
    /// or nil when it is not a valid code.
    public static func normalized(_ input: String) -> String? {
        let s = input.uppercased().filter { $0 != " " && $0 != "-" }
        return isValid(s) ? s : nil
    }

    /// True for a canonical code (upper case, no separators) whose check character matches.
    public static func isValid(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == length else { return false }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = value(c) else { return false }
            sum += (i + 1) * v
        }
        return sum % modulus == 0
    }

    /// `ABCD-EFGH`, for receipts and the tracking page.
    public static func display(_ code: String) -> String {
        guard code.count == length else { return code }
        return String(code.prefix(4)) + "-" + String(code.suffix(4))
    }

    static func value(_ c: Character) -> Int? { alphabet.firstIndex(of: c) }

    /// The value v with Σ (i+1)·values[i] + 8·v ≡ 0 (mod 31); 4 is the inverse of 8 mod 31.
    static func checkValue(_ values: [Int]) -> Int {
        let partial = values.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element } % modulus
        return (modulus - partial) % modulus * 4 % modulus
    }
}

/// A case's public code, its `service_request_id` in Open311: what a public list may show. It has
/// the letters and check character of a tracking code behind a leading `P`, so neither can be
/// mistaken for the other: a public code never opens the reporter's tracking page.
public enum PublicCode {
    public static let prefix: Character = "P"

    public static func make() -> String { String(prefix) + TrackingCode.make() }

    /// The canonical form of what a client sent (case and hyphens forgiven), or nil.
    public static func normalized(_ input: String) -> String? {
        let s = input.uppercased().filter { $0 != " " && $0 != "-" }
        guard s.first == prefix, TrackingCode.isValid(String(s.dropFirst())) else { return nil }
        return s
    }
}

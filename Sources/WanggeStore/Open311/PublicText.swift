import WanggeCore

/// Text the district publishes about a case (Open311 is public): what a reporter or an operator
/// typed may hold a phone or ID number, and an address may name a flat. Every run of seven or more
/// digits (spaces and hyphens inside allowed, full-width digits too) is starred out, and an address
/// keeps only its street part (`Mask.address`).
public enum PublicText {
    public static let minDigits = 7

    public static func scrub(_ text: String) -> String {
        var out = ""
        var run: [Character] = []
        var digits = 0
        func flush() {
            if digits >= minDigits {
                out += String(run.map { isDigit($0) ? "*" : $0 })
            } else {
                out += String(run)
            }
            run = []
            digits = 0
        }
        for c in text {
            if isDigit(c) {
                run.append(c)
                digits += 1
            } else if (c == " " || c == "-") && digits > 0 {
                run.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }

    public static func address(_ address: String) -> String { scrub(Mask.address(address)) }

    static func isDigit(_ c: Character) -> Bool {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return false }
        return (48...57).contains(v) || (0xFF10...0xFF19).contains(v)
    }
}

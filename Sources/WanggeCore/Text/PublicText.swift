/// Text the district shows the public about a case — the tracking page, Open311, anything else
/// published: what a reporter or an operator typed may hold a phone or ID number, and an address
/// may name a flat. Every public surface passes its text through this one scrubber.
///
/// A "number run" is a sequence of digits — ASCII, full-width, or spoken as Chinese numerals
/// (一三八…, 幺, 两, capital 壹贰叁…) — that may be broken up by the separators people type between
/// groups (spaces, `-`, `.`, `/`, `_`, `·`, their full-width forms; at most three in a row, as in `138 - 1234`). A run
/// of seven or more digits is starred out, digits only, with an ID number's final X. A date
/// written as year-month-day (2026-11-30, 2026.11.30, 2026/11/30) is not a number and stays.
public enum PublicText {
    public static let minDigits = 7

    public static func scrub(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        while i < chars.count {
            guard isDigit(chars[i]) else { out.append(chars[i]); i += 1; continue }
            // Extend the run: digits, with short stretches of separators between them.
            var end = i + 1, digits = 1
            var j = i + 1
            while j < chars.count {
                if isDigit(chars[j]) { digits += 1; j += 1; end = j; continue }
                var k = j
                while k < chars.count, k - j < 3, isSeparator(chars[k]) { k += 1 }
                guard k > j, k < chars.count, isDigit(chars[k]) else { break }
                j = k
            }
            // An ID number ends in X when its check value is 10.
            if digits >= 14, end < chars.count, chars[end] == "X" || chars[end] == "x" || chars[end] == "Ｘ" { end += 1; digits += 1 }
            let run = chars[i..<end]
            if digits >= minDigits && !isDate(run) {
                for c in run { out.append(isDigit(c) || c == "X" || c == "x" || c == "Ｘ" ? "*" : c) }
            } else {
                out.append(contentsOf: String(run))
            }
            i = end
        }
        return out
    }

    /// An address as the public may see it: the street part up to the house number (`Mask.address`),
    /// then scrubbed like any text.
    public static func address(_ address: String) -> String { scrub(Mask.address(address)) }

    static let chineseDigits: Set<Character> = [
        "〇", "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "幺", "两",
        "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖",
    ]
    static let separators: Set<Character> = [
        " ", "\u{3000}", "\u{A0}", "-", "－", "‐", "‑", "–", "—", ".", "．", "/", "／", "_", "＿",
        "·", "・", "•",
    ]

    static func isDigit(_ c: Character) -> Bool {
        if chineseDigits.contains(c) { return true }
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return false }
        return (48...57).contains(v) || (0xFF10...0xFF19).contains(v)
    }

    static func isSeparator(_ c: Character) -> Bool { separators.contains(c) }

    /// yyyy-m-d with one kind of separator (`-`, `.` or `/`), a plausible year, month and day.
    static func isDate(_ run: ArraySlice<Character>) -> Bool {
        let s = String(run)
        for sep in ["-", ".", "/"] {
            let parts = s.split(separator: Character(sep), omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { continue }
            guard parts[0].count == 4, let y = Int(parts[0]), (1900...2100).contains(y),
                parts[1].count <= 2, let m = Int(parts[1]), (1...12).contains(m),
                parts[2].count <= 2, let d = Int(parts[2]), (1...31).contains(d)
            else { return false }
            return true
        }
        return false
    }
}

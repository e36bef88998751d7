/// Partial display of personal data (PIPL 个人信息保护法) for lists, exports and screens
/// where the viewer needs to recognise a person but not read the full number. Lengths are
/// kept so a masked value still looks like what it is.
public enum Mask {
    /// "11010519491231002X" → "110***********002X": region and check part stay readable.
    public static func idNumber(_ s: String) -> String {
        keep(first: 3, last: 4, of: s.trimmingSpaces())
    }

    /// "13812345678" → "138****5678"; "010-12345678" → "010*****5678". Numbers that
    /// normalise are masked in their normal form, so "+86 138…" shows like "138…".
    public static func phone(_ s: String) -> String {
        let trimmed = s.trimmingSpaces()
        if let n = try? Phone.normalize(trimmed), n.count == 11 { return keep(first: 3, last: 4, of: n) }
        return keep(first: 3, last: 4, of: trimmed)
    }

    /// "张三丰" → "张*丰", "张三" → "张*", "欧阳娜娜" → "欧**娜".
    public static func name(_ s: String) -> String {
        let c = Array(s.trimmingSpaces())
        switch c.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(c[0]) + "*"
        default: return String(c[0]) + String(repeating: "*", count: c.count - 2) + String(c[c.count - 1])
        }
    }

    /// Keeps the street part up to the first 号, 栋 or 楼 and stars the digits after it:
    /// "建国路88号3栋2单元501" → "建国路88号*栋*单元***". Without such a mark every digit is starred.
    public static func address(_ s: String) -> String {
        let t = s.trimmingSpaces()
        let cut = t.firstIndex { $0 == "号" || $0 == "栋" || $0 == "楼" }.map { t.index(after: $0) } ?? t.startIndex
        let tail = t[cut...].map { isDigit($0) ? "*" : String($0) }.joined()
        return String(t[..<cut]) + tail
    }

    static func isDigit(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1 else { return false }
        return (48...57).contains(v) || (0xFF10...0xFF19).contains(v)
    }

    /// Stars all but the first and last characters; a value too short for that keeps only its
    /// last two, and one of two characters or fewer is all stars.
    static func keep(first: Int, last: Int, of s: String) -> String {
        let c = Array(s)
        if c.count > first + last {
            return String(c.prefix(first)) + String(repeating: "*", count: c.count - first - last) + String(c.suffix(last))
        }
        guard c.count > 2 else { return String(repeating: "*", count: c.count) }
        return String(repeating: "*", count: c.count - 2) + String(c.suffix(2))
    }
}

/// Lower-case (or upper-case) hexadecimal, written byte by byte: `String(format: "%02x")` costs
/// microseconds a byte, which every hash on a hot path (the audit chain, API keys, a million-row
/// import's look-up hashes) feels.
public enum Hex {
    public static let digits = Array("0123456789abcdef".utf8)
    public static let upper = Array("0123456789ABCDEF".utf8)

    public static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hexadecimal digit, either case; nil for anything else.
    public static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

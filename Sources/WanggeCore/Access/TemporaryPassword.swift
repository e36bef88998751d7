/// A password an administrator hands over once (a new account, a reset): random, 12 characters
/// from all four classes, without look-alikes (0/O, 1/l/I) so it survives being read aloud.
/// The owner must replace it at the first log-in.
public enum TemporaryPassword {
    static let upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
    static let lower = Array("abcdefghijkmnpqrstuvwxyz")
    static let digits = Array("23456789")
    static let symbols = Array("@#%+=?")

    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return make(using: &g)
    }

    public static func make<G: RandomNumberGenerator>(using g: inout G) -> String {
        var chars: [Character] = []
        for (set, count) in [(upper, 4), (lower, 4), (digits, 3), (symbols, 1)] {
            for _ in 0..<count { chars.append(set.randomElement(using: &g)!) }
        }
        chars.shuffle(using: &g)
        return String(chars)
    }
}

/// The demo generator's own random source: xoshiro256** seeded through SplitMix64.
/// It is not a `RandomNumberGenerator` on purpose, so no standard-library algorithm
/// (whose internals may change between Swift releases) can slip in and break the
/// promise that a seed always yields the same district.
struct DemoRNG {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var sm = seed
        s0 = Self.splitMix(&sm)
        s1 = Self.splitMix(&sm)
        s2 = Self.splitMix(&sm)
        s3 = Self.splitMix(&sm)
    }

    /// An independent stream per key, so a grid's data does not depend on which
    /// other grids were generated before it (lazy, any order, in parallel).
    init(seed: UInt64, key: String) {
        var sm = seed ^ Self.fnv1a(key)
        self.init(seed: Self.splitMix(&sm))
    }

    init(seed: UInt64, key: String, part: String) {
        self.init(seed: seed, key: key + "/" + part)
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// 0..<n. The multiply-high bias is below 2⁻⁵⁰ for the small n used here.
    mutating func int(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    mutating func int(in r: ClosedRange<Int>) -> Int {
        r.lowerBound + int(below: r.upperBound - r.lowerBound + 1)
    }

    /// [0, 1) with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    mutating func double(in r: ClosedRange<Double>) -> Double {
        r.lowerBound + unit() * (r.upperBound - r.lowerBound)
    }

    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(below: items.count)]
    }

    /// Index into `weights` with probability proportional to each weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        var x = unit() * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// True for exactly one ordinal in each block of `every` consecutive ones, at a place
    /// the seed picks. Rare demo features then appear at a steady rate, even in a small
    /// demo or a short run of grids, without forming a visible pattern.
    static func oneInBlock(ordinal: Int, every: Int, seed: UInt64, key: String) -> Bool {
        var rng = DemoRNG(seed: seed, key: key, part: "\(ordinal / every)")
        return ordinal % every == rng.int(below: every)
    }

    /// Fisher–Yates, written out so the order cannot change with the standard library.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, int(below: i + 1))
        }
    }
}

/// Small text and date helpers for hot loops, where `String(format:)` and
/// `Calendar` would dominate the cost of generating a million residents.
enum DemoText {
    /// `n` as decimal digits, left-padded with zeros to `width`.
    static func digits(_ n: Int, width: Int) -> String {
        precondition(n >= 0)
        var bytes: [UInt8] = []
        var v = n
        repeat {
            bytes.append(UInt8(48 + v % 10))
            v /= 10
        } while v > 0
        while bytes.count < width { bytes.append(48) }
        return String(decoding: bytes.reversed(), as: UTF8.self)
    }

    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's civil algorithm).
    static func dayNumber(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func date(fromDayNumber z0: Int) -> SimpleDate {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return SimpleDate(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }

    /// The day number of the same calendar day `years` earlier (29 Feb falls back to 28 Feb).
    static func dayNumber(_ date: SimpleDate, yearsEarlier years: Int) -> Int {
        let y = date.year - years
        let d = Swift.min(date.day, SimpleDate.daysIn(month: date.month, year: y))
        return dayNumber(y, date.month, d)
    }
}

/// SplitMix64 as a standard `RandomNumberGenerator`: the same sequence for a seed on every machine,
/// for tests and benchmarks that want replayable random inputs (not for the demo district, see above).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

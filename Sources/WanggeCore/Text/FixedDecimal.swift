import Foundation

/// A number with a fixed count of decimals, exactly as `String(format: "%.Nf", v)` writes it, without
/// going through Foundation's formatter each time: a ranking writes some 8,000 scores and rates, a
/// KPI map tens of thousands of outline coordinates, and `String(format:)` parses its format and boxes
/// its arguments for every one. Values within a hair of a rounding tie, and very large ones, are left to
/// `String(format:)`, whose rounding of the exact binary value is the reference.
public enum FixedDecimal {
    public static func format(_ v: Double, places: Int) -> String {
        guard (0...6).contains(places) else { return String(format: "%.\(places)f", v) }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let x = v * Double(scale)
        guard v.isFinite, x.magnitude < 1e15 else { return String(format: "%.\(places)f", v) }
        let r = x.rounded()
        // Near x.5 the product's own rounding may have crossed the tie: let printf decide.
        guard (x - r).magnitude < 0.499 else { return String(format: "%.\(places)f", v) }
        let n = Int(r).magnitude
        var out = v.sign == .minus ? "-" : ""
        out += String(n / UInt(scale))
        guard places > 0 else { return out }
        let fraction = String(n % UInt(scale))
        out += "."
        out += String(repeating: "0", count: places - fraction.utf8.count)
        out += fraction
        return out
    }
}

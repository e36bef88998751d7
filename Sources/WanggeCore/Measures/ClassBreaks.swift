import Foundation

/// Graded classes for a map (A1 map): every unit falls in one class of a few, each class a range
/// of values stated on the legend, so two units look different only when their figures are in
/// different ranges. A unit whose figure rests on too few cases is not classed at all.
public struct ClassScheme: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        /// Fixed bands chosen in advance (rates: < 80 %, 80–90 %, 90–95 %, ≥ 95 %).
        case bands
        /// Quantiles of the values shown: about as many units in each class.
        case quantiles
        /// Equal round steps from zero (1,000 households a step), for counts.
        case steps
    }

    public var method: Method
    /// Inner edges, ascending and distinct; class i holds values v with breaks[i-1] ≤ v < breaks[i].
    public var breaks: [Double]
    /// Below this n a unit is 样本不足: shown hatched, never coloured as if measured.
    public var minimumN: Int

    public init(method: Method, breaks: [Double], minimumN: Int = 0) {
        self.method = method
        self.breaks = Array(Set(breaks)).sorted()
        self.minimumN = minimumN
    }

    public var classCount: Int { breaks.count + 1 }

    /// Where a unit falls: a class, or nothing to class.
    public enum Placement: Sendable, Hashable {
        /// 0-based class, lowest values first.
        case inClass(Int)
        /// n below the minimum, or no value (denominator 0).
        case insufficient
    }

    /// The class of a value: how many edges are at or below it (a value equal to an edge opens the upper class).
    public func classIndex(_ value: Double) -> Int { breaks.filter { $0 <= value }.count }

    public func place(_ value: Double?, n: Int) -> Placement {
        guard let value, n >= minimumN else { return .insufficient }
        return .inClass(classIndex(value))
    }

    /// The range of class i: its lower edge (nil for the first) and upper edge (nil for the last).
    public func range(of i: Int) -> (lower: Double?, upper: Double?) {
        (i == 0 ? nil : breaks[i - 1], i >= breaks.count ? nil : breaks[i])
    }
}

/// How the class edges are found. Pure functions, tested by hand.
public enum ClassBreaks {
    /// The fixed bands for rates, in percent: < 80, 80–90, 90–95, ≥ 95.
    public static let rateBands: [Double] = [80, 90, 95]
    /// The number of classes where quantiles are used (quartiles).
    public static let quantileClasses = 4
    /// A unit's figure on the map needs at least this n (cases, ratings, people).
    public static let minimumN = 10

    /// Edges splitting `values` into `classes` groups of about equal size. The edge of class k is the
    /// value at position ⌊k·count/classes⌋ of the sorted values; ties stay together (equal values never
    /// straddle an edge), an edge equal to the smallest value is dropped, so all-equal values make one
    /// class and no values make one class.
    public static func quantiles(_ values: [Double], classes: Int) -> [Double] {
        let sorted = values.filter(\.isFinite).sorted()
        guard classes > 1, let first = sorted.first else { return [] }
        var edges: [Double] = []
        for k in 1..<classes {
            let edge = sorted[min(sorted.count - 1, k * sorted.count / classes)]
            if edge > first && edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// Round steps from zero for counts: the step is the smallest of 1, 2 or 5 × 10ᵏ that covers the
    /// largest value in at most `classes` steps; the edges are the multiples of the step up to the
    /// largest value. 3,303 and 3,231 households fall in the same class (3,000–4,000).
    public static func steps(max: Double, classes: Int) -> [Double] {
        guard max > 0, classes > 1, max.isFinite else { return [] }
        let raw = max / Double(classes)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw - 1e-9 } ?? 10 * magnitude
        var edges: [Double] = []
        var edge = step
        while edge <= max {
            edges.append(edge)
            edge += step
        }
        return edges
    }

    /// The scheme for a measure over the units shown: fixed bands for rates where a higher figure is
    /// better (the bands mean the same every month), quartiles otherwise (returns, hours, work per
    /// person, whose useful ranges differ by place). Quartiles are taken over the units with enough n.
    public static func scheme(for measure: Measure, values: [MeasureValue], minimumN: Int = minimumN) -> ClassScheme {
        if measure.kind == .rate && measure.direction == .higherIsBetter {
            return ClassScheme(method: .bands, breaks: rateBands, minimumN: minimumN)
        }
        let measured = values.filter { $0.n >= minimumN }.compactMap(\.value)
        return ClassScheme(method: .quantiles, breaks: quantiles(measured, classes: quantileClasses), minimumN: minimumN)
    }
}

extension Measure {
    /// Which way is good: it sets the colours of the map and the sign of a score.
    public enum Direction: Sendable, Hashable {
        case higherIsBetter
        case lowerIsBetter
        /// More work is neither good nor bad by itself.
        case neutral
    }

    public var direction: Direction {
        switch id {
        case Measures.rework.id, Measures.responseTime.id, Measures.resolutionTime.id: .lowerIsBetter
        case Measures.workload.id: .neutral
        default: .higherIsBetter
        }
    }
}

import Foundation
import Testing
@testable import WanggeCore

@Suite("FixedDecimal writes numbers exactly as %.Nf does")
struct FixedDecimalTests {
    @Test("fixed and random values, ties, negatives, zeros and extremes against String(format:)")
    func matchesPrintf() {
        var values: [Double] = [
            0, -0.0, 0.05, 0.15, 0.25, 0.35, 1.005, 2.675, 12.345, -0.04, -0.001, -3.26, 99.95, 97.6, 100, 599.95001, 1e6 + 0.1,
            123_456_789.125, 1e15, 1e20, -1e20, .infinity, -.infinity, .nan, 0.000_000_1, Double.leastNonzeroMagnitude,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = [1.0, 10, 100, 1_000, 1e6][Int.random(in: 0..<5, using: &generator)]
            values.append(Double.random(in: -magnitude...magnitude, using: &generator))
            // Values with few decimals, where ties live.
            values.append(Double(Int.random(in: -100_000...100_000, using: &generator)) / [8.0, 1_000, 200, 40][Int.random(in: 0..<4, using: &generator)])
        }
        for places in 0...3 {
            for v in values {
                #expect(FixedDecimal.format(v, places: places) == String(format: "%.\(places)f", v), "\(v) with \(places) places")
            }
        }
    }
}

@Suite("Filling the localisation table's placeholders")
struct L10nSubstituteTests {
    @Test("each {i} takes its argument once; arguments are not read for placeholders; unknown or broken ones stay")
    func substitute() {
        #expect(L10n.substitute("第 {0} 行第 {1} 列：{0}", ["3", "B"]) == "第 3 行第 B 列：3")
        #expect(L10n.substitute("{0}{1}", ["{1}", "x"]) == "{1}x", "an argument's own braces are text")
        #expect(L10n.substitute("{2} {x} { {0", ["a"]) == "{2} {x} { {0")
        #expect(L10n.substitute("{10}={0}", Array(repeating: "a", count: 10) + ["十"]) == "十=a")
        #expect(L10n.substitute("无占位", ["a"]) == "无占位" && L10n.substitute("", ["a"]) == "")
        #expect(L10n.substitute("网格{0}", ["😀"]) == "网格😀")
    }
}

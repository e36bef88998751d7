import Foundation
import WanggeCore

/// The colours and legend of a classed map: each class's range written out, how the edges were
/// chosen, and the hatched 样本不足 swatch, so nobody reads a colour as more than it says.
enum MapClassViews {
    /// How the colours run over the classes.
    enum Palette {
        /// Light to dark blue for amounts (households, work per person).
        case amount
        /// Red (worse) to green (better) for a measure with a good direction.
        case quality(Measure.Direction)
    }

    /// The CSS class of class `i` of `count`.
    static func cls(_ i: Int, of count: Int, _ palette: Palette) -> String {
        let top = max(count - 1, 1)
        switch palette {
        case .quality(let direction) where direction != .neutral:
            let good = direction == .higherIsBetter ? i : count - 1 - i
            return count == 1 ? "good2" : "good\((good * 3 + top / 2) / top)"
        default:
            return count == 1 ? "shade3" : "shade\(1 + (i * 4 + top / 2) / top)"
        }
    }

    static func cls(_ placement: ClassScheme.Placement, _ scheme: ClassScheme, _ palette: Palette) -> String {
        switch placement {
        case .insufficient: "nodata"
        case .inClass(let i): cls(i, of: scheme.classCount, palette)
        }
    }

    /// "< 80", "80 – 90", "≥ 95" with the figure's unit.
    static func rangeText(_ scheme: ClassScheme, _ i: Int, format: (Double) -> String) -> String {
        let r = scheme.range(of: i)
        switch (r.lower, r.upper) {
        case (nil, nil): return L10n.t("kpimap.class_all")
        case (nil, let u?): return "< " + format(u)
        case (let l?, nil): return "≥ " + format(l)
        case (let l?, let u?): return format(l) + " – " + format(u)
        }
    }

    /// The legend: one swatch per class with its range and how many units fall in it, then 样本不足.
    static func legend(
        _ scheme: ClassScheme, _ palette: Palette, counts: [Int], insufficient: Int?, format: (Double) -> String
    ) -> HTML {
        var items: [HTML] = (0..<scheme.classCount).map { i in
            el(
                "li", el("span", ["class": "swatch \(cls(i, of: scheme.classCount, palette))"]),
                .text(rangeText(scheme, i, format: format) + " (" + L10n.t("kpimap.units", i < counts.count ? counts[i] : 0) + ")"))
        }
        if let insufficient {
            items.append(
                el(
                    "li", el("span", ["class": "swatch nodata"]),
                    .text(L10n.t("kpimap.insufficient", scheme.minimumN) + " (" + L10n.t("kpimap.units", insufficient) + ")")))
        }
        return el("ul", ["class": "map-legend"], items)
    }

    /// Households as honest classes: round steps from zero (`ClassBreaks.steps`), so 3,303 and 3,231 look alike.
    static func households(_ values: [Int]) -> ClassScheme {
        ClassScheme(method: .steps, breaks: ClassBreaks.steps(max: Double(values.max() ?? 0), classes: 4))
    }
}

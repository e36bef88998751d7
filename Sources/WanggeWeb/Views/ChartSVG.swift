import Foundation
import WanggeCore

/// Charts drawn on the server as SVG with the page's own escaping builder: no script and no
/// library, so they show on a phone with poor signal and print as they are. Every bar links to
/// the cases it counts.
enum ChartSVG {
    /// One part of a stacked bar: its name and colour, the same in the legend.
    struct Series {
        var name: String
        var colour: String
    }

    /// One bar: its label under the axis, a value per series, and the list of its cases.
    struct Bar {
        var label: String
        var values: [Int]
        var url: String?
    }

    /// Drawing units: narrow enough that the labels stay readable when a phone shrinks the chart.
    static let width = 480.0
    static let height = 200.0
    static let left = 40.0
    static let bottom = 28.0
    static let top = 8.0

    /// Vertical bars over time, stacked by series, with a legend and a scale of round numbers.
    static func stacked(_ bars: [Bar], series: [Series], label: String) -> HTML {
        let highest = bars.map { $0.values.reduce(0, +) }.max() ?? 0
        let step = niceStep(highest)
        let ticks = max(1, Int((Double(highest) / Double(step)).rounded(.up)))
        let scaleTop = Double(step * ticks)
        let plotHeight = height - bottom - top
        let slot = (width - left) / Double(max(bars.count, 1))
        let barWidth = max(slot * 0.8, 1)
        // Label every k-th bar so the labels never run into each other (about 40 px each).
        let every = max(1, Int((44 / slot).rounded(.up)))
        var parts: [HTML] = axis(step: step, ticks: ticks, plotHeight: plotHeight)
        for (i, bar) in bars.enumerated() {
            let x = left + Double(i) * slot + (slot - barWidth) / 2
            var y = top + plotHeight
            var rects: [HTML] = []
            for (s, value) in bar.values.enumerated() where value > 0 && scaleTop > 0 {
                let h = Double(value) / scaleTop * plotHeight
                y -= h
                rects.append(
                    el(
                        "rect", ["x": fmt(x), "y": fmt(y), "width": fmt(barWidth), "height": fmt(h), "fill": series[s % series.count].colour],
                        el("title", .text("\(bar.label) \(series[s % series.count].name) \(value)"))))
            }
            parts.append(bar.url.map { el("a", ["href": $0], rects) } ?? HTML(rects))
            if i % every == 0 {
                parts.append(
                    el("text", ["x": fmt(x + barWidth / 2), "y": fmt(height - bottom + 14), "text-anchor": "middle", "class": "tick"], .text(bar.label)))
            }
        }
        return el(
            "figure", ["class": "chart"],
            el("svg", ["viewBox": "0 0 \(Int(width)) \(Int(height))", "role": "img", "aria-label": label], parts),
            legend(series))
    }

    /// Horizontal bars, one a row, largest first as given, each with its number and a link.
    static func rows(_ rows: [(label: String, value: Int, url: String?)], label: String, colour: String = "#1f5fa8") -> HTML {
        let highest = Double(max(rows.map(\.value).max() ?? 0, 1))
        let rowHeight = 20.0, labelWidth = 110.0, numberWidth = 44.0
        let h = rowHeight * Double(max(rows.count, 1))
        let room = width - labelWidth - numberWidth
        var parts: [HTML] = []
        for (i, row) in rows.enumerated() {
            let y = Double(i) * rowHeight
            let w = Double(row.value) / highest * room
            let bar: HTML = [
                el("text", ["x": fmt(labelWidth - 6), "y": fmt(y + 15), "text-anchor": "end", "class": "tick"], .text(row.label)),
                el("rect", ["x": fmt(labelWidth), "y": fmt(y + 4), "width": fmt(max(w, row.value > 0 ? 1 : 0)), "height": fmt(rowHeight - 8), "fill": colour]),
                el("text", ["x": fmt(labelWidth + w + 4), "y": fmt(y + 15), "class": "tick"], .text(String(row.value))),
            ]
            parts.append(row.url.map { el("a", ["href": $0], el("title", .text("\(row.label) \(row.value)")), bar) } ?? bar)
        }
        return el("figure", ["class": "chart"], el("svg", ["viewBox": "0 0 \(Int(width)) \(Int(h))", "role": "img", "aria-label": label], parts))
    }

    /// Horizontal lines and their numbers at every `step` up to `ticks` steps.
    static func axis(step: Int, ticks: Int, plotHeight: Double) -> [HTML] {
        var parts: [HTML] = []
        for i in 0...ticks {
            let y = top + plotHeight - plotHeight * Double(i) / Double(ticks)
            parts.append(el("line", ["x1": fmt(left), "x2": fmt(width), "y1": fmt(y), "y2": fmt(y), "class": "grid-line"]))
            parts.append(el("text", ["x": fmt(left - 4), "y": fmt(y + 4), "text-anchor": "end", "class": "tick"], .text(String(step * i))))
        }
        return parts
    }

    static func legend(_ series: [Series]) -> HTML {
        el(
            "figcaption", ["class": "legend"],
            series.map { s in
                el("span", el("svg", ["viewBox": "0 0 10 10", "class": "swatch", "aria-hidden": "true"], el("rect", ["width": "10", "height": "10", "fill": s.colour])), .text(s.name))
            })
    }

    /// A round step (1, 2 or 5 × 10^k) that reaches `n` in at most five steps, so the scale reads easily.
    static func niceStep(_ n: Int) -> Int {
        var magnitude = 1
        while true {
            for m in [1, 2, 5] where m * magnitude * 5 >= n { return m * magnitude }
            magnitude *= 10
        }
    }

    /// A coordinate with one decimal (`%.1f`, see `FixedDecimal`): a chart writes hundreds, a map thousands.
    static func fmt(_ v: Double) -> String { FixedDecimal.format(v, places: 1) }
}

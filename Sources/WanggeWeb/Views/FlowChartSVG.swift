import Foundation
import WanggeCore

/// A power item's flow chart drawn from its steps (`FlowChartLayout`): numbered boxes top to
/// bottom joined by arrows, with the same escaping builder as every page, so a step's text can
/// never become markup. Served as its own SVG document and embedded in the pages.
enum FlowChartSVG {
    static func svg(title: String, steps: [String]) -> HTML {
        let chart = FlowChartLayout(steps: steps)
        var parts: [HTML] = [
            el("title", .text(title)),
            el(
                "defs",
                el(
                    "marker", ["id": "arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5", "markerWidth": "8", "markerHeight": "8", "orient": "auto"],
                    el("path", ["d": "M0,0 L10,5 L0,10 z", "fill": "#55606e"]))),
        ]
        for (i, box) in chart.boxes.enumerated() {
            let last = i == chart.boxes.count - 1
            parts.append(
                el(
                    "rect",
                    [
                        "x": String(box.x), "y": String(box.y), "width": String(box.width), "height": String(box.height), "rx": i == 0 || last ? "18" : "4",
                        "fill": i == 0 || last ? "#e8f1fb" : "#ffffff", "stroke": "#1f5fa8", "stroke-width": "1.5",
                    ]))
            for (n, line) in box.lines.enumerated() {
                let y = box.y + FlowChartLayout.padding + (n + 1) * FlowChartLayout.lineHeight - 5
                parts.append(
                    el(
                        "text", ["x": String(box.x + box.width / 2), "y": String(y), "text-anchor": "middle", "font-size": "14", "fill": "#1b2430"],
                        .text(line)))
            }
            if !last {
                let x = String(box.x + box.width / 2)
                parts.append(
                    el(
                        "line",
                        [
                            "x1": x, "y1": String(box.y + box.height), "x2": x, "y2": String(box.y + box.height + FlowChartLayout.gap - 1), "stroke": "#55606e",
                            "stroke-width": "1.5", "marker-end": "url(#arrow)",
                        ]))
            }
        }
        return el(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(chart.width) \(chart.height)", "width": String(chart.width),
                "height": String(chart.height), "role": "img", "aria-label": title, "font-family": "sans-serif",
            ], parts)
    }
}

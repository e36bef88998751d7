import Foundation
import WanggeCore

/// A map drawn on the server as SVG: unit boundaries coloured by a measure, with points on top.
/// It needs no tile server and no script, so it works on a phone with poor signal and on a
/// machine with no internet, and a leader sees at a glance where the numbers are.
enum MapSVG {
    struct Shape {
        var area: GeoArea
        var label: String
        var url: String?
        /// Kept for callers that draw a single outline; it no longer sets the colour.
        var value: Int = 0
        /// The shape's class on the legend (`shade0`…`shade5`, `good0`…`good3`, `nodata`); plain grey by default.
        var cls: String = "shade0"
        /// What the tooltip adds after the label ("92.5 % · n = 40").
        var note: String? = nil
    }

    struct Dot {
        var point: GeoPoint
        var title: String
        var cls: String
    }

    /// A path walked (a patrol's points in order), drawn over the shapes.
    struct Line {
        var points: [GeoPoint]
        var cls: String
    }

    static let width = 640.0

    static func render(shapes: [Shape], dots: [Dot] = [], lines: [Line] = [], legend: String) -> HTML {
        var box = GeoBox.empty
        for s in shapes { box = box.union(s.area.bbox) }
        for p in lines.flatMap(\.points) { box = box.union(GeoBox(minLon: p.lon, minLat: p.lat, maxLon: p.lon, maxLat: p.lat)) }
        for d in dots { box = box.union(GeoBox(minLon: d.point.lon, minLat: d.point.lat, maxLon: d.point.lon, maxLat: d.point.lat)) }
        guard !box.isEmpty, box.maxLon > box.minLon, box.maxLat > box.minLat else { return .empty }
        // Equirectangular projection with the longitude squeezed by cos(latitude): true shapes at district scale.
        let kx = cos(box.center.lat * .pi / 180)
        let w = (box.maxLon - box.minLon) * kx, h = box.maxLat - box.minLat
        let scale = width / w
        let height = (h * scale).rounded()
        func xy(_ p: GeoPoint) -> String {
            ChartSVG.fmt((p.lon - box.minLon) * kx * scale) + "," + ChartSVG.fmt((box.maxLat - p.lat) * scale)
        }
        // The colour is the shape's class, chosen by the caller from honest class edges
        // (`ClassScheme`); units without enough data are hatched by the pattern below.
        var parts: [String] = [
            "<defs><pattern id=\"map-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"6\" height=\"6\" fill=\"#f1f3f5\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#adb5bd\" stroke-width=\"2\"/></pattern></defs>"
        ]
        for s in shapes {
            let d = s.area.polygons.flatMap { $0.rings }.map { ring in "M" + ring.map(xy).joined(separator: "L") + "Z" }.joined()
            let title = HTML.escape(s.label) + (s.note.map { " · " + HTML.escape($0) } ?? "")
            let path = "<path class=\"\(HTML.escape(s.cls))\" d=\"\(d)\"><title>\(title)</title></path>"
            parts.append(s.url.map { "<a href=\"\(HTML.escape($0))\">\(path)</a>" } ?? path)
        }
        for s in shapes {
            guard let c = s.area.interiorPoint else { continue }
            let pos = xy(c).split(separator: ",")
            parts.append("<text x=\"\(pos[0])\" y=\"\(pos[1])\" class=\"label\">\(HTML.escape(s.label))</text>")
        }
        for l in lines where l.points.count > 1 {
            parts.append("<polyline class=\"\(l.cls)\" fill=\"none\" points=\"\(l.points.map(xy).joined(separator: " "))\"/>")
        }
        for d in dots {
            let pos = xy(d.point).split(separator: ",")
            parts.append("<circle cx=\"\(pos[0])\" cy=\"\(pos[1])\" r=\"3.5\" class=\"\(d.cls)\"><title>\(HTML.escape(d.title))</title></circle>")
        }
        let svg = "<svg class=\"map\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTML.escape(legend))\">\(parts.joined())</svg>"
        return el("figure", ["class": "map"], [HTML(raw: svg), el("figcaption", .text(legend))])
    }
}

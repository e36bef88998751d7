import Foundation

/// A unit's boundary: one or more polygons (a MultiPolygon), since a village or grid may
/// own a detached piece across a river or road.
public struct GeoArea: Sendable, Hashable, Codable {
    public var polygons: [GeoPolygon]

    public init(polygons: [GeoPolygon]) {
        self.polygons = polygons
    }

    public init(_ polygon: GeoPolygon) {
        self.polygons = [polygon]
    }

    public var bbox: GeoBox { polygons.reduce(GeoBox.empty) { $0.union($1.bbox) } }

    /// Inside any polygon; points on a boundary count as inside.
    public func contains(_ p: GeoPoint) -> Bool { polygons.contains { $0.contains(p) } }

    /// Square metres.
    public var area: Double { polygons.reduce(0) { $0 + $1.area } }

    /// Area-weighted centre; it may fall outside a concave or split area (see `interiorPoint`).
    public var centroid: GeoPoint {
        let weighted = polygons.map { ($0.area, $0.centroid) }
        let total = weighted.reduce(0) { $0 + $1.0 }
        let parts = total > 0 ? weighted : weighted.map { (1.0, $0.1) }
        let sum = parts.reduce(0) { $0 + $1.0 }
        guard sum > 0 else { return GeoPoint(lon: 0, lat: 0) }
        return GeoPoint(
            lon: parts.reduce(0) { $0 + $1.0 * $1.1.lon } / sum,
            lat: parts.reduce(0) { $0 + $1.0 * $1.1.lat } / sum)
    }

    /// A point surely inside the largest polygon, for a map label or pin.
    public var interiorPoint: GeoPoint? { polygons.max { $0.area < $1.area }?.interiorPoint }

    /// Metres from `p` to the area: 0 inside, else to the nearest edge.
    public func distance(to p: GeoPoint) -> Double {
        polygons.reduce(Double.infinity) { Swift.min($0, $1.distance(to: p)) }
    }

    /// True when the interiors overlap. Tiles that only share an edge or a corner do not
    /// intersect, so a tidy partition of a community into grids passes the overlap check.
    public func intersects(_ other: GeoArea) -> Bool {
        guard bbox.intersects(other.bbox) else { return false }
        for a in polygons {
            for b in other.polygons where a.bbox.intersects(b.bbox) && a.interiorsOverlap(b) {
                return true
            }
        }
        return false
    }

    /// Great-circle distance in metres.
    public static func haversine(from a: GeoPoint, to b: GeoPoint) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * rad) * cos(b.lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * Earth.radius * asin(Swift.min(1, sqrt(h)))
    }
}

enum Earth {
    /// Mean radius (IUGG), metres.
    static let radius = 6_371_008.8
    static let metresPerDegree = radius * Double.pi / 180
}

extension GeoBox {
    /// Contains nothing and is the identity of `union`.
    public static let empty = GeoBox(minLon: .infinity, minLat: .infinity, maxLon: -.infinity, maxLat: -.infinity)

    public var isEmpty: Bool { minLon > maxLon || minLat > maxLat }

    public func union(_ o: GeoBox) -> GeoBox {
        GeoBox(
            minLon: Swift.min(minLon, o.minLon), minLat: Swift.min(minLat, o.minLat),
            maxLon: Swift.max(maxLon, o.maxLon), maxLat: Swift.max(maxLat, o.maxLat))
    }

    /// Overlapping or touching.
    public func intersects(_ o: GeoBox) -> Bool {
        minLon <= o.maxLon && o.minLon <= maxLon && minLat <= o.maxLat && o.minLat <= maxLat
    }
}

extension GeoPolygon {
    /// Tolerance for "on the boundary", in degrees: about 0.1 mm, well below survey precision
    /// yet above the rounding of coordinates that went through JSON or a database.
    static let epsilon = 1e-9

    /// Rings without the repeated closing point, so every edge has length.
    var openRings: [[GeoPoint]] {
        rings.map { r in r.count > 1 && r.first == r.last ? Array(r.dropLast()) : r }.filter { !$0.isEmpty }
    }

    var edges: [(GeoPoint, GeoPoint)] {
        openRings.flatMap { r in r.indices.map { (r[$0], r[($0 + 1) % r.count]) } }
    }

    public var bbox: GeoBox {
        var b = GeoBox.empty
        for p in rings.first ?? [] {
            b.minLon = Swift.min(b.minLon, p.lon)
            b.maxLon = Swift.max(b.maxLon, p.lon)
            b.minLat = Swift.min(b.minLat, p.lat)
            b.maxLat = Swift.max(b.maxLat, p.lat)
        }
        return b
    }

    enum Position { case inside, boundary, outside }

    /// Even-odd over all rings, so holes are outside; the boundary test comes first because
    /// ray casting decides points on an edge arbitrarily.
    func position(of p: GeoPoint) -> Position {
        let b = bbox, e = Self.epsilon
        guard p.lon >= b.minLon - e, p.lon <= b.maxLon + e, p.lat >= b.minLat - e, p.lat <= b.maxLat + e else { return .outside }
        var inside = false
        // A closed ring's last edge has no length and changes nothing, so rings need no trimming.
        for r in rings where !r.isEmpty {
            for i in r.indices {
                let a = r[i], b = r[i + 1 == r.count ? 0 : i + 1]
                if Self.isOnSegment(p, a, b) { return .boundary }
                if (a.lat > p.lat) != (b.lat > p.lat) {
                    let x = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)
                    if p.lon < x { inside.toggle() }
                }
            }
        }
        return inside ? .inside : .outside
    }

    /// Inside or on the boundary; holes are excluded.
    public func contains(_ p: GeoPoint) -> Bool { position(of: p) != .outside }

    func strictlyContains(_ p: GeoPoint) -> Bool { position(of: p) == .inside }

    static func isOnSegment(_ p: GeoPoint, _ a: GeoPoint, _ b: GeoPoint) -> Bool {
        let dx = b.lon - a.lon, dy = b.lat - a.lat
        let px = p.lon - a.lon, py = p.lat - a.lat
        let len2 = dx * dx + dy * dy
        guard len2 > 0 else { return px * px + py * py <= epsilon * epsilon }
        let cross = dx * py - dy * px
        guard cross * cross <= epsilon * epsilon * len2 else { return false }
        let dot = dx * px + dy * py
        let slack = epsilon * len2.squareRoot()
        return dot >= -slack && dot <= len2 + slack
    }

    /// Square metres, the outer ring less the holes, projected equirectangularly at the
    /// polygon's middle latitude (error far below 0.1 % at grid and district scale).
    public var area: Double {
        let lat0 = bbox.isEmpty ? 0 : bbox.center.lat
        let kx = Earth.metresPerDegree * cos(lat0 * Double.pi / 180), ky = Earth.metresPerDegree
        let areas = openRings.map { abs(Self.ringMoments($0).area) * kx * ky }
        guard let outer = areas.first else { return 0 }
        return Swift.max(0, outer - areas.dropFirst().reduce(0, +))
    }

    /// Shoelace area (degrees²) and centroid of one ring, relative to its first vertex for precision.
    static func ringMoments(_ r: [GeoPoint]) -> (area: Double, centroid: GeoPoint) {
        guard let o = r.first, r.count >= 3 else { return (0, r.first ?? GeoPoint(lon: 0, lat: 0)) }
        var a = 0.0, cx = 0.0, cy = 0.0
        for i in r.indices {
            let p = r[i], q = r[(i + 1) % r.count]
            let x0 = p.lon - o.lon, y0 = p.lat - o.lat, x1 = q.lon - o.lon, y1 = q.lat - o.lat
            let c = x0 * y1 - x1 * y0
            a += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
        }
        a /= 2
        guard a != 0 else { return (0, o) }
        return (a, GeoPoint(lon: o.lon + cx / (6 * a), lat: o.lat + cy / (6 * a)))
    }

    /// The centre of mass with holes taken out; the vertex average when the polygon has no area.
    public var centroid: GeoPoint {
        let moments = openRings.map(Self.ringMoments)
        var w = 0.0, x = 0.0, y = 0.0
        for (i, m) in moments.enumerated() {
            let weight = i == 0 ? abs(m.area) : -abs(m.area)
            w += weight
            x += weight * m.centroid.lon
            y += weight * m.centroid.lat
        }
        if w > 0 { return GeoPoint(lon: x / w, lat: y / w) }
        let outer = openRings.first ?? []
        guard !outer.isEmpty else { return GeoPoint(lon: 0, lat: 0) }
        return GeoPoint(
            lon: outer.reduce(0) { $0 + $1.lon } / Double(outer.count),
            lat: outer.reduce(0) { $0 + $1.lat } / Double(outer.count))
    }

    /// Metres: 0 inside or on the boundary, else to the nearest edge (a hole's edge too).
    /// Edges are projected around `p`, which is exact enough within a district.
    public func distance(to p: GeoPoint) -> Double {
        if contains(p) { return 0 }
        let kx = Earth.metresPerDegree * cos(p.lat * Double.pi / 180), ky = Earth.metresPerDegree
        var best = Double.infinity
        for r in rings where !r.isEmpty {
            for i in r.indices {
                let a = r[i], b = r[i + 1 == r.count ? 0 : i + 1]
                best = Swift.min(best, Self.segmentMetres(a, b, from: p, kx: kx, ky: ky))
            }
        }
        return best
    }

    /// Distance from `p` to the segment a–b in a plane scaled by `kx`, `ky` metres per degree.
    static func segmentMetres(_ a: GeoPoint, _ b: GeoPoint, from p: GeoPoint, kx: Double, ky: Double) -> Double {
        let ax = (a.lon - p.lon) * kx, ay = (a.lat - p.lat) * ky
        let bx = (b.lon - p.lon) * kx, by = (b.lat - p.lat) * ky
        let dx = bx - ax, dy = by - ay
        let len2 = dx * dx + dy * dy
        let t = len2 > 0 ? Swift.min(1, Swift.max(0, -(ax * dx + ay * dy) / len2)) : 0
        let cx = ax + t * dx, cy = ay + t * dy
        return (cx * cx + cy * cy).squareRoot()
    }

    /// A point strictly inside (unlike the centroid of a U-shaped grid): the middle of the
    /// widest span on a scan line halfway between two vertex latitudes, so it hits no vertex.
    public var interiorPoint: GeoPoint? {
        let ys = Array(Set(openRings.joined().map(\.lat))).sorted()
        guard ys.count >= 2 else { return nil }
        let widths: [Double] = (0..<ys.count - 1).map { ys[$0 + 1] - ys[$0] }
        let gap = widths.indices.max { widths[$0] < widths[$1] }!
        let y = (ys[gap] + ys[gap + 1]) / 2
        var xs: [Double] = []
        for (a, b) in edges where (a.lat > y) != (b.lat > y) {
            xs.append(a.lon + (y - a.lat) * (b.lon - a.lon) / (b.lat - a.lat))
        }
        xs.sort()
        let spans = stride(from: 0, to: xs.count - 1, by: 2).map { (xs[$0], xs[$0 + 1]) }
        guard let widest = spans.max(by: { $0.1 - $0.0 < $1.1 - $1.0 }), widest.1 > widest.0 else { return nil }
        return GeoPoint(lon: (widest.0 + widest.1) / 2, lat: y)
    }

    /// Interiors overlap when one interior point lies strictly inside the other (covers
    /// containment and equal polygons), or when a piece of one boundary, cut wherever it
    /// meets the other boundary, runs through the other's interior.
    func interiorsOverlap(_ other: GeoPolygon) -> Bool {
        if let p = interiorPoint, other.strictlyContains(p) { return true }
        if let p = other.interiorPoint, strictlyContains(p) { return true }
        return boundaryEnters(other) || other.boundaryEnters(self)
    }

    private func boundaryEnters(_ other: GeoPolygon) -> Bool {
        let theirs = other.edges
        for (a, b) in edges {
            let box = GeoBox(
                minLon: Swift.min(a.lon, b.lon), minLat: Swift.min(a.lat, b.lat),
                maxLon: Swift.max(a.lon, b.lon), maxLat: Swift.max(a.lat, b.lat))
            guard box.intersects(other.bbox) else { continue }
            var cuts: [Double] = [0, 1]
            for (c, d) in theirs {
                cuts += Self.cutParameters(a, b, c, d)
            }
            cuts.sort()
            for i in 0..<cuts.count - 1 where cuts[i + 1] - cuts[i] > 1e-12 {
                let t = (cuts[i] + cuts[i + 1]) / 2
                let m = GeoPoint(lon: a.lon + t * (b.lon - a.lon), lat: a.lat + t * (b.lat - a.lat))
                if other.strictlyContains(m) { return true }
            }
        }
        return false
    }

    /// Where along a→b (0…1) the segment c–d meets it: the crossing, or both ends of a
    /// collinear overlap.
    static func cutParameters(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint, _ d: GeoPoint) -> [Double] {
        let rx = b.lon - a.lon, ry = b.lat - a.lat, sx = d.lon - c.lon, sy = d.lat - c.lat
        let qx = c.lon - a.lon, qy = c.lat - a.lat
        let denom = rx * sy - ry * sx
        let len2 = rx * rx + ry * ry
        guard len2 > 0 else { return [] }
        if abs(denom) <= 1e-14 * (len2 * (sx * sx + sy * sy)).squareRoot() {
            guard isOnSegment(c, a, b) || isOnSegment(d, a, b) || isOnSegment(a, c, d) else { return [] }
            let tc = (qx * rx + qy * ry) / len2
            let td = ((d.lon - a.lon) * rx + (d.lat - a.lat) * ry) / len2
            return [tc, td].map { Swift.min(1, Swift.max(0, $0)) }
        }
        let t = (qx * sy - qy * sx) / denom
        let u = (qx * ry - qy * rx) / denom
        let e = 1e-12
        guard t >= -e, t <= 1 + e, u >= -e, u <= 1 + e else { return [] }
        return [Swift.min(1, Swift.max(0, t))]
    }
}

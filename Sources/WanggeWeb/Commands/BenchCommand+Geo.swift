import Foundation
import WanggeCore

/// `wangge bench --geo`: point → grid lookups in this process, no server. A district of
/// `columns × rows` grids whose corners are jittered and whose edges carry extra vertices (shared by
/// neighbours, as surveyed boundaries are), random points over it; the index's lookups per second
/// on one core against testing every grid in turn, the same answers checked on the scanned sample.
extension BenchCommand {
    static let geoLookupTarget = 1_000_000.0
    static let geoRatioTarget = 50.0

    /// Grid boundaries with `perSide` vertices on each side, about 5,500 households' worth of streets apart.
    static func benchDistrict(columns: Int = 40, rows: Int = 25, perSide: Int = 6, seed: UInt64 = 16) -> [(Int, GeoArea)] {
        var rng = SeededRandom(state: seed)
        let dx = 0.004, dy = 0.003
        let corners = (0...columns).map { i in
            (0...rows).map { j -> GeoPoint in
                let inner = i > 0 && j > 0 && i < columns && j < rows
                let jx = inner ? Double.random(in: -dx / 4...dx / 4, using: &rng) : 0
                let jy = inner ? Double.random(in: -dy / 4...dy / 4, using: &rng) : 0
                return GeoPoint(lon: 116.3 + Double(i) * dx + jx, lat: 39.85 + Double(j) * dy + jy)
            }
        }
        func side(_ a: GeoPoint, _ b: GeoPoint) -> [GeoPoint] {
            (0..<perSide).map { k in
                let t = Double(k) / Double(perSide)
                return GeoPoint(lon: a.lon + (b.lon - a.lon) * t, lat: a.lat + (b.lat - a.lat) * t)
            }
        }
        var grids: [(Int, GeoArea)] = []
        for i in 0..<columns {
            for j in 0..<rows {
                let (a, b, c, d) = (corners[i][j], corners[i + 1][j], corners[i + 1][j + 1], corners[i][j + 1])
                let ring = side(a, b) + side(b, c) + side(c, d) + side(d, a) + [a]
                grids.append((i * rows + j, GeoArea(GeoPolygon(rings: [ring]))))
            }
        }
        return grids
    }

    /// Runs the lookups and returns the figures: the index's rate, the scan's rate and their ratio.
    static func geoFigures(lookups: Int, scanned: Int) throws -> [Figure] {
        let grids = benchDistrict()
        let index = GeoIndex(grids)
        var rng = SeededRandom(state: 7)
        let points = (0..<lookups).map { _ in
            GeoPoint(lon: Double.random(in: 116.299...116.461, using: &rng), lat: Double.random(in: 39.849...39.926, using: &rng))
        }
        let sample = Array(points.prefix(max(1, min(scanned, lookups))))
        for p in sample where index.locate(p) != index.scan(p) { throw BenchCheckFailed("point → grid: the index and the scan disagree at \(p)") }
        var found = 0
        let t0 = Date()
        for p in points where index.locate(p) != nil { found += 1 }
        let indexed = Double(points.count) / max(1e-9, Date().timeIntervalSince(t0))
        let t1 = Date()
        for p in sample where index.scan(p) != nil { found += 1 }
        let scan = Double(sample.count) / max(1e-9, Date().timeIntervalSince(t1))
        guard found > 0 else { throw BenchCheckFailed("point → grid: no point fell in any grid") }
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        let ratio = rounded(indexed / scan)
        return [
            Figure(
                name: "point → grid lookups (\(grids.count) grids, one core)", value: rounded(indexed), unit: "lookups/s",
                target: ">= \(Int(geoLookupTarget))", pass: indexed >= geoLookupTarget),
            Figure(
                name: "point → grid: index vs testing every grid", value: rounded(indexed), unit: "lookups/s", baseline: rounded(scan), ratio: ratio,
                target: ">= \(Int(geoRatioTarget))", pass: ratio >= geoRatioTarget),
        ]
    }
}

/// A failed self-check of a benchmark, printed as it is.
struct BenchCheckFailed: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
}

import Foundation
import Testing
@testable import WanggeCore

@Suite struct GeoIndexTests {
    /// 50 × 30 irregular quadrilaterals tiling a district (1,500 grids), with every 7th left
    /// out so some points fall in gaps and need the nearest grid.
    static func district(seed: UInt64 = 42) -> [(Int, GeoArea)] {
        var rng = SeededRandom(state: seed)
        let cols = 50, rows = 30, dx = 0.004, dy = 0.003
        var v = [[GeoPoint]]()
        for i in 0...cols {
            v.append(
                (0...rows).map { j in
                    let edge = i == 0 || j == 0 || i == cols || j == rows
                    let jx = edge ? 0 : Double.random(in: -dx / 4...dx / 4, using: &rng)
                    let jy = edge ? 0 : Double.random(in: -dy / 4...dy / 4, using: &rng)
                    return GeoPoint(lon: 116.3 + Double(i) * dx + jx, lat: 39.85 + Double(j) * dy + jy)
                })
        }
        var grids: [(Int, GeoArea)] = []
        for i in 0..<cols {
            for j in 0..<rows where (i * rows + j) % 7 != 3 {
                let ring = [v[i][j], v[i + 1][j], v[i + 1][j + 1], v[i][j + 1], v[i][j]]
                grids.append((i * rows + j, GeoArea(GeoPolygon(rings: [ring]))))
            }
        }
        return grids
    }

    static func randomPoints(_ n: Int, seed: UInt64) -> [GeoPoint] {
        var rng = SeededRandom(state: seed)
        return (0..<n).map { _ in
            GeoPoint(lon: Double.random(in: 116.29...116.51, using: &rng), lat: Double.random(in: 39.84...39.95, using: &rng))
        }
    }

    @Test func locateAgreesWithBruteForce() {
        let grids = Self.district()
        let index = GeoIndex(grids)
        var located = 0
        for p in Self.randomPoints(1500, seed: 7) {
            let brute = grids.first { $0.1.contains(p) }?.0
            #expect(index.locate(p) == brute, "at \(p)")
            if brute != nil { located += 1 }
        }
        #expect(located > 800)
    }

    @Test("areas too large for the lattice are tested in input order with the listed ones, as a scan would")
    func largeAreasKeepInputOrder() {
        let grids = Self.district()
        // A district-sized area in the middle of the list and one at the front: both are tested everywhere.
        let whole = Shapes.area(116.29, 39.84, 116.51, 39.95)
        let entries = [(-1, Shapes.area(116.35, 39.86, 116.45, 39.90))] + grids.prefix(700) + [(-2, whole)] + grids.dropFirst(700)
        let index = GeoIndex(entries, cellDegrees: 0.0005)
        var inLarge = 0
        for p in Self.randomPoints(3000, seed: 19) {
            let found = index.locate(p)
            #expect(found == index.scan(p) && found == entries.first { $0.1.contains(p) }?.0, "at \(p)")
            if found == -1 || found == -2 { inLarge += 1 }
        }
        #expect(inLarge > 300 && index.everywhere.count == 2)
    }

    @Test func verticesAndEdgesGoToTheFirstArea() {
        let grids = Self.district()
        let index = GeoIndex(grids, cellDegrees: 0.0017)
        for (_, area) in grids.prefix(300) {
            let ring = area.polygons[0].rings[0]
            let mid = GeoPoint(lon: (ring[0].lon + ring[1].lon) / 2, lat: (ring[0].lat + ring[1].lat) / 2)
            for p in [ring[0], ring[2], mid] {
                #expect(index.locate(p) == grids.first { $0.1.contains(p) }?.0)
            }
        }
    }

    @Test func nearestAgreesWithBruteForce() throws {
        let grids = Self.district()
        let index = GeoIndex(grids)
        for p in Self.randomPoints(400, seed: 11) {
            let distances = grids.map { ($0.0, $0.1.distance(to: p)) }
            let brute = distances.min { $0.1 < $1.1 }!
            let found = index.nearest(p, maxMeters: 1_000)
            if brute.1 <= 1_000 {
                let f = try #require(found, "at \(p)")
                #expect(f.meters == brute.1)
                #expect(f.id == brute.0 || distances.first { $0.0 == f.id }!.1 == brute.1)
            } else {
                #expect(found == nil)
            }
        }
    }

    @Test func nearestWithinLimitOnly() throws {
        let index = GeoIndex([("a", Shapes.area(116.40, 39.90, 116.41, 39.91)), ("b", Shapes.area(116.43, 39.90, 116.44, 39.91))])
        let p = GeoPoint(lon: 116.4105, lat: 39.905)
        let hit = try #require(index.nearest(p, maxMeters: 100))
        #expect(hit.id == "a")
        #expect(abs(hit.meters - 0.0005 * 111_195 * cos(39.905 * .pi / 180)) < 0.5)
        #expect(index.nearest(p, maxMeters: 10) == nil)
        #expect(index.nearest(GeoPoint(lon: 116.405, lat: 39.905), maxMeters: 0)! == ("a", 0))
        #expect(index.nearest(GeoPoint(lon: 120, lat: 30), maxMeters: .infinity)?.id == "b")
        #expect(index.locate(GeoPoint(lon: .nan, lat: 1)) == nil)
    }

    @Test func largeAreasAndEmptyIndex() {
        let grids = [("district", Shapes.area(100, 20, 120, 45)), ("grid", Shapes.area(116.40, 39.90, 116.401, 39.901))]
        let index = GeoIndex(grids)
        #expect(index.locate(GeoPoint(lon: 116.4005, lat: 39.9005)) == "district")
        #expect(index.locate(GeoPoint(lon: 101, lat: 21)) == "district")
        #expect(index.locate(GeoPoint(lon: 99, lat: 21)) == nil)
        let empty = GeoIndex<String>([])
        #expect(empty.locate(GeoPoint(lon: 1, lat: 1)) == nil)
        #expect(empty.nearest(GeoPoint(lon: 1, lat: 1), maxMeters: 1e6) == nil)
    }

    @Test func locatingIsFast() {
        let index = GeoIndex(Self.district())
        let points = Self.randomPoints(20_000, seed: 3)
        let clock = ContinuousClock()
        var found = 0
        let elapsed = clock.measure {
            for p in points where index.locate(p) != nil { found += 1 }
        }
        #expect(found > 11_000)
        // A linear scan would test 1,286 grids per point; the lattice tests a handful.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}

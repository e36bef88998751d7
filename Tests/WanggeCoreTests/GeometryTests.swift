import Foundation
import Testing
@testable import WanggeCore

/// Shapes around Beijing (lat ≈ 39.9), where one degree of latitude is about 111.2 km.
enum Shapes {
    static func box(_ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> GeoPolygon {
        .rectangle(GeoBox(minLon: minLon, minLat: minLat, maxLon: maxLon, maxLat: maxLat))
    }

    static func area(_ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> GeoArea {
        GeoArea(box(minLon, minLat, maxLon, maxLat))
    }

    /// A 0.02° square with a 0.01° square hole in the middle.
    static let framed = GeoPolygon(
        rings: box(116.40, 39.90, 116.42, 39.92).rings + [
            [
                GeoPoint(lon: 116.405, lat: 39.905), GeoPoint(lon: 116.405, lat: 39.915),
                GeoPoint(lon: 116.415, lat: 39.915), GeoPoint(lon: 116.415, lat: 39.905),
            ]
        ])

    /// A U shape whose centroid lies in the notch.
    static let u = GeoPolygon(rings: [
        [
            GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 3, lat: 0), GeoPoint(lon: 3, lat: 3), GeoPoint(lon: 2, lat: 3),
            GeoPoint(lon: 2, lat: 1), GeoPoint(lon: 1, lat: 1), GeoPoint(lon: 1, lat: 3), GeoPoint(lon: 0, lat: 3),
            GeoPoint(lon: 0, lat: 0),
        ]
    ])
}

@Suite struct GeometryTests {
    @Test func containsWithHoleAndBoundary() {
        let p = Shapes.framed
        #expect(p.contains(GeoPoint(lon: 116.401, lat: 39.901)))
        #expect(!p.contains(GeoPoint(lon: 116.41, lat: 39.91)), "inside the hole")
        #expect(p.contains(GeoPoint(lon: 116.405, lat: 39.91)), "on the hole's edge")
        #expect(p.contains(GeoPoint(lon: 116.40, lat: 39.91)), "on the outer edge")
        #expect(p.contains(GeoPoint(lon: 116.42, lat: 39.92)), "on a corner")
        #expect(!p.contains(GeoPoint(lon: 116.4201, lat: 39.91)))
        #expect(!p.contains(GeoPoint(lon: 116.39, lat: 39.91)))
    }

    @Test func openRingsWorkLikeClosedOnes() {
        let open = GeoPolygon(rings: [Array(Shapes.box(0, 0, 1, 1).rings[0].dropLast())])
        #expect(open.contains(GeoPoint(lon: 0.5, lat: 0.5)))
        #expect(open.contains(GeoPoint(lon: 0, lat: 0.5)))
        #expect(abs(open.area - Shapes.box(0, 0, 1, 1).area) < 1e-6)
    }

    @Test func concaveContains() {
        #expect(!Shapes.u.contains(GeoPoint(lon: 1.5, lat: 2)))
        #expect(Shapes.u.contains(GeoPoint(lon: 0.5, lat: 2)))
        #expect(Shapes.u.contains(GeoPoint(lon: 1.5, lat: 1)), "on the notch floor")
    }

    @Test func bbox() {
        let b = Shapes.framed.bbox
        #expect(b == GeoBox(minLon: 116.40, minLat: 39.90, maxLon: 116.42, maxLat: 39.92))
        #expect(GeoArea(polygons: [Shapes.box(0, 0, 1, 1), Shapes.box(2, -1, 3, 0.5)]).bbox == GeoBox(minLon: 0, minLat: -1, maxLon: 3, maxLat: 1))
        #expect(GeoArea(polygons: []).bbox.isEmpty)
    }

    @Test func areaInSquareMetres() {
        // 0.01° × 0.01° at 39.9°N ≈ 1111.95 m × 853.3 m.
        let a = Shapes.box(116.40, 39.90, 116.41, 39.91).area
        let expected = 1111.95 * 1111.95 * cos(39.905 * .pi / 180)
        #expect(abs(a - expected) / expected < 0.001)
        // The hole takes a quarter away.
        let outer = Shapes.box(116.40, 39.90, 116.42, 39.92).area
        #expect(abs(Shapes.framed.area - outer * 0.75) / outer < 1e-9)
        // Winding does not matter.
        let cw = GeoPolygon(rings: [Shapes.box(116.40, 39.90, 116.41, 39.91).rings[0].reversed()])
        #expect(abs(cw.area - a) < 1e-6)
        #expect(GeoArea(polygons: [Shapes.box(0, 0, 1, 1), Shapes.box(2, 0, 3, 1)]).area == 2 * Shapes.box(0, 0, 1, 1).area)
    }

    @Test func centroid() {
        let c = Shapes.box(116.40, 39.90, 116.42, 39.92).centroid
        #expect(abs(c.lon - 116.41) < 1e-9 && abs(c.lat - 39.91) < 1e-9)
        let f = Shapes.framed.centroid
        #expect(abs(f.lon - 116.41) < 1e-9 && abs(f.lat - 39.91) < 1e-9)
        let l = GeoPolygon(rings: [
            [
                GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 2, lat: 0), GeoPoint(lon: 2, lat: 1),
                GeoPoint(lon: 1, lat: 1), GeoPoint(lon: 1, lat: 2), GeoPoint(lon: 0, lat: 2),
            ]
        ])
        // Two unit squares: centres (1, 0.5) weight 2 and (0.5, 1.5) weight 1.
        #expect(abs(l.centroid.lon - 5.0 / 6) < 1e-9 && abs(l.centroid.lat - 5.0 / 6) < 1e-9)
        let two = GeoArea(polygons: [Shapes.box(0, 0, 1, 1), Shapes.box(2, 0, 3, 1)]).centroid
        #expect(abs(two.lon - 1.5) < 1e-6 && abs(two.lat - 0.5) < 1e-6)
    }

    @Test func interiorPointOfConcaveShapes() throws {
        #expect(!Shapes.u.contains(Shapes.u.centroid))
        let p = try #require(Shapes.u.interiorPoint)
        #expect(Shapes.u.strictlyContains(p))
        let q = try #require(Shapes.framed.interiorPoint)
        #expect(Shapes.framed.strictlyContains(q))
        #expect(GeoPolygon(rings: [[GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 1, lat: 0)]]).interiorPoint == nil)
    }

    @Test func distance() {
        let a = Shapes.area(116.40, 39.90, 116.41, 39.91)
        #expect(a.distance(to: GeoPoint(lon: 116.405, lat: 39.905)) == 0)
        #expect(a.distance(to: GeoPoint(lon: 116.41, lat: 39.905)) == 0)
        // 0.001° north of the top edge ≈ 111.2 m.
        let north = a.distance(to: GeoPoint(lon: 116.405, lat: 39.911))
        #expect(abs(north - 111.195) < 0.1)
        // Diagonal from a corner agrees with haversine to well under a metre.
        let p = GeoPoint(lon: 116.412, lat: 39.912)
        let d = a.distance(to: p), h = GeoArea.haversine(from: GeoPoint(lon: 116.41, lat: 39.91), to: p)
        #expect(abs(d - h) < 0.5)
        // Inside the hole the nearest edge is the hole's.
        let hole = GeoArea(Shapes.framed).distance(to: GeoPoint(lon: 116.41, lat: 39.91))
        #expect(abs(hole - 0.005 * 111_195 * cos(39.91 * .pi / 180)) < 1)
    }

    @Test func haversine() {
        // Tiananmen to the Shanghai Bund is about 1,067 km.
        let d = GeoArea.haversine(from: GeoPoint(lon: 116.3975, lat: 39.9087), to: GeoPoint(lon: 121.4903, lat: 31.2400))
        #expect(abs(d - 1_067_000) < 5_000)
        #expect(GeoArea.haversine(from: GeoPoint(lon: 1, lat: 1), to: GeoPoint(lon: 1, lat: 1)) == 0)
        #expect(abs(GeoArea.haversine(from: GeoPoint(lon: 0, lat: 0), to: GeoPoint(lon: 0, lat: 1)) - 111_195) < 1)
    }

    @Test func adjacentTilesDoNotIntersect() {
        let west = Shapes.area(116.40, 39.90, 116.41, 39.91)
        let east = Shapes.area(116.41, 39.90, 116.42, 39.91)
        let north = Shapes.area(116.40, 39.91, 116.41, 39.92)
        let diagonal = Shapes.area(116.41, 39.91, 116.42, 39.92)
        #expect(!west.intersects(east))
        #expect(!east.intersects(west))
        #expect(!west.intersects(north))
        #expect(!west.intersects(diagonal), "touching at one corner")
        // A neighbour sharing only part of an edge, offset half a tile.
        #expect(!west.intersects(Shapes.area(116.41, 39.905, 116.42, 39.915)))
        // Its boundary has a vertex in the middle of the shared edge.
        let split = GeoArea(
            GeoPolygon(rings: [
                [
                    GeoPoint(lon: 116.41, lat: 39.90), GeoPoint(lon: 116.42, lat: 39.90), GeoPoint(lon: 116.42, lat: 39.91),
                    GeoPoint(lon: 116.41, lat: 39.91), GeoPoint(lon: 116.41, lat: 39.905), GeoPoint(lon: 116.41, lat: 39.90),
                ]
            ]))
        #expect(!west.intersects(split))
    }

    @Test func overlappingShapesIntersect() {
        let a = Shapes.area(0, 0, 2, 2)
        #expect(a.intersects(Shapes.area(1, 1, 3, 3)), "crossing edges")
        #expect(a.intersects(Shapes.area(0.5, 0.5, 1, 1)), "contained")
        #expect(Shapes.area(0.5, 0.5, 1, 1).intersects(a), "containing")
        #expect(a.intersects(a), "identical")
        #expect(a.intersects(Shapes.area(0, 0, 1, 2)), "sharing three edges, inside")
        #expect(a.intersects(Shapes.area(1, -1, 3, 3)), "a cross with no vertex inside the other")
        #expect(!a.intersects(Shapes.area(3, 3, 4, 4)))
        // A tile wholly inside the hole of a frame touches nothing.
        let inHole = Shapes.area(116.406, 39.906, 116.414, 39.914)
        #expect(!GeoArea(Shapes.framed).intersects(inHole))
        #expect(GeoArea(Shapes.framed).intersects(Shapes.area(116.41, 39.91, 116.43, 39.93)))
        // A triangle lying along the diagonal of a square.
        let triangle = GeoArea(GeoPolygon(rings: [[GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 2, lat: 2), GeoPoint(lon: 4, lat: 0)]]))
        #expect(a.intersects(triangle))
        // Multipolygons: any piece counts.
        let pieces = GeoArea(polygons: [Shapes.box(10, 10, 11, 11), Shapes.box(1.5, 1.5, 2.5, 2.5)])
        #expect(a.intersects(pieces))
    }
}

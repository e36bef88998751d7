/// A WGS-84 position, longitude first as in GeoJSON.
public struct GeoPoint: Sendable, Hashable, Codable {
    public var lon: Double
    public var lat: Double

    public init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// True when the coordinates are finite and inside the WGS-84 range.
    public var isValid: Bool {
        lon.isFinite && lat.isFinite && (-180...180).contains(lon) && (-90...90).contains(lat)
    }
}

/// An axis-aligned box, used to skip polygons quickly before an exact test.
public struct GeoBox: Sendable, Hashable, Codable {
    public var minLon: Double
    public var minLat: Double
    public var maxLon: Double
    public var maxLat: Double

    public init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        self.minLon = minLon
        self.minLat = minLat
        self.maxLon = maxLon
        self.maxLat = maxLat
    }

    public func contains(_ p: GeoPoint) -> Bool {
        p.lon >= minLon && p.lon <= maxLon && p.lat >= minLat && p.lat <= maxLat
    }

    public var center: GeoPoint { GeoPoint(lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2) }
}

/// A polygon with holes: the first ring is the outer boundary, the rest are holes.
/// Rings are stored closed or open; every algorithm treats them as closed.
public struct GeoPolygon: Sendable, Hashable, Codable {
    public var rings: [[GeoPoint]]

    public init(rings: [[GeoPoint]]) {
        self.rings = rings
    }

    /// A rectangle as a polygon, corners listed counter-clockwise as RFC 7946 asks.
    public static func rectangle(_ box: GeoBox) -> GeoPolygon {
        GeoPolygon(rings: [
            [
                GeoPoint(lon: box.minLon, lat: box.minLat),
                GeoPoint(lon: box.maxLon, lat: box.minLat),
                GeoPoint(lon: box.maxLon, lat: box.maxLat),
                GeoPoint(lon: box.minLon, lat: box.maxLat),
                GeoPoint(lon: box.minLon, lat: box.minLat),
            ]
        ])
    }
}

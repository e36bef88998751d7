import Foundation

/// One feature of a boundary or location file.
public struct GeoFeature: Sendable, Hashable {
    /// Every property as text: numbers exactly as written, booleans "true"/"false", nested
    /// values as compact JSON; null properties are left out.
    public var properties: [String: String]
    public var area: GeoArea?
    public var point: GeoPoint?
    /// The feature's own "id" member, which some exporters use instead of a property.
    public var id: String?
    /// The feature's 1-based position in the file, so a report can name it even when earlier
    /// features could not be read.
    public var number: Int

    public init(properties: [String: String] = [:], area: GeoArea? = nil, point: GeoPoint? = nil, id: String? = nil, number: Int = 1) {
        self.properties = properties
        self.area = area
        self.point = point
        self.id = id
        self.number = number
    }
}

/// RFC 7946 reading and writing, limited to what unit boundaries and places need:
/// Polygon, MultiPolygon and Point.
public enum GeoJSON {
    /// All features, or the first problem. Features are numbered from 1 in problems.
    public static func parse(_ data: Data) throws(GeoJSONProblem) -> [GeoFeature] {
        let report = parseReport(data)
        if let first = report.problems.first { throw first }
        return report.features
    }

    /// Every feature that could be read and a problem for each one that could not, so an
    /// import can list them all at once and then refuse the whole file.
    public static func parseReport(_ data: Data) -> (features: [GeoFeature], problems: [GeoJSONProblem]) {
        let root: JSONValue
        do {
            root = try JSONParser.parse([UInt8](data))
        } catch {
            return ([], [.notJSON(line: error.line)])
        }
        guard let obj = root.object else { return ([], [.notAnObject(feature: 1)]) }
        let type = obj["type"]?.string ?? ""
        switch type {
        case "FeatureCollection":
            guard let list = obj["features"]?.array else { return ([], [.missingMember(feature: 0, name: "features")]) }
            guard !list.isEmpty else { return ([], [.emptyCollection]) }
            var features: [GeoFeature] = [], problems: [GeoJSONProblem] = []
            for (i, f) in list.enumerated() {
                do throws(GeoJSONProblem) { features.append(try feature(f, number: i + 1)) } catch { problems.append(error) }
            }
            return (features, problems)
        case "Feature":
            do throws(GeoJSONProblem) { return ([try feature(root, number: 1)], []) } catch { return ([], [error]) }
        default:
            var f = GeoFeature()
            do throws(GeoJSONProblem) { try readGeometry(root, into: &f, number: 1) } catch { return ([], [error]) }
            return ([f], [])
        }
    }

    static func feature(_ v: JSONValue, number n: Int) throws(GeoJSONProblem) -> GeoFeature {
        guard let obj = v.object else { throw .notAnObject(feature: n) }
        guard let type = obj["type"]?.string, type == "Feature" else { throw .unknownType(feature: n, type: obj["type"]?.string ?? "") }
        var f = GeoFeature(number: n)
        for (key, value) in obj["properties"]?.object ?? [:] {
            switch value {
            case .null: continue
            case .string(let s): f.properties[key] = s
            case .number(let s): f.properties[key] = s
            case .bool(let b): f.properties[key] = b ? "true" : "false"
            case .array, .object: f.properties[key] = value.jsonText
            }
        }
        switch obj["id"] {
        case .string(let s)?, .number(let s)?: f.id = s
        default: break
        }
        switch obj["geometry"] {
        case nil, .null?: break
        case let g?: try readGeometry(g, into: &f, number: n)
        }
        return f
    }

    static func readGeometry(_ g: JSONValue, into f: inout GeoFeature, number n: Int) throws(GeoJSONProblem) {
        guard let obj = g.object else { throw .notAnObject(feature: n) }
        let type = obj["type"]?.string ?? ""
        guard ["Point", "Polygon", "MultiPolygon"].contains(type) else { throw .unknownType(feature: n, type: type) }
        guard let coords = obj["coordinates"] else { throw .missingMember(feature: n, name: "coordinates") }
        switch type {
        case "Point":
            f.point = try position(coords, number: n)
        case "Polygon":
            f.area = GeoArea(try polygon(coords, number: n, polygon: 1))
        default:
            guard let list = coords.array, !list.isEmpty else { throw .badCoordinates(feature: n) }
            var polygons: [GeoPolygon] = []
            for (i, p) in list.enumerated() {
                polygons.append(try polygon(p, number: n, polygon: i + 1))
            }
            f.area = GeoArea(polygons: polygons)
        }
    }

    static func polygon(_ v: JSONValue, number n: Int, polygon: Int) throws(GeoJSONProblem) -> GeoPolygon {
        guard let list = v.array, !list.isEmpty else { throw .badCoordinates(feature: n) }
        var rings: [[GeoPoint]] = []
        for (r, ringValue) in list.enumerated() {
            guard let positions = ringValue.array else { throw .badCoordinates(feature: n) }
            var ring: [GeoPoint] = []
            ring.reserveCapacity(positions.count)
            for p in positions { ring.append(try position(p, number: n)) }
            guard ring.count >= 4 else { throw .ringTooShort(feature: n, polygon: polygon, ring: r + 1, positions: ring.count) }
            guard ring.first == ring.last else { throw .ringNotClosed(feature: n, polygon: polygon, ring: r + 1) }
            if let at = GeoRing.selfIntersection(ring) { throw .ringSelfIntersects(feature: n, polygon: polygon, ring: r + 1, lon: at.lon, lat: at.lat) }
            rings.append(ring)
        }
        return GeoPolygon(rings: rings)
    }

    static func position(_ v: JSONValue, number n: Int) throws(GeoJSONProblem) -> GeoPoint {
        // A third number is an altitude, which boundaries do not use.
        guard let a = v.array, a.count >= 2, let lon = a[0].double, let lat = a[1].double,
            a.dropFirst(2).allSatisfy({ $0.double != nil })
        else { throw .badCoordinates(feature: n) }
        let p = GeoPoint(lon: lon, lat: lat)
        guard p.isValid else { throw .coordinateOutOfRange(feature: n, lon: a[0].jsonText, lat: a[1].jsonText) }
        return p
    }

    // MARK: - Writing

    /// A Polygon for one polygon, else a MultiPolygon; rings closed and wound as RFC 7946
    /// asks (outer counter-clockwise, holes clockwise).
    public static func geometry(_ area: GeoArea) -> String {
        if area.polygons.count == 1 {
            return #"{"type":"Polygon","coordinates":"# + polygonText(area.polygons[0]) + "}"
        }
        return #"{"type":"MultiPolygon","coordinates":["# + area.polygons.map(polygonText).joined(separator: ",") + "]}"
    }

    public static func featureCollection(_ features: [(properties: [String: String], area: GeoArea)]) -> String {
        let items = features.map { f in
            let props = f.properties.keys.sorted().map { JSONValue.quote($0) + ":" + JSONValue.quote(f.properties[$0]!) }
            return #"{"type":"Feature","properties":{"# + props.joined(separator: ",") + #"},"geometry":"# + geometry(f.area) + "}"
        }
        return #"{"type":"FeatureCollection","features":["# + items.joined(separator: ",") + "]}"
    }

    static func polygonText(_ polygon: GeoPolygon) -> String {
        let rings = polygon.openRings.enumerated().map { i, ring in
            let ccw = GeoPolygon.ringMoments(ring).area > 0
            // Reversed from the same first vertex, so a rewound ring still starts where it did.
            let wound = ccw == (i == 0) ? ring : [ring[0]] + ring.dropFirst().reversed()
            return "[" + (wound + [wound[0]]).map { "[\($0.lon),\($0.lat)]" }.joined(separator: ",") + "]"
        }
        return "[" + rings.joined(separator: ",") + "]"
    }
}

public enum GeoJSONProblem: LocalizedProblem {
    case notJSON(line: Int)
    case notAnObject(feature: Int)
    /// `feature` 0 means the collection itself.
    case missingMember(feature: Int, name: String)
    case unknownType(feature: Int, type: String)
    case emptyCollection
    case badCoordinates(feature: Int)
    case coordinateOutOfRange(feature: Int, lon: String, lat: String)
    case ringNotClosed(feature: Int, polygon: Int, ring: Int)
    case ringTooShort(feature: Int, polygon: Int, ring: Int, positions: Int)
    /// The ring crosses itself (a bow tie): inside and outside are undefined. The point is near the crossing.
    case ringSelfIntersects(feature: Int, polygon: Int, ring: Int, lon: String, lat: String)

    /// The 1-based feature the problem is in, nil when it concerns the whole file.
    public var feature: Int? {
        switch self {
        case .notJSON, .emptyCollection: nil
        case .missingMember(let f, _): f == 0 ? nil : f
        case .notAnObject(let f), .unknownType(let f, _), .badCoordinates(let f), .coordinateOutOfRange(let f, _, _),
            .ringNotClosed(let f, _, _), .ringTooShort(let f, _, _, _), .ringSelfIntersects(let f, _, _, _, _):
            f
        }
    }

    public var messageKey: String {
        switch self {
        case .notJSON: "geo.notJSON"
        case .notAnObject: "geo.notAnObject"
        case .missingMember(let f, _): f == 0 ? "geo.collectionMissingMember" : "geo.missingMember"
        case .unknownType: "geo.unknownType"
        case .emptyCollection: "geo.emptyCollection"
        case .badCoordinates: "geo.badCoordinates"
        case .coordinateOutOfRange: "geo.coordinateOutOfRange"
        case .ringNotClosed: "geo.ringNotClosed"
        case .ringTooShort: "geo.ringTooShort"
        case .ringSelfIntersects: "geo.ringSelfIntersects"
        }
    }

    public var args: [String] {
        switch self {
        case .notJSON(let line): ["\(line)"]
        case .emptyCollection: []
        case .notAnObject(let f), .badCoordinates(let f): ["\(f)"]
        case .missingMember(let f, let name): f == 0 ? [name] : ["\(f)", name]
        case .unknownType(let f, let type): ["\(f)", type.isEmpty ? "—" : type]
        case .coordinateOutOfRange(let f, let lon, let lat): ["\(f)", lon, lat]
        case .ringNotClosed(let f, let p, let r): ["\(f)", "\(p)", "\(r)"]
        case .ringTooShort(let f, let p, let r, let n): ["\(f)", "\(p)", "\(r)", "\(n)"]
        case .ringSelfIntersects(let f, let p, let r, let lon, let lat): ["\(f)", "\(p)", "\(r)", lon, lat]
        }
    }
}

/// Whether a closed ring crosses itself. Segments that are not neighbours along the ring must not
/// touch; a sweep over segments sorted by their west edge keeps it near-linear for real boundaries
/// (hundreds to a few thousand vertices).
public enum GeoRing {
    /// A point near the first crossing found (the start of one of the two segments), or nil.
    public static func selfIntersection(_ ring: [GeoPoint]) -> (lon: String, lat: String)? {
        let n = ring.count - 1  // segments; the last point repeats the first
        guard n >= 3 else { return nil }
        let order = (0..<n).sorted { min(ring[$0].lon, ring[$0 + 1].lon) < min(ring[$1].lon, ring[$1 + 1].lon) }
        for (k, i) in order.enumerated() {
            let east = max(ring[i].lon, ring[i + 1].lon)
            for j in order[(k + 1)...] {
                if min(ring[j].lon, ring[j + 1].lon) > east { break }
                let neighbours = abs(i - j) == 1 || abs(i - j) == n - 1
                if !neighbours, crosses(ring[i], ring[i + 1], ring[j], ring[j + 1]) {
                    return (String(format: "%.6f", ring[i].lon), String(format: "%.6f", ring[i].lat))
                }
            }
        }
        return nil
    }

    static func orientation(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint) -> Double {
        (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon)
    }

    static func onSegment(_ a: GeoPoint, _ b: GeoPoint, _ p: GeoPoint) -> Bool {
        min(a.lon, b.lon) <= p.lon && p.lon <= max(a.lon, b.lon) && min(a.lat, b.lat) <= p.lat && p.lat <= max(a.lat, b.lat)
    }

    /// Segments ab and cd share a point (crossing, touching or overlapping).
    static func crosses(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint, _ d: GeoPoint) -> Bool {
        let (o1, o2, o3, o4) = (orientation(a, b, c), orientation(a, b, d), orientation(c, d, a), orientation(c, d, b))
        if (o1 > 0) != (o2 > 0) && (o3 > 0) != (o4 > 0) && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 { return true }
        return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) || (o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
    }
}

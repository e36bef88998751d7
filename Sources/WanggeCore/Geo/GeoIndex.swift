import Foundation

/// Finds which area (grid, community…) holds a point, fast enough to place every household
/// of a district among ~1,500 grids. Each area's bounding box is entered into the cells of
/// a coarse lattice it covers, so a query tests only the few areas listed in its cell.
/// Results equal a linear scan in input order: the first containing area wins.
public struct GeoIndex<ID: Hashable & Sendable>: Sendable {
    public let entries: [(id: ID, area: GeoArea)]
    let boxes: [GeoBox]
    /// Lattice cell size in degrees.
    let cell: Double
    var buckets: [Cell: [Int]] = [:]
    /// Areas too large to list cell by cell (a whole district among grids); always tested.
    var everywhere: [Int] = []

    struct Cell: Hashable, Sendable {
        var x: Int
        var y: Int
    }

    static var maxCellsPerArea: Int { 4096 }

    /// `cellDegrees` defaults to the median bounding-box side, so a typical area spans a
    /// cell or four and a typical cell lists a handful of areas.
    public init(_ entries: [(ID, GeoArea)], cellDegrees: Double? = nil) {
        self.entries = entries.map { (id: $0.0, area: $0.1) }
        boxes = entries.map { $0.1.bbox }
        let sides = boxes.filter { !$0.isEmpty }.map { Swift.max($0.maxLon - $0.minLon, $0.maxLat - $0.minLat) }.sorted()
        let median = sides.isEmpty ? 0.01 : sides[sides.count / 2]
        cell = Swift.min(1, Swift.max(1e-4, cellDegrees ?? median))
        for (i, box) in boxes.enumerated() where !box.isEmpty {
            let lo = cellOf(lon: box.minLon, lat: box.minLat), hi = cellOf(lon: box.maxLon, lat: box.maxLat)
            if (hi.x - lo.x + 1) * (hi.y - lo.y + 1) > Self.maxCellsPerArea {
                everywhere.append(i)
                continue
            }
            for x in lo.x...hi.x {
                for y in lo.y...hi.y { buckets[Cell(x: x, y: y), default: []].append(i) }
            }
        }
    }

    func cellOf(lon: Double, lat: Double) -> Cell {
        Cell(x: Int((lon / cell).rounded(.down)), y: Int((lat / cell).rounded(.down)))
    }

    /// Indexes listed in the cells overlapping `box`, ascending and without repeats.
    func candidates(in box: GeoBox) -> [Int] {
        let lo = cellOf(lon: box.minLon, lat: box.minLat), hi = cellOf(lon: box.maxLon, lat: box.maxLat)
        if (hi.x - lo.x + 1) * (hi.y - lo.y + 1) > buckets.count {
            return Array(entries.indices)
        }
        var found = Set(everywhere)
        for x in lo.x...hi.x {
            for y in lo.y...hi.y { found.formUnion(buckets[Cell(x: x, y: y)] ?? []) }
        }
        return found.sorted()
    }

    /// The first area containing `p` (a point on a shared edge belongs to the earlier one).
    public func locate(_ p: GeoPoint) -> ID? {
        guard p.isValid else { return nil }
        // A point on an edge may fall in the neighbouring cell, so the probe is a tiny box.
        let e = GeoPolygon.epsilon
        let probe = GeoBox(minLon: p.lon - e, minLat: p.lat - e, maxLon: p.lon + e, maxLat: p.lat + e)
        let cell = cellOf(lon: probe.minLon, lat: probe.minLat)
        guard cell == cellOf(lon: probe.maxLon, lat: probe.maxLat) else {
            for i in candidates(in: probe) where boxes[i].intersects(probe) && entries[i].area.contains(p) { return entries[i].id }
            return nil
        }
        // The usual case, a probe inside one cell: its list and `everywhere` are each ascending and
        // share no area, so walking both in step tests areas in input order without allocating.
        let listed = buckets[cell] ?? []
        var a = 0, b = 0
        while a < listed.count || b < everywhere.count {
            let i: Int
            if b == everywhere.count || (a < listed.count && listed[a] < everywhere[b]) {
                i = listed[a]
                a += 1
            } else {
                i = everywhere[b]
                b += 1
            }
            if boxes[i].intersects(probe) && entries[i].area.contains(p) { return entries[i].id }
        }
        return nil
    }

    /// The first area containing `p` by testing every area in input order: what `locate` answers, at
    /// the cost of a scan (the benchmark's baseline and the tests' oracle).
    public func scan(_ p: GeoPoint) -> ID? {
        guard p.isValid else { return nil }
        return entries.first { $0.area.contains(p) }?.id
    }

    /// The containing area at 0 m, else the nearest within `maxMeters` (ties go to the earlier
    /// area), e.g. to put a shop along a street into the closest grid (B2).
    public func nearest(_ p: GeoPoint, maxMeters: Double) -> (id: ID, meters: Double)? {
        guard p.isValid else { return nil }
        if let id = locate(p) { return (id, 0) }
        guard maxMeters >= 0 else { return nil }
        // Beyond ~2,000 km a box in degrees means nothing; look at every area instead.
        let dLat = Swift.min(maxMeters, 2_000_000) / Earth.metresPerDegree
        let dLon = dLat / Swift.max(0.01, cos(p.lat * Double.pi / 180))
        let search = GeoBox(minLon: p.lon - dLon, minLat: p.lat - dLat, maxLon: p.lon + dLon, maxLat: p.lat + dLat)
        var best: (index: Int, meters: Double)?
        let pool = maxMeters > 2_000_000 ? Array(entries.indices) : candidates(in: search).filter { boxes[$0].intersects(search) }
        for i in pool {
            let d = entries[i].area.distance(to: p)
            if d <= maxMeters, d < (best?.meters ?? .infinity) { best = (i, d) }
        }
        return best.map { (entries[$0.index].id, $0.meters) }
    }
}

import Foundation

/// The demo district generator: a realistic, fully deterministic district for demos,
/// load tests and screenshots. `plan` draws the unit tree and the teams; `population`
/// fills one grid at a time so big districts can be generated lazily or in parallel.
public enum DemoDistrict {
    /// Metres per degree of latitude; longitude degrees shrink with the cosine of the latitude.
    static let metresPerDegree = 111_320.0

    public static func plan(_ config: DemoConfig) -> DemoPlan {
        precondition(
            config.countyCode.utf8.count == 6 && config.countyCode.utf8.allSatisfy { (48...57).contains($0) },
            "countyCode must be six digits")
        var rng = DemoRNG(seed: config.seed, key: config.countyCode, part: "plan")
        let shape = DemoShape(targetGrids: config.grids)
        let mLat = metresPerDegree
        let mLon = metresPerDegree * cos(config.origin.lat * .pi / 180)
        let west = config.origin.lon, north = config.origin.lat

        // Streets are vertical strips whose grids average 330–370 m across, rows 335–365 m.
        var streetLons = [west]
        var x = 0.0
        for _ in 0..<shape.streets {
            x += Double(shape.columns) * rng.double(in: 330...370)
            streetLons.append(west + x / mLon)
        }
        let rowMetres = rng.double(in: 335...365)
        let height = Double(shape.communities * shape.rows) * rowMetres
        let south = north - height / mLat
        let districtBox = GeoBox(minLon: west, minLat: south, maxLon: streetLons[shape.streets], maxLat: north)

        let hasTown = shape.streets >= 2
        var streetNames = DemoNames.distinctNames(shape.streets, stems: DemoNames.streetStems, suffixes: ["街道"], rng: &rng)
        if hasTown {
            streetNames[shape.streets - 1] = DemoNames.distinctNames(1, stems: DemoNames.townStems, suffixes: ["镇"], rng: &rng)[0]
        }
        let communityCount = shape.streets * shape.communities
        let townCommunities = hasTown ? shape.communities : 0
        let communityNames = DemoNames.distinctNames(
            communityCount - townCommunities, stems: DemoNames.communityStems,
            suffixes: DemoNames.communitySuffixes, rng: &rng
        ).map { $0 + "社区" }
        let villageNames = DemoNames.distinctNames(
            townCommunities, stems: DemoNames.villagePrefixes,
            suffixes: DemoNames.villageSuffixes, rng: &rng
        ).map { $0 + "村" }
        let roadNames = DemoNames.distinctNames(
            shape.streets * 2, stems: DemoNames.roadStems,
            suffixes: DemoNames.roadSuffixes, rng: &rng)

        var units = [unit(config.countyCode, nil, .district, config.districtName, districtBox)]
        var contexts: [String: DemoGridContext] = [:]
        var ordinal = 0
        for s in 0..<shape.streets {
            let isTown = hasTown && s == shape.streets - 1
            // GB/T 10114: 001–099 are 街道, 100–199 镇; the one town is numbered 101.
            let streetCode = config.countyCode + DemoText.digits(isTown ? 101 : s + 1, width: 3)
            let streetBox = GeoBox(minLon: streetLons[s], minLat: south, maxLon: streetLons[s + 1], maxLat: north)
            units.append(unit(streetCode, config.countyCode, .street, streetNames[s], streetBox))
            let communityLats = split(from: north, to: south, parts: shape.communities, rng: &rng)
            for k in 0..<shape.communities {
                let communityCode = streetCode + DemoText.digits(k + 1, width: 3)
                let communityName = isTown ? villageNames[k] : communityNames[s * shape.communities + k]
                let communityBox = GeoBox(
                    minLon: streetBox.minLon, minLat: communityLats[k + 1],
                    maxLon: streetBox.maxLon, maxLat: communityLats[k])
                units.append(unit(communityCode, streetCode, .community, communityName, communityBox))
                var seq = 0
                for (r, count) in shape.rowCounts.enumerated() {
                    let top =
                        r == 0
                        ? communityBox.maxLat
                        : communityBox.maxLat - (communityBox.maxLat - communityBox.minLat) * Double(r) / Double(shape.rows)
                    let bottom =
                        r == shape.rows - 1
                        ? communityBox.minLat
                        : communityBox.maxLat - (communityBox.maxLat - communityBox.minLat) * Double(r + 1) / Double(shape.rows)
                    let lons = split(from: communityBox.minLon, to: communityBox.maxLon, parts: count, rng: &rng)
                    for c in 0..<count {
                        seq += 1
                        let gridCode = communityCode + DemoText.digits(seq, width: 3)
                        let gridName = communityName + "第\(seq)网格"
                        let box = GeoBox(minLon: lons[c], minLat: bottom, maxLon: lons[c + 1], maxLat: top)
                        units.append(unit(gridCode, communityCode, .grid, gridName, box))
                        contexts[gridCode] = DemoGridContext(
                            ordinal: ordinal, ordinalInStreet: k * shape.gridsPerCommunity + seq - 1,
                            isTown: isTown, districtName: config.districtName, streetName: streetNames[s],
                            communityName: communityName, gridName: gridName, box: box, districtBox: districtBox,
                            roads: [roadNames[2 * s], roadNames[2 * s + 1]])
                        ordinal += 1
                    }
                }
            }
        }
        var index: [String: Int] = [:]
        for (i, u) in units.enumerated() { index[u.code] = i }
        let staff = DemoTeams.staff(units: units, contexts: contexts, config: config)
        return DemoPlan(config: config, units: units, staff: staff, unitIndex: index, contexts: contexts)
    }

    static func unit(_ code: String, _ parent: String?, _ level: UnitLevel, _ name: String, _ box: GeoBox) -> DemoUnit {
        DemoUnit(code: code, parentCode: parent, level: level, name: name, boundary: .rectangle(box), box: box)
    }

    /// `parts + 1` boundaries from `a` to `b`, slightly uneven so the map does not look like
    /// a chessboard. The ends are `a` and `b` exactly, so neighbours share identical edges.
    static func split(from a: Double, to b: Double, parts: Int, rng: inout DemoRNG) -> [Double] {
        let weights = (0..<parts).map { _ in rng.double(in: 0.95...1.05) }
        let total = weights.reduce(0, +)
        var result = [a]
        var acc = 0.0
        for w in weights.dropLast() {
            acc += w
            result.append(a + (b - a) * acc / total)
        }
        result.append(b)
        return result
    }
}

/// How many streets, communities per street and grids per community make about `targetGrids`,
/// and how a community's grids sit in rows.
struct DemoShape {
    let streets: Int
    let communities: Int
    let gridsPerCommunity: Int
    let columns: Int
    let rows: Int
    /// Grids in each row, north to south; rows differ by at most one.
    let rowCounts: [Int]

    init(targetGrids: Int) {
        let n = Double(Swift.max(1, targetGrids))
        streets = Swift.min(99, Swift.max(1, Int(cbrt(n).rounded())))
        communities = Swift.min(999, Swift.max(1, Int((n / Double(streets)).squareRoot().rounded())))
        gridsPerCommunity = Swift.min(999, Swift.max(1, Int((n / Double(streets * communities)).rounded())))
        // Communities twice as wide as tall suit vertical street strips; a short last row
        // is allowed when it saves a very long single row.
        var best = (cost: Double.infinity, cols: gridsPerCommunity, rows: 1)
        for r in 1...gridsPerCommunity {
            let c = (gridsPerCommunity + r - 1) / r
            let waste = c * r - gridsPerCommunity
            guard waste < r else { continue }
            let cost = 4 * Double(waste) / Double(c) + abs(log(Double(c) / Double(r)) - log(2.0))
            if cost < best.cost { best = (cost, c, r) }
        }
        columns = best.cols
        rows = best.rows
        let g = gridsPerCommunity, r = rows
        rowCounts = (0..<r).map { i in g / r + (i < g % r ? 1 : 0) }
    }
}

/// What `population` needs to know about a grid without searching the tree.
struct DemoGridContext: Sendable {
    let ordinal: Int
    let ordinalInStreet: Int
    let isTown: Bool
    let districtName: String
    let streetName: String
    let communityName: String
    let gridName: String
    let box: GeoBox
    let districtBox: GeoBox
    /// The street's main road (compounds) and its cross road (shop fronts).
    let roads: [String]

    var addressPrefix: String { districtName + streetName + communityName }
}

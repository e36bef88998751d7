extension DemoDistrict {
    /// Everything in one grid. Deterministic per grid: the seed is mixed with the grid code,
    /// so grids can be generated lazily, in any order or in parallel. An unknown grid code
    /// gives an empty population. `config` supplies the seed and `today`; pass `plan.config`.
    ///
    /// Deliberate gaps for the coverage audit (B5) — demo data on purpose:
    /// about 1 resident in 400 has no household (newly arrived, not yet registered), and
    /// about 1 building in 200 (one extra building in every tenth grid) has no grid, with
    /// its point just outside the district.
    public static func population(ofGrid gridCode: String, plan: DemoPlan, config: DemoConfig) -> DemoGridPopulation {
        guard let context = plan.contexts[gridCode] else {
            return DemoGridPopulation(
                gridCode: gridCode, buildings: [], households: [], residents: [],
                components: [], organisations: [])
        }
        var rng = DemoRNG(seed: config.seed, key: gridCode, part: "population")
        let (site, householdTarget) = self.site(gridCode, context: context, config: config, rng: &rng)
        let households = site.households(count: householdTarget, rng: &rng)
        var people = DemoPeople(gridCode: gridCode, config: config, ordinal: context.ordinal, gridCount: plan.contexts.count)
        let residents = people.residents(of: households, rng: &rng)
        var facilitiesRng = DemoRNG(seed: config.seed, key: gridCode, part: "facilities")
        let components = DemoFacilities.components(gridCode: gridCode, box: context.box, rng: &facilitiesRng)
        let organisations = DemoFacilities.organisations(site: site, rng: &facilitiesRng)
        return DemoGridPopulation(
            gridCode: gridCode, buildings: site.buildings, households: households,
            residents: residents, components: components, organisations: organisations)
    }

    /// The grid's buildings alone, as `population` places them, without the cost of its people.
    public static func buildings(ofGrid gridCode: String, plan: DemoPlan) -> [DemoBuilding] {
        guard let context = plan.contexts[gridCode] else { return [] }
        var rng = DemoRNG(seed: plan.config.seed, key: gridCode, part: "population")
        return site(gridCode, context: context, config: plan.config, rng: &rng).site.buildings
    }

    /// The grid's buildings and how many households they get: the first draws of the grid's stream.
    static func site(_ gridCode: String, context: DemoGridContext, config: DemoConfig, rng: inout DemoRNG) -> (site: DemoSite, households: Int) {
        let householdTarget = rng.int(in: 470...600)
        var site = DemoSite(gridCode: gridCode, context: context, seed: config.seed)
        site.build(households: householdTarget, rng: &rng)
        return (site, householdTarget)
    }

    /// The same, with the configuration the plan was drawn from.
    public static func population(ofGrid gridCode: String, plan: DemoPlan) -> DemoGridPopulation {
        population(ofGrid: gridCode, plan: plan, config: plan.config)
    }
}

/// A residential compound (院): a house number on the street's main road and its buildings.
struct DemoCompound {
    let number: Int
    let floors: Int
    let units: Int
    let doorsPerFloor: Int
    var buildingIndices: [Int] = []
}

/// The buildings of one grid and where they stand.
struct DemoSite {
    let gridCode: String
    let context: DemoGridContext
    let seed: UInt64
    var buildings: [DemoBuilding] = []
    var compounds: [DemoCompound] = []

    /// One extra building without a grid in every `orphanEvery` grids (≈1 building in 200).
    static let orphanEvery = 10
    /// Never more than this share of flats is occupied, so some stand empty as in real estates.
    static let maxOccupancy = 0.93

    static let urbanTypes = [(6, 3, 2), (6, 4, 2), (6, 2, 2), (11, 2, 2), (18, 2, 2), (24, 1, 3), (26, 1, 3), (16, 2, 2)]
    static let townTypes = [(5, 3, 2), (6, 3, 2), (6, 4, 2), (11, 2, 2)]

    init(gridCode: String, context: DemoGridContext, seed: UInt64) {
        self.gridCode = gridCode
        self.context = context
        self.seed = seed
    }

    var mainRoad: String { context.roads[0] }
    var crossRoad: String { context.roads[1] }
    var residentialCount: Int { compounds.reduce(0) { $0 + $1.buildingIndices.count } }

    func code(_ i: Int) -> String { gridCode + "-B" + DemoText.digits(i + 1, width: 2) }

    /// A point at fractions (fx east, fy south) of the grid box.
    func point(_ fx: Double, _ fy: Double) -> GeoPoint {
        let b = context.box
        return GeoPoint(lon: b.minLon + (b.maxLon - b.minLon) * fx, lat: b.maxLat - (b.maxLat - b.minLat) * fy)
    }

    mutating func build(households: Int, rng: inout DemoRNG) {
        let types = context.isTown ? Self.townTypes : Self.urbanTypes
        let compoundCount = rng.int(in: 1...3)
        for j in 0..<compoundCount {
            let t = rng.pick(types)
            // Odd numbers on the main road, eight per grid, so addresses never repeat in a street.
            compounds.append(DemoCompound(number: context.ordinalInStreet * 8 + 2 * j + 1, floors: t.0, units: t.1, doorsPerFloor: t.2))
        }
        var capacity = 0
        var i = 0
        // At most 80 flats a building and at least 470 households give at least 6 buildings,
        // which `DemoTeams.guaranteedBuildings` relies on; the loop keeps it true regardless.
        while Double(capacity) * Self.maxOccupancy < Double(households) || i < DemoTeams.guaranteedBuildings {
            let j = i % compoundCount
            compounds[j].buildingIndices.append(i)
            capacity += compounds[j].floors * compounds[j].units * compounds[j].doorsPerFloor
            i += 1
        }
        placeResidential(rng: &rng)
        placePublic(rng: &rng)
        placeShops(rng: &rng)
        if DemoRNG.oneInBlock(ordinal: context.ordinal, every: Self.orphanEvery, seed: seed, key: "orphan") {
            placeOrphan(rng: &rng)
        }
    }

    /// Residential buildings on a jittered lattice well inside the grid.
    mutating func placeResidential(rng: inout DemoRNG) {
        let n = residentialCount
        let cols = Int(Double(n).squareRoot().rounded(.up))
        let rows = (n + cols - 1) / cols
        var slots: [(Int, Int)] = []
        for r in 0..<rows { for c in 0..<cols { slots.append((r, c)) } }
        for index in 0..<n {
            let compound = compounds[index % compounds.count]
            let (r, c) = slots[index]
            let fx = 0.15 + 0.7 * (Double(c) + 0.5 + rng.double(in: -0.25...0.25)) / Double(cols)
            let fy = 0.15 + 0.7 * (Double(r) + 0.5 + rng.double(in: -0.25...0.25)) / Double(rows)
            let name = mainRoad + "\(compound.number)号院\(index / compounds.count + 1)号楼"
            buildings.append(
                DemoBuilding(
                    code: code(index), gridCode: gridCode, name: name,
                    address: context.addressPrefix + name, kind: "residential",
                    floors: compound.floors, units: compound.units, point: point(fx, fy)))
        }
    }

    /// The community service station sits in the community's first grid; other grids take
    /// turns through the remaining kinds so names rarely repeat inside a community.
    mutating func placePublic(rng: inout DemoRNG) {
        let seq = Int(gridCode.suffix(3))!
        let others = Array(DemoNames.publicKinds.dropFirst())
        var kinds: [(kind: String, round: Int)] = seq == 1 ? [(DemoNames.publicKinds[0], 0)] : []
        let extra = rng.int(in: seq == 1 ? 0...2 : 1...2)
        for j in 0..<extra {
            let slot = (seq - 1) * 2 + j
            kinds.append((others[slot % others.count], slot / others.count))
        }
        for (j, entry) in kinds.enumerated() {
            // "幸福里社区" + "社区服务站" reads "幸福里社区服务站", not "…社区社区服务站".
            let kind = context.communityName.hasSuffix("社区") && entry.kind.hasPrefix("社区") ? String(entry.kind.dropFirst(2)) : entry.kind
            let name = context.communityName + (entry.round == 0 ? "" : "第" + DemoNames.chineseNumber(entry.round + 1)) + kind
            let address = context.addressPrefix + mainRoad + "\(context.ordinalInStreet * 8 + 2 * j + 2)号"
            buildings.append(
                DemoBuilding(
                    code: code(buildings.count), gridCode: gridCode, name: name, address: address,
                    kind: "public", floors: rng.int(in: 1...3), units: 1,
                    point: point(rng.double(in: 0.12...0.88), rng.double(in: 0.12...0.88))))
        }
    }

    /// 沿街商铺: 3–8 shop fronts just inside the grid's edges, numbered on the cross road.
    mutating func placeShops(rng: inout DemoRNG) {
        for j in 0..<rng.int(in: 3...8) {
            let along = rng.double(in: 0.1...0.9), depth = rng.double(in: 0.03...0.06)
            let p: GeoPoint
            switch rng.int(below: 4) {
            case 0: p = point(along, depth)
            case 1: p = point(along, 1 - depth)
            case 2: p = point(depth, along)
            default: p = point(1 - depth, along)
            }
            let name = crossRoad + "\(context.ordinalInStreet * 16 + 2 * j + 2)号"
            buildings.append(
                DemoBuilding(
                    code: code(buildings.count), gridCode: gridCode, name: name,
                    address: context.addressPrefix + name, kind: "shop",
                    floors: rng.int(in: 1...2), units: 1, point: p))
        }
    }

    /// A new building just across the district boundary that no grid has taken in yet.
    /// It has no households; it exists so the coverage audit (B5) finds something.
    mutating func placeOrphan(rng: inout DemoRNG) {
        let c = context.box.center, d = context.districtBox
        let metres = rng.double(in: 40...120) / DemoDistrict.metresPerDegree
        let gaps = [(c.lon - d.minLon, 0), (d.maxLon - c.lon, 1), (d.maxLat - c.lat, 2), (c.lat - d.minLat, 3)]
        let p: GeoPoint
        switch gaps.min(by: { $0.0 < $1.0 })!.1 {
        case 0: p = GeoPoint(lon: d.minLon - metres * 1.3, lat: c.lat)
        case 1: p = GeoPoint(lon: d.maxLon + metres * 1.3, lat: c.lat)
        case 2: p = GeoPoint(lon: c.lon, lat: d.maxLat + metres)
        default: p = GeoPoint(lon: c.lon, lat: d.minLat - metres)
        }
        let name = mainRoad + "\(context.ordinalInStreet * 8 + 7)号院1号楼"
        buildings.append(
            DemoBuilding(
                code: code(buildings.count), gridCode: nil, name: name,
                address: context.districtName + context.streetName + name, kind: "residential",
                floors: 6, units: 2, point: p))
    }

    /// Picks `count` occupied flats out of all flats, in building order (selection sampling).
    func households(count: Int, rng: inout DemoRNG) -> [DemoHousehold] {
        var flats = 0
        for compound in compounds { flats += compound.buildingIndices.count * compound.floors * compound.units * compound.doorsPerFloor }
        var needed = count, remaining = flats
        var result: [DemoHousehold] = []
        result.reserveCapacity(count)
        for index in 0..<residentialCount {
            let compound = compounds[index % compounds.count]
            let building = buildings[index]
            for unit in 1...compound.units {
                for floor in 1...compound.floors {
                    for door in 1...compound.doorsPerFloor {
                        defer { remaining -= 1 }
                        guard needed > 0, rng.int(below: remaining) < needed else { continue }
                        needed -= 1
                        let room = "\(unit)单元\(floor)" + DemoText.digits(door, width: 2)
                        let number = gridCode + DemoText.digits(result.count + 1, width: 4)
                        let floating = rng.chance(context.isTown ? 0.15 : 0.22)
                        result.append(
                            DemoHousehold(
                                number: number, buildingCode: building.code, room: room,
                                address: context.addressPrefix + " " + building.name + room,
                                kind: floating ? "floating" : "registered"))
                    }
                }
            }
        }
        return result
    }
}

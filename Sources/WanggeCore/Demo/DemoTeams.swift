/// Grid teams (G3): every grid has an A-post grid worker, a proxy agent and the police officer
/// of its part of the community, plus up to two more people of other kinds.
enum DemoTeams {
    /// One grid in every `gapEvery` gets a team of only two people. This is demo data on
    /// purpose: the "fewer than 3" gap flag of G3 must have something to show.
    static let gapEvery = 12
    /// A 驻片民警 covers up to this many neighbouring grids of one community.
    static let gridsPerOfficer = 4
    /// Residential buildings B01…B06 exist in every grid (see `DemoPopulation.layout`), so a
    /// proxy agent can be given buildings without generating the grid's population.
    static let guaranteedBuildings = 6

    static func isGapGrid(ordinal: Int, seed: UInt64) -> Bool {
        DemoRNG.oneInBlock(ordinal: ordinal, every: gapEvery, seed: seed, key: "team-gap")
    }

    static func staff(units: [DemoUnit], contexts: [String: DemoGridContext], config: DemoConfig) -> [DemoStaff] {
        var result: [DemoStaff] = []
        for grid in units where grid.level == .grid {
            guard let context = contexts[grid.code], let communityCode = grid.parentCode else { continue }
            var rng = DemoRNG(seed: config.seed, key: grid.code, part: "team")
            let seq = Int(grid.code.suffix(3))!
            let officer = policeOfficer(communityCode: communityCode, chunk: (seq - 1) / gridsPerOfficer, seed: config.seed)
            var team = [member(grid.code, "-S1", "grid_worker_a", &rng)]
            team.append(
                DemoStaff(
                    personCode: officer.code, name: officer.name, sex: officer.sex, phone: officer.phone,
                    kindKey: "police", gridCode: grid.code, buildingCodes: []))
            if !isGapGrid(ordinal: context.ordinal, seed: config.seed) {
                let first = rng.int(in: 1...(guaranteedBuildings - 2))
                let count = rng.int(in: 2...3)
                let buildings = (first..<Swift.min(first + count, guaranteedBuildings + 1)).map {
                    grid.code + "-B" + DemoText.digits($0, width: 2)
                }
                team.append(member(grid.code, "-S2", "proxy_agent", &rng, buildings: buildings))
                var extras =
                    context.isTown
                    ? ["forest_ranger", "cleaner", "volunteer", "medical", "grid_worker_b"]
                    : ["grid_worker_b", "property", "medical", "volunteer", "cleaner"]
                rng.shuffle(&extras)
                let size = [3, 4, 4, 5][rng.int(below: 4)]
                for (i, kind) in extras.prefix(size - 3).enumerated() {
                    team.append(member(grid.code, "-S\(i + 3)", kind, &rng))
                }
            }
            result += team
        }
        return result
    }

    static func member(
        _ gridCode: String, _ suffix: String, _ kind: String, _ rng: inout DemoRNG,
        buildings: [String] = []
    ) -> DemoStaff {
        // Police and grid workers skew male, medical staff and volunteers female, as in practice.
        let maleShare = ["police": 0.85, "forest_ranger": 0.8, "property": 0.6, "medical": 0.3, "volunteer": 0.4][kind] ?? 0.5
        let sex: ResidentID.Sex = rng.chance(maleShare) ? .male : .female
        return DemoStaff(
            personCode: gridCode + suffix, name: DemoNames.person(sex, &rng), sex: sex,
            phone: DemoNames.mobile(&rng), kindKey: kind, gridCode: gridCode, buildingCodes: buildings)
    }

    /// The same officer for every grid of a chunk, drawn from a stream of its own so it does
    /// not depend on which grid asks first.
    static func policeOfficer(communityCode: String, chunk: Int, seed: UInt64) -> (code: String, name: String, sex: ResidentID.Sex, phone: String) {
        let code = communityCode + "-P" + DemoText.digits(chunk + 1, width: 2)
        var rng = DemoRNG(seed: seed, key: code)
        let sex: ResidentID.Sex = rng.chance(0.85) ? .male : .female
        return (code, DemoNames.person(sex, &rng), sex, DemoNames.mobile(&rng))
    }
}

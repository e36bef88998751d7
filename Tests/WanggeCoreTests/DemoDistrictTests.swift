import Foundation
import Testing
@testable import WanggeCore

/// Shared fixtures: a 12-grid demo and a 20-grid sample of a 1,000-grid district.
enum DemoFixture {
    static let today = SimpleDate(year: 2026, month: 3, day: 1)!
    static let small = DemoConfig(today: today)
    static let smallPlan = DemoDistrict.plan(small)
    static let large = DemoConfig(grids: 1000, today: today)
    static let largePlan = DemoDistrict.plan(large)
    /// Twenty neighbouring grids where the last city street meets the town.
    static let sampleGrids = Array(largePlan.grids[890..<910])
    static let sample = sampleGrids.map { DemoDistrict.population(ofGrid: $0.code, plan: largePlan, config: large) }
    static let residents = sample.flatMap(\.residents)

    static func isMobile(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return b.count == 11 && b[0] == 49 && (51...57).contains(b[1]) && b.allSatisfy { (48...57).contains($0) }
    }

    static func metres(_ box: GeoBox) -> (width: Double, height: Double) {
        let m = DemoDistrict.metresPerDegree
        return ((box.maxLon - box.minLon) * m * cos(box.minLat * .pi / 180), (box.maxLat - box.minLat) * m)
    }

    static func area(_ b: GeoBox) -> Double { (b.maxLon - b.minLon) * (b.maxLat - b.minLat) }

    static func overlaps(_ a: GeoBox, _ b: GeoBox) -> Bool {
        min(a.maxLon, b.maxLon) - max(a.minLon, b.minLon) > 1e-12 && min(a.maxLat, b.maxLat) - max(a.minLat, b.minLat) > 1e-12
    }

    static func within(_ inner: GeoBox, _ outer: GeoBox) -> Bool {
        inner.minLon >= outer.minLon && inner.maxLon <= outer.maxLon && inner.minLat >= outer.minLat && inner.maxLat <= outer.maxLat
    }
}

@Suite struct DemoPlanTests {
    @Test func sameSeedSameDistrictOtherSeedOther() {
        let again = DemoDistrict.plan(DemoFixture.small)
        #expect(again.units == DemoFixture.smallPlan.units)
        #expect(again.staff == DemoFixture.smallPlan.staff)
        let code = again.grids[4].code
        let a = DemoDistrict.population(ofGrid: code, plan: again, config: DemoFixture.small)
        let b = DemoDistrict.population(ofGrid: code, plan: DemoFixture.smallPlan, config: DemoFixture.small)
        #expect(a == b)
        var other = DemoFixture.small
        other.seed = 7
        let otherPlan = DemoDistrict.plan(other)
        #expect(otherPlan.units.map(\.name) != again.units.map(\.name))
        #expect(otherPlan.staff != again.staff)
        #expect(DemoDistrict.population(ofGrid: code, plan: otherPlan, config: other).residents != a.residents)
    }

    @Test func gridsDoNotDependOnGenerationOrder() {
        let plan = DemoFixture.smallPlan
        let forward = plan.grids.map { DemoDistrict.population(ofGrid: $0.code, plan: plan, config: DemoFixture.small) }
        let backward = plan.grids.reversed().map { DemoDistrict.population(ofGrid: $0.code, plan: plan, config: DemoFixture.small) }
        #expect(forward == Array(backward.reversed()))
    }

    @Test func sizeFollowsTheTarget() {
        let plan = DemoFixture.smallPlan
        #expect(plan.units.filter { $0.level == .street }.count == 2)
        #expect(plan.units.filter { $0.level == .community }.count == 4)
        #expect(plan.gridCount == 12)
        #expect((900...1100).contains(DemoFixture.largePlan.gridCount))
        #expect(DemoFixture.largePlan.units.filter { $0.level == .street }.count == 10)
        for n in [1, 2, 5, 30, 100, 250] {
            let count = DemoDistrict.plan(DemoConfig(grids: n, today: DemoFixture.today)).gridCount
            #expect(Double(count) >= Double(n) * 0.75 && Double(count) <= Double(n) * 1.3, "target \(n) gave \(count)")
        }
    }

    @Test func codesHaveTheNationalShapeAndAreUnique() {
        for plan in [DemoFixture.smallPlan, DemoFixture.largePlan] {
            #expect(Set(plan.units.map(\.code)).count == plan.units.count)
            for u in plan.units {
                #expect(UnitCode.isValid(u.code, level: u.level, parentCode: u.parentCode), "\(u.code)")
                #expect(u.code.utf8.count == 6 + 3 * u.level.depth)
                if let parent = u.parentCode.flatMap(plan.unit) {
                    #expect(parent.level.depth == u.level.depth - 1)
                }
            }
            let streets = plan.units.filter { $0.level == .street }
            #expect(streets.dropLast().allSatisfy { Int($0.code.suffix(3))! <= 99 && $0.name.hasSuffix("街道") })
            #expect(streets.last!.code.hasSuffix("101") && streets.last!.name.hasSuffix("镇"))
            #expect(Set(plan.units.filter { $0.level == .community }.map(\.name)).count == plan.units.filter { $0.level == .community }.count)
        }
        #expect(DemoFixture.smallPlan.district.name == "示范区")
        #expect(DemoFixture.smallPlan.grids[0].name.hasSuffix("社区第1网格"))
    }

    /// Grids are numbered west→east within a row, rows north→south.
    @Test func numberingRunsWestToEastThenNorthToSouth() {
        let plan = DemoFixture.largePlan
        for community in plan.units where community.level == .community {
            let grids = plan.units.filter { $0.parentCode == community.code }
            for (a, b) in zip(grids, grids.dropFirst()) {
                #expect(b.box.maxLat < a.box.maxLat || (b.box.maxLat == a.box.maxLat && b.box.minLon == a.box.maxLon))
            }
        }
    }

    @Test func unitsTileTheirParentsExactly() {
        let plan = DemoFixture.largePlan
        for parent in plan.units where parent.level != .grid {
            let children = plan.units.filter { $0.parentCode == parent.code }
            #expect(!children.isEmpty)
            let sum = children.reduce(0) { $0 + DemoFixture.area($1.box) }
            #expect(abs(sum - DemoFixture.area(parent.box)) <= 1e-9 * DemoFixture.area(parent.box), "\(parent.code)")
            #expect(children.allSatisfy { DemoFixture.within($0.box, parent.box) })
            for i in children.indices {
                for j in children.indices where j > i {
                    #expect(!DemoFixture.overlaps(children[i].box, children[j].box), "\(children[i].code) \(children[j].code)")
                }
            }
        }
        for grid in plan.grids {
            let (w, h) = DemoFixture.metres(grid.box)
            #expect((290...430).contains(w) && (290...430).contains(h), "\(grid.code) \(w)×\(h) m")
            #expect(grid.boundary == .rectangle(grid.box))
        }
    }

    @Test func everyGridHasATeamAndFewHaveGaps() {
        for plan in [DemoFixture.smallPlan, DemoFixture.largePlan] {
            var sizes: [Int] = []
            for grid in plan.grids {
                let team = plan.staff(ofGrid: grid.code)
                sizes.append(team.count)
                #expect(team.filter { $0.kindKey == "grid_worker_a" }.count == 1)
                #expect(team.contains { $0.kindKey == "police" })
                #expect(team.allSatisfy { DemoStaff.kindKeys.contains($0.kindKey) && DemoFixture.isMobile($0.phone) })
                for agent in team where agent.kindKey == "proxy_agent" {
                    #expect((2...3).contains(agent.buildingCodes.count))
                }
                #expect(team.filter { $0.kindKey != "proxy_agent" }.allSatisfy { $0.buildingCodes.isEmpty })
            }
            let gaps = sizes.filter { $0 < 3 }.count
            #expect(sizes.allSatisfy { (2...5).contains($0) })
            #expect(gaps >= 1 && gaps <= plan.gridCount / 12 + 1)
        }
        // A shared officer is one person: same code, same name and phone in each grid.
        let officers = Dictionary(grouping: DemoFixture.largePlan.staff.filter { $0.kindKey == "police" }, by: \.personCode)
        #expect(officers.values.contains { $0.count > 1 })
        #expect(officers.values.allSatisfy { Set($0.map { $0.name + $0.phone }).count == 1 })
    }
}

@Suite struct DemoPopulationTests {
    @Test func buildingsStandInsideTheirGrid() {
        let plan = DemoFixture.largePlan
        for population in DemoFixture.sample {
            let box = plan.unit(population.gridCode)!.box
            let mx = (box.maxLon - box.minLon) * 0.01, my = (box.maxLat - box.minLat) * 0.01
            let inner = GeoBox(minLon: box.minLon + mx, minLat: box.minLat + my, maxLon: box.maxLon - mx, maxLat: box.maxLat - my)
            #expect(Set(population.buildings.map(\.code)).count == population.buildings.count)
            for b in population.buildings {
                #expect(b.code.hasPrefix(population.gridCode + "-B") && b.code.utf8.count == 19)
                if b.gridCode == nil {
                    #expect(!plan.district.box.contains(b.point))
                } else {
                    #expect(b.gridCode == population.gridCode && inner.contains(b.point), "\(b.code)")
                }
            }
            let shops = population.buildings.filter { $0.kind == "shop" }
            #expect((3...8).contains(shops.count))
            #expect(population.buildings.prefix(DemoTeams.guaranteedBuildings).allSatisfy { $0.kind == "residential" && $0.gridCode != nil })
            #expect((10...30).contains(population.components.count))
            #expect(
                population.components.allSatisfy {
                    DemoComponent.classKeys.contains($0.classKey) && box.contains($0.point)
                        && ["ok", "damaged", "missing", "occupied"].contains($0.state)
                })
            #expect(population.components.filter { $0.state == "ok" }.count * 2 > population.components.count)
        }
    }

    @Test func proxyAgentsCoverRealBuildings() {
        let plan = DemoFixture.smallPlan
        for grid in plan.grids {
            let buildings = DemoDistrict.population(ofGrid: grid.code, plan: plan, config: DemoFixture.small).buildings
            for agent in plan.staff(ofGrid: grid.code) where agent.kindKey == "proxy_agent" {
                #expect(agent.buildingCodes.allSatisfy { code in buildings.contains { $0.code == code && $0.kind == "residential" } })
            }
        }
    }

    @Test func householdsFillResidentialBuildings() {
        var numbers = Set<String>()
        for population in DemoFixture.sample {
            #expect((470...600).contains(population.households.count))
            let residential = Set(population.buildings.filter { $0.kind == "residential" && $0.gridCode != nil }.map(\.code))
            for h in population.households {
                numbers.insert(h.number)
                #expect(residential.contains(h.buildingCode))
                #expect(h.number.hasPrefix(population.gridCode) && h.number.utf8.count == 19)
                #expect(h.address.hasSuffix(h.room) && h.address.hasPrefix("示范区") && h.room.contains("单元"))
                #expect(["registered", "floating"].contains(h.kind))
            }
            let sizes = Dictionary(grouping: population.residents.compactMap(\.householdNumber), by: { $0 }).mapValues(\.count)
            #expect(sizes.count == population.households.count && sizes.values.allSatisfy { (1...4).contains($0) })
        }
        let households = DemoFixture.sample.reduce(0) { $0 + $1.households.count }
        #expect(numbers.count == households)
        let mean = Double(DemoFixture.residents.filter { $0.householdNumber != nil }.count) / Double(households)
        #expect((2.15...2.35).contains(mean), "mean household size \(mean)")
    }

    @Test func idNumbersAreValidUniqueAndAgreeWithThePerson() throws {
        let county = DemoFixture.large.countyCode
        var seen = Set<String>()
        for r in DemoFixture.residents {
            #expect(DemoFixture.isMobile(r.phone ?? "13800000000"))
            guard let raw = r.idNumber else {
                #expect(r.residenceType == "overseas")
                let doc = Array((r.documentNumber ?? "").utf8)
                #expect(doc.count == 9 && doc[0] == 80 && doc.dropFirst().allSatisfy { (48...57).contains($0) })
                continue
            }
            let id = try ResidentID(raw, today: DemoFixture.today)
            #expect(id.value == raw && id.sex == r.sex && id.birthDate == r.birthDate)
            #expect(seen.insert(raw).inserted, "duplicate \(raw)")
            #expect((r.residenceType == "registered") == (id.region == county))
        }
        // The generator's own formatting agrees with ResidentID.make.
        for r in DemoFixture.residents.prefix(200) {
            guard let raw = r.idNumber else { continue }
            let seq = Int(raw.dropFirst(14).prefix(3))!
            #expect(ResidentID.make(region: String(raw.prefix(6)), birth: r.birthDate, sequence: seq).value == raw)
        }
    }

    @Test func agesFitRelations() {
        let today = DemoFixture.today
        for population in DemoFixture.sample {
            let families = Dictionary(grouping: population.residents.filter { $0.householdNumber != nil }, by: { $0.householdNumber! })
            for members in families.values {
                let heads = members.filter { $0.relation == "head" }
                #expect(heads.count == 1)
                guard let head = heads.first else { continue }
                let age = { (r: DemoResident) in r.birthDate.age(on: today) }
                #expect((25...85).contains(age(head)))
                let spouse = members.first { $0.relation == "spouse" }
                for m in members {
                    switch m.relation {
                    case "spouse": #expect(age(m) >= 22 && m.sex != head.sex)
                    case "child":
                        #expect(age(head) - age(m) >= 20)
                        if let spouse { #expect(age(spouse) - age(m) >= 20) }
                    case "parent": #expect(age(m) - age(head) >= 22)
                    case "grandchild": #expect(age(head) - age(m) >= 36)
                    default: #expect(["head", "sibling", "other"].contains(m.relation))
                    }
                }
            }
        }
    }

    @Test func tagRatesLookRight() {
        let all = DemoFixture.residents, today = DemoFixture.today
        let share = { (tag: String) in Double(all.filter { $0.tagKeys.contains(tag) }.count) / Double(all.count) }
        #expect(all.allSatisfy { Set($0.tagKeys).isSubset(of: DemoResident.tagKeys) })
        #expect(all.allSatisfy { $0.tagKeys.contains("elderly60") == ($0.birthDate.age(on: today) >= 60) })
        #expect((0.012...0.035).contains(share("disabled")))
        #expect((0.012...0.035).contains(share("low_income")))
        #expect((0.005...0.018).contains(share("veteran")))
        #expect((0.0001...0.003).contains(share("released_prisoner")))
        let elderly = all.filter { $0.birthDate.age(on: today) >= 60 && $0.residenceType != "overseas" }
        #expect(Double(elderly.filter { $0.tagKeys.contains("retired") }.count) / Double(elderly.count) > 0.75)
        #expect(all.allSatisfy { !$0.tagKeys.contains("retired") || $0.birthDate.age(on: today) >= 55 })
        #expect(all.allSatisfy { !$0.tagKeys.contains("empty_nester") || $0.birthDate.age(on: today) >= 60 })
        #expect(share("empty_nester") > 0.03)
        let minors = all.filter { $0.birthDate.age(on: today) < 18 }
        let leftBehind = minors.filter { $0.tagKeys.contains("minor_left_behind") }.count
        #expect(leftBehind > 0 && Double(leftBehind) / Double(minors.count) < 0.015)
        #expect(all.filter { $0.tagKeys.contains("minor_left_behind") }.count == leftBehind)
        let overseas = Double(all.filter { $0.residenceType == "overseas" }.count) / Double(all.count)
        #expect((0.001...0.006).contains(overseas))
        let childPhones = minors.filter { $0.birthDate.age(on: today) < 14 && $0.phone != nil }.count
        #expect(Double(childPhones) < 0.1 * Double(minors.count))
        let elderlyShare = Double(elderly.count) / Double(all.count)
        #expect((0.12...0.3).contains(elderlyShare))
    }

    /// The deliberate coverage gaps exist, but are rare.
    @Test func coverageGapsAreRare() {
        let all = DemoFixture.residents
        let homeless = all.filter { $0.householdNumber == nil }
        #expect(!homeless.isEmpty && Double(homeless.count) / Double(all.count) < 0.005)
        #expect(homeless.allSatisfy { $0.relation == "other" })
        let buildings = DemoFixture.sample.flatMap(\.buildings)
        let orphans = buildings.filter { $0.gridCode == nil }
        #expect(!orphans.isEmpty && Double(orphans.count) / Double(buildings.count) < 0.02)
        #expect(Set(all.map(\.code)).count == all.count)
    }

    @Test func organisationsBelongToTheGrid() {
        for population in DemoFixture.sample {
            let orgs = population.organisations
            #expect(orgs.filter { $0.kind == "party" }.count == 1)
            #expect(orgs.contains { $0.kind == "property" })
            let shops = population.buildings.filter { $0.kind == "shop" }
            #expect(orgs.filter { $0.kind == "business" }.map(\.point) == shops.map(\.point))
            #expect(orgs.contains { $0.kind == "social" } == population.gridCode.hasSuffix("001"))
            #expect(orgs.allSatisfy { DemoFixture.isMobile($0.contactPhone) && !$0.contactName.isEmpty })
        }
    }

    @Test func unknownGridIsEmpty() {
        let p = DemoDistrict.population(ofGrid: "110199999999999", plan: DemoFixture.smallPlan, config: DemoFixture.small)
        #expect(p.buildings.isEmpty && p.residents.isEmpty)
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("The grid tree in storage: create, rename, move, merge, split")
struct UnitTreeTests {
    @Test("creating a unit checks its level, its code and that the code is free", arguments: TestDatabase.enabled)
    func createValidates(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let tree = try await Fixture.smallTree(database)
            let repo = UnitRepository(database)
            let before = try await Fixture.count(database, "units")
            // MUT
            let gridUnderDistrict = await Fixture.storeError {
                try await repo.create(parentID: tree.district.id, level: .grid, code: "110105001001009", name: "越级网格", boundary: nil, actor: "t", in: .everything)
            }
            let notUnderParent = await Fixture.storeError {
                try await repo.create(parentID: tree.street.id, level: .community, code: "110105002003", name: "别家社区", boundary: nil, actor: "t", in: .everything)
            }
            let notDigits = await Fixture.storeError {
                try await repo.create(parentID: tree.district.id, level: .street, code: "11010500A", name: "字母街道", boundary: nil, actor: "t", in: .everything)
            }
            let outOfRange = await Fixture.storeError {
                try await repo.create(parentID: tree.district.id, level: .street, code: "110105400", name: "超范围街道", boundary: nil, actor: "t", in: .everything)
            }
            let duplicate = await Fixture.storeError {
                try await repo.create(parentID: tree.district.id, level: .street, code: "110105001", name: "重复街道", boundary: nil, actor: "t", in: .everything)
            }
            let emptyName = await Fixture.storeError {
                try await repo.create(parentID: tree.district.id, level: .street, code: "110105002", name: "  \u{3000}", boundary: nil, actor: "t", in: .everything)
            }
            let rootInGridScope = await Fixture.storeError {
                try await repo.create(parentID: nil, level: .district, code: "110106", name: "丰台区", boundary: nil, actor: "t", in: .subtree(of: tree.gridA))
            }
            let parentOutOfScope = await Fixture.storeError {
                try await repo.create(parentID: tree.communityB.id, level: .grid, code: "110105001002002", name: "越权网格", boundary: nil, actor: "t", in: .subtree(of: tree.communityA))
            }
            // validate
            #expect(gridUnderDistrict?.kind == .invalid)
            #expect(gridUnderDistrict?.key == "tree.bad_level")
            #expect(gridUnderDistrict?.field == "level")
            #expect(notUnderParent?.kind == .invalid)
            #expect(notUnderParent?.key == "code.invalid")
            #expect(notUnderParent?.field == "code")
            #expect(notDigits?.key == "code.invalid")
            #expect(notDigits?.message().contains("数字") == true)
            #expect(outOfRange?.key == "code.invalid")
            #expect(duplicate?.kind == .conflict)
            #expect(duplicate?.key == "code.taken")
            #expect(duplicate?.args == ["110105001"])
            #expect(emptyName?.key == "error.name_length")
            #expect(emptyName?.field == "name")
            #expect(rootInGridScope?.kind == .notFound)
            #expect(parentOutOfScope?.kind == .notFound)
            #expect(try await Fixture.count(database, "units") == before, "a refused unit leaves no row behind")
            let history = try await repo.history(of: tree.gridA.id, in: .everything)
            #expect(history.map(\.action) == ["created"])
            #expect(tree.gridA.path == tree.communityA.path + tree.gridA.id.uuidString + "/")
        }
    }

    @Test("renaming and re-drawing a unit are kept in its history", arguments: TestDatabase.enabled)
    func renameAndBoundary(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let tree = try await Fixture.smallTree(database)
            let repo = UnitRepository(database)
            let box = GeoBox(minLon: 116.401, minLat: 39.901, maxLon: 116.405, maxLat: 39.904)
            // MUT
            let renamed = try await repo.update(tree.gridA.id, name: "  永安里东网格 ", boundary: nil, actor: "admin", in: .everything)
            let drawn = try await repo.update(tree.gridA.id, name: nil, boundary: .some(Fixture.rectangle(box)), actor: "admin", in: .everything)
            let badName = await Fixture.storeError {
                try await repo.update(tree.gridA.id, name: String(repeating: "长", count: 101), boundary: nil, actor: "admin", in: .everything)
            }
            let cleared = try await repo.update(tree.gridB.id, name: nil, boundary: .some(nil), actor: "admin", in: .everything)
            let outOfScope = await Fixture.storeError {
                try await repo.update(tree.gridB.id, name: "越权", boundary: nil, actor: "admin", in: .subtree(of: tree.communityA))
            }
            // validate
            #expect(renamed.name == "永安里东网格")
            #expect(drawn.name == "永安里东网格")
            #expect(drawn.minLon == box.minLon && drawn.maxLat == box.maxLat)
            let area = try #require(drawn.area)
            #expect(area.contains(box.center))
            #expect(!area.contains(GeoPoint(lon: 116.41, lat: 39.91)))
            #expect(badName?.key == "error.name_length")
            #expect(try await repo.get(tree.gridA.id, in: .everything).name == "永安里东网格", "a refused rename changes nothing")
            #expect(cleared.boundary == nil && cleared.minLon == nil)
            #expect(outOfScope?.kind == .notFound)
            #expect(try await repo.get(tree.gridB.id, in: .everything).name == "建国里第1网格")
            let history = try await repo.history(of: tree.gridA.id, in: .everything)
            #expect(history.map(\.action) == ["created", "renamed", "boundary"])
            #expect(history[1].detail == "永安里第1网格 → 永安里东网格")
            #expect(history[1].actor == "admin")
            #expect(history[2].detail == "replaced")
            #expect(try await repo.history(of: tree.gridB.id, in: .everything).last?.detail == "cleared")
        }
    }

    @Test("moving a grid renumbers it under its new community and its people follow", arguments: TestDatabase.enabled)
    func moveGrid(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let repo = UnitRepository(database)
            let grid = try #require(grids["110199001001002"])
            let oldCommunity = try await Fixture.unit(database, code: "110199001001")
            let newCommunity = try await Fixture.unit(database, code: "110199101001")
            let zone = try await repo.create(parentID: grid.id, level: .zone, code: grid.code + "-01", name: "东片区", boundary: nil, actor: "t", in: .everything)
            let people = try await Fixture.attached(database, "residents", to: grid.id)
            #expect(people > 0)
            let residents = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let oldBefore = try await residents.search(nil, limit: 1, in: .subtree(of: oldCommunity)).total
            let newBefore = try await residents.search(nil, limit: 1, in: .subtree(of: newCommunity)).total
            // MUT
            let moved = try await repo.move(grid.id, to: newCommunity.id, actor: "admin", in: .everything)
            // validate
            #expect(moved.parentID == newCommunity.id)
            #expect(moved.code == "110199101001003", "numbered after the two grids already there")
            #expect(moved.path == newCommunity.path + grid.id.uuidString + "/")
            let movedZone = try await repo.get(zone.id, in: .everything)
            #expect(movedZone.code == "110199101001003-01")
            #expect(movedZone.path == moved.path + zone.id.uuidString + "/")
            #expect(try await repo.children(of: oldCommunity.id, in: .everything).map(\.code) == ["110199001001001"])
            let history = try await repo.history(of: grid.id, in: .everything)
            #expect(history.last?.action == "moved")
            #expect(history.last?.detail == "110199001001002 → 110199101001003")
            #expect(try await residents.search(nil, gridID: grid.id, limit: 1, in: .subtree(of: newCommunity)).total == people)
            #expect(try await residents.search(nil, gridID: grid.id, limit: 1, in: .subtree(of: oldCommunity)).total == 0)
            #expect(try await residents.search(nil, limit: 1, in: .subtree(of: oldCommunity)).total == oldBefore - people)
            #expect(try await residents.search(nil, limit: 1, in: .subtree(of: newCommunity)).total == newBefore + people)
            let oldStreet = try await Fixture.unit(database, code: "110199001")
            #expect(
                try await PlaceRepository(database).households(in: .subtree(of: oldStreet)).total
                    == Fixture.populations["110199001001001"]!.households.count)
        }
    }

    @Test("a move that breaks the tree is refused and changes nothing", arguments: TestDatabase.enabled)
    func badMoves(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let tree = try await Fixture.smallTree(database)
            let repo = UnitRepository(database)
            // MUT
            let underStreet = await Fixture.storeError { try await repo.move(tree.gridA.id, to: tree.street.id, actor: "t", in: .everything) }
            let underItself = await Fixture.storeError { try await repo.move(tree.communityA.id, to: tree.communityA.id, actor: "t", in: .everything) }
            let underOwnGrid = await Fixture.storeError { try await repo.move(tree.street.id, to: tree.gridA.id, actor: "t", in: .everything) }
            let outOfScope = await Fixture.storeError { try await repo.move(tree.gridA.id, to: tree.communityB.id, actor: "t", in: .subtree(of: tree.communityA)) }
            // validate
            for e in [underStreet, underItself, underOwnGrid] {
                #expect(e?.kind == .invalid)
                #expect(e?.key == "tree.bad_move")
            }
            #expect(underOwnGrid?.message().contains("下级") == true, "the cycle is named")
            #expect(outOfScope?.kind == .notFound)
            let grid = try await repo.get(tree.gridA.id, in: .everything)
            #expect(grid.parentID == tree.communityA.id && grid.code == "110105001001001" && grid.path == tree.gridA.path)
            #expect(try await repo.history(of: tree.gridA.id, in: .everything).map(\.action) == ["created"])
        }
    }

    @Test("merging two grids re-homes everything on the source and retires it", arguments: TestDatabase.enabled)
    func mergeGrids(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let repo = UnitRepository(database)
            let source = try #require(grids["110199101001002"])
            let target = try #require(grids["110199101001001"])
            let tables = ["buildings", "households", "residents", "staff_assignments", "components", "organisations"]
            var expected: [String: Int] = [:]
            for table in tables {
                let s = try await Fixture.attached(database, table, to: source.id)
                #expect(s > 0, "the source grid has \(table)")
                expected[table] = s + (try await Fixture.attached(database, table, to: target.id))
            }
            let staff = StaffRepository(database)
            let teamSize = try await staff.team(of: source.id, in: .everything).count + (try await staff.team(of: target.id, in: .everything).count)
            let sourcePoint = try #require(source.area?.interiorPoint)
            // MUT
            let merged = try await repo.merge(source.id, into: target.id, actor: "admin", in: .everything)
            // validate
            for table in tables {
                #expect(try await Fixture.attached(database, table, to: source.id) == 0, "nothing of \(table) is left on the source")
                #expect(try await Fixture.attached(database, table, to: target.id) == expected[table], "\(table) moved to the target")
            }
            #expect(try await staff.team(of: target.id, in: .everything).count == teamSize)
            let retired = try await repo.get(source.id, in: .everything)
            #expect(retired.isRetired)
            #expect(retired.retiredInto == target.id)
            #expect(merged.id == target.id)
            let area = try #require(merged.area)
            #expect(area.polygons.count == 2)
            #expect(area.contains(sourcePoint), "the joined boundary covers the source's ground")
            #expect(merged.maxLon == source.maxLon, "the bounding box grew to the east")
            #expect(try await repo.all(in: .everything, level: .grid).map(\.code) == ["110199001001001", "110199001001002", "110199101001001"])
            let sourceHistory = try await repo.history(of: source.id, in: .everything)
            #expect(sourceHistory.last?.action == "merged_into")
            #expect(sourceHistory.last?.detail == "110199101001002 → 110199101001001")
            let targetHistory = try await repo.history(of: target.id, in: .everything).map(\.action)
            #expect(targetHistory.contains("merged_from") && targetHistory.contains("boundary"))
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            #expect(try await people.search(nil, gridID: target.id, limit: 1, in: .subtree(of: merged)).total == expected["residents"])
        }
    }

    @Test("merges across communities, of different levels, into itself or of a retired unit are refused", arguments: TestDatabase.enabled)
    func badMerges(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let repo = UnitRepository(database)
            let a = try #require(grids["110199001001001"]), b = try #require(grids["110199001001002"]), c = try #require(grids["110199101001001"])
            let community = try await Fixture.unit(database, code: "110199001001")
            let residentsOfA = try await Fixture.attached(database, "residents", to: a.id)
            // MUT
            let acrossCommunities = await Fixture.storeError { try await repo.merge(a.id, into: c.id, actor: "t", in: .everything) }
            let differentLevels = await Fixture.storeError { try await repo.merge(a.id, into: community.id, actor: "t", in: .everything) }
            let intoItself = await Fixture.storeError { try await repo.merge(a.id, into: a.id, actor: "t", in: .everything) }
            _ = try await repo.merge(b.id, into: a.id, actor: "t", in: .everything)
            let retiredSource = await Fixture.storeError { try await repo.merge(b.id, into: a.id, actor: "t", in: .everything) }
            // validate
            #expect(acrossCommunities?.key == "tree.bad_merge")
            #expect(acrossCommunities?.message().contains("先移动") == true)
            #expect(differentLevels?.key == "tree.bad_merge")
            #expect(intoItself?.kind == .invalid)
            #expect(retiredSource?.kind == .invalid)
            #expect(try await Fixture.attached(database, "residents", to: c.id) == Fixture.populations[c.code]!.residents.count)
            #expect(try await Fixture.attached(database, "residents", to: a.id) == residentsOfA + Fixture.populations[b.code]!.residents.count)
            #expect(try await repo.get(c.id, in: .everything).isRetired == false)
        }
    }

    @Test("merging two communities carries their grids over, renumbered under the target", arguments: TestDatabase.enabled)
    func mergeCommunities(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let tree = try await Fixture.smallTree(database)
            let repo = UnitRepository(database)
            // MUT
            let merged = try await repo.merge(tree.communityB.id, into: tree.communityA.id, actor: "admin", in: .everything)
            // validate
            #expect(merged.id == tree.communityA.id)
            let grids = try await repo.children(of: tree.communityA.id, in: .everything)
            #expect(grids.map(\.code) == ["110105001001001", "110105001001002"])
            let carried = try await repo.get(tree.gridB.id, in: .everything)
            #expect(carried.parentID == tree.communityA.id)
            #expect(carried.path == tree.communityA.path + tree.gridB.id.uuidString + "/")
            #expect(try await repo.history(of: tree.gridB.id, in: .everything).last?.detail == "110105001002001 → 110105001001002")
            #expect(try await repo.get(tree.communityB.id, in: .everything).retiredInto == tree.communityA.id)
            #expect(try await repo.children(of: tree.street.id, in: .everything).map(\.code) == ["110105001001"])
        }
    }

    @Test("splitting a grid re-homes buildings by location; households and people follow, staff stay", arguments: TestDatabase.enabled)
    func splitGrid(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let repo = UnitRepository(database)
            let grid = try #require(grids["110199001001001"])
            let box = try #require(Fixture.plan.unit(grid.code)?.box)
            let (west, east, mid) = Fixture.halves(box)
            let places = PlaceRepository(database)
            let buildingsBefore = try await places.buildings(inGrid: grid.id, in: .everything)
            let staffBefore = try await Fixture.attached(database, "staff_assignments", to: grid.id)
            let parts = [
                SplitPart(name: "永乐里社区第1网格西", code: nil, area: Fixture.rectangle(west)),
                SplitPart(name: "永乐里社区第1网格东", code: nil, area: Fixture.rectangle(east)),
            ]
            // MUT
            let units = try await repo.split(grid.id, into: parts, actor: "admin", in: .everything)
            // validate
            #expect(units.count == 2)
            #expect(units[0].id == grid.id && units[0].name == "永乐里社区第1网格西")
            let added = try #require(units.last)
            #expect(added.code == "110199001001003")
            #expect(added.parentID == grid.parentID)
            var westCount = 0, eastCount = 0
            for before in buildingsBefore where abs(before.lon - mid) > 1e-7 && box.contains(before.point) {
                let after = try await places.building(before.id, in: .everything)
                if before.lon < mid { westCount += 1; #expect(after.unitID == grid.id, "\(before.code) west of the cut") } else { eastCount += 1; #expect(after.unitID == added.id, "\(before.code) east of the cut") }
            }
            #expect(westCount > 0 && eastCount > 0, "both parts received buildings")
            let sql = Fixture.sql(database)
            let strayHouseholds = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM households h JOIN buildings b ON b.id = h.building_id \
                WHERE h.unit_id <> b.unit_id AND (b.unit_id = \(bind: grid.id) OR b.unit_id = \(bind: added.id))
                """
            ).first()?.decode(column: "n", as: Int.self)
            #expect(strayHouseholds == 0, "households follow their building")
            let strayResidents = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM residents r JOIN households h ON h.id = r.household_id \
                WHERE r.unit_id <> h.unit_id AND (h.unit_id = \(bind: grid.id) OR h.unit_id = \(bind: added.id))
                """
            ).first()?.decode(column: "n", as: Int.self)
            #expect(strayResidents == 0, "residents follow their household")
            #expect(try await Fixture.attached(database, "households", to: added.id) > 0)
            #expect(try await Fixture.attached(database, "residents", to: added.id) > 0)
            let homeless = Fixture.populations[grid.code]!.residents.filter { $0.householdNumber == nil }.count
            #expect(try await Fixture.count(database, "residents", where: "unit_id = \(bind: grid.id) AND household_id IS NULL") == homeless)
            #expect(try await Fixture.attached(database, "staff_assignments", to: grid.id) == staffBefore)
            #expect(try await Fixture.attached(database, "staff_assignments", to: added.id) == 0)
            let report = try await CoverageRepository(database).report(in: .everything)
            #expect(report.gridsWithoutTeam.map(\.label) == [added.code])
            // The events of one split share a time, so look them up by action rather than position.
            let history = try await repo.history(of: grid.id, in: .everything)
            #expect(history.first { $0.action == "split" }?.detail == added.code)
            #expect(history.contains { $0.action == "renamed" && $0.detail == "永乐里社区第1网格 → 永乐里社区第1网格西" })
            #expect(try await repo.history(of: added.id, in: .everything).first?.action == "created")
        }
    }

    @Test("a split needs two parts and a unit with a parent", arguments: TestDatabase.enabled)
    func badSplits(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let tree = try await Fixture.smallTree(database)
            let repo = UnitRepository(database)
            let box = GeoBox(minLon: 116.40, minLat: 39.90, maxLon: 116.42, maxLat: 39.92)
            let (west, east, _) = Fixture.halves(box)
            let two = [SplitPart(name: "西", code: nil, area: Fixture.rectangle(west)), SplitPart(name: "东", code: nil, area: Fixture.rectangle(east))]
            // MUT
            let onePart = await Fixture.storeError { try await repo.split(tree.gridA.id, into: [two[0]], actor: "t", in: .everything) }
            let district = await Fixture.storeError { try await repo.split(tree.district.id, into: two, actor: "t", in: .everything) }
            var badCode = two
            badCode[1].code = "110105001009001"
            let wrongCode = await Fixture.storeError { try await repo.split(tree.gridA.id, into: badCode, actor: "t", in: .everything) }
            // validate
            #expect(onePart?.key == "tree.split_parts")
            #expect(district?.key == "tree.split_root")
            #expect(wrongCode?.key == "code.invalid")
            let grid = try await repo.get(tree.gridA.id, in: .everything)
            #expect(grid.name == "永安里第1网格" && grid.boundary == nil, "a refused split is rolled back whole")
            #expect(try await Fixture.count(database, "units") == 6)
        }
    }
}

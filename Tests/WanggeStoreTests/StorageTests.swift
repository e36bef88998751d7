import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Storage: durability, scope, validation, coverage")
struct StorageTests {
    @Test("SQLite runs in WAL mode with synchronous=FULL; PostgreSQL reports no SQLite settings", arguments: TestDatabase.enabled)
    func durability(db: TestDatabase) async throws {
        try await db.withStore { database in
            // MUT
            let settings = try await StoreSetup.durability(Fixture.sql(database))
            // validate
            switch db {
            case .sqlite:
                let s = try #require(settings)
                #expect(s.journal.lowercased() == "wal")
                #expect(s.synchronous == 2, "2 is FULL: every commit is fsynced")
            case .postgres:
                #expect(settings == nil)
            }
        }
    }

    @Test("a grid's scope never returns rows of another grid", arguments: TestDatabase.enabled)
    func scopeFiltering(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let own = try #require(grids["110199001001001"]), other = try #require(grids["110199001001002"])
            let scope = Scope.subtree(of: own)
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher), places = PlaceRepository(database)
            let foreign = try #require(try await people.search(nil, gridID: other.id, limit: 1, in: .everything).rows.first)
            let foreignID = try #require(foreign.idNumber)
            let mine = try #require(try await people.search(nil, gridID: own.id, limit: 1, in: .everything).rows.first)
            let foreignBuilding = try #require(try await places.buildings(inGrid: other.id, limit: 1, in: .everything).first)
            let foreignHousehold = try #require(try await places.households(inGrid: other.id, limit: 1, in: .everything).rows.first)
            let foreignAssignment = try #require(try await StaffRepository(database).team(of: other.id, in: .everything).first)
            // MUT
            let everyone = try await people.search(nil, limit: 500, in: scope)
            let byForeignID = try await people.search(foreignID, in: scope)
            let buildings = try await places.buildings(inGrid: nil, in: scope)
            let households = try await places.households(limit: 500, in: scope)
            let report = try await CoverageRepository(database).report(in: scope)
            // validate
            #expect(everyone.total == (try await Fixture.attached(database, "residents", to: own.id)))
            #expect(everyone.rows.allSatisfy { $0.unitID == own.id })
            #expect(byForeignID.total == 0)
            #expect(try await people.search(foreignID, in: .subtree(of: other)).total == 1)
            #expect(try await people.find(foreign.id, in: scope) == nil)
            #expect(await Fixture.storeError { try await people.get(foreign.id, in: scope) }?.kind == .notFound)
            #expect(try await people.find(mine.id, in: scope)?.id == mine.id)
            #expect(!buildings.isEmpty && buildings.allSatisfy { $0.unitID == own.id })
            #expect(try await places.buildings(inGrid: other.id, in: scope).isEmpty)
            #expect(await Fixture.storeError { try await places.building(foreignBuilding.id, in: scope) }?.kind == .notFound)
            #expect(households.total == Fixture.populations[own.code]!.households.count)
            #expect(households.rows.allSatisfy { $0.unitID == own.id })
            #expect(await Fixture.storeError { try await places.household(foreignHousehold.id, in: scope) }?.kind == .notFound)
            // An out-of-scope grid is not found, rather than found empty (see PlaceRepository.components).
            #expect(await Fixture.storeError { try await places.components(inGrid: other.id, in: scope) }?.kind == .notFound)
            #expect(await Fixture.storeError { try await places.organisations(inGrid: other.id, in: scope) }?.kind == .notFound)
            #expect(try await !places.components(inGrid: other.id, in: .subtree(of: other)).isEmpty)
            #expect(report.totals.residents == everyone.total)
            #expect(report.totals.grids == 1)
            #expect(report.buildingsOutsideGrids.isEmpty, "the orphan building belongs to no grid, so no grid's scope sees it")
            #expect((report.gridsUnderstaffed + report.gridsWithoutTeam).allSatisfy { $0.id == own.id })
            for item in report.residentsWithoutHousehold {
                #expect(try await people.find(item.id, in: scope) != nil)
            }
            #expect(report.residentsWithoutHouseholdCount == Fixture.populations[own.code]!.residents.filter { $0.householdNumber == nil }.count)
            #expect(await Fixture.storeError { try await StaffRepository(database).team(of: other.id, in: scope) }?.kind == .notFound)
            #expect(await Fixture.storeError { try await StaffRepository(database).endAssignment(foreignAssignment.assignmentID, in: scope) }?.kind == .notFound)
            #expect(
                try await StaffRepository(database).team(of: other.id, in: .everything).contains { $0.assignmentID == foreignAssignment.assignmentID },
                "a refused end leaves the assignment running")
            // The district sees the building no grid has taken in.
            let district = try await Fixture.unit(database, code: "110199")
            #expect(try await places.buildings(inGrid: nil, in: .subtree(of: district)).contains { $0.unitID == nil })
        }
    }

    @Test("a resident is refused with every problem named by field, and nothing is written", arguments: TestDatabase.enabled)
    func residentValidation(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let grid = try #require(grids["110199101001001"])
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let household = try #require(try await PlaceRepository(database).households(inGrid: grid.id, limit: 1, in: .everything).rows.first)
            let otherHousehold = try #require(try await PlaceRepository(database).households(inGrid: grids["110199101001002"]!.id, limit: 1, in: .everything).rows.first)
            func input(
                _ id: String?, household: String? = household.number, phone: String? = "13812345678", relation: String? = "spouse",
                type: String = "registered", tags: [String] = []
            ) -> ResidentInput {
                ResidentInput(name: "测试居民", idNumber: id, phone: phone, householdNumber: household, relation: relation, residenceType: type, tags: tags)
            }
            let before = try await Fixture.count(database, "residents")
            let district = try await Fixture.unit(database, code: "110199")
            let wide = Scope.subtree(of: district), narrow = Scope.subtree(of: grid)
            // MUT
            let badCheck = await Fixture.validationFailure { try await people.create(input("110105194912310021"), in: wide) }
            let unknownHousehold = await Fixture.validationFailure { try await people.create(input(Fixture.freshID(1), household: "0000"), in: wide) }
            let unknownTag = await Fixture.validationFailure { try await people.create(input(Fixture.freshID(2), tags: ["elderly60", "alien"]), in: wide) }
            let several = await Fixture.validationFailure {
                try await people.create(input("1101051949", phone: "12345", relation: "neighbour", type: "tourist"), in: wide)
            }
            let foreignHousehold = await Fixture.validationFailure { try await people.create(input(Fixture.freshID(3), household: otherHousehold.number), in: narrow) }
            let noHousehold = await Fixture.validationFailure { try await people.create(input(Fixture.freshID(4), household: nil), in: narrow) }
            let afterRefusals = try await Fixture.count(database, "residents")
            let created = try await people.create(input("11010519491231002X", tags: ["elderly60"]), in: narrow)
            let duplicate = await Fixture.validationFailure { try await people.create(input("11010519491231002x"), in: wide) }
            // validate
            #expect(badCheck == [FieldProblem("id_number", "id.bad_check", ["X"])])
            #expect(unknownHousehold == [FieldProblem("household_number", "household.unknown", ["0000"])])
            #expect(unknownTag == [FieldProblem("tags", "tag.unknown", ["alien"])])
            #expect(Set(several.map(\.field)) == ["id_number", "phone", "relation", "residence_type"])
            #expect(several.first { $0.field == "id_number" }?.key == "id.wrong_length")
            #expect(foreignHousehold.map(\.key) == ["household.unknown"], "a grid worker cannot file someone into another grid's household")
            #expect(noHousehold == [FieldProblem("household_number", "field.required")])
            #expect(duplicate == [FieldProblem("id_number", "resident.duplicate_id")])
            #expect(afterRefusals == before)
            #expect(try await Fixture.count(database, "residents") == before + 1)
            #expect(created.sex == "female" && created.birthDate == "1949-12-31")
            #expect(created.unitID == grid.id && created.householdID == household.id)
            #expect(try await people.tags(of: [created.id])[created.id]?.map(\.key) == ["elderly60"])
        }
    }

    @Test("a name search is a prefix search counted exactly: % and _ are taken literally; a whole phone finds its person", arguments: TestDatabase.enabled)
    func searchIsLiteral(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let someone = try #require(try await people.search(nil, limit: 1, in: .everything).rows.first)
            // MUT
            let prefix = try await people.search(String(someone.name.prefix(1)), limit: 1, in: .everything)
            let percent = try await people.search("%", limit: 1, in: .everything)
            let underscore = try await people.search("_", limit: 1, in: .everything)
            let surname = String(someone.name.prefix(1)), given = String(someone.name.dropFirst().prefix(1))
            let bySurname = try await people.search(surname, limit: 500, in: .everything)
            let byGivenName = try await people.search(given, limit: 500, in: .everything)
            let counted = try await Fixture.sql(database).raw(
                "SELECT COUNT(*) AS n FROM residents WHERE substr(name, 1, 1) = \(bind: surname)"
            ).first()?.decode(column: "n", as: Int.self)
            let phoned = try #require(try await people.search(nil, limit: 500, in: .everything).rows.first { $0.phone != nil })
            let byPhone = try await people.search(phoned.phone, limit: 5, in: .everything)
            // validate
            #expect(prefix.total >= 1)
            #expect(bySurname.total == counted, "every name starting with the surname, counted by substr")
            #expect(bySurname.rows.allSatisfy { $0.name.hasPrefix(surname) })
            #expect(byGivenName.rows.allSatisfy { $0.name.hasPrefix(given) }, "a character inside a name is not a prefix")
            #expect(byPhone.rows.contains { $0.id == phoned.id })
            #expect(percent.total == 0, "nobody's name starts with %")
            #expect(underscore.total == 0, "nobody's name starts with _")
        }
    }

    @Test("the coverage audit finds the demo's deliberate gaps and its totals match what was loaded", arguments: TestDatabase.enabled)
    func coverageReport(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            try await Fixture.grids(database)
            let populations = Array(Fixture.populations.values)
            let homeless = Set(populations.flatMap { $0.residents.filter { $0.householdNumber == nil }.map(\.name) })
            let orphans = populations.flatMap { $0.buildings.filter { $0.gridCode == nil }.map(\.code) }
            let understaffed = Fixture.plan.grids.filter { grid in
                (1..<StaffRepository.minimumTeam).contains(Set(Fixture.plan.staff(ofGrid: grid.code).map(\.personCode)).count)
            }.map(\.code)
            #expect(!homeless.isEmpty && !orphans.isEmpty && !understaffed.isEmpty, "the demo carries each kind of gap")
            // MUT
            let report = try await CoverageRepository(database).report(in: .everything)
            // validate
            #expect(!report.isComplete)
            #expect(report.residentsWithoutHouseholdCount == populations.reduce(0) { $0 + $1.residents.filter { $0.householdNumber == nil }.count })
            #expect(Set(report.residentsWithoutHousehold.map(\.label)) == homeless)
            #expect(report.buildingsOutsideGrids.map(\.label).sorted() == orphans.sorted())
            #expect(report.gridsUnderstaffed.map(\.label) == understaffed)
            #expect(report.gridsWithoutTeam.isEmpty)
            #expect(report.householdsWithoutGridCount == 0)
            let t = report.totals
            #expect(t.grids == 4)
            #expect(t.buildings == populations.reduce(0) { $0 + $1.buildings.filter { $0.gridCode != nil }.count })
            #expect(t.households == populations.reduce(0) { $0 + $1.households.count })
            #expect(t.residents == populations.reduce(0) { $0 + $1.residents.count })
            #expect(t.staff == Fixture.plan.grids.reduce(0) { $0 + Set(Fixture.plan.staff(ofGrid: $1.code).map(\.personCode)).count })
            #expect(t.households == (try await Fixture.count(database, "households")))
            #expect(t.residents == (try await Fixture.count(database, "residents")))
            #expect(t.buildings + orphans.count == (try await Fixture.count(database, "buildings")))
            // Totals roll up: the streets add up to the district.
            let totals = try await CoverageRepository(database).totals(in: .everything)
            let streets = try await UnitRepository(database).all(in: .everything, level: .street)
            #expect(streets.count == 2)
            #expect(streets.reduce(0) { $0 + (totals[$1.id]?.residents ?? 0) } == t.residents)
        }
    }

    @Test("a household left without a live grid is reported, and a person with no household is found again once filed", arguments: TestDatabase.enabled)
    func coverageAfterChanges(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let grid = try #require(grids["110199001001002"])
            let sql = Fixture.sql(database)
            let household = try #require(try await PlaceRepository(database).households(inGrid: grid.id, limit: 1, in: .everything).rows.first)
            let homelessID = try #require(
                try await sql.raw("SELECT id FROM residents WHERE unit_id = \(bind: grid.id) AND household_id IS NULL")
                    .first()?.decode(column: "id", as: UUID.self))
            let homeless = try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).get(homelessID, in: .everything)
            let before = try await CoverageRepository(database).report(in: .everything)
            // MUT
            try await sql.raw("UPDATE households SET unit_id = NULL WHERE id = \(bind: household.id)").run()
            let home = try #require(try await PlaceRepository(database).households(inGrid: grid.id, limit: 2, in: .everything).rows.last)
            #expect(home.id != household.id)
            let input = ResidentInput(
                name: homeless.name, idNumber: homeless.idNumber, documentNumber: homeless.documentNumber, phone: homeless.phone,
                householdNumber: home.number, relation: "other", residenceType: homeless.residenceType, tags: [])
            let filed = try await ResidentRepository(database, cipher: TestDatabase.keys.cipher).update(homeless.id, input, in: .everything)
            let after = try await CoverageRepository(database).report(in: .everything)
            // validate
            #expect(before.householdsWithoutGridCount == 0)
            #expect(after.householdsWithoutGridCount == 1)
            #expect(after.householdsWithoutGrid.map(\.id) == [household.id])
            #expect(after.residentsWithoutHouseholdCount == before.residentsWithoutHouseholdCount - 1)
            #expect(!after.residentsWithoutHousehold.contains { $0.id == homeless.id })
            #expect(filed.householdID == home.id && filed.unitID == grid.id)
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Residents' rights in storage: a copy of the record, correction, anonymisation")
struct ResidentRightsTests {
    /// A resident of the first grid with an ID number, a phone, a household and at least one tag.
    static func someone(_ people: ResidentRepository, in grid: UnitRow) async throws -> ResidentRow {
        let rows = try await people.search(nil, gridID: grid.id, limit: 500, in: .everything).rows
        let tags = try await people.tags(of: rows.map(\.id))
        return try #require(rows.first { $0.idNumber != nil && $0.phone != nil && $0.householdID != nil && !(tags[$0.id] ?? []).isEmpty })
    }

    @Test("the record holds everything unmasked, with household, grid and every tag", arguments: TestDatabase.enabled)
    func record(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let own = try #require(grids["110199001001001"]), other = try #require(grids["110199001001002"])
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let person = try await Self.someone(people, in: own)
            let tags = try await people.tags(of: [person.id])[person.id] ?? []
            // MUT
            let record = try await people.record(person.id, in: .subtree(of: own))
            // validate
            #expect(record.idNumber == person.idNumber && record.phone == person.phone)
            #expect(record.grid?.code == own.code)
            #expect(record.household?.number != nil)
            #expect(record.tags.map(\.key) == tags.map(\.key), "sensitive tags too: it is the person's own data")
            #expect(await Fixture.storeError { try await people.record(person.id, in: .subtree(of: other)) }?.kind == .notFound)
        }
    }

    @Test("anonymising removes the personal data, keeps the row and its grid, and blocks later edits", arguments: TestDatabase.enabled)
    func anonymise(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let own = try #require(grids["110199001001001"]), other = try #require(grids["110199001001002"])
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let person = try await Self.someone(people, in: own)
            let idNumber = try #require(person.idNumber)
            let rowsBefore = try await Fixture.count(database, "residents")
            let unplacedBefore = try await CoverageRepository(database).report(in: .everything).residentsWithoutHouseholdCount
            // MUT
            let outOfScope = await Fixture.storeError { try await people.anonymise(person.id, in: .subtree(of: other)) }
            let row = try await people.anonymise(person.id, in: .subtree(of: own))
            // validate
            #expect(outOfScope?.kind == .notFound)
            #expect(row.name == "已注销居民")
            #expect(row.idNumber == nil && row.documentNumber == nil && row.phone == nil && row.birthDate == nil && row.relation == nil)
            #expect(row.householdID == nil)
            #expect(row.unitID == own.id, "the person still counts in their grid")
            #expect(row.anonymisedAt != nil)
            #expect(try await people.tags(of: [person.id])[person.id] == nil)
            #expect(try await Fixture.count(database, "residents") == rowsBefore)
            #expect(try await Fixture.count(database, "residents", where: "id = \(bind: person.id) AND id_number_hash IS NULL") == 1)
            #expect(try await people.search(idNumber, in: .everything).total == 0)
            #expect(
                try await CoverageRepository(database).report(in: .everything).residentsWithoutHouseholdCount == unplacedBefore,
                "an anonymised person is not a coverage gap")
            #expect(await Fixture.storeError { try await people.anonymise(person.id, in: .everything) }?.key == "rights.already_anonymised")
            let edit = ResidentInput(name: "张三", idNumber: idNumber, phone: nil, householdNumber: nil, relation: nil, residenceType: "registered", tags: [])
            #expect(await Fixture.storeError { try await people.update(person.id, edit, in: .everything) }?.key == "rights.already_anonymised")
        }
    }

    @Test("a correction names the fields it changed and writes nothing when a field is wrong", arguments: TestDatabase.enabled)
    func correct(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            // setup
            let grids = try await Fixture.grids(database)
            let own = try #require(grids["110199001001001"])
            let people = ResidentRepository(database, cipher: TestDatabase.keys.cipher)
            let person = try await Self.someone(people, in: own)
            let tags = (try await people.tags(of: [person.id])[person.id] ?? []).map(\.key)
            let household = try await PlaceRepository(database).household(try #require(person.householdID), in: .everything)
            func input(name: String, phone: String?) -> ResidentInput {
                ResidentInput(
                    name: name, idNumber: person.idNumber, documentNumber: person.documentNumber, phone: phone, householdNumber: household.number,
                    relation: person.relation, residenceType: person.residenceType, tags: tags)
            }
            // MUT
            let bad = await Fixture.validationFailure { try await people.correct(person.id, input(name: "", phone: "12345"), in: .subtree(of: own)) }
            let unchanged = try await people.get(person.id, in: .everything)
            let result = try await people.correct(person.id, input(name: "李更正", phone: "13900001111"), in: .subtree(of: own))
            // validate
            #expect(Set(bad.map(\.field)) == ["name", "phone"])
            #expect(unchanged == person)
            #expect(result.changed == ["name", "phone"])
            #expect(result.row.name == "李更正" && result.row.phone == "13900001111" && result.row.idNumber == person.idNumber)
        }
    }
}

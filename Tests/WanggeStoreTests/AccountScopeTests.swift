import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("A signed-in account and its scope, from one read")
struct AccountScopeTests {
    @Test(
        "findWithScope gives what find and scope(of:) give: the district, a grid, a department's account, no unit",
        arguments: TestDatabase.enabled)
    func sameAsTwoReads(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let accounts = AccountRepository(db)
            let grid = try #require(try await Fixture.grids(db).values.first)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            func make(_ name: String, _ role: Role, _ unit: UUID?) async throws -> AccountRow {
                try await accounts.create(username: name, displayName: name, passwordHash: "x", role: role, unitID: unit, mustChangePassword: false)
            }
            let department = try await make("dept", .department, root.id)
            try await accounts.setDepartments(department.id, ["grid_team"])
            let made = [
                try await make("leader", .leader, root.id), try await make("worker", .gridWorker, grid.id), department,
                try await make("admin", .sysAdmin, nil),
            ]
            for account in made {
                let one = try #require(try await accounts.findWithScope(account.id))
                #expect(one.account == (try await accounts.find(account.id)), "\(account.username)")
                #expect(one.scope == (try await accounts.scope(of: account)), "\(account.username)")
            }
            #expect(try await accounts.findWithScope(made[0].id)?.scope.includesUnplaced == true, "the district's root sees cases in no grid")
            #expect(try await accounts.findWithScope(made[1].id)?.scope.pathPrefix == grid.path)
            #expect(try await accounts.findWithScope(department.id)?.scope.departments == ["grid_team"])
            #expect(try await accounts.findWithScope(made[3].id)?.scope.pathPrefix == "/none/")
            #expect(try await accounts.findWithScope(UUID()) == nil)
        }
    }

    @Test(
        "the unit whose figures are shown: the one asked for, or with none the top of the viewer's part; a department's account reads none",
        arguments: TestDatabase.enabled)
    func measuredUnit(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let accounts = AccountRepository(db), measures = MeasureRepository(db)
            let grid = try #require(try await Fixture.grids(db).values.first)
            let root = try #require(try await UnitRepository(db).roots(in: .everything).first)
            let worker = try await accounts.create(
                username: "worker", displayName: "worker", passwordHash: "x", role: .gridWorker, unitID: grid.id, mustChangePassword: false)
            let department = try await accounts.create(
                username: "dept", displayName: "dept", passwordHash: "x", role: .department, unitID: root.id, mustChangePassword: false)
            try await accounts.setDepartments(department.id, ["grid_team"])
            let workerScope = try #require(try await accounts.findWithScope(worker.id)).scope
            let departmentScope = try #require(try await accounts.findWithScope(department.id)).scope
            #expect(try await measures.unit(nil, in: .everything).id == root.id)
            #expect(try await measures.unit(nil, in: workerScope).id == grid.id)
            #expect(try await measures.unit(grid.id, in: workerScope).id == grid.id)
            await #expect(throws: StoreError.self) { try await measures.unit(root.id, in: workerScope) }
            await #expect(throws: StoreError.self) { try await measures.unit(nil, in: departmentScope) }
            await #expect(throws: StoreError.self) { try await measures.unit(root.id, in: departmentScope) }
        }
    }
}

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
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeStore
import WanggeTestSupport

@Suite("Open311's services kept in memory, taken again when the catalogue's stamp moves")
struct ServiceCatalogueCacheTests {
    static let leaf = "city_appearance.exposed_garbage"

    static func stamp(_ db: any Database) async throws -> Int64 {
        try #require(try await (db as! any SQLDatabase).raw("SELECT n FROM stamps WHERE name = 'catalogue'").first()).decode(column: "n", as: Int64.self)
    }

    static func settings(_ name: String) -> CategorySettings {
        CategorySettings(nameZh: name, nameEn: name, departmentKey: "grid_team", respondHours: 2, resolveHours: 24, counting: "clock", complex: false)
    }

    @Test("every change to categories or departments moves the stamp, through the forms or by hand; reads do not", arguments: TestDatabase.enabled)
    func stampMoves(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            let setup = CaseSetupRepository(db)
            var last = try await Self.stamp(db)
            let changes: [(String, @Sendable () async throws -> Void)] = [
                ("add a department", { _ = try await setup.addDepartment(key: "t_dept", nameZh: "测试部门", nameEn: "Test") }),
                ("rename it", { _ = try await setup.renameDepartment("t_dept", nameZh: "测试部门二", nameEn: "Test 2") }),
                ("add a category", { _ = try await setup.addCategory(parent: "city_appearance", segment: "t_leaf", kind: nil, Self.settings("测试")) }),
                ("change its limits", { _ = try await setup.updateCategory("city_appearance.t_leaf", Self.settings("测试二")) }),
                ("take one out of use", { _ = try await setup.setActive(Self.leaf, false) }),
                ("a statement typed by hand", { try await (db as! any SQLDatabase).raw("DELETE FROM case_categories WHERE key = 'city_appearance.t_leaf'").run() }),
            ]
            for (what, change) in changes {
                try await change()
                let now = try await Self.stamp(db)
                #expect(now > last, "\(what)")
                last = now
            }
            _ = try await Open311Repository(db).services()
            _ = try await Open311Repository(db).offers()
            #expect(try await Self.stamp(db) == last)
        }
    }

    @Test("the copy offers what a direct read offers; a withdrawn service is gone at the new stamp", arguments: TestDatabase.enabled)
    func copyFollowsStamp(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            let repo = Open311Repository(db)
            let cache = ServiceCatalogueCache()
            let services = try await repo.services()
            #expect(services.count > 10)
            let stamp = try await Self.stamp(db)
            for service in services {
                let direct = try #require(try await repo.offer(service.code))
                let copy = try #require(try await cache.offer(service.code, stamp: stamp, db: db))
                #expect(copy.service == direct.service && copy.category == direct.category, "\(service.code)")
            }
            #expect(try await cache.offer("city_appearance", stamp: stamp, db: db) == nil, "a group is not a service")
            #expect(try await cache.offer("no.such.code", stamp: stamp, db: db) == nil)

            _ = try await CaseSetupRepository(db).setActive(Self.leaf, false)
            let moved = try await Self.stamp(db)
            #expect(try await repo.offer(Self.leaf) == nil)
            #expect(try await cache.offer(Self.leaf, stamp: moved, db: db) == nil, "withdrawn at the new stamp")
            // The key's statement brings the same stamp.
            let (_, key) = try await ApiKeyRepository(db).create(name: "t", now: Date())
            #expect(try await ApiKeyRepository(db).authenticated(key, now: Date())?.catalogue == moved)
        }
    }
}

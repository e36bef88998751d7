import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Foundation flows over HTTP")
struct FoundationFlowTests {
    @Test("health check answers when the database is reachable", arguments: TestDatabase.enabled)
    func health(db: TestDatabase) async throws {
        try await withApp(db, demo: false) { app in
            // MUT
            var b = Browser(app)
            let res = try await b.get("/healthz")
            // validate
            #expect(res.status == .ok)
            #expect(res.body.string == "ok")
            #expect(res.headers.setCookie == nil, "a health probe must not create sessions")
        }
    }

    @Test("a wrong password is refused in Chinese and leaves no session", arguments: TestDatabase.enabled)
    func wrongPassword(db: TestDatabase) async throws {
        try await withApp(db) { app in
            var b = Browser(app)
            try await b.get("/login")
            let res = try await b.post("/login", form: ["username": "gridworker", "password": "nope"])
            #expect(res.status == .unauthorized)
            #expect(res.body.string.contains("用户名或密码错误"))
            let after = try await b.get("/units")
            #expect(after.status == .seeOther)
        }
    }

    @Test("a grid worker sees her grid, masked, and nothing of another grid", arguments: TestDatabase.enabled)
    func gridWorkerScope(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "gridworker")
            let grids = try await UnitRepository(app.db).all(in: .everything, level: .grid)
            let own = try #require(grids.first)
            let other = try #require(grids.last)
            #expect(own.id != other.id)
            // MUT
            let home = try await b.get("/units")
            let page = try await b.get("/units/\(own.id.uuidString)")
            let foreign = try await b.get("/units/\(other.id.uuidString)")
            let foreignAPI = try await b.api(.GET, "/api/v1/units/\(other.id.uuidString)")
            // validate
            #expect(home.headers.first(name: .location) == "/units/\(own.id.uuidString)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains(own.name))
            #expect(page.headers.cacheControl?.noStore == true)
            #expect(page.body.string.range(of: #"\d{3}\*{11}[\dX]{4}"#, options: .regularExpression) != nil, "ID numbers are shown masked")
            #expect(page.body.string.range(of: #"(?<![\d*])[1-9]\d{16}[\dX](?!\d)"#, options: .regularExpression) == nil, "no full ID number on the page")
            #expect(foreign.status == .notFound)
            #expect(foreignAPI.status == .notFound)
            let otherResident = try #require(try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, gridID: other.id, limit: 1, in: .everything).rows.first)
            #expect(try await b.get("/residents/\(otherResident.id.uuidString)").status == .notFound)
            #expect(try await b.api(.GET, "/api/v1/residents/\(otherResident.id.uuidString)").status == .notFound)
            let list = try await b.api(.GET, "/api/v1/residents?limit=500")
            let items = try #require(list.object["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { ($0["grid_id"] as? String) == own.id.uuidString })
            #expect(items.allSatisfy { ($0["id_number"] as? String)?.contains("*") ?? true })
        }
    }
}

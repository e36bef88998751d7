import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Service stations in storage: kept per unit, checked before writing, scoped")
struct StationStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)

    static func draft(_ kind: StationKind, _ name: String, at point: GeoPoint?, phone: String = "010-8411 2233") -> StationDraft {
        StationDraft(
            kind: kind.rawValue, name: name, address: "和平里北街 3 号", lon: point.map { String($0.lon) } ?? "", lat: point.map { String($0.lat) } ?? "",
            hours: "周一至周五 8:30–17:30", phone: phone, staff: "王丽 站长\n李强 事务代办员")
    }

    static func count(_ db: any Database) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM service_stations").first(decoding: N.self)?.n ?? -1
    }

    @Test("a station is saved inside its unit, listed under every unit above it, hidden outside the scope", arguments: TestDatabase.enabled)
    func keep(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let units = UnitRepository(db)
            let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
            let (home, other) = (communities[0], communities[1])
            let street = try await units.get(try #require(home.parentID), in: .everything)
            let inside = try #require(home.area?.interiorPoint)
            let repo = StationRepository(db)
            let scope = Scope.subtree(of: street)
            // MUT
            let station = try await repo.save(Self.draft(.communityStation, "和平里社区工作站", at: inside), to: home.id, by: "测试", at: Self.t0, in: scope)
            let centre = try await repo.save(Self.draft(.streetCentre, "街道便民服务中心", at: nil), to: street.id, by: "测试", at: Self.t0, in: scope)
            // validate
            #expect(station.point == inside && station.unitName == home.name && station.staff.map(\.role) == ["站长", "事务代办员"])
            let underStreet = try await repo.stations(under: street).map(\.id)
            #expect(underStreet == [centre.id, station.id], "the street's centre first, then its communities' stations")
            let underHome = try await repo.stations(under: home).map(\.id)
            #expect(underHome == [station.id])
            let underOther = try await repo.stations(under: other)
            #expect(underOther.isEmpty)

            // Outside the scope: the unit and the station look missing.
            let otherScope = Scope.subtree(of: other)
            let hidden = try await repo.find(station.id, in: otherScope)
            #expect(hidden == nil)
            let intoForeign = await Fixture.storeError {
                try await repo.save(Self.draft(.communityStation, "越界", at: nil), to: home.id, by: "测试", at: Self.t0, in: otherScope)
            }
            #expect(intoForeign?.kind == .notFound)
            let editForeign = await Fixture.storeError {
                try await repo.save(Self.draft(.communityStation, "越界", at: nil), id: station.id, to: other.id, by: "测试", at: Self.t0, in: .everything)
            }
            #expect(editForeign?.kind == .notFound)

            // Bad input names its field and writes nothing.
            let before = try await Self.count(db)
            let mobile = await Fixture.storeError {
                try await repo.save(Self.draft(.communityStation, "手机站", at: nil, phone: "139 1234 5678"), to: home.id, by: "测试", at: Self.t0, in: scope)
            }
            #expect(mobile?.field == "phone" && mobile?.key == "station.bad_phone")
            let wrongLevel = await Fixture.storeError {
                try await repo.save(Self.draft(.districtCentre, "区中心", at: nil), to: street.id, by: "测试", at: Self.t0, in: scope)
            }
            #expect(wrongLevel?.field == "kind")
            let far = await Fixture.storeError {
                try await repo.save(Self.draft(.partyStation, "远处", at: GeoPoint(lon: inside.lon + 1, lat: inside.lat)), to: home.id, by: "测试", at: Self.t0, in: scope)
            }
            #expect(far?.field == "location" && far?.key == "station.outside")
            let after = try await Self.count(db)
            #expect(after == before)

            // An edit changes the row in place.
            var changed = Self.draft(.partyStation, "和平里党群服务站", at: nil)
            changed.hours = "每天 9:00–20:00"
            let edited = try await repo.save(changed, id: station.id, to: home.id, by: "测试2", at: Self.t0, in: scope)
            #expect(edited.id == station.id && edited.kind == .partyStation && edited.point == nil && edited.hours == "每天 9:00–20:00" && edited.updatedBy == "测试2")
        }
    }
}

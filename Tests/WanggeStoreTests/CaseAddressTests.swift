import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("A case without a point finds its grid by address → building → grid")
struct CaseAddressTests {
    struct Building: Decodable { var address: String; var unit_id: UUID; var lon: Double; var lat: Double }

    @Test("the building whose address leads the reporter's gives the grid and the map point", arguments: TestDatabase.enabled)
    func addressToGrid(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            _ = try await Fixture.grids(db)
            let all = try await Fixture.sql(db).raw("SELECT address, unit_id, lon, lat FROM buildings WHERE unit_id IS NOT NULL ORDER BY code").all(decoding: Building.self)
            // A building whose address no other building shares (the demo may repeat a street number across grids).
            let b = try #require(all.first { one in all.filter { $0.address == one.address }.count == 1 })
            let repo = CaseStoreTests.repo(db)
            func draft(_ address: String) -> CaseIntake {
                CaseIntake(categoryKey: CaseSweeperTests.category, channel: .hotline, title: "", description: "楼道堆物", address: address)
            }
            let found = try await repo.intake(draft(b.address + "3单元502室"), actor: CaseStoreTests.operatorActor, at: CaseStoreTests.t0)
            #expect(found.unitID == b.unit_id && found.level == .grid)
            #expect(found.lon == b.lon && found.lat == b.lat)
            #expect(found.address == b.address + "3单元502室", "the reporter's words are kept")

            let nowhere = try await repo.intake(draft("不存在的路999号"), actor: CaseStoreTests.operatorActor, at: CaseStoreTests.t0)
            #expect(nowhere.unitID == nil && nowhere.level == .district && nowhere.lon == nil)
        }
    }
}

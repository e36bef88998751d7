import FluentKit
import SQLKit

/// Cases without a point find their grid through the building whose address leads theirs
/// (`CaseRepository.building(matching:)`), an `address IN (…)` look-up this index serves.
struct UpdateBuildingsAddAddressIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.createIndex("buildings", "address")
    }

    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "idx_buildings_address").run()
    }
}

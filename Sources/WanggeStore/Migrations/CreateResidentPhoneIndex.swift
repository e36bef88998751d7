import FluentKit
import SQLKit

/// Residents by phone: a search by a whole phone number among a district's 1.2 million people read
/// every row without it (the name and ID-number terms of the same search have their own indexes).
struct CreateResidentPhoneIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.createIndex("residents", "phone")
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: "idx_residents_phone").run()
    }
}

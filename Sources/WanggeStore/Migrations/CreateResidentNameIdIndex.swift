import FluentKit
import SQLKit

/// Residents by name and id, the order of the register's pages and exports (`ResidentRepository.page`),
/// in place of the index on the name alone. With the name alone, SQLite sorted each name's rows by id
/// for every page: an export of 1.2 M residents with common names took 169 s, a page re-sorting the whole
/// group of its name. The name's searches (a prefix is a range of the first column) use it as before.
struct CreateResidentNameIdIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.createIndex("residents", "name", "id")
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: "idx_residents_name").run()
    }

    func revert(on db: any Database) async throws {
        try await db.createIndex("residents", "name")
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: "idx_residents_name_id").run()
    }
}

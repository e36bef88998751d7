import FluentKit
import SQLKit

/// Residents by a phone's last four digits (尾号), how a grid worker often asks: an index on the
/// expression itself (`ResidentRepository.phoneTail`), so no further copy of the number is stored.
/// Without it four digits among a district's 1.2 million people read every row.
struct CreateResidentPhoneTailIndex: AsyncMigration {
    static let name = "idx_residents_phone_tail"

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX \(unsafeRaw: Self.name) ON residents (\(unsafeRaw: ResidentRepository.phoneTail(sql)))").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: Self.name).run()
    }
}

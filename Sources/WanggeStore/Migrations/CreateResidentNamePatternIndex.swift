import FluentKit
import SQLKit

/// PostgreSQL only: residents by the start of their name (`name LIKE '张伟%'`, how the register is
/// searched) through an index with `text_pattern_ops`. The plain name index orders by the database's
/// collation, and PostgreSQL uses such an index for a LIKE prefix only under the "C" collation (not
/// under C.UTF-8 or en_US.UTF-8, what Debian's clusters get): the search's count read every resident,
/// and its page walked the whole name index for a rare name. SQLite states the prefix as a range of
/// its own index instead (`ResidentRepository.namePrefix`).
struct CreateResidentNamePatternIndex: AsyncMigration {
    static let name = "idx_residents_name_pattern"

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("CREATE INDEX \(unsafeRaw: Self.name) ON residents (name text_pattern_ops)").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.drop(index: Self.name).run()
    }
}

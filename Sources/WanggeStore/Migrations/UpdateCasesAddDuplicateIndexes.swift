import FluentKit
import SQLKit

/// Indexes for duplicates and merging (C6): candidates are looked up by category and report
/// time, and the reports merged into a case by `merged_into`.
struct UpdateCasesAddDuplicateIndexes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.createIndex("cases", "category_key", "reported_at")
        try await db.createIndex("cases", "merged_into")
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        for name in ["idx_cases_merged_into", "idx_cases_category_key_reported_at"] { try await sql.drop(index: name).run() }
    }
}

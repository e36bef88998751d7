import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Gives every case a public code of its own for Open311 (`service_request_id`), apart from the
/// tracking code. The tracking code is the reporter's private key to their case (the tracking page,
/// the rating); Open311 lists are public, so a code shown there must never open that page.
struct UpdateCasesAddPublicCode: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cases").field("public_code", .string).update()
        let sql = db.sql
        struct Row: Decodable { var id: UUID }
        // Existing cases get fresh codes, a page at a time (a collision is as unlikely as for tracking codes,
        // and the unique index below would refuse it rather than let it pass).
        while true {
            let rows = try await sql.raw("SELECT id FROM cases WHERE public_code IS NULL LIMIT 1000").all(decoding: Row.self)
            if rows.isEmpty { break }
            try await db.transaction { tx in
                let s = tx.sql
                for row in rows {
                    try await s.raw("UPDATE cases SET public_code = \(bind: PublicCode.make()) WHERE id = \(bind: row.id)").run()
                }
            }
        }
        try await sql.create(index: "idx_cases_public_code").on("cases").column("public_code").unique().run()
    }

    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "idx_cases_public_code").run()
        try await db.schema("cases").deleteField("public_code").update()
    }
}

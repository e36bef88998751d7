import Foundation
import FluentKit
import SQLKit
import WanggeSecurity

/// A case is found by its reporter's phone through a keyed look-up hash of the normalised number
/// (the phone itself is encrypted), like a resident by ID number. Existing cases are hashed here;
/// `reported_at, id` is the key the case lists page by.
struct UpdateCasesAddReporterPhoneHash: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on db: any Database) async throws {
        try await db.schema("cases").field("reporter_phone_hash", .string).update()
        try await db.createIndex("cases", "reporter_phone_hash")
        try await db.createIndex("cases", "reported_at", "id")
        let sql = db.sql
        struct Stored: Decodable { var id: UUID; var reporter_phone: String }
        let rows = try await sql.raw("SELECT id, reporter_phone FROM cases WHERE reporter_phone IS NOT NULL").all(decoding: Stored.self)
        for row in rows {
            guard let plain = try? cipher.decrypt(row.reporter_phone) else { continue }
            try await sql.update("cases").set("reporter_phone_hash", to: cipher.lookupHash(plain)).where("id", .equal, row.id).run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("cases").deleteField("reporter_phone_hash").update()
    }
}

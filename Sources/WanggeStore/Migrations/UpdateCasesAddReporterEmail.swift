import FluentKit
import SQLKit

/// The reporter's optional e-mail address, for notices. Encrypted with the same `FieldCipher` as
/// `reporter_phone` (and moved by key rotation like it); screens show it masked.
struct UpdateCasesAddReporterEmail: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cases").field("reporter_email", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("cases").deleteField("reporter_email").update()
    }
}

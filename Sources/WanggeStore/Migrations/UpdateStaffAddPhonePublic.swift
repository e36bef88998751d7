import FluentKit

/// Whether a member of staff agreed to have their phone number printed on contact cards and shown
/// to residents. Nobody has until they say so: a number is personal data.
struct UpdateStaffAddPhonePublic: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staff").field("phone_public", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("staff").deleteField("phone_public").update()
    }
}

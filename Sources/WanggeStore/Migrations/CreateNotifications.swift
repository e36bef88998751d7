import FluentKit
import SQLKit

/// The notification outbox: one row per reporter, channel and case step the reporter should hear
/// of, written in the step's own transaction. The unique key (case, event, reporter's case, channel)
/// makes a second queueing of the same notice impossible. The address is not copied here: it is read
/// (and decrypted) from the reporter's case when sending, so key rotation and erasure have one place.
/// `state`, `attempts`, `next_attempt_at`, `lease_until` and `lease_token` are the delivery machine's
/// (`DeliveryMachine`); an instance claims a row by an UPDATE whose WHERE checks the lease.
struct CreateNotifications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("notifications")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("event_seq", .int, .required)
            .field("recipient_case_id", .uuid, .required, .references("cases", "id"))
            .field("channel", .string, .required)
            .field("kind", .string, .required)
            .field("reason", .string)
            .field("level", .string)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("lease_token", .uuid)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "case_id", "event_seq", "recipient_case_id", "channel")
            .create()
        try await db.createIndex("notifications", "state", "next_attempt_at")
        try await db.createIndex("notifications", "recipient_case_id")
        try await db.createIndex("notifications", "created_at")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("notifications").delete()
    }
}

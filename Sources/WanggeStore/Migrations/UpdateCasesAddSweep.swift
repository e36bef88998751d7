import FluentKit
import SQLKit

/// Columns the time-limit sweeper keeps on each case: how many respond/resolve alerts it has
/// raised and when it should look again. Only the sweeper and a reopening write them.
struct UpdateCasesAddSweep: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cases")
            .field("respond_alerts", .int, .required, .sql(.default(0)))
            .update()
        try await db.schema("cases")
            .field("resolve_alerts", .int, .required, .sql(.default(0)))
            .update()
        try await db.schema("cases")
            .field("next_sweep_at", .datetime)
            .update()
    }

    func revert(on db: any Database) async throws {
        for column in ["next_sweep_at", "resolve_alerts", "respond_alerts"] {
            try await db.schema("cases").deleteField(.key(.string(column))).update()
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The rankings' weights as data (`ScoringWeights`): one row a version of a named table, effective
/// from a month; the seeded tables take effect from before any data.
struct CreateScoringWeights: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("scoring_weights")
            .field("table_key", .string, .required)
            .field("effective_from", .string, .required)
            .field("config", .string, .required)
            .field("saved_by", .string, .required)
            .field("saved_at", .datetime, .required)
            .unique(on: "table_key", "effective_from")
            .create()
        for table in ScoringWeights.Table.allCases {
            try await ScoringWeightsRepository.upsert(table, table.seed, from: ScoringWeights.seedMonth, by: "system", at: Date(), on: db.sql)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("scoring_weights").delete()
    }
}

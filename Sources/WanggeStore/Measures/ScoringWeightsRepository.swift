import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// One stored version of a table of weights.
public struct WeightsVersion: Sendable, Equatable {
    public var table: ScoringWeights.Table
    public var from: MeasureMonth
    public var config: ScoringConfig
    public var savedBy: String
    public var savedAt: Date
}

/// The rankings' weights (`scoring_weights`): the version in effect for a month, every version of a
/// table, and saving a new one (checked, audited in the same transaction). Shared by the whole
/// database, like the case categories.
public struct ScoringWeightsRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// Every version of `table`, oldest first.
    public func versions(_ table: ScoringWeights.Table) async throws -> [WeightsVersion] {
        try await sql.raw(
            "SELECT effective_from, config, saved_by, saved_at FROM scoring_weights WHERE table_key = \(bind: table.rawValue) ORDER BY effective_from"
        ).all().compactMap { row -> WeightsVersion? in
            guard let from = MeasureMonth(try row.decode(column: "effective_from", as: String.self)),
                let config = try? JSONDecoder().decode(ScoringConfig.self, from: Data(try row.decode(column: "config", as: String.self).utf8))
            else { return nil }
            return WeightsVersion(
                table: table, from: from, config: config, savedBy: try row.decode(column: "saved_by", as: String.self),
                savedAt: try row.decode(column: "saved_at", as: Date.self))
        }
    }

    /// The weights `month` is scored with: the version in effect for it (the seed when none is stored).
    public func config(_ table: ScoringWeights.Table, for month: MeasureMonth) async throws -> WeightsVersion {
        let all = try await versions(table)
        return ScoringWeights.inEffect(all.map { (from: $0.from, value: $0) }, for: month)
            ?? WeightsVersion(table: table, from: ScoringWeights.seedMonth, config: table.seed, savedBy: "system", savedAt: Date(timeIntervalSince1970: 0))
    }

    /// Saves `config` as the version of `table` from `month` (replacing a version that starts in
    /// the same month, which is never a past one), with its audit entry, in one transaction.
    /// Problems are refused whole, each naming its field.
    public func save(
        _ table: ScoringWeights.Table, _ config: ScoringConfig, from month: MeasureMonth, by who: String, at now: Date, audit: AuditEntry,
        chain: AuditChain
    ) async throws {
        var config = config
        config.mode = table.seed.mode
        let problems = ScoringWeights.problems(config, from: month, current: MeasureMonth(SimpleDate(now)))
        guard problems.isEmpty else { throw ValidationFailure(problems: problems.map { FieldProblem($0.field, $0.key, $0.args) }) }
        let checked = config
        try await db.transaction { tx in
            try await Self.upsert(table, checked, from: month, by: who, at: now, on: tx.sql)
            _ = try await AuditLog.append([audit], chain: chain, on: tx.sql)
        }
    }

    static func upsert(_ table: ScoringWeights.Table, _ config: ScoringConfig, from month: MeasureMonth, by who: String, at now: Date, on sql: any SQLDatabase)
        async throws
    {
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO scoring_weights (table_key, effective_from, config, saved_by, saved_at) \
            VALUES (\(bind: table.rawValue), \(bind: month.description), \(bind: json), \(bind: who), \(bind: now)) \
            ON CONFLICT (table_key, effective_from) DO UPDATE SET config = excluded.config, saved_by = excluded.saved_by, saved_at = excluded.saved_at
            """
        ).run()
    }
}

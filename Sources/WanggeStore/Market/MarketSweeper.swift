import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Returns offers not taken in time to the pool (接单时限), as the system. Safe with several
/// instances on one database, like the case sweeper: on PostgreSQL each batch locks its orders
/// with `FOR UPDATE SKIP LOCKED`; on SQLite the batch takes the write lock first; and everywhere the
/// write carries the order's version, so an order a provider took meanwhile is left alone and no
/// order times out twice. The state lives in the database (`accept_by`), never in memory.
public struct MarketSweeper: Sendable {
    let db: any Database
    let cipher: FieldCipher
    /// When set, each order returned to the pool gets its audit entry in the same transaction.
    let chain: AuditChain?

    public init(_ db: any Database, cipher: FieldCipher, chain: AuditChain? = nil) {
        (self.db, self.cipher, self.chain) = (db, cipher, chain)
    }

    /// One round at `now`: every offer past its limit returns to the pool. The ids returned.
    public func sweep(now: Date, batchSize: Int = 100) async throws -> [UUID] {
        var done: [UUID] = []
        for _ in 0..<1000 {
            let (found, stepped) = try await batch(now: now, size: batchSize)
            done += stepped
            if found < batchSize { break }
        }
        return done
    }

    struct Due: Decodable { var id: UUID }

    private func batch(now: Date, size: Int) async throws -> (Int, [UUID]) {
        try await db.transaction { tx in
            let sql = tx.sql
            try await StoreSetup.takeWriteLock(on: sql)
            let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
            let due = try await sql.raw(
                """
                SELECT id FROM market_orders WHERE state = \(bind: MarketOrderState.offered.rawValue) AND accept_by <= \(bind: now) \
                ORDER BY accept_by, id LIMIT \(count: size)\(lock)
                """
            ).all(decoding: Due.self)
            let repo = MarketRepository(tx, cipher: cipher)
            var stepped: [UUID] = []
            for d in due {
                do {
                    let row = try await repo.step(.timeOut, on: d.id, as: .staff(.everything), by: .sweeper, at: now)
                    stepped.append(row.id)
                } catch let e as StoreError where e.kind == .conflict {
                    continue
                }
            }
            if let chain, !stepped.isEmpty {
                let entries = stepped.map {
                    AuditEntry(
                        at: Date(), actorID: nil, actor: MarketStepActor.sweeper.name, role: "system", ip: "-", action: "market.time_out",
                        objectType: "market_order", objectID: $0.uuidString, detail: "by=sweeper", outcome: "ok")
                }
                try await AuditLog.append(entries, chain: chain, on: sql)
            }
            return (due.count, stepped)
        }
    }
}

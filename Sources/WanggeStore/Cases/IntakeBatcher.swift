import FluentKit
import Foundation
import SQLKit

/// Group commit for case intake. Reports that arrive while a commit is under
/// way wait and are written together by the next one, so a burst pays one durable commit per
/// batch instead of one per report — and nobody hears "accepted" before their case is committed.
/// With no load a report is written at once, alone; there is no timer and no added wait.
///
/// A batcher lives in one process and holds nothing that is not also on its way to the database:
/// several instances sharing one PostgreSQL each batch their own requests.
public actor IntakeBatcher {
    public typealias Writer = @Sendable ([PreparedCase]) async throws -> Void

    /// The most cases one transaction writes (SQLite allows 32,766 bound values per statement;
    /// a case row has 33 columns).
    public static let defaultMaxBatch = 256

    let write: Writer
    let maxBatch: Int
    private var pending: [(PreparedCase, CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    /// Batches written and cases in them since start, for the benchmark report.
    public private(set) var commits = 0
    public private(set) var written = 0
    /// Reports waiting for the next commit (the /metrics queue length).
    public var queued: Int { pending.count }

    public init(maxBatch: Int = IntakeBatcher.defaultMaxBatch, write: @escaping Writer) {
        self.maxBatch = max(1, maxBatch)
        self.write = write
    }

    /// Stores a prepared case with the batcher's writer and returns once it is committed.
    public func submit(_ prepared: PreparedCase) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            pending.append((prepared, c))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await write(batch.map(\.0))
                commits += 1
                written += batch.count
                for (_, waiter) in batch { waiter.resume() }
            } catch {
                guard batch.count > 1 else {
                    batch[0].1.resume(throwing: error)
                    continue
                }
                // One bad case must not sink the others: write each alone and answer each with its own outcome.
                for (prepared, waiter) in batch {
                    do {
                        try await write([prepared])
                        commits += 1
                        written += 1
                        waiter.resume()
                    } catch {
                        waiter.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }
}

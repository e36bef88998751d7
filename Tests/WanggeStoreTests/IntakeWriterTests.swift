import FluentKit
import Foundation
import Logging
import NIOPosix
import SQLKit
import Synchronization
import Testing
import WanggeCore
import WanggeTestSupport

@testable import WanggeStore

@Suite("Intake's writer: batches committed on a connection of their own (SQLite), all or nothing")
struct IntakeWriterTests {
    static func writer(_ db: any Database, _ location: StoreLocation) -> IntakeWriter {
        IntakeWriter(
            db: db, location: location, threadPool: TestDatabase.blockingPool, eventLoop: MultiThreadedEventLoopGroup.singleton.any(),
            logger: Logger(label: "wangge.test"))
    }

    static func prepared(_ db: any Database, _ n: Int, limit: RateLimit? = nil) async throws -> [PreparedCase] {
        let grid = try #require(try await Fixture.grids(db).values.first)
        var out: [PreparedCase] = []
        for draft in IntakeBatcherTests.drafts(n, grid: grid.id) {
            var p = try await CaseStoreTests.repo(db).prepare(draft, actor: CaseStoreTests.operatorActor, at: CaseStoreTests.t0)
            p.limits = limit.map { [$0] } ?? []
            out.append(p)
        }
        return out
    }

    /// `batch` written in one transaction of `writer`.
    static func write(_ batch: [PreparedCase], with writer: IntakeWriter) async throws {
        try await writer.transaction { sql in try await CaseRepository.write(batch, in: sql) }
    }

    struct Refused: Error {}

    static func force(_ p: inout PreparedCase, tracking: String, public publicCode: String) {
        p.row.trackingCode = tracking
        p.row.publicCode = publicCode
        p.sealed.trackingCode = tracking
        p.sealed.publicCode = publicCode
    }

    @Test("a batch is visible to the pool once committed; a failing one leaves nothing and the writer goes on", arguments: TestDatabase.enabled)
    func commitAndRollback(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db, location in
            let writer = Self.writer(db, location)
            let cases = try await Self.prepared(db, 4)
            try await Self.write(Array(cases[0..<2]), with: writer)
            #expect(try await Fixture.count(db, "cases") == 2)
            #expect(try await Fixture.count(db, "case_events") == 2)
            await #expect(throws: Refused.self) {
                try await writer.transaction { sql in
                    try await CaseRepository.write([cases[2]], in: sql)
                    throw Refused()
                }
            }
            #expect(try await Fixture.count(db, "cases") == 2)
            try await Self.write(Array(cases[2..<4]), with: writer)
            #expect(try await Fixture.count(db, "cases") == 4)
            // Closed (as the server stops), it opens again for the next batch.
            await writer.close()
            let more = try await Self.prepared(db, 1)
            try await Self.write(more, with: writer)
            #expect(try await Fixture.count(db, "cases") == 5)
            await writer.close()
        }
    }

    @Test("the writer's SQLite connection has the pool's settings, foreign keys on and its statement journals in memory")
    func connectionSettings() async throws {
        try await TestDatabase.sqlite.withStore(Fixture.demo) { db, location in
            let writer = Self.writer(db, location)
            let settings = Mutex<[String: Int]>([:])
            try await writer.transaction { sql in
                for name in ["synchronous", "foreign_keys", "temp_store", "cache_size"] {
                    let value = try await sql.raw(SQLQueryString("PRAGMA \(unsafeRaw: name)")).first()?.decode(column: name, as: Int.self)
                    settings.withLock { $0[name] = value }
                }
            }
            // FULL = 2, MEMORY = 2; the cache in KiB, negative.
            #expect(settings.withLock { $0 } == ["synchronous": 2, "foreign_keys": 1, "temp_store": 2, "cache_size": -StoreSetup.defaultCacheMiB * 1024])
            await writer.close()
        }
    }

    @Test("the writer waits for another writer's lock (a case step on the pool) instead of failing")
    func waitsForTheLock() async throws {
        try await TestDatabase.sqlite.withStore(Fixture.demo) { db, location in
            let writer = Self.writer(db, location)
            let cases = try await Self.prepared(db, 2)
            let locked = AsyncStream<Void>.makeStream()
            async let other: Void = db.transaction { tx in
                try await StoreSetup.takeWriteLock(on: tx as! any SQLDatabase)
                locked.continuation.yield()
                try await Task.sleep(for: .milliseconds(300))
                try await CaseRepository.write([cases[0]], in: tx as! any SQLDatabase)
            }
            for await _ in locked.stream { break }
            try await Self.write([cases[1]], with: writer)
            try await other
            #expect(try await Fixture.count(db, "cases") == 2)
            await writer.close()
        }
    }

    @Test("a case whose code another case has stops its batch, named; with new codes it is written", arguments: TestDatabase.enabled)
    func takenCodes(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db, location in
            let writer = Self.writer(db, location)
            var cases = try await Self.prepared(db, 4)
            try await Self.write([cases[0]], with: writer)
            // One batch with a tracking code already taken, one with a public code taken.
            Self.force(&cases[1], tracking: cases[0].row.trackingCode, public: cases[1].row.publicCode)
            Self.force(&cases[2], tracking: cases[2].row.trackingCode, public: cases[0].row.publicCode)
            for clashing in [cases[1], cases[2]] {
                await #expect(throws: CaseCodesTaken(caseIDs: [clashing.row.id])) {
                    try await Self.write([clashing, cases[3]], with: writer)
                }
            }
            #expect(try await Fixture.count(db, "cases") == 1)
            cases[1].redrawCodes()
            cases[2].redrawCodes()
            #expect(cases[1].row.trackingCode != cases[0].row.trackingCode && cases[2].row.publicCode != cases[0].row.publicCode)
            try await Self.write(Array(cases[1...3]), with: writer)
            #expect(try await Fixture.count(db, "cases") == 4)
            await writer.close()
        }
    }

    @Test("a batch counts each rate limit once for all its cases, and over the limit writes nothing", arguments: TestDatabase.enabled)
    func rateLimitPerBatch(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db, location in
            let writer = Self.writer(db, location)
            let limit = RateLimit(key: "open311:test", limit: 3, window: 60)
            let cases = try await Self.prepared(db, 5, limit: limit)
            await #expect(throws: RateLimitExceeded.self) {
                try await Self.write(cases, with: writer)
            }
            #expect(try await Fixture.count(db, "cases") == 0)
            let limiter = RateLimiter(db)
            #expect(try await limiter.current("open311:test", window: 60, now: CaseStoreTests.t0) == 0)
            try await Self.write(Array(cases[0..<3]), with: writer)
            #expect(try await limiter.current("open311:test", window: 60, now: CaseStoreTests.t0) == 3)
            await #expect(throws: RateLimitExceeded.self) {
                try await Self.write([cases[3]], with: writer)
            }
            #expect(try await Fixture.count(db, "cases") == 3)
            await writer.close()
        }
    }
}

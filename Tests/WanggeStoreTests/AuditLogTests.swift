import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

/// The audit log is append-only and hash-chained: whoever edits, inserts or deletes a row by
/// hand is named by `verify`, down to the first entry touched.
@Suite("Audit log")
struct AuditLogTests {
    static func log(_ db: any Database) -> AuditLog { AuditLog(db, chain: TestDatabase.keys.audit) }

    static func entry(_ n: Int, at: Date = Date(), actor: String = "admin", action: String = "update", detail: String? = nil, outcome: String = "ok") -> AuditEntry {
        AuditEntry(
            at: at, actorID: UUID(), actor: actor, role: "sys_admin", ip: "10.0.0.\(n % 250)", action: action,
            objectType: "unit", objectID: "u\(n)", detail: detail ?? "n=\(n)", outcome: outcome)
    }

    /// Appends `count` entries one after another and returns the log.
    @discardableResult
    static func fill(_ db: any Database, _ count: Int) async throws -> AuditLog {
        let log = log(db)
        for n in 1...count { try await log.append(entry(n)) }
        return log
    }

    /// The test's database has a few connections (one on SQLite), so 20 appenders queue for
    /// them; when the whole suite loads the machine, a queued request can time out (after 10 s)
    /// before it is served. Such a request never ran, so asking again is safe — what this test
    /// checks is that the chain comes out whole, not how fast a loaded machine serves it.
    static func appendWaitingForConnection(_ log: AuditLog, _ entry: AuditEntry) async throws -> Int64 {
        let deadline = Date().addingTimeInterval(600)
        while true {
            do { return try await log.append(entry) } catch  where "\(error)".contains("connectionRequestTimeout") && Date() < deadline { continue }
        }
    }

    static func raw(_ db: any Database, _ query: SQLQueryString) async throws {
        try await Fixture.sql(db).raw(query).run()
    }

    @Test("concurrent appends form one chain with consecutive sequence numbers", arguments: TestDatabase.enabled)
    func concurrentAppends(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup
            let log = Self.log(store)
            // MUT
            let seqs = try await withThrowingTaskGroup(of: Int64.self) { group in
                for n in 1...20 { group.addTask { try await Self.appendWaitingForConnection(log, Self.entry(n)) } }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            // validate
            #expect(seqs.sorted() == Array(1...20))
            let check = try await log.verify()
            #expect(check.isIntact, "\(check.message(.en))")
            #expect(check.checked == 20)
            #expect(check.firstSeq == 1 && check.lastSeq == 20)
            #expect(check.message() == "审计链完整:已校验 20 条记录(序号 1–20)")
        }
    }

    @Test("the chain is walked in pages and an empty log is intact", arguments: TestDatabase.enabled)
    func pagedWalk(db: TestDatabase) async throws {
        try await db.withStore { store in
            let empty = try await Self.log(store).verify()
            #expect(empty.isIntact && empty.checked == 0 && empty.firstSeq == nil)
            let log = try await Self.fill(store, 7)
            let progress = ProgressLog()
            let check = try await log.verify(pageSize: 2) { progress.add($0, $1) }
            #expect(check.isIntact && check.checked == 7)
            #expect(progress.steps.last.map { $0 == (7, 7) } == true)
            #expect(progress.steps.count >= 4, "one report per page")
        }
    }

    @Test("a row edited with SQL is named as edited", arguments: TestDatabase.enabled)
    func editedRow(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup
            let log = try await Self.fill(store, 7)
            // MUT
            try await Self.raw(store, "UPDATE audit_log SET detail = 'n=999' WHERE seq = 6")
            // validate
            let check = try await log.verify(pageSize: 2)
            #expect(check.finding == .edited(seq: 6))
            #expect(check.firstBadSeq == 6)
            #expect(check.checked == 5)
            #expect(check.message() == "第 6 条审计记录被篡改或伪造:内容与哈希不符")
        }
    }

    @Test("changing only the time or the outcome is caught too", arguments: TestDatabase.enabled)
    func editedTimeOrOutcome(db: TestDatabase) async throws {
        try await db.withStore { store in
            let log = try await Self.fill(store, 4)
            try await Self.raw(store, "UPDATE audit_log SET outcome = 'refused' WHERE seq = 4")
            #expect(try await log.verify().finding == .edited(seq: 4))
            try await Self.raw(store, "UPDATE audit_log SET outcome = 'ok' WHERE seq = 4")
            #expect(try await log.verify().isIntact, "restoring the value restores the chain")
            let earlier = Date().addingTimeInterval(-3600)
            try await Fixture.sql(store).raw("UPDATE audit_log SET at = \(bind: earlier) WHERE seq = 2").run()
            #expect(try await log.verify().finding == .edited(seq: 2))
        }
    }

    @Test("a deleted middle row shows as a gap", arguments: TestDatabase.enabled)
    func deletedMiddle(db: TestDatabase) async throws {
        try await db.withStore { store in
            let log = try await Self.fill(store, 6)
            try await Self.raw(store, "DELETE FROM audit_log WHERE seq IN (3, 4)")
            let check = try await log.verify()
            #expect(check.finding == .deleted(after: 2, through: 4))
            #expect(check.firstBadSeq == 3)
            #expect(check.checked == 2)
            #expect(check.message() == "第 3–4 条审计记录被删除")
        }
    }

    @Test("a genuine row copied into another place does not link", arguments: TestDatabase.enabled)
    func insertedCopy(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup: entry 4 replaced by a copy of entry 2, whose own hash is valid
            let log = try await Self.fill(store, 6)
            try await Self.raw(store, "DELETE FROM audit_log WHERE seq = 4")
            try await Self.raw(
                store,
                """
                INSERT INTO audit_log (seq, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash) \
                SELECT 4, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash FROM audit_log WHERE seq = 2
                """)
            // validate
            let check = try await log.verify()
            #expect(check.finding == .inserted(seq: 4))
            #expect(check.message(.en).contains("entry 4 was inserted"))
        }
    }

    @Test("a forged row is caught whether or not the head was moved to include it", arguments: TestDatabase.enabled)
    func forgedRow(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup: a new 6th entry linked to the 5th, but without the key its hash cannot be right
            let log = try await Self.fill(store, 5)
            try await Self.raw(
                store,
                """
                INSERT INTO audit_log (seq, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash) \
                SELECT 6, at, actor_id, 'admin', role, ip, 'delete', object_type, object_id, 'forged', outcome, hash, hash FROM audit_log WHERE seq = 5
                """)
            // validate: past the head
            #expect(try await log.verify().finding == .inserted(seq: 6))
            // and with the head moved along
            try await Self.raw(store, "UPDATE audit_head SET seq = 6 WHERE id = 1")
            #expect(try await log.verify().finding == .edited(seq: 6))
            // and a row slipped in below the base (where pruned entries were)
            try await Self.raw(store, "UPDATE audit_head SET seq = 5 WHERE id = 1")
            try await Self.raw(store, "DELETE FROM audit_log WHERE seq = 6")
            try await Self.raw(store, "UPDATE audit_head SET base_seq = 0 WHERE id = 1")
            try await Self.raw(
                store,
                """
                INSERT INTO audit_log (seq, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash) \
                SELECT 0, at, actor_id, actor, role, ip, action, object_type, object_id, detail, outcome, previous, hash FROM audit_log WHERE seq = 1
                """)
            #expect(try await log.verify().finding == .inserted(seq: 0))
        }
    }

    @Test("deleting the newest rows is caught by the head", arguments: TestDatabase.enabled)
    func deletedNewest(db: TestDatabase) async throws {
        try await db.withStore { store in
            let log = try await Self.fill(store, 5)
            try await Self.raw(store, "DELETE FROM audit_log WHERE seq >= 4")
            let check = try await log.verify()
            #expect(check.finding == .deleted(after: 3, through: 5))
            #expect(check.checked == 3)
            // rewriting the head's hash (but not its number) is caught as well
            try await Self.raw(store, "UPDATE audit_head SET seq = 3 WHERE id = 1")
            #expect(try await log.verify().finding == .headMismatch(seq: 3))
        }
    }

    @Test("pruning keeps at least 184 days, deletes older entries and the chain still verifies", arguments: TestDatabase.enabled)
    func prune(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup: three entries from 300 days ago, two from last week
            let now = Date()
            let log = Self.log(store)
            for n in 1...3 { try await log.append(Self.entry(n, at: now.addingTimeInterval(-300 * 86400))) }
            for n in 4...5 { try await log.append(Self.entry(n, at: now.addingTimeInterval(-7 * 86400))) }
            // MUT + validate: too recent a cutoff is refused and nothing is deleted
            let refused = await Fixture.storeError { try await log.prune(olderThan: now.addingTimeInterval(-183 * 86400), now: now) }
            #expect(refused?.key == "audit.retention" && refused?.args == ["184"])
            #expect(try await Fixture.count(store, "audit_log") == 5)
            // MUT
            let pruned = try await log.prune(olderThan: now.addingTimeInterval(-200 * 86400), now: now, actor: "cli")
            // validate
            #expect(pruned == AuditPruneResult(deleted: 3, throughSeq: 3))
            #expect(try await Fixture.count(store, "audit_log") == 3, "two kept and the pruning's own entry")
            let check = try await log.verify()
            #expect(check.isIntact, "\(check.message(.en))")
            #expect(check.firstSeq == 4 && check.lastSeq == 6 && check.checked == 3)
            let own = try await log.search(filter: AuditFilter(action: "prune")).entries
            #expect(own.count == 1 && own[0].actor == "cli" && own[0].detail.contains("deleted=3") && own[0].objectType == "audit_log")
            // nothing more is old enough; entries deleted after pruning are still caught
            #expect(try await log.prune(olderThan: now.addingTimeInterval(-200 * 86400), now: now).deleted == 0)
            try await Self.raw(store, "DELETE FROM audit_log WHERE seq = 4")
            #expect(try await log.verify().finding == .deleted(after: 3, through: 4))
        }
    }

    @Test("pruning refuses a broken chain, so it cannot hide the evidence", arguments: TestDatabase.enabled)
    func pruneBroken(db: TestDatabase) async throws {
        try await db.withStore { store in
            let log = Self.log(store)
            for n in 1...3 { try await log.append(Self.entry(n, at: Date().addingTimeInterval(-400 * 86400))) }
            try await Self.raw(store, "UPDATE audit_log SET detail = 'x' WHERE seq = 2")
            let e = await Fixture.storeError { try await log.prune(olderThan: Date().addingTimeInterval(-200 * 86400)) }
            #expect(e?.key == "audit.prune_broken")
            #expect(try await Fixture.count(store, "audit_log") == 3)
        }
    }

    @Test("search filters by actor, action, object, outcome, time and text, newest first", arguments: TestDatabase.enabled)
    func search(db: TestDatabase) async throws {
        try await db.withStore { store in
            // setup
            let log = Self.log(store)
            let day = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 10 * 86400).rounded())
            try await log.append(Self.entry(1, at: day, actor: "admin", action: "create", detail: "code=110199; name=新建网格"))
            try await log.append(Self.entry(2, at: day.addingTimeInterval(3600), actor: "Operator", action: "import", detail: "kind=residents; inserted=3"))
            try await log.append(Self.entry(3, actor: "operator2", action: "import", detail: "kind=residents; problems=2", outcome: "refused"))
            try await log.append(Self.entry(4, actor: "gridworker", action: "export", detail: "100%_done"))
            // MUT + validate
            let all = try await log.search(filter: AuditFilter())
            #expect(all.total == 4 && all.entries.map(\.seq) == [4, 3, 2, 1])
            #expect(try await log.search(filter: AuditFilter(actor: "oper")).entries.map(\.seq) == [3, 2], "prefix, any case")
            #expect(try await log.search(filter: AuditFilter(action: "import", outcome: "refused")).entries.map(\.seq) == [3])
            #expect(try await log.search(filter: AuditFilter(objectType: "unit", objectID: "u1")).entries.map(\.seq) == [1])
            #expect(try await log.search(filter: AuditFilter(from: day, to: day.addingTimeInterval(3600))).entries.map(\.seq) == [1], "to is exclusive")
            #expect(try await log.search(filter: AuditFilter(text: "网格")).entries.map(\.seq) == [1])
            #expect(try await log.search(filter: AuditFilter(text: "INSERTED")).entries.map(\.seq) == [2])
            #expect(try await log.search(filter: AuditFilter(text: "%_")).entries.map(\.seq) == [4], "wildcards are literal")
            #expect(try await log.search(filter: AuditFilter(text: "  ")).total == 4, "blank conditions are ignored")
            let page = try await log.search(filter: AuditFilter(), limit: 2, offset: 2)
            #expect(page.total == 4 && page.entries.map(\.seq) == [2, 1])
            #expect(try await log.actions() == ["create", "export", "import"])
            #expect(page.entries.last?.detail == "code=110199; name=新建网格")
        }
    }

    @Test("details are key=value pairs that read back")
    func details() {
        let d = AuditDetail(["kind": "residents", "inserted": "3", "skipped": nil, "note": "a; b"])
        #expect(d.text == "kind=residents; inserted=3; note=a, b")
        #expect(AuditDetail.pairs(d.text).map(\.key) == ["kind", "inserted", "note"])
        #expect(AuditDetail.pairs("wrong password").map(\.key) == [""])
    }
}

/// Collects progress reports from `verify` (called on the caller's task, one at a time).
final class ProgressLog: @unchecked Sendable {
    private(set) var steps: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { steps.append((done, total)) }
}

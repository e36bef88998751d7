import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Group commit: reports arriving together share a commit; each is answered only after its own commit")
struct IntakeBatcherTests {
    static func drafts(_ n: Int, grid: UUID) -> [CaseIntake] {
        (0..<n).map { CaseIntake(categoryKey: CaseSweeperTests.category, channel: .open311, title: "", description: "路灯不亮 \($0)", gridID: grid) }
    }

    @Test("forty reports at once: all stored with their first event, in fewer commits than reports", arguments: TestDatabase.enabled)
    func burst(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db)
            let grid = try #require(grids.values.first)
            let repo = CaseStoreTests.repo(db)
            let gate = Gate()
            // The first commit is slow (like an fsync on a busy disk), so the others queue behind it.
            let batcher = IntakeBatcher(maxBatch: 16) { batch in
                await gate.firstWait()
                try await CaseRepository.store(batch, on: db)
            }
            // Prepared one by one (that part is each request's own work), submitted all at once.
            var prepared: [PreparedCase] = []
            for d in Self.drafts(40, grid: grid.id) {
                prepared.append(try await repo.prepare(d, actor: CaseStoreTests.operatorActor, at: CaseStoreTests.t0))
            }
            let rows = try await withThrowingTaskGroup(of: CaseRow.self) { group in
                for p in prepared {
                    group.addTask {
                        try await batcher.submit(p)
                        // Acknowledged: it must be readable now.
                        #expect(try await repo.find(p.row.id, in: .everything) != nil)
                        return p.row
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(rows.count == 40)
            #expect(try await Fixture.count(db, "cases") == 40)
            #expect(try await Fixture.count(db, "case_events") == 40)
            let commits = await batcher.commits, written = await batcher.written
            #expect(written == 40)
            #expect(commits < 40 && commits >= 3, "batches of at most 16")
        }
    }

    @Test("a case that cannot be written fails alone; the rest of its batch is stored")
    func poisoned() async throws {
        let stored = Stored()
        let batcher = IntakeBatcher(maxBatch: 8) { batch in
            if batch.contains(where: { $0.row.title == "bad" }) { throw StoreError(.conflict, "case.stale") }
            await stored.add(batch.map(\.row.title))
        }
        let titles = (0..<10).map { $0 == 3 ? "bad" : "ok\($0)" }
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for t in titles {
                group.addTask {
                    do { try await batcher.submit(Self.prepared(title: t)); return (t, true) } catch { return (t, false) }
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes["bad"] == false)
        #expect(outcomes.filter { $0.value }.count == 9)
        #expect(await stored.titles.sorted() == titles.filter { $0 != "bad" }.sorted())
    }

    static func prepared(title: String) -> PreparedCase {
        PreparedCase.forTesting(title: title)
    }

    actor Gate {
        private var first = true
        func firstWait() async {
            if first { first = false; try? await Task.sleep(for: .milliseconds(100)) }
        }
    }

    actor Stored {
        var titles: [String] = []
        func add(_ t: [String]) { titles += t }
    }
}

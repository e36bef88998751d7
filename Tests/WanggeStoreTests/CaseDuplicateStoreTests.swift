import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Duplicates in storage: the candidate query, merge targets, linked reporters and merged ratings")
struct CaseDuplicateStoreTests {
    static let t0 = CaseStoreTests.t0
    static let garbage = "city_appearance.exposed_garbage"
    static let sibling = "city_appearance.accumulated_waste"
    static let op = CaseStoreTests.operatorActor

    static func report(
        _ repo: CaseRepository, _ category: String = garbage, at point: GeoPoint?, grid: UUID? = nil, text: String = "小区东门垃圾堆积无人清运",
        phone: String? = nil, time: Date = t0
    ) async throws -> CaseRow {
        try await repo.intake(
            CaseIntake(
                categoryKey: category, channel: .qr, title: "", description: text, point: point,
                reporterPhone: phone, gridID: grid), actor: .resident, at: time)
    }

    /// The demo district's grids in code order, a repository, and a point inside the first grid.
    static func demo(_ db: any Database) async throws -> ([UnitRow], CaseRepository, GeoPoint) {
        let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
        return (grids, CaseStoreTests.repo(db), try CaseStoreTests.point(in: grids[0]))
    }

    static func moved(_ p: GeoPoint, north metres: Double) -> GeoPoint { GeoPoint(lon: p.lon, lat: p.lat + metres / 111_320) }

    @Test("candidates: same category or a sibling, recent, open, nearby (or placeless), in scope, newest first and bounded", arguments: TestDatabase.enabled)
    func candidates(kind: TestDatabase) async throws {
        let t0 = Self.t0
        try await kind.withStore(Fixture.demo) { db in
            let (grids, repo, p) = try await Self.demo(db)
            let other = try #require(CaseCategory.seed.first { $0.parentKey == "street_order" }).key
            let hour: TimeInterval = 3600

            let base = try await Self.report(repo, at: p)
            let near = try await Self.report(repo, at: Self.moved(p, north: 20), text: "小区东门垃圾堆积好几天无人清运", time: t0 + hour)
            let kin = try await Self.report(repo, Self.sibling, at: p, text: "东门有渣土", time: t0 + 2 * hour)
            let unrelated = try await Self.report(repo, other, at: p)
            let far = try await Self.report(repo, at: Self.moved(p, north: 2000))
            let old = try await Self.report(repo, at: p, time: t0 - 8 * 24 * hour)
            let refused = try await Self.report(repo, at: p)
            try await repo.apply(.reject(reason: "不属于受理范围"), to: refused.id, actor: Self.op, in: .everything, at: t0)
            let placeless = try await Self.report(repo, at: nil, grid: grids[3].id, time: t0 + 3 * hour)
            #expect(near.unitID == grids[0].id && kin.unitID == grids[0].id, "the nearby reports lie in the same grid")

            let found = try await repo.candidateCases(category: Self.garbage, near: p, around: t0, excluding: base.id, in: .everything)
            #expect(found.map(\.id) == [placeless.id, kin.id, near.id], "newest first; not \([unrelated, far, old, refused].map(\.id))")
            // Scope is applied in the query: a grid's view leaves out another grid's case.
            let inGrid = try await repo.candidateCases(category: Self.garbage, near: p, around: t0, excluding: base.id, in: .subtree(of: grids[0]))
            #expect(inGrid.map(\.id) == [kin.id, near.id])
            #expect(try await repo.candidateCases(category: Self.garbage, near: p, around: t0, excluding: base.id, in: .everything, limit: 1).map(\.id) == [placeless.id])
            // Without a point the box does not apply: the far one is a candidate by category and time.
            let anywhere = try await repo.candidateCases(category: Self.garbage, near: nil, around: t0, excluding: base.id, in: .everything)
            #expect(Set(anywhere.map(\.id)) == [placeless.id, kin.id, near.id, far.id])

            let suggested = try await repo.duplicates(of: base, in: .everything)
            let first = try #require(suggested.first)
            #expect(first.row.id == near.id && first.likely && (first.distance ?? 999) < 25)
            #expect(!suggested.contains { $0.row.id == base.id })
            #expect(suggested.map(\.score) == suggested.map(\.score).sorted(by: >))
        }
    }

    @Test("merging checks its target, links every reporter (through chains) and lets a merged reporter rate once the target closes", arguments: TestDatabase.enabled)
    func mergeLinks(kind: TestDatabase) async throws {
        let t0 = Self.t0
        try await kind.withStore(Fixture.demo) { db in
            let (grids, repo, p) = try await Self.demo(db)
            let a = try await Self.report(repo, at: p, phone: "13800001111")
            let b = try await Self.report(repo, at: p, phone: "13900002222")
            let c = try await Self.report(repo, at: p)
            let elsewhere = try await Self.report(repo, at: nil, grid: grids[3].id)
            let all = Scope.everything

            // Bad targets: nothing changes.
            func mergeProblem(_ target: String, _ id: UUID, scope: Scope = .everything) async -> StoreError? {
                await Fixture.storeError { try await repo.apply(.merge(into: target), to: id, actor: Self.op, in: scope, at: t0) }
            }
            #expect(await mergeProblem(b.id.uuidString, b.id)?.field == "target", "not into itself")
            #expect(await mergeProblem(UUID().uuidString, b.id)?.key == "case.merge.no_target")
            #expect(await mergeProblem(elsewhere.id.uuidString, c.id, scope: .subtree(of: grids[0]))?.key == "case.merge.no_target", "a target out of scope looks missing")
            #expect(await mergeProblem("", b.id)?.field == "target")
            #expect(
                await Fixture.storeError { try await repo.apply(.merge(into: a.id.uuidString), to: b.id, actor: CaseStoreTests.gridActor, in: all, at: t0) }?.kind == .conflict,
                "only an operator merges")
            #expect(try await repo.get(b.id, in: all).state == .reported)

            // By tracking code, as typed on the page.
            let merged = try await repo.apply(
                .merge(into: TrackingCode.display(a.trackingCode).lowercased(), note: "同一处"), to: b.id, expectedVersion: 1,
                actor: Self.op, in: all, at: t0 + 60)
            #expect(merged.state == .merged && merged.outcome == .merged && merged.mergedInto == a.id.uuidString)
            #expect(await mergeProblem(b.id.uuidString, c.id)?.key == "case.merge.target_merged", "never into a merged case")
            #expect(try await repo.mergedReports(into: a.id, in: all).map(\.id) == [b.id])
            #expect(try await repo.mergedReports(into: a.id, in: .subtree(of: grids[3])).isEmpty)
            let reporters = try await repo.reporters(of: a.id, in: all)
            #expect(reporters.map(\.caseID) == [a.id, b.id] && reporters.map(\.own) == [true, false])
            #expect(reporters.map(\.phone) == ["13800001111", "13900002222"], "phones come out in clear for notifications")

            // A chain: a is later merged into c; b's reporter now follows c.
            try await repo.apply(.merge(into: c.id.uuidString), to: a.id, actor: Self.op, in: all, at: t0 + 120)
            #expect(try await repo.mergeRoot(of: try await repo.get(b.id, in: all))?.id == c.id)
            #expect(Set(try await repo.mergedReports(into: c.id, in: all).map(\.id)) == [a.id, b.id])
            #expect(try await repo.reporters(of: c.id, in: all).count == 3)

            // Rating: only once the target is closed, kept on the merged case, once.
            let early = await Fixture.storeError { try await repo.rateMerged(b.id, rating: .satisfied, actor: .resident, in: all, at: t0 + 180) }
            #expect(early?.kind == .conflict)
            try await repo.apply(.accept(), to: c.id, actor: Self.op, in: all, at: t0 + 200)
            try await repo.apply(.close(note: "已清运"), to: c.id, actor: Self.op, in: all, at: t0 + 300)
            let rated = try await repo.rateMerged(b.id, rating: .basicallySatisfied, actor: .resident, in: all, at: t0 + 400)
            #expect(rated.state == .merged && rated.rating == .basicallySatisfied)
            #expect(try await repo.get(b.id, in: all).rating == .basicallySatisfied)
            let target = try await repo.get(c.id, in: all)
            #expect(target.rating == nil && target.state == .closed, "the target's own rating stays its reporter's")
            #expect(try await repo.timeline(b.id).map(\.action) == [.report, .merge, .callback])
            #expect(await Fixture.storeError { try await repo.rateMerged(b.id, rating: .dissatisfied, actor: .resident, in: all, at: t0 + 500) }?.kind == .conflict)
            #expect(
                await Fixture.storeError { try await repo.rateMerged(c.id, rating: .dissatisfied, actor: .resident, in: all, at: t0 + 500) }?.kind == .conflict,
                "a case that is not merged is rated the usual way")
        }
    }
}

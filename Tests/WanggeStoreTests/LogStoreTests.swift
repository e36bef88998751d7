import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Logs in storage: the social log and the needs log, scoped, searched, rolled up, closed")
struct LogStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let worker = CaseActor(id: nil, name: "网格员", role: .gridWorker)

    /// The demo's grids in code order, and the first grid's community.
    static func place(_ db: any Database) async throws -> (grids: [UnitRow], community: UnitRow) {
        let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
        let community = try await UnitRepository(db).get(try #require(grids[0].parentID), in: .everything)
        return (grids, community)
    }

    @Test("entries are kept per grid, listed newest day first, searched by words and days, and rolled up to the community", arguments: TestDatabase.enabled)
    func socialLog(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let (grids, community) = try await Self.place(db)
            let sibling = try #require(grids.first { $0.parentID == community.id && $0.id != grids[0].id })
            let elsewhere = try #require(grids.first { $0.parentID != community.id })
            let log = SocialLogRepository(db)
            let own = Scope.subtree(of: grids[0])
            // MUT
            _ = try await log.add(SocialLogDraft(day: "2026-11-25", text: "楼道堆放杂物已清理", category: "environment", place: "3号楼"), to: grids[0].id, author: Self.worker, at: Self.t0, in: own)
            _ = try await log.add(SocialLogDraft(text: "邻里因停车发生口角，已调解", category: "dispute"), to: grids[0].id, author: Self.worker, at: Self.t0, in: own)
            _ = try await log.add(SocialLogDraft(day: "2026-11-26", text: "路灯不亮"), to: sibling.id, author: Self.worker, at: Self.t0, in: .subtree(of: sibling))
            _ = try await log.add(SocialLogDraft(day: "2026-11-26", text: "路灯不亮"), to: elsewhere.id, author: Self.worker, at: Self.t0, in: .subtree(of: elsewhere))
            // validate
            let mine = try await log.list(under: grids[0].id, in: own)
            #expect(mine.map(\.day) == ["2026-11-27", "2026-11-25"])
            #expect(mine[0].category == .dispute && mine[1].place == "3号楼")
            let byWords = try await log.list(under: grids[0].id, SocialLogFilter(words: "停车 调解"), in: own)
            #expect(byWords.count == 1)
            let byPlace = try await log.list(under: grids[0].id, SocialLogFilter(words: "3号楼"), in: own)
            #expect(byPlace.count == 1)
            let byDays = try await log.list(under: grids[0].id, SocialLogFilter(from: "2026-11-24", to: "2026-11-26"), in: own)
            #expect(byDays.map(\.day) == ["2026-11-25"])
            let rolledUp = try await log.list(under: community.id, in: .subtree(of: community))
            #expect(Set(rolledUp.map(\.unitID)) == [grids[0].id, sibling.id])
            let page = try await log.list(under: community.id, after: rolledUp[0].id, limit: 5, in: .subtree(of: community))
            #expect(page.map(\.id) == Array(rolledUp.dropFirst().map(\.id)))

            // Out of scope: another grid, or the community seen from one grid, is missing.
            let foreign = await Fixture.storeError { try await log.list(under: sibling.id, in: own) }
            #expect(foreign?.kind == .notFound)
            let upward = await Fixture.storeError { try await log.list(under: community.id, in: own) }
            #expect(upward?.kind == .notFound)
            let write = await Fixture.storeError {
                try await log.add(SocialLogDraft(text: "越界"), to: sibling.id, author: Self.worker, at: Self.t0, in: own)
            }
            #expect(write?.kind == .notFound)

            // Bad input.
            let empty = await Fixture.storeError { try await log.add(SocialLogDraft(text: "  "), to: grids[0].id, author: Self.worker, at: Self.t0, in: own) }
            #expect(empty?.key == "log.text_required")
            let future = await Fixture.storeError { try await log.add(SocialLogDraft(day: "2026-11-28", text: "明天"), to: grids[0].id, author: Self.worker, at: Self.t0, in: own) }
            #expect(future?.key == "log.future_day")
            let category = await Fixture.storeError { try await log.add(SocialLogDraft(text: "x", category: "weather"), to: grids[0].id, author: Self.worker, at: Self.t0, in: own) }
            #expect(category?.key == "log.bad_category")
            let onCommunity = await Fixture.storeError { try await log.add(SocialLogDraft(text: "x"), to: community.id, author: Self.worker, at: Self.t0, in: .everything) }
            #expect(onCommunity?.key == "log.not_grid")
        }
    }

    @Test("a need is recorded against the grid's register, closed only with a note, and rolled up", arguments: TestDatabase.enabled)
    func needs(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let (grids, community) = try await Self.place(db)
            let own = Scope.subtree(of: grids[0])
            let households = try await PlaceRepository(db).households(inGrid: grids[0].id, building: nil, limit: 1, offset: 0, in: .everything).rows
            let household = try #require(households.first)
            let otherHouseholds = try await PlaceRepository(db).households(inGrid: grids[1].id, building: nil, limit: 1, offset: 0, in: .everything).rows
            let foreignHousehold = try #require(otherHouseholds.first)
            let needs = NeedRepository(db)
            // MUT
            let need = try await needs.record(NeedDraft(text: "独居老人需要助餐", householdNumber: household.number), in: grids[0].id, by: Self.worker, at: Self.t0, scope: own)
            // validate
            #expect(need.state == .open && need.householdID == household.id && need.recordedBy == "网格员")
            let unknown = await Fixture.storeError {
                try await needs.record(NeedDraft(text: "x", householdNumber: foreignHousehold.number), in: grids[0].id, by: Self.worker, at: Self.t0, scope: own)
            }
            #expect(unknown?.key == "need.unknown_household")

            // Closing without a note is refused with a clear message, and changes nothing.
            let noNote = await Fixture.storeError { try await needs.resolve(need.id, note: "   ", by: Self.worker, at: Self.t0, in: own) }
            #expect(noNote?.key == "need.note_required")
            #expect(noNote?.message().contains("解决说明") == true)
            let still = try await needs.get(need.id, in: own)
            #expect(still.state == .open && still.resolvedAt == nil)

            // Out of scope: missing.
            let sibling = Scope.subtree(of: grids[1])
            let hidden = await Fixture.storeError { try await needs.resolve(need.id, note: "已解决", by: Self.worker, at: Self.t0, in: sibling) }
            #expect(hidden?.kind == .notFound)

            let closed = try await needs.resolve(need.id, note: "已联系社区食堂每日送餐", by: Self.worker, at: Self.t0.addingTimeInterval(3600), in: own)
            #expect(closed.state == .resolved && closed.resolution == "已联系社区食堂每日送餐" && closed.resolvedBy == "网格员")
            #expect(closed.resolvedAt == Self.t0.addingTimeInterval(3600))
            let again = await Fixture.storeError { try await needs.resolve(need.id, note: "再次", by: Self.worker, at: Self.t0, in: own) }
            #expect(again?.kind == .conflict)

            // Roll-up: the community sees its grids' needs, open ones first.
            let second = try await needs.record(NeedDraft(text: "楼道灯坏了"), in: grids[0].id, by: Self.worker, at: Self.t0, scope: own)
            let all = try await needs.list(under: community.id, in: .subtree(of: community))
            #expect(all.map(\.id) == [second.id, need.id])
            let open = try await needs.list(under: community.id, state: .open, in: .subtree(of: community))
            #expect(open.map(\.id) == [second.id])
        }
    }

    @Test("an open need becomes a case through the intake and shows its tracking code", arguments: TestDatabase.enabled)
    func needToCase(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let (grids, _) = try await Self.place(db)
            let own = Scope.subtree(of: grids[0])
            let needs = NeedRepository(db)
            let need = try await needs.record(NeedDraft(text: "小区门口路面塌陷"), in: grids[0].id, by: Self.worker, at: Self.t0, scope: own)
            let cases = CaseRepository(db, cipher: TestDatabase.keys.cipher)
            // MUT
            try needs.check(.escalate, on: need)
            _ = try await needs.claim(need.id, in: own)
            let second = await Fixture.storeError { try await needs.claim(need.id, in: own) }
            try await needs.release(need.id)
            _ = try await needs.claim(need.id, in: own)
            let row = try await cases.intake(
                CaseIntake(categoryKey: "city_appearance.exposed_garbage", channel: .gridWorker, title: "", description: need.text, gridID: need.unitID),
                actor: Self.worker, at: Self.t0)
            let escalated = try await needs.escalate(need.id, to: row, in: own)
            // validate
            #expect(second?.kind == .conflict, "of two pressing 转为事件 at once, one is refused")
            #expect(escalated.state == .escalated && escalated.trackingCode == row.trackingCode && escalated.caseID == row.id)
            #expect(row.unitID == grids[0].id)
            #expect(throws: StoreError.self) { try needs.check(.escalate, on: escalated) }
            let closed = try await needs.resolve(need.id, note: "事件已结案，路面已修复", by: Self.worker, at: Self.t0, in: own)
            #expect(closed.state == .resolved && closed.trackingCode == row.trackingCode)
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Openness in storage: power lists, task admission, major decisions and notices, scoped")
struct OpennessStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let department = CaseActor(id: nil, name: "区商务局", role: .department)

    /// The two communities of the demo (one per street), in code order.
    static func communities(_ db: any Database) async throws -> [UnitRow] {
        let all = try await UnitRepository(db).all(in: .everything, level: .community).sorted { $0.code < $1.code }
        #expect(all.count == 2)
        return all
    }

    @Test("task admission: only reviewed tasks leave 'submitted', negative-list tasks are refused and counted, scope is 404", arguments: TestDatabase.enabled)
    func admission(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let communities = try await Self.communities(db)
            let (home, other) = (communities[0], communities[1])
            let repo = FourListRepository(db)
            try await repo.add(DemoOpenness.fourLists, to: home.id, in: .everything)
            let items = try await repo.items(of: home.id, in: .everything)
            #expect(items.count == DemoOpenness.fourLists.count)
            func item(_ list: FourList) throws -> FourListItemRow { try #require(items.first { $0.list == list }) }
            let scope = Scope.subtree(of: home)
            // MUT
            let assist = try await repo.submit(
                TaskDraft(title: "高龄津贴资格认证", detail: "", listItemID: try item(.assistGovernment).id), to: home.id, department: "区民政局", by: Self.department,
                at: Self.t0, in: .everything)
            let negative = try await repo.submit(
                TaskDraft(title: "招商引资任务", detail: "签约两家企业", listItemID: try item(.negative).id), to: home.id, department: "区商务局", by: Self.department,
                at: Self.t0, in: .everything)
            let bought = try await repo.submit(
                TaskDraft(title: "抽样调查", detail: "", listItemID: try item(.purchasable).id), to: home.id, department: "区统计局", by: Self.department, at: Self.t0,
                in: .everything)
            let pending = try await repo.submit(TaskDraft(title: "摸底登记", detail: ""), to: home.id, department: "区人社局", by: Self.department, at: Self.t0, in: .everything)
            // validate: nothing reaches the queue before review.
            let queueEmpty = try await repo.tasks(under: home.id, state: .admitted, in: scope).isEmpty
            #expect(queueEmpty)
            #expect(assist.state == .submitted && assist.list == .assistGovernment)

            // A negative-list task cannot be admitted, nothing is written, and refused it is counted apart.
            let admitNegative = await Fixture.storeError {
                try await repo.review(negative.id, listItemID: negative.listItemID, decision: .admit(basis: "某文件"), by: "街道", at: Self.t0, in: scope)
            }
            #expect(admitNegative?.key == "admission.negative_list" && admitNegative?.field == "decision")
            let untouched = try await repo.get(negative.id, in: scope).state
            #expect(untouched == .submitted)
            let refused = try await repo.review(
                negative.id, listItemID: negative.listItemID, decision: .refuse(reason: "负面清单事项"), by: "街道", at: Self.t0, in: scope)
            #expect(refused.state == .refused && refused.negative && refused.reason == "负面清单事项" && refused.reviewedBy == "街道")

            let admitted = try await repo.review(assist.id, listItemID: assist.listItemID, decision: .admit(basis: nil), by: "街道", at: Self.t0, in: scope)
            #expect(admitted.state == .admitted)
            // Reviewed twice: refused as a conflict.
            let twice = await Fixture.storeError {
                try await repo.review(assist.id, listItemID: nil, decision: .refuse(reason: "x"), by: "街道", at: Self.t0, in: scope)
            }
            #expect(twice?.kind == .conflict)
            _ = try await repo.review(bought.id, listItemID: bought.listItemID, decision: .buyAsService(note: "委托第三方"), by: "街道", at: Self.t0, in: scope)
            // An unlisted task needs a law to enter.
            let noBasis = await Fixture.storeError {
                try await repo.review(pending.id, listItemID: nil, decision: .admit(basis: ""), by: "街道", at: Self.t0, in: scope)
            }
            #expect(noBasis?.field == "basis")

            let queue = try await repo.tasks(under: home.id, state: .admitted, in: scope)
            #expect(queue.map(\.id) == [assist.id])
            var expected = AdmissionCounts()
            (expected.admitted, expected.refused, expected.negative, expected.purchase, expected.submitted) = (1, 1, 1, 1, 1)
            let counts = try await repo.counts(under: home.id, in: scope)
            #expect(counts == expected)
            // The street above counts the same; the other community none of them.
            let street = try #require(home.parentID)
            let streetCounts = try await repo.counts(under: street, in: .everything)
            #expect(streetCounts == expected)
            let otherCounts = try await repo.counts(under: other.id, in: .everything)
            #expect(otherCounts == AdmissionCounts())

            // Out of scope: the other community's staff see none of it.
            let foreign = await Fixture.storeError { try await repo.get(assist.id, in: .subtree(of: other)) }
            #expect(foreign?.kind == .notFound)
            // A list item of another community is refused by name.
            let wrongItem = await Fixture.storeError {
                try await repo.submit(TaskDraft(title: "x", detail: "", listItemID: try item(.negative).id), to: other.id, department: "d", by: Self.department, at: Self.t0, in: .everything)
            }
            #expect(wrongItem?.field == "list_item")
            // A task goes to a community, not a grid.
            let grid = try #require(try await UnitRepository(db).children(of: home.id, in: .everything).first)
            let toGrid = await Fixture.storeError {
                try await repo.submit(TaskDraft(title: "x", detail: ""), to: grid.id, department: "d", by: Self.department, at: Self.t0, in: .everything)
            }
            #expect(toGrid?.field == "unit")
        }
    }

    @Test("major decisions record each meeting's counts and the computed result; a failed vote stops the decision", arguments: TestDatabase.enabled)
    func decisions(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let home = try await Self.communities(db)[0]
            let powers = PowerListRepository(db)
            let item = try await powers.save(DemoOpenness.communityPowers[1], to: home.id, by: "管理员", at: Self.t0, in: .everything)
            let repo = DecisionRepository(db)
            let scope = Scope.subtree(of: home)
            // MUT
            let d = try await repo.propose(title: "屋面防水改造", proposal: "使用公益金", powerItemID: item.id, to: home.id, on: "2026-11-01", at: Self.t0, in: scope)
            _ = try await repo.apply(.consult(note: "同意"), to: d.id, on: "2026-11-02", at: Self.t0, in: scope)
            // Exactly two thirds present, exactly half approve: a quorum but no majority.
            let failed = try await repo.apply(
                .partyMeeting(MeetingVote(eligible: 30, present: 20, approve: 10, oppose: 8, abstain: 2)), to: d.id, on: "2026-11-03", at: Self.t0, in: scope)
            // validate
            #expect(failed.stage == .rejected)
            #expect(failed.meetings.count == 1)
            #expect(failed.meetings[0].quorum && !failed.meetings[0].passed)
            #expect(failed.meetings[0].vote == MeetingVote(eligible: 30, present: 20, approve: 10, oppose: 8, abstain: 2))
            #expect(failed.consultation == "同意" && failed.powerItemTitle == item.title)
            let after = await Fixture.storeError { try await repo.apply(.publishResult(text: "x"), to: d.id, on: "2026-11-04", at: Self.t0, in: scope) }
            #expect(after?.kind == .conflict)

            // One that passes all the way.
            let e = try await repo.propose(title: "充电棚", proposal: "建设", powerItemID: nil, to: home.id, on: "2026-11-05", at: Self.t0, in: scope)
            _ = try await repo.apply(.consult(note: "同意"), to: e.id, on: "2026-11-05", at: Self.t0, in: scope)
            _ = try await repo.apply(.partyMeeting(MeetingVote(eligible: 30, present: 20, approve: 11, oppose: 9, abstain: 0)), to: e.id, on: "2026-11-06", at: Self.t0, in: scope)
            // Impossible counts are refused naming the field, and nothing is recorded.
            let bad = await Fixture.storeError {
                try await repo.apply(
                    .residentsMeeting(.residents, MeetingVote(eligible: 100, present: 60, approve: 50, oppose: 20, abstain: 0)), to: e.id, on: "2026-11-07", at: Self.t0,
                    in: scope)
            }
            #expect(bad?.field == "approve")
            let meetingsKept = try await repo.get(e.id, in: scope).meetings.count
            #expect(meetingsKept == 1)
            _ = try await repo.apply(
                .residentsMeeting(.residents, MeetingVote(eligible: 100, present: 51, approve: 26, oppose: 20, abstain: 5)), to: e.id, on: "2026-11-07", at: Self.t0, in: scope)
            _ = try await repo.apply(.publishResolution(text: "决议"), to: e.id, on: "2026-11-08", at: Self.t0, in: scope)
            let done = try await repo.apply(.publishResult(text: "完工"), to: e.id, on: "2026-11-20", at: Self.t0, in: scope)
            #expect(done.stage == .resultPublished && done.meetings.map(\.kind) == [.partyMembers, .residents] && done.meetings.allSatisfy(\.passed))
            // The untagged one is flagged; a tagged power item cannot be deleted.
            let untagged = try await repo.decisions(of: home.id, untaggedOnly: true, in: scope).map(\.id)
            #expect(untagged == [e.id])
            let delete = await Fixture.storeError { try await powers.delete(item.id, in: scope) }
            #expect(delete?.key == "power.in_use")
            // Out of scope.
            let other = try await Self.communities(db)[1]
            let foreign = await Fixture.storeError { try await repo.get(e.id, in: .subtree(of: other)) }
            #expect(foreign?.kind == .notFound)
        }
    }

    @Test("power items are checked before writing, edited in place, and the catalogue above a community is its street's and district's", arguments: TestDatabase.enabled)
    func powerLists(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let home = try await Self.communities(db)[0]
            let street = try await UnitRepository(db).get(try #require(home.parentID), in: .everything)
            let repo = PowerListRepository(db)
            var draft = DemoOpenness.communityPowers[8]
            let row = try await repo.save(draft, to: home.id, by: "管理员", at: Self.t0, in: .subtree(of: home))
            #expect(row.steps == ["居民提出申请", "核对居住登记", "网格员核实", "出具证明并登记"] && row.timeLimitDays == 3)
            _ = try await repo.save(DemoOpenness.streetPowers[0], to: street.id, by: "管理员", at: Self.t0, in: .everything)
            draft.steps = ["只有一步"]
            let bad = await Fixture.storeError { try await repo.save(draft, id: row.id, to: home.id, by: "管理员", at: Self.t0, in: .subtree(of: home)) }
            #expect(bad?.field == "steps")
            let stepsKept = try await repo.get(row.id, in: .everything).steps.count
            #expect(stepsKept == 4)
            draft.steps = ["申请", "出具"]
            let edited = try await repo.save(draft, id: row.id, to: home.id, by: "另一人", at: Self.t0, in: .subtree(of: home))
            #expect(edited.steps == ["申请", "出具"] && edited.updatedBy == "另一人")
            let catalogue = try await repo.catalogue(above: home).map(\.title)
            #expect(catalogue == [DemoOpenness.streetPowers[0].title])
            // A community's staff cannot write the street's list.
            let up = await Fixture.storeError { try await repo.save(DemoOpenness.streetPowers[1], to: street.id, by: "x", at: Self.t0, in: .subtree(of: home)) }
            #expect(up?.kind == .notFound)
        }
    }

    @Test("notices are public from their publish day to their expiry day, with their attachment", arguments: TestDatabase.enabled)
    func notices(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let home = try await Self.communities(db)[0]
            let repo = NoticeRepository(db)
            let file = NoticeAttachment(name: "公示.csv", contentType: "text/csv", data: Data("a,b\n".utf8))
            let n = try await repo.publish(
                title: "低保公示", body: "公示七天", publishOn: "2026-11-20", expiresOn: "2026-11-27", attachment: file, to: home.id, by: "x", at: Self.t0, in: .everything)
            _ = try await repo.publish(title: "将来", body: "", publishOn: "2026-12-01", expiresOn: nil, attachment: nil, to: home.id, by: "x", at: Self.t0, in: .everything)
            let beforePublishing = try await repo.current(for: home, on: "2026-11-19").isEmpty
            #expect(beforePublishing)
            let during = try await repo.current(for: home, on: "2026-11-27").map(\.id)
            #expect(during == [n.id])
            let afterExpiry = try await repo.current(for: home, on: "2026-11-28").isEmpty
            #expect(afterExpiry)
            let attached = try await repo.attachment(of: n.id, on: "2026-11-27")
            #expect(attached == file)
            let attachedAfter = try await repo.attachment(of: n.id, on: "2026-11-28")
            #expect(attachedAfter == nil)
            let backwards = await Fixture.storeError {
                try await repo.publish(title: "t", body: "", publishOn: "2026-11-20", expiresOn: "2026-11-19", attachment: nil, to: home.id, by: "x", at: Self.t0, in: .everything)
            }
            #expect(backwards?.field == "expires_on")
        }
    }
}

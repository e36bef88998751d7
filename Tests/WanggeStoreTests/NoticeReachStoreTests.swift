import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Targeted notices in storage: targets resolved to households, messages queued once, reach counted, scope")
struct NoticeReachStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let policy = DeliveryPolicy(maxAttempts: 1, baseDelay: 60, maxDelay: 600, lease: 120)

    /// The hand-made register on the small tree:
    ///
    ///     community A, grid A   building A1: h1 (head, phone, 空巢老人), h2 (no phone, 空巢老人)
    ///                           building A2: h3 (phone, 残疾人), h4 (no phone, 60岁以上老人)
    ///     community B, grid B   building B1: h5 (phone, 空巢老人)
    ///
    /// h1 also has a spouse with a phone: the head's phone is the one texted.
    struct Register {
        var tree: Fixture.Tree
        var buildings: [String: UUID]
        var households: [String: UUID]
    }

    static func register(_ db: any Database) async throws -> Register {
        let tree = try await Fixture.smallTree(db)
        let sql = Fixture.sql(db)
        var buildings: [String: UUID] = [:]
        for (code, grid) in [("A1", tree.gridA), ("A2", tree.gridA), ("B1", tree.gridB)] {
            let id = UUID()
            buildings[code] = id
            try await sql.raw(
                """
                INSERT INTO buildings (id, code, unit_id, name, address, kind, lon, lat, created_at) \
                VALUES (\(bind: id), \(bind: "B-" + code), \(bind: grid.id), \(bind: code + "号楼"), \(bind: "建外大街" + code + "号"), 'residential', 116.41, 39.91, \(bind: t0))
                """
            ).run()
        }
        var households: [String: UUID] = [:]
        let people: [(String, String, String, [(name: String, relation: String, phone: String?, tag: String?)])] = [
            ("h1", "A1", "101", [("甲一", "户主", "13800000001", "empty_nester"), ("甲二", "配偶", "13800000011", nil)]),
            ("h2", "A1", "102", [("乙一", "户主", nil, "empty_nester")]),
            ("h3", "A2", "201", [("丙一", "户主", "13800000003", "disabled")]),
            ("h4", "A2", "202", [("丁一", "户主", nil, "elderly60")]),
            ("h5", "B1", "301", [("戊一", "户主", "13800000005", "empty_nester")]),
        ]
        for (number, building, room, residents) in people {
            let id = UUID()
            households[number] = id
            let grid = building.hasPrefix("A") ? tree.gridA.id : tree.gridB.id
            try await sql.raw(
                """
                INSERT INTO households (id, number, unit_id, building_id, room, address, kind, created_at) \
                VALUES (\(bind: id), \(bind: number), \(bind: grid), \(bind: buildings[building]), \(bind: room), \
                \(bind: "建外大街" + building + "号" + room + "室"), 'family', \(bind: t0))
                """
            ).run()
            for r in residents {
                let rid = UUID()
                try await sql.raw(
                    """
                    INSERT INTO residents (id, name, phone, household_id, relation, residence_type, unit_id, created_at, updated_at) \
                    VALUES (\(bind: rid), \(bind: r.name), \(bind: r.phone), \(bind: id), \(bind: r.relation), 'registered', \(bind: grid), \(bind: t0), \(bind: t0))
                    """
                ).run()
                if let tag = r.tag { try await sql.raw("INSERT INTO resident_tags (resident_id, tag_key) VALUES (\(bind: rid), \(bind: tag))").run() }
            }
        }
        return Register(tree: tree, buildings: buildings, households: households)
    }

    static func publish(
        _ db: any Database, to unit: UnitRow, _ target: NoticeTarget = NoticeTarget(), publishOn: String = "2026-11-27", key: String? = nil,
        sensitive: Bool = true, in scope: Scope = .everything
    ) async throws -> Notice {
        try await NoticeRepository(db).publish(
            title: "停水通知", body: "11月28日9时至12时停水", publishOn: publishOn, expiresOn: nil, attachment: nil, to: unit.id, by: "社区", at: t0, target: target,
            requestKey: key, seesSensitiveTags: sensitive, in: scope)
    }

    /// The households a notice resolved to, by number, and those with a message queued.
    static func resolved(_ db: any Database, _ id: UUID) async throws -> (all: [String], queued: [String]) {
        let rows = try await Fixture.sql(db).raw(
            "SELECT h.number, nh.state FROM notice_households nh JOIN households h ON h.id = nh.household_id WHERE nh.notice_id = \(bind: id) ORDER BY h.number"
        ).all()
        let pairs = try rows.map { (try $0.decode(column: "number", as: String.self), try $0.decode(column: "state", as: String?.self)) }
        return (pairs.map(\.0), pairs.filter { $0.1 == "queued" }.map(\.0))
    }

    @Test("a target resolves to exactly its households: the unit, chosen buildings, a care group within the unit", arguments: TestDatabase.enabled)
    func resolution(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let reg = try await Self.register(db)
            let a = reg.tree.communityA
            // MUT
            let whole = try await Self.publish(db, to: a)
            let building = try await Self.publish(db, to: a, NoticeTarget(audience: .buildings, buildingIDs: [reg.buildings["A2"]!]))
            let lonely = try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "empty_nester"))
            let disabled = try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "disabled"))
            let street = try await Self.publish(db, to: reg.tree.street, NoticeTarget(audience: .careGroup, careTag: "empty_nester"))
            // validate: hand-counted from the register above.
            let w = try await Self.resolved(db, whole.id)
            #expect(w.all == ["h1", "h2", "h3", "h4"] && w.queued == ["h1", "h3"])
            let b = try await Self.resolved(db, building.id)
            #expect(b.all == ["h3", "h4"] && b.queued == ["h3"])
            let l = try await Self.resolved(db, lonely.id)
            #expect(l.all == ["h1", "h2"] && l.queued == ["h1"], "h5 is 空巢 too, but in the other community")
            let d = try await Self.resolved(db, disabled.id)
            #expect(d.all == ["h3"])
            let s = try await Self.resolved(db, street.id)
            #expect(s.all == ["h1", "h2", "h5"] && s.queued == ["h1", "h5"])
            #expect(building.audience == .buildings && lonely.careTag == "empty_nester")
            // A grid worker sees a notice from above, counted over their own grid's households only.
            let repo = NoticeReachRepository(db)
            let inGridA = try await repo.counts(of: [street.id], in: .subtree(of: reg.tree.gridA))[street.id]
            let fromGridB = try await repo.reach(of: street.id, in: .subtree(of: reg.tree.gridB))
            #expect(inGridA?.households == 2 && inGridA?.withContact == 1)
            #expect(fromGridB.counts.households == 1 && fromGridB.households.map(\.maskedAddress) == ["建外大街B1号***室"])
            let notOurs = await Fixture.storeError { try await repo.reach(of: whole.id, in: .subtree(of: reg.tree.gridB)) }
            #expect(notOurs?.kind == .notFound, "community A's notice is not above grid B")
            let listedA = Set(try await repo.notices(of: reg.tree.gridA.id, in: .subtree(of: reg.tree.gridA)).map(\.id))
            let listedB = try await repo.notices(of: reg.tree.gridB.id, in: .subtree(of: reg.tree.gridB)).map(\.id)
            #expect(listedA == [whole.id, building.id, lonely.id, disabled.id, street.id] && listedB == [street.id], "a grid lists the notices from above")
        }
    }

    @Test("bad targets are refused naming the field, out of scope is not found, and nothing is written", arguments: TestDatabase.enabled)
    func refusals(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let reg = try await Self.register(db)
            let a = reg.tree.communityA
            let scopeA = Scope.subtree(of: a)
            // MUT
            let otherBuilding = await Fixture.storeError {
                try await Self.publish(db, to: a, NoticeTarget(audience: .buildings, buildingIDs: [reg.buildings["B1"]!]), in: scopeA)
            }
            let noBuilding = await Fixture.storeError { try await Self.publish(db, to: a, NoticeTarget(audience: .buildings)) }
            let unknownTag = await Fixture.storeError { try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "astronaut")) }
            let sensitive = await Fixture.storeError {
                try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "disabled"), sensitive: false)
            }
            let otherUnit = await Fixture.storeError { try await Self.publish(db, to: reg.tree.communityB, in: scopeA) }
            // validate
            #expect(otherBuilding?.kind == .invalid && otherBuilding?.field == "building_ids")
            #expect(noBuilding?.field == "building_ids")
            #expect(unknownTag?.field == "care_tag" && sensitive?.field == "care_tag" && sensitive?.key == "reach.care_tag_sensitive")
            #expect(otherUnit?.kind == .notFound)
            let notices = try await Fixture.count(db, "notices")
            let households = try await Fixture.count(db, "notice_households")
            #expect(notices == 0 && households == 0)
        }
    }

    @Test("publishing twice with one request key, or resolving again, never queues twice", arguments: TestDatabase.enabled)
    func idempotent(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let reg = try await Self.register(db)
            let a = reg.tree.communityA
            // MUT
            let first = try await Self.publish(db, to: a, key: "form-1")
            let again = try await Self.publish(db, to: a, key: "form-1")
            try await NoticeReachRepository(db).resolve(first.id, at: Self.t0)
            let elsewhere = await Fixture.storeError { try await Self.publish(db, to: reg.tree.communityB, key: "form-1") }
            // validate
            #expect(again.id == first.id)
            let notices = try await Fixture.count(db, "notices")
            let rows = try await Fixture.count(db, "notice_households")
            let queued = try await Fixture.count(db, "notice_households", where: "state = 'queued'")
            #expect(notices == 1 && rows == 4 && queued == 2)
            #expect(elsewhere?.kind == .conflict)
        }
    }

    @Test("messages go out through the outbox rules; reach counts delivered, opened, printed and none by household", arguments: TestDatabase.enabled)
    func reach(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let reg = try await Self.register(db)
            let a = reg.tree.communityA
            let repo = NoticeReachRepository(db)
            let n = try await Self.publish(db, to: a)
            let later = try await Self.publish(db, to: a, publishOn: "2026-11-30")
            // MUT: one round claims both of today's messages (not the later notice's), one is taken, one fails for good.
            let claimed = try await repo.claim(channels: [.sms], now: Self.t0, policy: Self.policy, limit: 10)
            let emailOnly = try await repo.claim(channels: [.email], now: Self.t0, policy: Self.policy, limit: 10)
            #expect(claimed.count == 2 && emailOnly.isEmpty)
            #expect(Set(claimed.map(\.noticeID)) == [n.id])
            #expect(Set(claimed.compactMap(\.address)) == ["13800000001", "13800000003"], "the head's phone, not the spouse's")
            let toH1 = try #require(claimed.first { $0.address == "13800000001" })
            let toH3 = try #require(claimed.first { $0.address == "13800000003" })
            #expect(try await repo.markSent(toH1, now: Self.t0))
            #expect(try await repo.markFailed(toH3, error: "gateway said no", now: Self.t0, policy: Self.policy))
            let text = toH1.text(publicBaseURL: "https://wangge.example.gov.cn/")
            #expect(text.contains("永安里社区") && text.contains("停水通知"))
            let token = try #require(try await repo.token(of: n.id, household: reg.households["h1"]!))
            #expect(text.hasSuffix("https://wangge.example.gov.cn/n/" + token) && NoticeToken.isWellFormed(token))
            let nothingLeft = try await repo.claim(channels: [.sms], now: Self.t0.addingTimeInterval(3600), policy: Self.policy, limit: 10)
            #expect(nothingLeft.isEmpty)
            let onTheDay = try await repo.claim(channels: [.sms], now: Self.t0.addingTimeInterval(3 * 86_400), policy: Self.policy, limit: 10)
            #expect(onTheDay.count == 2 && onTheDay.allSatisfy { $0.noticeID == later.id }, "a later notice is texted from 08:00 on its day")

            let firstOpen = try await repo.recordOpened(token: token, at: Self.t0)
            let secondOpen = try await repo.recordOpened(token: token, at: Self.t0.addingTimeInterval(60))
            let byToken = try await repo.notice(token: token)?.id
            let posted = try await repo.markPosted(n.id, building: reg.buildings["A2"]!, by: "网格员", at: Self.t0, in: .subtree(of: a))
            let postedAgain = try await repo.markPosted(n.id, building: reg.buildings["A2"]!, by: "网格员", at: Self.t0, in: .subtree(of: a))
            let wrongBuilding = await Fixture.storeError {
                try await repo.markPosted(n.id, building: reg.buildings["B1"]!, by: "网格员", at: Self.t0, in: .everything)
            }
            let outside = await Fixture.storeError { try await repo.reach(of: n.id, in: .subtree(of: reg.tree.communityB)) }
            let r = try await repo.reach(of: n.id, in: .subtree(of: a))
            // validate: h1 texted and opened; h2 nothing (A1 not posted, no phone); h3 failed but A2 posted; h4 A2 posted.
            #expect(firstOpen && !secondOpen && byToken == n.id && posted && !postedAgain)
            #expect(wrongBuilding?.field == "building_id" && outside?.kind == .notFound)
            let expected = NoticeReachCounts(households: 4, withContact: 2, delivered: 1, opened: 1, printed: 2, none: 1)
            #expect(r.counts == expected)
            #expect(NoticeReachCounts.count(r.households.map { ($0.hasContact, $0.reach) }) == expected, "the table adds up to the counts")
            #expect(r.counts.rate(r.counts.printed) == 50 && r.counts.toPrint == 2)
            #expect(r.households.map(\.maskedAddress) == ["建外大街A1号***室", "建外大街A1号***室", "建外大街A2号***室", "建外大街A2号***室"])
            #expect(r.buildings.map(\.name) == ["A1号楼", "A2号楼"] && r.buildings.map(\.toPrint) == [1, 1] && r.buildings[1].postedBy == "网格员")
            #expect(r.failed == 1)
            let retriedOutside = try await repo.retryFailed(n.id, in: .subtree(of: reg.tree.communityA), now: Self.t0.addingTimeInterval(7200))
            let again = try await repo.claim(channels: [.sms], now: Self.t0.addingTimeInterval(7200), policy: Self.policy, limit: 10)
            #expect(retriedOutside == 1 && again.map(\.address) == ["13800000003"], "the dead letter goes out again")
            let listed = try await repo.counts(of: [n.id, later.id])
            #expect(listed[later.id] == NoticeReachCounts(households: 4, withContact: 2, delivered: 0, opened: 0, printed: 0, none: 4))
        }
    }

    @Test("the public reads unit and building notices in their grids' feeds, never a sensitive care group's", arguments: TestDatabase.enabled)
    func publicFeeds(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            // setup
            let reg = try await Self.register(db)
            let a = reg.tree.communityA
            let whole = try await Self.publish(db, to: a)
            let toB1 = try await Self.publish(db, to: reg.tree.street, NoticeTarget(audience: .buildings, buildingIDs: [reg.buildings["B1"]!]))
            let lonely = try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "empty_nester"))
            let disabled = try await Self.publish(db, to: a, NoticeTarget(audience: .careGroup, careTag: "disabled"))
            let repo = NoticeRepository(db)
            // MUT
            let feedA = Set(try await repo.current(for: reg.tree.gridA, on: "2026-11-27").map(\.id))
            let feedB = Set(try await repo.current(for: reg.tree.gridB, on: "2026-11-27").map(\.id))
            let portalA = Set(try await repo.current(for: a, on: "2026-11-27").map(\.id))
            let hidden = try await repo.publicNotice(disabled.id, on: "2026-11-27")
            let shown = try await repo.publicNotice(lonely.id, on: "2026-11-27")
            // validate
            #expect(feedA == [whole.id, lonely.id])
            #expect(feedB == [toB1.id])
            #expect(portalA == [whole.id, lonely.id])
            #expect(hidden == nil && shown?.id == lonely.id)
            let isPublic = try await repo.isPublic(disabled)
            #expect(!isPublic)
        }
    }
}

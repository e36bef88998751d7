import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// Nothing drops out of view: every role's list ends with 全部·查询, searchable and paged by key.
@Suite("The case list: filters, search, key paging")
struct CaseListTests {
    @Test("the unit picker offers every grid up to its limit, past it only the grid already chosen")
    func gridChoices() {
        let grids = (1...5).map { "网格\($0)" }
        #expect(CaseController.offered(grids, chosen: { $0 == "网格3" }, upTo: 5) == grids)
        #expect(CaseController.offered(grids, chosen: { $0 == "网格3" }, upTo: 4) == ["网格3"])
        #expect(CaseController.offered(grids, chosen: { _ in false }, upTo: 4).isEmpty)
        #expect(CaseController.gridChoicesUpTo == 200)
    }

    static let op = CaseActor(id: nil, name: "受理员", role: .operator_)
    static let dept = CaseActor(id: nil, name: "部门", role: .department)

    /// A hotline case in the own grid, taken through `steps`.
    static func make(
        _ app: Application, _ description: String, phone: String? = nil, address: String? = nil, category: String = CaseFlowTests.category,
        steps: [CaseAction] = []
    ) async throws -> CaseRow {
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
        var row = try await repo.intake(
            CaseIntake(
                categoryKey: category, channel: .hotline, title: "", description: description, address: address, reporterPhone: phone, gridID: grid.id),
            actor: op, at: app.clock.now())
        for step in steps {
            let actor = [.signFor, .handle].contains(step.kind) ? dept : op
            row = try await repo.apply(step, to: row.id, actor: actor, in: .everything, at: app.clock.now())
        }
        return row
    }

    static func dispatched(to department: String) -> [CaseAction] { [.accept(), .dispatch(department: department)] }

    @Test("dispatched, suspended and closed cases are found, by code, phone, address and text; a department finds only its own", arguments: TestDatabase.enabled)
    func findable(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let called = try await Self.make(app, "楼道灯坏了", phone: "13912345678", address: "幸福路12号3单元")
            let police = try await Self.make(app, "深夜噪音扰民", steps: Self.dispatched(to: "police"))
            let paused = try await Self.make(app, "井盖缺失待采购", steps: [.accept(), .suspend(reason: "等待采购")])
            let closed = try await Self.make(
                app, "人行道破损", steps: Self.dispatched(to: "housing") + [.signFor(), .handle(note: "已修复"), .verify(), .close()])
            var op = try await Browser.login(app, as: "operator")
            var housing = try await Browser.login(app, as: "department")
            var cop = try await Browser.login(app, as: "police")
            func codes(_ res: TestingHTTPResponse) -> Set<String> {
                Set([called, police, paused, closed].filter { res.body.string.contains(TrackingCode.display($0.trackingCode)) }.map(\.id.uuidString))
            }
            // MUT
            let inProgress = try await op.get("/cases?queue=in_progress")
            let suspended = try await op.get("/cases?queue=suspended")
            let byPhone = try await op.get("/cases?queue=all&q=139-1234-5678")
            let byCode = try await op.get("/cases?queue=all&q=\(TrackingCode.display(closed.trackingCode).lowercased())")
            let byAddress = try await op.get("/cases?queue=all&q=" + WebFixture.percentEncoded("幸福路12号"))
            let byText = try await op.get("/cases?queue=all&q=" + WebFixture.percentEncoded("噪音"))
            let closedState = try await op.get("/cases?queue=all&state=closed")
            let housingAll = try await housing.get("/cases?queue=all")
            let copAll = try await cop.get("/cases?queue=all")
            let copByCode = try await cop.get("/cases?queue=all&q=\(closed.trackingCode)")
            // validate
            #expect(codes(inProgress) == [police.id.uuidString])
            #expect(codes(suspended) == [paused.id.uuidString])
            #expect(codes(byPhone) == [called.id.uuidString], "the phone is found through its look-up hash")
            #expect(!byPhone.body.string.contains("13912345678"), "and is not echoed in full: the list shows no phones")
            #expect(codes(byCode) == [closed.id.uuidString])
            #expect(codes(byAddress) == [called.id.uuidString])
            #expect(codes(byText) == [police.id.uuidString])
            #expect(codes(closedState) == [closed.id.uuidString])
            #expect(byText.body.string.contains(L10n.t("cases.found", 1)))
            #expect(codes(housingAll) == [closed.id.uuidString], "住建 sees the closed case it handled and nothing of 公安")
            #expect(codes(copAll) == [police.id.uuidString])
            #expect(codes(copByCode).isEmpty, "another department's case is not found by its code either")
        }
    }

    @Test("bad filters are refused with the field named; the server keeps working", arguments: TestDatabase.enabled)
    func badFilters(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var op = try await Browser.login(app, as: "operator")
            for (query, field) in [
                ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("state=lost", "state"), ("channel=pigeon", "channel"),
                ("unit=../../etc", "unit"), ("after=1%27%20OR%201=1", "after"), ("q=" + String(repeating: "x", count: 101), "q"),
            ] {
                let res = try await op.get("/cases?queue=all&" + query)
                #expect(res.status == .badRequest && res.body.string.contains(field), "\(query)")
            }
            let unknownCategory = try await op.get("/cases?queue=all&category=no.such")
            #expect(unknownCategory.status == .unprocessableEntity && unknownCategory.body.string.contains(L10n.t("case.unknown_category")))
            let wild = try await op.get("/cases?queue=all&q=%25_%5C")
            #expect(wild.status == .ok && wild.body.string.contains(L10n.t("cases.found", 0)), "LIKE wildcards are searched for as text")
            #expect(try await op.get("/cases?queue=all").status == .ok)
        }
    }

    @Test("a list pages by key: every case once, in order, whatever is added meanwhile", arguments: TestDatabase.enabled)
    func keyPaging(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup: 7 cases a minute apart
            var made: [CaseRow] = []
            for i in 0..<7 {
                app.testClock.advance(60)
                made.append(try await Self.make(app, "第\(i)件"))
            }
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            // MUT
            var seen: [UUID] = []
            var after: UUID?
            var pages = 0
            repeat {
                let page = try await repo.search(CaseFilter(), in: .everything, now: app.clock.now(), after: after, limit: 3)
                seen += page.rows.map(\.id)
                after = page.next
                pages += 1
                if pages == 1 { _ = try await Self.make(app, "翻页时新来的") }
            } while after != nil
            var queueSeen: [UUID] = []
            after = nil
            repeat {
                let page = try await repo.queue(.toAccept, role: .operator_, in: .everything, now: app.clock.now(), after: after, limit: 2)
                queueSeen += page.rows.map(\.id)
                after = page.next
            } while after != nil
            var op = try await Browser.login(app, as: "operator")
            let first = try await op.get("/cases?queue=all")
            // validate
            #expect(seen == made.reversed().map(\.id), "newest first, none twice, none skipped; the newcomer is above page one")
            #expect(pages == 3)
            #expect(Set(queueSeen).count == queueSeen.count && queueSeen.count == 8)
            #expect(!first.body.string.contains(L10n.t("cases.next_page")), "8 cases fit one page of 50")
        }
    }

    @Test("filters: a category class finds its items, a street its grids, channel, dates (China days) and overdue", arguments: TestDatabase.enabled)
    func filters(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let item = CaseFlowTests.category
            let parent = try #require(CaseCategory.seed.first { $0.key == item }?.parentKey)
            let a = try await Self.make(app, "甲")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let streetID = try #require(grid.ancestorIDs.dropFirst().first)
            let street = try #require(try await UnitRepository(app.db).find(streetID, in: .everything))
            let other = try #require(CaseCategory.seed.first { $0.parentKey != nil && $0.parentKey != parent })
            let b = try await Self.make(app, "乙", category: other.key)
            let now = app.clock.now()
            func ids(_ change: (inout CaseFilter) -> Void, at time: Date? = nil) async throws -> Set<UUID> {
                var f = CaseFilter()
                change(&f)
                return Set(try await repo.search(f, in: .everything, now: time ?? now).rows.map(\.id))
            }
            let today = SimpleDate(now)
            // MUT + validate
            #expect(try await ids { $0.categoryKey = parent } == [a.id])
            #expect(try await ids { $0.categoryKey = item } == [a.id])
            #expect(try await ids { $0.unitID = street.id } == [a.id, b.id])
            #expect(street.level == .street)
            #expect(try await ids { $0.channel = .qr }.isEmpty)
            #expect(try await ids { $0.channel = .hotline } == [a.id, b.id])
            #expect(
                try await ids {
                    $0.from = today; $0.to = today
                } == [a.id, b.id])
            #expect(try await ids { $0.to = SimpleDate(now.addingTimeInterval(-86_400)) }.isEmpty)
            #expect(try await ids { $0.overdueOnly = true }.isEmpty)
            #expect(try await ids({ $0.overdueOnly = true }, at: b.resolveBy.addingTimeInterval(1)) == [a.id, b.id])
            #expect(try await repo.search(CaseFilter(), in: .everything, now: now, limit: 1, counting: true).total == 2)
            // A capped count says "at least" once it reaches its cap, and is exact below it.
            let capped = try await repo.search(CaseFilter(), in: .everything, now: now, limit: 1, counting: true, countingUpTo: 1)
            let exact = try await repo.search(CaseFilter(), in: .everything, now: now, limit: 1, counting: true, countingUpTo: 2)
            #expect(capped.total == 1 && capped.totalIsAtLeast)
            #expect(exact.total == 2 && !exact.totalIsAtLeast)
        }
    }

    @Test("a 不满意 rating waits in 待受理 for the review period, then is found through 全部·查询", arguments: TestDatabase.enabled)
    func dissatisfiedReview(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let row = try await Self.make(
                app, "楼道灯坏了", steps: Self.dispatched(to: "housing") + [.signFor(), .handle(), .verify(), .close(), .callback(rating: .dissatisfied)])
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let closed = try #require(row.closedAt)
            func waiting(after days: Double) async throws -> Bool {
                try await repo.queue(.toAccept, role: .operator_, in: .everything, now: closed.addingTimeInterval(days * 86_400)).rows.contains { $0.id == row.id }
            }
            #expect(try await waiting(after: 1))
            #expect(!(try await waiting(after: Double(CaseRepository.reviewDays) + 1)))
            var filter = CaseFilter()
            filter.states = [.calledBack]
            #expect(try await repo.search(filter, in: .everything, now: closed.addingTimeInterval(30 * 86_400)).rows.contains { $0.id == row.id })
        }
    }
}

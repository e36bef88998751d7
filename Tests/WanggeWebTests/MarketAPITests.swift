import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The market's JSON API and the provider's phone gate: orders by role, steps as the page allows, masked phones shown only through the logged gate")
struct MarketAPITests {
    struct Fixture {
        var community: UUID
        /// Two providers of the first community: the first worked by `department`, the second by `police`.
        var providers: [UUID]
        var item: UUID
        /// An order waiting for review, its contact phone 13812345678.
        var order: UUID
    }

    /// Two providers, an item of `mode` offered by both, and one order from the first grid.
    static func market(_ app: Application, mode: String) async throws -> Fixture {
        let grids = try await UnitRepository(app.db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
        let grid = grids[0]
        let community = try #require(grid.parentID)
        let repo = MarketRepository(app.db, cipher: app.keys.cipher)
        let now = app.clock.now()
        let a = try await repo.addProvider(MarketProviderDraft(name: "安泰物业", kind: "property"), to: community, at: now, in: .everything)
        let b = try await repo.addProvider(MarketProviderDraft(name: "便民维修店", kind: "merchant"), to: community, at: now, in: .everything)
        _ = try await repo.bindAccount("department", to: a.id, in: .everything)
        _ = try await repo.bindAccount("police", to: b.id, in: .everything)
        let item = try await repo.addItem(
            MarketItemDraft(name: "疏通下水道", price: "50", priceUnit: "次", mode: mode, acceptHours: "2", providers: [a.id, b.id]), to: community, in: .everything)
        let order = try await repo.place(
            MarketOrderDraft(itemID: item.id, contactName: "王秀兰", contactPhone: "13812345678", address: "1号楼2单元301", note: "厨房下水道堵了"), in: grid,
            orderedBy: nil, at: now)
        return Fixture(community: community, providers: [a.id, b.id], item: item.id, order: order.id)
    }

    static func unmasks(_ app: Application) async throws -> Int {
        try await DuplicateWriteTests.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'unmask' AND object_type = 'market_order' AND outcome = 'ok'")
    }

    @Test("the desk lists and places an order, the provider takes it and sees the phone only through the gate; fields named; scope 404", arguments: TestDatabase.enabled)
    func orders(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let f = try await Self.market(app, mode: "assigned")
            var desk = try await Browser.login(app, as: "operator")
            var provider = try await Browser.login(app, as: "department")
            var other = try await Browser.login(app, as: "police")
            var leader = try await Browser.login(app, as: "leader")
            // MUT
            let list = try await desk.api(.GET, "/api/v1/market/orders?state=ordered&limit=10")
            let none = try await desk.api(.GET, "/api/v1/market/orders?state=taken")
            let badState = try await desk.api(.GET, "/api/v1/market/orders?state=lost")
            let badLimit = try await desk.api(.GET, "/api/v1/market/orders?limit=100000")
            let before = try await desk.api(.GET, "/api/v1/market/orders/\(f.order)")
            let noProvider = try await desk.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"approve"}"#)
            let badAction = try await desk.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"fly"}"#)
            let approved = try await desk.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"approve","provider":"\#(f.providers[0].uuidString)"}"#)
            let offered = try await provider.api(.GET, "/api/v1/market/orders/\(f.order)")
            let hidden = try await other.api(.GET, "/api/v1/market/orders/\(f.order)")
            let earlyReveal = try await provider.api(.POST, "/api/v1/market/orders/\(f.order)/reveal", json: #"{"reason":"上门前联系"}"#)
            let taken = try await provider.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"take"}"#)
            let again = try await provider.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"take"}"#)
            let noReason = try await provider.api(.POST, "/api/v1/market/orders/\(f.order)/reveal", json: #"{"reason":""}"#)
            let revealed = try await provider.api(.POST, "/api/v1/market/orders/\(f.order)/reveal", json: #"{"reason":"上门前联系"}"#)
            let leaderReveal = try await leader.api(.POST, "/api/v1/market/orders/\(f.order)/reveal", json: #"{"reason":"核实情况"}"#)
            let figures = try await desk.api(.GET, "/api/v1/market/figures?month=\(MeasureMonth(SimpleDate(app.clock.now())).description)")
            let badMonth = try await desk.api(.GET, "/api/v1/market/figures?month=2026-13")
            let providerFigures = try await provider.api(.GET, "/api/v1/market/figures")
            // validate
            let rows = try #require(list.json as? [[String: Any]])
            #expect(list.status == .ok && rows.count == 1 && rows[0]["contact_phone"] as? String == "138****5678" && rows[0]["item_name"] as? String == "疏通下水道")
            #expect((none.json as? [Any])?.isEmpty == true)
            #expect(badState.status == .badRequest && badState.body.string.contains("\"field\":\"state\""))
            #expect(badLimit.status == .badRequest && badLimit.body.string.contains("\"field\":\"limit\""))
            #expect(before.object["steps"] as? [String] == ["approve", "refuse", "cancel"])
            #expect(noProvider.status == .unprocessableEntity && noProvider.body.string.contains("\"field\":\"provider\""))
            #expect(badAction.status == .unprocessableEntity && badAction.body.string.contains("\"field\":\"action\""))
            #expect(approved.status == .ok && (approved.object["order"] as? [String: Any])?["state"] as? String == "offered")
            #expect(offered.object["steps"] as? [String] == ["take", "decline"])
            #expect(hidden.status == .notFound)
            #expect(earlyReveal.status == .forbidden, "a provider needs the phone only once it has taken the order")
            #expect(taken.status == .ok && (taken.object["order"] as? [String: Any])?["contact_phone"] as? String == "138****5678")
            #expect(again.status == .conflict)
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("\"field\":\"reason\""))
            #expect(revealed.status == .ok && revealed.object["phone"] as? String == "13812345678")
            #expect(leaderReveal.status == .forbidden)
            let timeline = try #require((taken.object["timeline"] as? [[String: Any]])?.map { $0["action"] as? String })
            #expect(timeline == ["order", "approve", "take"])
            let anTai = (figures.object["providers"] as? [[String: Any]])?.first { $0["name"] as? String == "安泰物业" }
            #expect(figures.status == .ok && anTai?["taken"] as? Int == 1 && anTai?["orders"] as? Int == 1)
            #expect(badMonth.status == .badRequest && badMonth.body.string.contains("\"field\":\"month\""))
            #expect(providerFigures.status == .forbidden)
            #expect(try await Self.unmasks(app) == 1)
            let actions = try await OpennessWebTests.actions(app, object: "market_order")
            #expect(actions == ["market.approve", "market.take", "unmask", "unmask", "unmask"].sorted())
        }
    }

    @Test("the provider's order page shows the phone masked; “show phone” with a reason shows it once and logs one unmask entry", arguments: TestDatabase.enabled)
    func phoneGate(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let f = try await Self.market(app, mode: "assigned")
            let repo = MarketRepository(app.db, cipher: app.keys.cipher)
            let now = app.clock.now()
            _ = try await repo.approve(f.order, chosen: f.providers[0], note: nil, in: .everything, by: MarketStepActor(role: .market, name: "受理员"), at: now)
            var provider = try await Browser.login(app, as: "department")
            let offered = try await provider.get("/market/orders/\(f.order)")
            _ = try await provider.post("/market/orders/\(f.order)/act", form: ["action": "take"])
            // MUT
            let working = try await provider.get("/market/orders/\(f.order)")
            let viewsBefore = try await Self.unmasks(app)
            let noReason = try await provider.post("/market/orders/\(f.order)/phone", form: ["reason": "  "])
            let shown = try await provider.post("/market/orders/\(f.order)/phone", form: ["reason": "上门前电话联系"])
            let after = try await provider.get("/market/orders/\(f.order)")
            var police = try await Browser.login(app, as: "police")
            try await police.get("/market")
            let stranger = try await police.post("/market/orders/\(f.order)/phone", form: ["reason": "上门前电话联系"])
            // validate
            #expect(!offered.body.string.contains("13812345678") && !offered.body.string.contains(L10n.t("market.show_phone")))
            #expect(working.status == .ok && working.body.string.contains("138****5678") && !working.body.string.contains("13812345678"))
            #expect(working.body.string.contains(L10n.t("market.show_phone")))
            #expect(viewsBefore == 0)
            #expect(noReason.status == .unprocessableEntity && !noReason.body.string.contains("13812345678"))
            #expect(shown.status == .ok && shown.body.string.contains("13812345678"))
            #expect(after.body.string.contains("138****5678") && !after.body.string.contains("13812345678"))
            #expect(stranger.status == .notFound)
            #expect(try await Self.unmasks(app) == 1)
            let reason = try await DuplicateWriteTests.count(
                app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'unmask' AND object_type = 'market_order' AND detail LIKE '%上门前电话联系%'")
            #expect(reason == 1)
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Duplicates over HTTP: suggested on the case page, merged by the operator, the merged reporter follows and rates the outcome")
struct CaseDuplicatesTests {
    static let category = CaseFlowTests.category

    /// A QR report at `point`; returns the tracking code.
    static func report(_ resident: inout Browser, grid: UnitRow, at point: GeoPoint, text: String, phone: String) async throws -> String {
        try await resident.get("/r/\(grid.code)")
        let res = try await resident.post(
            "/r/\(grid.code)",
            form: [
                "category": category, "description": text, "phone": phone,
                "lon": String(point.lon), "lat": String(point.lat),
            ])
        #expect(res.status == .created)
        return try #require(CaseFlowTests.trackingCode(in: res.body.string))
    }

    @Test("merge from the case page; the merged reporter's tracking page shows the target's progress and outcome and takes a rating", arguments: TestDatabase.enabled)
    func mergeAndFollow(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let point = try #require(grid.area?.interiorPoint)
            var first = Browser(app), second = Browser(app), third = Browser(app)
            let code1 = try await Self.report(&first, grid: grid, at: point, text: "小区东门垃圾堆积无人清运", phone: "13800001111")
            let code2 = try await Self.report(&second, grid: grid, at: point, text: "东门垃圾堆积好几天了无人清运", phone: "13900002222")
            let code3 = try await Self.report(&third, grid: grid, at: point, text: "东门垃圾又堆起来了", phone: "13700003333")
            let c1 = try await CaseFlowTests.caseRow(app, code1), c2 = try await CaseFlowTests.caseRow(app, code2)
            let c3 = try await CaseFlowTests.caseRow(app, code3)

            // The operator's page of the second report suggests the first, with a merge form.
            var op = try await Browser.login(app, as: "operator")
            let page = try await op.get("/cases/\(c2.id)").body.string
            #expect(page.contains(L10n.t("dup.title")) && page.contains(TrackingCode.display(code1)) && page.contains(L10n.t("dup.likely")))
            #expect(page.contains("name=\"target\" value=\"\(c1.id.uuidString)\""))
            // A grid worker sees the suggestions but may not merge.
            var worker = try await Browser.login(app, as: "gridworker")
            let seen = try await worker.get("/cases/\(c2.id)").body.string
            #expect(seen.contains(L10n.t("dup.title")) && !seen.contains("value=\"merge\""))
            #expect(try await worker.post("/cases/\(c2.id)/act", form: ["action": "merge", "version": "1", "target": c1.id.uuidString]).status == .conflict)

            // Bad targets: itself, a case that does not exist.
            #expect(try await op.post("/cases/\(c2.id)/act", form: ["action": "merge", "version": "1", "target": c2.id.uuidString]).status == .unprocessableEntity)
            #expect(try await op.post("/cases/\(c2.id)/act", form: ["action": "merge", "version": "1", "target": UUID().uuidString]).status == .unprocessableEntity)
            // The merge.
            #expect(try await op.post("/cases/\(c2.id)/act", form: ["action": "merge", "version": "1", "target": c1.id.uuidString, "note": "同一处垃圾"]).status == .seeOther)
            let merged = try await CaseFlowTests.caseRow(app, code2)
            #expect(merged.state == .merged && merged.mergedInto == c1.id.uuidString)
            #expect(try await op.get("/cases/\(c2.id)").body.string.contains(L10n.t("dup.merged_into")))
            // Never into a merged case; by tracking code into the first is fine.
            try await op.get("/cases/\(c3.id)")
            #expect(try await op.post("/cases/\(c3.id)/act", form: ["action": "merge", "version": "1", "target": TrackingCode.display(code2)]).status == .unprocessableEntity)
            #expect(try await op.post("/cases/\(c3.id)/act", form: ["action": "merge", "version": "1", "target": TrackingCode.display(code1)]).status == .seeOther)
            let audited = try await (app.db as! any SQLDatabase).raw("SELECT detail FROM audit_log WHERE object_id = \(bind: c2.id.uuidString) AND action = 'case.act'")
                .all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(audited.contains { $0.contains("action=merge") && $0.contains("into=\(c1.id.uuidString)") })

            // The target's page counts who is waiting, reporters masked.
            let target = try await op.get("/cases/\(c1.id)").body.string
            #expect(target.contains(L10n.t("dup.merged_reports")) && target.contains(L10n.t("dup.waiting", 3)))
            #expect(target.contains("139****2222") && !target.contains("13900002222"))

            // The merged reporter's page: merged, the target's state, not the other reporter's words or code.
            var tracking = try await second.get("/t/\(code2)").body.string
            #expect(tracking.contains(L10n.t("track.merged")) && tracking.contains(L10n.t(CaseState.reported.nameKey)))
            #expect(!tracking.contains("小区东门垃圾堆积无人清运") && !tracking.contains(TrackingCode.display(code1)))
            #expect(!tracking.contains(L10n.t("track.rate")))

            // The target is worked and closed: the merged reporter sees the outcome and rates it on their own case.
            try await op.get("/cases/\(c1.id)")
            #expect(try await op.post("/cases/\(c1.id)/act", form: ["action": "accept", "version": "1"]).status == .seeOther)
            #expect(try await op.post("/cases/\(c1.id)/act", form: ["action": "close", "version": "2", "note": "已安排环卫清运"]).status == .seeOther)
            tracking = try await second.get("/t/\(code2)").body.string
            #expect(tracking.contains(L10n.t(CaseOutcome.solved.nameKey)) && tracking.contains("已安排环卫清运") && tracking.contains(L10n.t("track.rate")))
            #expect(try await second.post("/t/\(code2)/rate", form: ["rating": "basically_satisfied"]).status == .seeOther)
            #expect(try await second.get("/t/\(code2)").body.string.contains(L10n.t("track.rated")))
            #expect(try await second.post("/t/\(code2)/rate", form: ["rating": "dissatisfied"]).status == .conflict, "one rating per reporter")
            try await first.get("/t/\(code1)")
            #expect(try await first.post("/t/\(code1)/rate", form: ["rating": "satisfied"]).status == .seeOther)

            let rows = (try await CaseFlowTests.caseRow(app, code1), try await CaseFlowTests.caseRow(app, code2))
            #expect(rows.0.state == .calledBack && rows.0.rating == .satisfied)
            #expect(rows.1.state == .merged && rows.1.rating == .basicallySatisfied)
            let reporters = try await CaseRepository(app.db, cipher: app.keys.cipher).reporters(of: c1.id, in: .everything)
            #expect(Set(reporters.compactMap(\.phone)) == ["13800001111", "13900002222", "13700003333"])
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Proxy service catalogue: the public page, the setup screens, their checks and audit")
struct ServiceCatalogueTests {
    static func form(_ s: ProxyServiceRow, _ changes: [String: String] = [:]) -> [String: String] {
        [
            "name_zh": s.nameZh, "name_en": s.nameEn, "mode": s.mode.rawValue, "materials": s.materials.joined(separator: "\n"),
            "steps": s.steps.joined(separator: "\n"), "office": s.office, "limit_days": String(s.limitDays),
        ].merging(changes) { _, new in new }
    }

    @Test("anyone reads the catalogue, without logging in; every mode and the seeded services are on it", arguments: TestDatabase.enabled)
    func publicCatalogue(kind: TestDatabase) async throws {
        try await withApp(kind, demo: false) { app in
            // setup
            var visitor = Browser(app)
            // MUT
            let page = try await visitor.get("/services")
            // validate
            #expect(page.status == .ok)
            let html = page.body.string
            for name in ["居住证（暂住证）办理", "失业证", "退休资格认证", "大病救助申请", "廉租房货币补贴申请", "廉租房实物配租申请"] {
                #expect(html.contains(name), "\(name) is listed")
            }
            #expect(ServiceMode.allCases.allSatisfy { html.contains(L10n.t($0.nameKey)) })
            #expect(html.contains("区民政局") && html.contains(L10n.t("service.days", 20)), "office and limit shown")
            #expect(html.contains("医院诊断证明"), "materials listed")
        }
    }

    @Test("a leader edits a service: saved, audited, public at once; a bad form comes back with its problems; taken out of use it leaves the public page", arguments: TestDatabase.enabled)
    func edit(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let repo = ServiceCatalogueRepository(app.db)
            let before = try await repo.get("unemployment_card")
            var leader = try await Browser.login(app, as: "leader")
            let list = try await leader.get("/services/setup")
            let one = try await leader.get("/services/setup/unemployment_card")
            #expect(list.status == .ok && one.status == .ok)
            // MUT
            let saved = try await leader.post("/services/setup/unemployment_card", form: Self.form(before, ["limit_days": "7", "mode": "assist"]))
            let refused = try await leader.post("/services/setup/unemployment_card", form: Self.form(before, ["limit_days": "0", "office": "", "materials": " "]))
            let added = try await leader.post("/services/setup", form: Self.form(before, ["key": "housing_fund", "name_zh": "公积金提取"]))
            let duplicate = try await leader.post("/services/setup", form: Self.form(before, ["key": "housing_fund"]))
            let off = try await leader.post("/services/setup/housing_fund/active", form: ["active": "0"])
            // validate
            #expect(saved.status == .seeOther)
            let after = try await repo.get("unemployment_card")
            #expect(after.limitDays == 7 && after.mode == .assist && after.materials == before.materials)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(L10n.t("service.days_range", 1, 365)) && refused.body.string.contains(L10n.t("field.required")))
            let unchanged = try await repo.get("unemployment_card")
            #expect(unchanged == after, "nothing of the refused form was written")
            #expect(added.status == .seeOther && duplicate.status == .unprocessableEntity)
            #expect(off.status == .seeOther)
            let audited = try await (app.db as! any SQLDatabase).raw(
                "SELECT action FROM audit_log WHERE object_type = 'proxy_service' ORDER BY action"
            ).all().map { try $0.decode(column: "action", as: String.self) }
            #expect(audited == ["service.add", "service.deactivate", "service.update"])
            var visitor = Browser(app)
            let html = try await visitor.get("/services").body.string
            #expect(html.contains(L10n.t("service.days", 7)) && !html.contains("公积金提取"))
        }
    }

    @Test("only roles that configure cases, bound to a district, may change the catalogue", arguments: TestDatabase.enabled)
    func who(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            for user in ["gridworker", "proxy", "operator"] {
                var b = try await Browser.login(app, as: user)
                let page = try await b.get("/services/setup")
                let post = try await b.post("/services/setup/unemployment_card/active", form: ["active": "0"])
                #expect(page.status == .forbidden && post.status == .forbidden, "\(user)")
            }
            let service = try await ServiceCatalogueRepository(app.db).get("unemployment_card")
            #expect(service.active)
            var leader = try await Browser.login(app, as: "leader")
            let missing = try await leader.get("/services/setup/no_such_service")
            #expect(missing.status == .notFound)
        }
    }

    @Test("a service request filed under a catalogue service's category shows its materials checklist on the case page", arguments: TestDatabase.enabled)
    func checklist(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let service = try await ServiceCatalogueRepository(app.db).get("unemployment_card")
            #expect(service.categoryKey == "service.unemployment_card")
            let request = try await CaseSetupTests.report(app, category: "service.unemployment_card")
            let event = try await CaseSetupTests.report(app)
            let requestRow = try #require(request.row)
            let eventRow = try #require(event.row)
            var op = try await Browser.login(app, as: "operator")
            // MUT
            let page = try await op.get("/cases/\(requestRow.id.uuidString)")
            let other = try await op.get("/cases/\(eventRow.id.uuidString)")
            // validate
            #expect(page.status == .ok)
            #expect(page.body.string.contains(L10n.t("service.checklist", service.nameZh)))
            #expect(service.materials.allSatisfy { page.body.string.contains($0) })
            #expect(other.status == .ok && !other.body.string.contains("service-checklist"))
        }
    }
}

import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Case setup pages: category tree, time limits, taking categories out of use, departments, routing rules")
struct CaseSetupTests {
    static let category = "city_appearance.exposed_garbage"
    static let categoryURL = "/cases/setup/categories/\(category)"

    static func repo(_ app: Application) -> CaseRepository { CaseRepository(app.db, cipher: app.keys.cipher) }

    static func categoryRow(_ app: Application, _ key: String = category) async throws -> CategoryRow {
        try #require(try await repo(app).category(key))
    }

    /// The form of a category as it is, with `changes` applied.
    static func form(_ c: CategoryRow, _ changes: [String: String] = [:]) -> [String: String] {
        var f = [
            "name_zh": c.nameZh, "name_en": c.nameEn, "department": c.departmentKey, "respond_hours": CaseSetupRules.hours(c.respondHours),
            "resolve_hours": CaseSetupRules.hours(c.resolveHours), "counting": c.counting.rawValue,
        ]
        if c.complex { f["complex"] = "1" }
        return f.merging(changes) { _, new in new }
    }

    static func audited(_ app: Application, _ action: String) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = \(bind: action)")
            .first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// A QR report from the grid worker's grid; the case it made.
    static func report(_ app: Application, category: String = category) async throws -> (status: HTTPStatus, row: CaseRow?, body: String) {
        let grid = try await CaseFlowTests.gridOf(app, "gridworker")
        var resident = Browser(app)
        try await resident.get("/r/\(grid.code)")
        let res = try await resident.post("/r/\(grid.code)", form: ["category": category, "description": "路边垃圾无人清运"])
        let code = CaseFlowTests.trackingCode(in: res.body.string)
        let row = try await code.asyncMap { try await CaseFlowTests.caseRow(app, $0) }
        return (res.status, row, res.body.string)
    }

    @Test("new limits of a category give a new case new deadlines; the change is audited", arguments: TestDatabase.enabled)
    func hoursChangeDeadlines(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let before = try await Self.report(app)
            let old = try #require(before.row)
            #expect(old.resolveBy.timeIntervalSince(old.reportedAt) == 24 * 3600)
            var admin = try await Browser.login(app, as: "admin")
            let page = try await admin.get(Self.categoryURL)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("暴露垃圾"))
            // MUT
            let c = try await Self.categoryRow(app)
            let saved = try await admin.post(Self.categoryURL, form: Self.form(c, ["respond_hours": "4", "resolve_hours": "48", "complex": "1"]))
            // validate
            #expect(saved.status == .seeOther)
            let changed = try await Self.categoryRow(app)
            #expect(changed.respondHours == 4 && changed.resolveHours == 48 && changed.complex)
            let after = try #require(try await Self.report(app).row)
            #expect(after.respondBy.timeIntervalSince(after.reportedAt) == 4 * 3600)
            #expect(after.resolveBy.timeIntervalSince(after.reportedAt) == 48 * 3600)
            #expect(try await Self.repo(app).find(old.id, in: .everything)?.resolveBy == old.resolveBy, "an earlier case keeps its deadlines")
            #expect(try await Self.audited(app, "case.category.update") == 1)
            let list = try await admin.get("/cases/setup/categories")
            #expect(list.status == .ok && list.body.string.contains("48 小时"))
        }
    }

    @Test("the warning threshold is set per category: new cases are flagged at that share of their limits", arguments: TestDatabase.enabled)
    func warningThreshold(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var admin = try await Browser.login(app, as: "admin")
            _ = try await admin.get(Self.categoryURL)
            let c = try await Self.categoryRow(app)
            #expect(c.warnPercent == 80)
            // MUT
            let bad = try await admin.post(Self.categoryURL, form: Self.form(c, ["warn_percent": "120"]))
            let saved = try await admin.post(Self.categoryURL, form: Self.form(c, ["warn_percent": "50"]))
            // validate
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains(L10n.t("case.setup.warn_range", 50, 95)))
            #expect(saved.status == .seeOther)
            #expect(try await Self.categoryRow(app).warnPercent == 50)
            let row = try #require(try await Self.report(app).row)
            #expect(row.resolveWarnAt.timeIntervalSince(row.reportedAt) == 12 * 3600, "half of the 24-hour limit")
            #expect(row.respondWarnAt.timeIntervalSince(row.reportedAt) == 1 * 3600)
        }
    }

    @Test("a category out of use leaves the forms, intake refuses it, old cases keep it; the whole subtree goes with it", arguments: TestDatabase.enabled)
    func deactivate(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let old = try #require(try await Self.report(app).row)
            var admin = try await Browser.login(app, as: "admin")
            try await admin.get(Self.categoryURL)
            // MUT
            #expect(try await admin.post(Self.categoryURL + "/active", form: ["active": "0"]).status == .seeOther)
            // validate
            #expect(try await Self.categoryRow(app).active == false)
            var resident = Browser(app)
            #expect(!(try await resident.get("/r/\(grid.code)").body.string.contains("value=\"\(Self.category)\"")), "the QR form no longer lists it")
            let refused = try await Self.report(app)
            #expect(refused.status == .unprocessableEntity && refused.row == nil)
            #expect(refused.body.contains(L10n.t("case.category_inactive")))
            var op = try await Browser.login(app, as: "operator")
            #expect(!(try await op.get("/cases/new").body.string.contains("value=\"\(Self.category)\"")), "the operator's form no longer lists it")
            #expect(try await op.post("/cases/new", form: ["channel": "hotline", "category": Self.category, "description": "来电"]).status == .unprocessableEntity)
            do {
                _ = try await Self.repo(app).intake(
                    CaseIntake(categoryKey: Self.category, channel: .hotline, title: "", description: "x"),
                    actor: .resident, at: app.clock.now())
                Issue.record("intake took a category out of use")
            } catch let e as StoreError {
                #expect(e.key == "case.category_inactive" && e.field == "category")
            }
            let kept = try await Self.repo(app).find(old.id, in: .everything)
            #expect(kept?.categoryKey == Self.category, "an old case keeps its category")
            #expect(try await op.get("/cases/\(old.id)").body.string.contains("暴露垃圾"))

            // A whole class: its children go too, and a child cannot come back before its parent.
            try await admin.get("/cases/setup/categories/advertising")
            #expect(try await admin.post("/cases/setup/categories/advertising/active", form: ["active": "0"]).status == .seeOther)
            #expect(try await Self.categoryRow(app, "advertising.illegal_flyer").active == false)
            let orphan = try await admin.post("/cases/setup/categories/advertising.illegal_flyer/active", form: ["active": "1"])
            #expect(orphan.status == .unprocessableEntity && orphan.body.string.contains(L10n.t("case.setup.parent_inactive")))
            #expect(try await admin.post("/cases/setup/categories/advertising/active", form: ["active": "1"]).status == .seeOther)
            #expect(try await admin.post("/cases/setup/categories/advertising.illegal_flyer/active", form: ["active": "1"]).status == .seeOther)
            #expect(try await Self.categoryRow(app, "advertising.illegal_flyer").active)
            #expect(try await Self.audited(app, "case.category.deactivate") == 2)
            #expect(try await admin.post("/cases/setup/categories/no.such/active", form: ["active": "1"]).status == .notFound)
        }
    }

    @Test("a rule on a street sends its cases to another department; deleting it restores the default", arguments: TestDatabase.enabled)
    func routingRule(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let street = try #require(try await UnitRepository(app.db).find(grid.ancestorIDs[1], in: .everything))
            #expect(street.level == .street)
            let c = try await Self.categoryRow(app)
            var leader = try await Browser.login(app, as: "leader")
            #expect(try await leader.get("/cases").body.string.contains("/cases/setup/routes"), "the queues page links the setup pages")
            #expect(try await leader.get("/cases/setup/routes").body.string.contains(L10n.t("case.setup.no_rules")))
            // MUT
            let added = try await leader.post("/cases/setup/routes", form: ["category": Self.category, "unit": street.id.uuidString, "department": "property"])
            // validate
            #expect(added.status == .seeOther)
            let listed = try await leader.get("/cases/setup/routes")
            #expect(listed.body.string.contains(street.name) && listed.body.string.contains("物业"))
            #expect(try await Self.report(app).row?.departmentKey == "property")
            // Replacing keeps one rule.
            #expect(try await leader.post("/cases/setup/routes", form: ["category": Self.category, "unit": street.id.uuidString, "department": "housing"]).status == .seeOther)
            let rules = try await CaseSetupRepository(app.db).rules(in: .everything)
            #expect(rules.count == 1 && rules[0].departmentKey == "housing")
            #expect(try await Self.report(app).row?.departmentKey == "housing")
            // MUT
            #expect(try await leader.post("/cases/setup/routes/\(rules[0].id)/delete", form: [:]).status == .seeOther)
            // validate
            #expect(try await Self.report(app).row?.departmentKey == c.departmentKey)
            #expect(try await leader.post("/cases/setup/routes/\(rules[0].id)/delete", form: [:]).status == .notFound)
            #expect(try await Self.audited(app, "case.rule.set") == 2)
            #expect(try await Self.audited(app, "case.rule.delete") == 1)
        }
    }

    @Test("bad input comes back with the field named and changes nothing", arguments: TestDatabase.enabled)
    func validation(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let c = try await Self.categoryRow(app)
            var admin = try await Browser.login(app, as: "admin")
            try await admin.get(Self.categoryURL)
            let cases: [([String: String], String, String)] = [
                (["respond_hours": "0"], "respond_hours", L10n.t("case.setup.hours_range", "0", "720")),
                (["resolve_hours": "721"], "resolve_hours", L10n.t("case.setup.hours_range", "0", "720")),
                (["resolve_hours": "abc"], "resolve_hours", L10n.t("case.setup.hours_number")),
                (["respond_hours": "30", "resolve_hours": "24"], "respond_hours", L10n.t("case.setup.respond_after_resolve", "30", "24")),
                (["department": "no_such"], "department", L10n.t("case.unknown_department")),
                (["name_zh": ""], "name_zh", L10n.t("field.required")),
                (["counting": "lunar"], "counting", L10n.t("field.not_one_of", "lunar", "clock, working")),
            ]
            for (changes, field, message) in cases {
                let res = try await admin.post(Self.categoryURL, form: Self.form(c, changes))
                #expect(res.status == .unprocessableEntity, "\(changes)")
                #expect(res.body.string.contains(HTML.escape("\(L10n.t("case.setup.field.\(field)")): \(message)")), "\(changes) names \(field)")
            }
            #expect(try await Self.categoryRow(app) == c, "nothing was changed")

            try await admin.get("/cases/setup/categories")
            let new = Self.form(c, ["key": "graffiti"])
            let adds: [([String: String], String, String)] = [
                (new.merging(["parent": "no_such"]) { $1 }, "parent", L10n.t("case.setup.unknown_parent", "no_such")),
                (
                    new.merging(["parent": "city_appearance", "key": "exposed_garbage"]) { $1 }, "key",
                    L10n.t("case.setup.duplicate_key", "city_appearance.exposed_garbage")
                ),
                (new.merging(["parent": "city_appearance", "key": "Bad Key"]) { $1 }, "key", L10n.t("case.setup.bad_key", "Bad Key")),
                (new.merging(["kind": "nonsense"]) { $1 }, "kind", L10n.t("field.not_one_of", "nonsense", "event, component, service, appeal")),
            ]
            let count = try await WebFixture.count(app, "case_categories")
            for (form, field, message) in adds {
                let res = try await admin.post("/cases/setup/categories", form: form)
                #expect(res.status == .unprocessableEntity, "\(form)")
                #expect(res.body.string.contains(HTML.escape("\(L10n.t("case.setup.field.\(field)")): \(message)")), "\(form) names \(field)")
            }
            #expect(try await WebFixture.count(app, "case_categories") == count)

            try await admin.get("/cases/setup/departments")
            let dup = try await admin.post("/cases/setup/departments", form: ["key": "police", "name_zh": "公安分局"])
            #expect(dup.status == .unprocessableEntity && dup.body.string.contains(HTML.escape(L10n.t("case.setup.duplicate_key", "police"))))
            #expect(try await admin.post("/cases/setup/departments/police", form: ["name_zh": ""]).status == .unprocessableEntity)

            try await admin.get("/cases/setup/routes")
            let rule = try await admin.post("/cases/setup/routes", form: ["category": Self.category, "unit": UUID().uuidString, "department": "nope"])
            #expect(rule.status == .unprocessableEntity)
            #expect(rule.body.string.contains("\(L10n.t("case.setup.field.unit")): \(L10n.t("case.setup.unknown_unit"))"))
            #expect(rule.body.string.contains("\(L10n.t("case.setup.field.department")): \(L10n.t("case.unknown_department"))"))
            #expect(try await WebFixture.count(app, "routing_rules") == 0)
        }
    }

    @Test("new categories and departments: given or generated keys, shown on the report forms", arguments: TestDatabase.enabled)
    func addAndRename(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var admin = try await Browser.login(app, as: "admin")
            try await admin.get("/cases/setup/departments")
            #expect(try await admin.post("/cases/setup/departments", form: ["key": "community_police", "name_zh": "社区警务室"]).status == .seeOther)
            #expect(try await admin.post("/cases/setup/departments", form: ["name_zh": "志愿者协会"]).status == .seeOther)
            #expect(try await admin.post("/cases/setup/departments/community_police", form: ["name_zh": "社区警务站", "name_en": "Community police"]).status == .seeOther)
            let departments = try await Self.repo(app).departments()
            #expect(departments.contains { $0.key == "community_police" && $0.nameZh == "社区警务站" && $0.nameEn == "Community police" })
            #expect(departments.contains { $0.key == "dept_1" && $0.nameZh == "志愿者协会" })

            try await admin.get("/cases/setup/categories")
            let base = ["name_zh": "乱涂乱画", "department": "community_police", "respond_hours": "1.5", "resolve_hours": "12", "counting": "working"]
            let made = try await admin.post("/cases/setup/categories", form: base.merging(["parent": "city_appearance", "key": "graffiti"]) { $1 })
            #expect(made.status == .seeOther && made.headers.first(name: .location) == "/cases/setup/categories/city_appearance.graffiti")
            let graffiti = try await Self.categoryRow(app, "city_appearance.graffiti")
            #expect(graffiti.kind == .event && graffiti.respondHours == 1.5 && graffiti.counting == .working && graffiti.active && graffiti.nameEn == "乱涂乱画")
            #expect(try await admin.post("/cases/setup/categories", form: base.merging(["parent": "city_appearance"]) { $1 }).status == .seeOther)
            #expect(try await Self.repo(app).category("city_appearance.c1") != nil, "a key is generated under the parent")
            #expect(try await admin.post("/cases/setup/categories", form: base.merging(["kind": "service", "key": "elderly_care"]) { $1 }).status == .seeOther)
            #expect(try await Self.categoryRow(app, "elderly_care").parentKey == nil)

            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var resident = Browser(app)
            #expect(try await resident.get("/r/\(grid.code)").body.string.contains("value=\"city_appearance.graffiti\""))
            let reported = try await Self.report(app, category: "city_appearance.graffiti")
            #expect(reported.row?.departmentKey == "community_police")
            #expect(try await Self.audited(app, "case.category.add") == 3)
            #expect(try await Self.audited(app, "case.department.add") == 2)
        }
    }

    @Test("only the administrator and leaders reach the setup pages; categories need a district account", arguments: TestDatabase.enabled)
    func access(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            for who in ["security", "auditor", "operator", "gridworker", "proxy", "department", "resident"] {
                var b = try await Browser.login(app, as: who)
                for path in ["/cases/setup/categories", Self.categoryURL, "/cases/setup/departments", "/cases/setup/routes"] {
                    #expect(try await b.get(path).status == .forbidden, "\(who) GET \(path)")
                }
                #expect(try await b.post(Self.categoryURL + "/active", form: ["active": "0"]).status == .forbidden, "\(who) deactivates")
                #expect(!(try await b.get("/account").body.string.contains("/cases/setup/")), "\(who) has no setup link")
            }
            #expect(try await Self.categoryRow(app).active)
            var nobody = Browser(app)
            #expect(try await nobody.get("/cases/setup/routes").headers.first(name: .location)?.hasPrefix("/login") == true)

            // A leader bound to a street keeps that street's rules, but not the shared categories.
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            let street = try #require(try await UnitRepository(app.db).find(grid.ancestorIDs[1], in: .everything))
            let hash = try await app.password.async.hash(DemoCommand.demoPassword)
            _ = try await AccountRepository(app.db).create(
                username: "streetlead", displayName: "街道领导", passwordHash: hash, role: .leader,
                unitID: street.id, mustChangePassword: false)
            var lead = try await Browser.login(app, as: "streetlead")
            #expect(try await lead.get("/cases/setup/categories").status == .forbidden)
            let routes = try await lead.get("/cases/setup/routes")
            #expect(routes.status == .ok && routes.body.string.contains(street.name))
            let district = try #require(try await UnitRepository(app.db).find(code: WebFixture.districtCode, in: .everything))
            #expect(!routes.body.string.contains("value=\"\(district.id.uuidString)\""), "the district is outside the street's scope")
            #expect(
                try await lead.post("/cases/setup/routes", form: ["category": Self.category, "unit": district.id.uuidString, "department": "police"])
                    .status == .unprocessableEntity)
            #expect(
                try await lead.post("/cases/setup/routes", form: ["category": Self.category, "unit": grid.id.uuidString, "department": "police"])
                    .status == .seeOther)
            // The district's rule is not the street leader's to see or delete.
            let theirs = try await CaseSetupRepository(app.db).setRule(category: Self.category, unit: district.id, department: "housing", in: .everything)
            #expect(!(try await lead.get("/cases/setup/routes").body.string.contains(theirs.rule.id.uuidString)))
            #expect(try await lead.post("/cases/setup/routes/\(theirs.rule.id)/delete", form: [:]).status == .notFound)
        }
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let w = self else { return nil }
        return try await transform(w)
    }
}

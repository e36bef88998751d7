import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Pages in Chinese: tree, residents, coverage, import/export, security headers")
struct PagesTests {
    @Test("a leader drills down from the district to a grid", arguments: TestDatabase.enabled)
    func drillDown(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let district = try await WebFixture.unit(app, WebFixture.districtCode)
            let street = try await WebFixture.unit(app, "110199001")
            let community = try await WebFixture.unit(app, "110199001001")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let totals = try await CoverageRepository(app.db).totals(in: .everything)
            // MUT
            let start = try await b.get("/units")
            let districtPage = try await b.get("/units/\(district.id.uuidString)")
            let streetPage = try await b.get("/units/\(street.id.uuidString)")
            let communityPage = try await b.get("/units/\(community.id.uuidString)")
            let gridPage = try await b.get("/units/\(grid.id.uuidString)")
            // validate
            #expect(start.status == .seeOther)
            #expect(start.headers.first(name: .location) == "/units/\(district.id.uuidString)")
            for (page, child) in [(districtPage, street), (streetPage, community), (communityPage, grid)] {
                let html = page.body.string
                #expect(page.status == .ok)
                #expect(html.contains("<html lang=\"zh-CN\">"))
                #expect(html.contains("网格") && html.contains("户数") && html.contains("人口"))
                #expect(html.contains("<svg class=\"map\""), "a map of the children")
                #expect(html.contains("href=\"/units/\(child.id.uuidString)\""), "a link down to \(child.name)")
                #expect(html.contains(child.name))
            }
            #expect(districtPage.body.string.contains(WebFixture.grouped(totals[district.id]!.households)))
            #expect(districtPage.body.string.contains(WebFixture.grouped(totals[district.id]!.residents)))
            #expect(communityPage.body.string.contains("仅 2 人"), "the understaffed grid is flagged among its siblings")
            let html = gridPage.body.string
            #expect(gridPage.status == .ok)
            #expect(html.contains(grid.name) && html.contains(UnitCode.display(grid.code)))
            #expect(html.contains("网格团队") && html.contains("本网格不足 3 人"))
            #expect(html.contains("href=\"/units/\(community.id.uuidString)\""), "breadcrumbs lead back up")
            #expect(html.matches(WebFixture.maskedIDPattern))
            #expect(!html.matches(WebFixture.fullIDPattern))
        }
    }

    @Test("resident search finds people by name prefix and exactly one by a whole ID number", arguments: TestDatabase.enabled)
    func residentSearch(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let people = ResidentRepository(app.db, cipher: app.keys.cipher)
            let someone = try #require(try await people.search(nil, limit: 50, in: .everything).rows.first { $0.idNumber != nil })
            let id = try #require(someone.idNumber)
            let surname = String(someone.name.prefix(1))
            let expected = try await people.search(surname, limit: 1, in: .everything).total
            #expect(expected >= 1)
            // MUT
            let byName = try await b.get("/residents?q=\(WebFixture.percentEncoded(surname))")
            let byID = try await b.get("/residents?q=\(id)")
            let nobody = try await b.get("/residents?q=\(WebFixture.percentEncoded("不存在的人"))")
            let tooLong = try await b.get("/residents?q=\(String(repeating: "9", count: 51))")
            // validate
            #expect(byName.status == .ok)
            #expect(byName.body.string.contains("共 \(expected) 人"))
            #expect(byName.body.string.contains(someone.name) || expected > 30)
            #expect(byID.status == .ok)
            #expect(byID.body.string.contains("共 1 人"))
            #expect(byID.body.string.contains("href=\"/residents/\(someone.id.uuidString)\""))
            #expect(byID.body.string.contains(Mask.idNumber(id)))
            #expect(nobody.body.string.contains("共 0 人"))
            #expect(tooLong.status == .badRequest)
            // 尾号: four digits find every phone ending in them, and only those.
            let phone = try #require(try await people.search(nil, limit: 50, in: .everything).rows.compactMap(\.phone).first)
            let tail = String(phone.suffix(4))
            let byTail = try await people.search(tail, limit: 500, in: .everything)
            let sql = try #require(app.db as? any SQLDatabase)
            let expectedTail = try await sql.raw("SELECT id FROM residents WHERE phone LIKE \(bind: "%" + tail)").all().map { try $0.decode(column: "id", as: UUID.self) }.sorted()
            #expect(byTail.rows.map(\.id).sorted() == expectedTail && !expectedTail.isEmpty && byTail.total == expectedTail.count)
            let page = try await b.get("/residents?q=\(tail)")
            #expect(page.body.string.contains("共 \(expectedTail.count) 人") && !page.body.string.contains(phone))
        }
    }

    @Test("a resident's page shows ID number and phone masked", arguments: TestDatabase.enabled)
    func residentPage(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "gridworker")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            let person = try #require(
                try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, gridID: grid.id, limit: 100, in: .everything).rows
                    .first { $0.idNumber != nil && $0.phone != nil && $0.householdID != nil })
            // MUT
            let page = try await b.get("/residents/\(person.id.uuidString)")
            let household = try await b.get("/households/\(person.householdID!.uuidString)")
            // validate
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains(person.name))
            #expect(html.contains(Mask.idNumber(person.idNumber!)) && !html.contains(person.idNumber!))
            #expect(html.contains(Mask.phone(person.phone!)) && !html.contains(person.phone!))
            #expect(html.contains("身份证号和电话已脱敏显示"))
            #expect(household.status == .ok)
            #expect(household.body.string.contains(person.name))
        }
    }

    @Test(
        "the coverage page lists residents without a household, the building outside the grids and the understaffed grid",
        arguments: TestDatabase.enabled)
    func coveragePage(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let report = try await CoverageRepository(app.db).report(in: .everything)
            let orphan = try #require(report.buildingsOutsideGrids.first)
            // MUT
            let page = try await b.get("/coverage")
            // validate
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("存在未覆盖项"))
            #expect(html.contains("未入户的人员 (\(report.residentsWithoutHouseholdCount))"))
            #expect(html.contains("<h2>不足 3 人的网格 (1)</h2>"))
            #expect(html.contains(">\(WebFixture.ownGridCode)</a>"), "the understaffed grid is listed with a link")
            #expect(html.contains("<h2>不在网格内的楼栋 (1)</h2>") && html.contains("<td>\(orphan.label)</td>"))
            #expect(!html.contains("<h2>无团队的网格"), "every demo grid has a team")
        }
    }

    @Test("the page's import with progress: JSON lines of rows done, then the page's content, refusals included", arguments: TestDatabase.enabled)
    func importProgress(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            _ = try await b.get("/data")
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            let before = try await WebFixture.count(app, "residents")
            let progress = ["X-Import-Progress": "1"]
            // MUT
            let good = try await b.upload(
                "/data", fields: ["kind": "residents"], file: "file", filename: "居民.csv",
                content: Array(WebFixture.goodResidents(household: household).utf8), headers: progress)
            let bad = try await b.upload(
                "/data", fields: ["kind": "residents"], file: "file", filename: "居民.csv",
                content: Array(WebFixture.badResidents(household: household).utf8), headers: progress)
            let noFile = try await b.upload("/data", fields: ["kind": "residents"], file: "other", filename: "x.csv", content: Array("a\n".utf8))
            // validate
            func lines(_ res: TestingHTTPResponse) -> [[String: Any]] {
                res.body.string.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }
            #expect(good.status == .ok && good.headers.contentType?.type == "application" && good.headers.contentType?.subType == "x-ndjson")
            let goodLines = lines(good), badLines = lines(bad)
            #expect(goodLines.contains { $0["done"] as? Int == 1 && $0["total"] as? Int == 1 }, "the last count before the result: \(goodLines)")
            #expect(goodLines.last?["status"] as? Int == 200)
            #expect((goodLines.last?["main"] as? String)?.contains("居民导入完成:新增 1 条,更新 0 条") == true)
            #expect(try await WebFixture.count(app, "residents") == before + 1)
            #expect(badLines.last?["status"] as? Int == 422)
            #expect((badLines.last?["main"] as? String)?.contains("导入未执行:发现 3 处问题") == true)
            #expect(noFile.status == .badRequest && noFile.body.string.contains("请选择要导入的文件"))
        }
    }

    @Test("an upload full of mistakes answers 422 with row numbers and writes nothing; a good one is done", arguments: TestDatabase.enabled)
    func importPage(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            let form = try await b.get("/data")
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            let before = try await WebFixture.count(app, "residents")
            // MUT
            let bad = try await b.upload(
                "/data", fields: ["kind": "residents"], file: "file", filename: "居民.csv",
                content: Array(WebFixture.badResidents(household: household).utf8))
            let afterBad = try await WebFixture.count(app, "residents")
            let good = try await b.upload(
                "/data", fields: ["kind": "residents"], file: "file", filename: "居民.csv",
                content: [0xEF, 0xBB, 0xBF] + Array(WebFixture.goodResidents(household: household).utf8))
            let unknownKind = try await b.upload("/data", fields: ["kind": "cats"], file: "file", filename: "x.csv", content: Array("a\n1\n".utf8))
            let link = try #require(bad.body.string.firstMatch(of: /href="(\/data\/problems\/[0-9A-F-]+\.csv)"/)?.1)
            let list = try await b.get(String(link))
            var other = try await Browser.login(app, as: "gridworker")
            let notTheirs = try await other.get(String(link))
            // validate
            #expect(form.status == .ok && form.body.string.contains("enctype=\"multipart/form-data\""))
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("导入未执行:发现 3 处问题"))
            #expect(html.contains("<td>3</td><td>身份证号</td>"))
            #expect(html.contains("<td>4</td><td>联系电话</td>"))
            #expect(html.contains("<td>5</td><td>与户主关系</td>"))
            #expect(afterBad == before)
            #expect(good.status == .ok)
            #expect(good.body.string.contains("居民导入完成:新增 1 条,更新 0 条"))
            #expect(try await WebFixture.count(app, "residents") == before + 1)
            #expect(unknownKind.status == .unprocessableEntity)
            #expect(list.status == .ok && list.body.string.contains("行,列,问题") && list.body.string.contains("3,身份证号,"), "the whole list as CSV")
            let undoPath = try #require(good.body.string.firstMatch(of: /action="(\/data\/batches\/[0-9A-F-]+\/undo)"/)?.1)
            _ = try await b.get("/data")
            let undone = try await b.post(String(undoPath), form: [:])
            let after = try await b.get("/data")
            #expect(undone.status == .seeOther && after.body.string.contains(L10n.t("import.undo.done", 1)))
            #expect(try await WebFixture.count(app, "residents") == before, "the import's resident is gone again")
            #expect(after.body.string.contains("已于 ") && !after.body.string.contains(String(undoPath)), "and the batch says it was undone")
            #expect(notTheirs.status == .notFound, "only for the account that ran the import")
        }
    }

    @Test("the export link returns CSV with a BOM, masked", arguments: TestDatabase.enabled)
    func exportLink(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let page = try await b.get("/data")
            // MUT
            let res = try await b.get("/data/export/residents.csv")
            let notAKind = try await b.get("/data/export/boundaries.csv")
            // validate
            #expect(page.body.string.contains("href=\"/data/export/residents.csv\""))
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.subType == "csv")
            #expect(res.headers.first(name: "Content-Disposition")?.contains("attachment") == true)
            #expect(Array(res.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: res.bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix(WebFixture.residentHeader.replacingOccurrences(of: "身份证号,", with: "身份证号,其他证件号,")))
            #expect(text.matches(WebFixture.maskedIDPattern) && !text.matches(WebFixture.fullIDPattern))
            #expect(notAKind.status == .notFound)
            // Streamed a page at a time: every resident once, and the audit entry counted them before the first byte.
            let sql = try #require(app.db as? any SQLDatabase)
            let residents = try await sql.raw("SELECT COUNT(*) AS n FROM residents").first()?.decode(column: "n", as: Int.self) ?? 0
            #expect(text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == residents + 1 && residents > 2000)
            let entry = try await sql.raw("SELECT detail FROM audit_log WHERE action = 'export' ORDER BY seq DESC LIMIT 1").first()?.decode(column: "detail", as: String.self)
            #expect(entry?.contains("rows=\(residents)") == true, "\(entry ?? "no entry")")
        }
    }

    @Test("a form post without the CSRF token is refused and changes nothing", arguments: TestDatabase.enabled)
    func csrf(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "admin")
            try await b.get("/units")
            let before = try await WebFixture.count(app, "residents")
            let household = try #require(try await PlaceRepository(app.db).households(limit: 1, in: .everything).rows.first?.number)
            // MUT
            let logout = try await b.post("/logout", form: [:], csrf: false)
            let forged = try await b.post("/logout", form: ["_csrf": "forged"], csrf: false)
            let stillIn = try await b.get("/units")
            let upload = try await b.upload(
                "/data", fields: ["kind": "residents"], file: "file", filename: "r.csv",
                content: Array(WebFixture.goodResidents(household: household).utf8), csrf: false)
            let realLogout = try await b.post("/logout", form: [:])
            let out = try await b.get("/units")
            // validate
            #expect(logout.status == .forbidden)
            #expect(logout.body.string.contains("页面已过期"))
            #expect(forged.status == .forbidden)
            #expect(stillIn.status == .seeOther && stillIn.headers.first(name: .location)?.hasPrefix("/units/") == true, "still logged in")
            #expect(upload.status == .forbidden)
            #expect(try await WebFixture.count(app, "residents") == before)
            #expect(realLogout.status == .seeOther)
            #expect(out.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test("pages carry a strict CSP without inline code, no-store, and use no inline script or style", arguments: TestDatabase.enabled)
    func securityHeaders(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var b = try await Browser.login(app, as: "leader")
            let grid = try await WebFixture.unit(app, WebFixture.ownGridCode)
            // MUT
            let pages = [
                try await b.get("/login"), try await b.get("/units/\(grid.id.uuidString)"), try await b.get("/coverage"),
                try await b.get("/residents"), try await b.get("/data"),
            ]
            let css = try await b.get("/assets/app.css")
            let js = try await b.get("/assets/app.js")
            let missingAsset = try await b.get("/assets/nothing.css")
            let cssAgain = try await b.get("/assets/app.css")
            let outside = try await b.get("/assets/%2E%2E%2Fapp.css")
            // validate
            for page in pages {
                let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                #expect(page.headers.cacheControl?.noStore == true)
                #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
                let html = page.body.string
                #expect(!html.contains(" style=\""), "inline styles would be blocked by the CSP")
                #expect(!html.matches(#"<script(?![^>]*\ssrc=)"#), "inline scripts would be blocked by the CSP")
                #expect(!html.matches(#"\son[a-z]+=""#), "event-handler attributes would be blocked by the CSP")
            }
            #expect(css.status == .ok)
            #expect(css.headers.contentType?.subType == "css")
            #expect(css.body.string.contains("{"))
            #expect(css.headers.cacheControl?.noStore != true)
            #expect(cssAgain.status == .ok && cssAgain.body.string == css.body.string, "the second answer comes from memory, the same")
            #expect(outside.status == .notFound)
            #expect(js.status == .ok)
            #expect(missingAsset.status == .notFound)
        }
    }

    @Test("an unknown page is a 404 in Chinese", arguments: TestDatabase.enabled)
    func notFound(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            var anonymous = Browser(app)
            var b = try await Browser.login(app, as: "leader")
            // MUT
            let unknown = try await b.get("/no-such-page")
            let badID = try await b.get("/units/not-a-uuid")
            let missing = try await b.get("/residents/\(UUID().uuidString)")
            let anonymousUnknown = try await anonymous.get("/no-such-page")
            // validate
            for res in [unknown, badID, missing, anonymousUnknown] {
                #expect(res.status == .notFound)
                #expect(res.headers.contentType?.subType == "html")
                #expect(res.body.string.contains("未找到"))
                #expect(res.body.string.contains("返回首页"))
            }
        }
    }

    @Test("roles that do not work with the register cannot open resident pages", arguments: TestDatabase.enabled)
    func registerPagesNeedTheRole(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let someone = try #require(try await ResidentRepository(app.db, cipher: app.keys.cipher).search(nil, limit: 1, in: .everything).rows.first)
            for username in ["department", "auditor"] {
                var b = try await Browser.login(app, as: username)
                // MUT
                let data = try await b.get("/data")
                let search = try await b.get("/residents?q=\(WebFixture.percentEncoded(String(someone.name.prefix(1))))")
                let record = try await b.get("/residents/\(someone.id.uuidString)")
                // validate
                #expect(data.status == .forbidden, "\(username) /data")
                #expect(search.status == .forbidden, "\(username) may not search residents (Role.readsRegister is false)")
                #expect(record.status == .forbidden, "\(username) may not open a resident's record")
                #expect(!record.body.string.contains(someone.name))
            }
        }
    }
}

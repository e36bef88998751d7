import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
import ZIPFoundation
@testable import WanggeWeb

@Suite("Monthly reports and downloads: provisional until frozen, scope, CSV and XLSX with the dashboard's numbers, red and yellow cards")
struct ReportWebTests {
    /// March 2020: before the demo's year of cases, so these two are the month's only cases.
    static let month = MeasureMonth(year: 2020, month: 3)!

    /// Two cases in the first street's first grid on 2020-03-03: one accepted and closed at once
    /// (on time), one left open, so it is overdue at the end of the month and now.
    static func cases(_ app: Application) async throws -> (street: UnitRow, other: UnitRow, open: CaseRow, closed: CaseRow) {
        let units = UnitRepository(app.db)
        let streets = try await units.all(in: .everything, level: .street).sorted { $0.code < $1.code }
        let grid = try #require(try await units.all(in: .subtree(of: streets[0]), level: .grid).sorted { $0.code < $1.code }.first)
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let op = CaseActor(id: nil, name: "王受理", role: .operator_)
        let at = SimpleDate(year: 2020, month: 3, day: 3)!.startOfDayInChina.addingTimeInterval(10 * 3600)
        let category = DashboardWebTests.category
        let closed = try await repo.intake(
            CaseIntake(categoryKey: category, channel: .hotline, title: "", description: "路边垃圾", gridID: grid.id), actor: op, at: at)
        let open = try await repo.intake(CaseIntake(categoryKey: category, channel: .qr, title: "", description: "楼道垃圾", gridID: grid.id), actor: .resident, at: at)
        for (i, step) in [CaseAction.accept(), .close(note: "已清理")].enumerated() {
            try await repo.apply(step, to: closed.id, actor: op, in: .everything, at: at.addingTimeInterval(60 + Double(i) * 60))
        }
        return (streets[0], streets[1], open, closed)
    }

    static func sheet(_ body: ByteBuffer, _ n: Int) throws -> String {
        let archive = try Archive(data: Data(body.readableBytesView), accessMode: .read)
        let entry = try #require(archive["xl/worksheets/sheet\(n).xml"])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("the report is marked provisional until the month freezes, then frozen; it holds the measures, charts, units and the month-end overdue list", arguments: TestDatabase.enabled)
    func report(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (street, _, open, closed) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let path = SiteURL.monthlyReport(street.id, month: Self.month.description).path
            // MUT
            let before = try await leader.get(path)
            try await MeasureMonths.freeze(Self.month, by: "测试员", at: app.clock.now(), on: app.db)
            let after = try await leader.get(path)
            // validate
            let b = before.body.string, a = after.body.string
            #expect(before.status == .ok && after.status == .ok)
            let provisional = String(L10n.t("report.provisional", "").prefix(3))
            #expect(b.contains(provisional) && !a.contains(provisional), "未冻结 until frozen")
            #expect(a.contains(HTML.escape(L10n.t("report.frozen", ChinaTime.formatMinutes(app.clock.now()), "测试员"))))
            #expect(a.contains(HTML.escape(L10n.t("report.heading", street.name, "2020-03"))))
            #expect(a.contains(HTML.escape(L10n.t("report.page_title", street.name, "2020-03"))), "the page's own title")
            // One of two due cases closed on time: 50.0 %, n = 2, with the formula beside it.
            #expect(a.contains("50.0 %") && a.contains(L10n.t("measure.n", 2)) && a.contains(HTML.escape(L10n.t("measure.on_time_closing.formula"))))
            #expect(a.contains("<svg") && a.contains("report-section"))
            // At the end of March the open case was overdue, the closed one not.
            #expect(a.contains(HTML.escape(L10n.t("report.overdue_intro", 1, ChinaTime.formatMinutes(SimpleDate(year: 2020, month: 4, day: 1)!.startOfDayInChina)))))
            #expect(a.contains(open.publicCode) && !a.contains(closed.publicCode))
            #expect(a.contains("format=xlsx") && a.contains("format=csv&amp;table=children"))
        }
    }

    @Test("a unit outside the viewer's scope is 404 for the page and the downloads; a bad month names the field", arguments: TestDatabase.enabled)
    func scope(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, other, _, _) = try await Self.cases(app)
            var op = try await Browser.login(app, as: "operator")
            let own = try await op.get(SiteURL.monthlyReport(street.id, month: "2020-03").path)
            let page = try await op.get(SiteURL.monthlyReport(other.id, month: "2020-03").path)
            let file = try await op.get(SiteURL.reportExport(other.id, format: "xlsx", period: MeasureQuery(month: "2020-03")).path)
            let bad = try await op.get(SiteURL.monthlyReport(street.id, month: "2020-13").path)
            let badTable = try await op.get(SiteURL.reportExport(street.id, format: "csv", table: "nope").path)
            #expect(own.status == .ok && page.status == .notFound && file.status == .notFound)
            #expect(bad.status == .badRequest && bad.body.string.contains("month"))
            #expect(badTable.status == .badRequest && badTable.body.string.contains("table"))
        }
    }

    @Test("downloads: the XLSX holds the measures as numbers equal to the API's, the CSV starts with a BOM", arguments: TestDatabase.enabled)
    func downloads(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, _, open, _) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let period = MeasureQuery(month: "2020-03")
            let xlsx = try await leader.get(SiteURL.reportExport(street.id, format: "xlsx", period: period).path)
            let csv = try await leader.get(SiteURL.reportExport(street.id, format: "csv", table: "overdue", period: period).path)
            let dash = try await leader.get(SiteURL.reportExport(street.id, format: "xlsx", of: "dashboard", period: period).path)
            #expect(xlsx.status == .ok && xlsx.headers.contentType?.description.contains("spreadsheetml") == true)
            #expect(xlsx.headers.first(name: "Content-Disposition")?.contains(".xlsx") == true)
            // Row 2 is 按期结案率: value 50, numerator 1, denominator 2, n 2, all numeric cells.
            let measures = try Self.sheet(xlsx.body, 1)
            #expect(measures.contains(#"<c r="B2"><v>50</v></c>"#) && measures.contains(#"<c r="D2"><v>1</v></c>"#))
            #expect(measures.contains(#"<c r="E2"><v>2</v></c>"#) && measures.contains(#"<c r="F2"><v>2</v></c>"#))
            let overdue = try Self.sheet(xlsx.body, 7)
            #expect(overdue.contains(open.publicCode))
            let text = Data(csv.body.readableBytesView)
            #expect(csv.status == .ok && text.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
            #expect(String(decoding: text, as: UTF8.self).contains(open.publicCode))
            // The dashboard's workbook ends with the cases overdue now and near their limit now.
            let overdueNow = try Self.sheet(dash.body, 7)
            let warningNow = try Self.sheet(dash.body, 8)
            #expect(dash.status == .ok && overdueNow.contains(open.publicCode) && !warningNow.contains(open.publicCode))
        }
    }

    @Test("the dashboard shows the red and yellow cards with counts, the first cases and the full lists", arguments: TestDatabase.enabled)
    func cards(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let (street, _, open, closed) = try await Self.cases(app)
            var leader = try await Browser.login(app, as: "leader")
            let page = try await leader.get(SiteURL.dashboard(street.id).path)
            let html = page.body.string
            #expect(page.status == .ok && html.contains(L10n.t("dashboard.cards.overdue")) && html.contains(L10n.t("dashboard.cards.warning")))
            // The open case of 2020 is the most overdue of the street: first on the red card.
            #expect(html.contains(open.publicCode) && !html.contains(closed.publicCode))
            #expect(html.contains("overdue=1") && html.contains("warning=1"))
            var search = CaseSearch()
            search.unit = street.id.uuidString
            search.from = "2020-03-01"
            search.to = "2020-03-31"
            search.warning = "1"
            let warning = try await leader.get(SiteURL.cases(queue: "all", search: search).path)
            #expect(warning.status == .ok && !warning.body.string.contains("楼道垃圾"), "an overdue case is not near its limit")
            search.warning = nil
            search.overdue = "1"
            let overdue = try await leader.get(SiteURL.cases(queue: "all", search: search).path)
            #expect(overdue.status == .ok && overdue.body.string.contains("楼道垃圾") && !overdue.body.string.contains("路边垃圾"))
        }
    }
}

import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("节假日与调休 on a screen, used by office-hour limits")
struct OfficeCalendarWebTests {
    static func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> Date {
        ChinaTime.calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min))!
    }

    /// A 居住证 request (office hours, respond in 2) made on Friday 4 December 2026 at 17:00.
    static func fridayEvening(_ app: Application) async throws -> CaseRow {
        try await CaseRepository(app.db, cipher: app.keys.cipher).intake(
            CaseIntake(categoryKey: "service.residence_permit", channel: .window, title: "", description: "办理居住证"),
            actor: CaseActor(id: nil, name: "窗口", role: .operator_), at: Self.at(2026, 12, 4, 17))
    }

    @Test("the year's calendar is shown and edited; a holiday entered moves office-hour deadlines; mistakes are named", arguments: TestDatabase.enabled)
    func editAndUse(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var leader = try await Browser.login(app, as: "leader")
            let before = try await Self.fridayEvening(app)
            // MUT
            let page = try await leader.get("/cases/setup/calendar?year=2026")
            let next = try await leader.get("/cases/setup/calendar?year=2027")
            let added = try await leader.post("/cases/setup/calendar", form: ["date": "2026-12-07", "kind": "holiday", "name": "区庆"])
            let after = try await Self.fridayEvening(app)
            let weekdayWorked = try await leader.post("/cases/setup/calendar", form: ["date": "2026-12-08", "kind": "workday", "name": "调休"])
            let noDate = try await leader.post("/cases/setup/calendar", form: ["date": "明天", "kind": "holiday", "name": "区庆"])
            let badYear = try await leader.get("/cases/setup/calendar?year=99999")
            var op = try await Browser.login(app, as: "operator")
            let refused = try await op.get("/cases/setup/calendar")
            _ = try await leader.get("/cases/setup/calendar?year=2026")
            let removed = try await leader.post("/cases/setup/calendar/2026-12-07/delete", form: [:])
            let again = try await leader.post("/cases/setup/calendar/2026-12-07/delete", form: [:])
            let restored = try await Self.fridayEvening(app)
            // validate
            #expect(page.status == .ok && page.body.string.contains("春节") && page.body.string.contains(L10n.t("calendar.summary", 33, 6)))
            #expect(next.body.string.contains(L10n.t("calendar.empty_year", 2027)), "a year not yet entered says what that means")
            #expect(added.status == .seeOther)
            #expect(before.respondBy == Self.at(2026, 12, 7, 10, 30))
            #expect(after.respondBy == Self.at(2026, 12, 8, 10, 30), "Monday 7 December is now a holiday")
            #expect(weekdayWorked.status == .unprocessableEntity && weekdayWorked.body.string.contains(L10n.t("calendar.workday_on_weekday", "2026-12-08")))
            #expect(noDate.status == .unprocessableEntity && noDate.body.string.contains(L10n.t("calendar.bad_date")))
            #expect(badYear.status == .badRequest)
            #expect(refused.status == .forbidden)
            #expect(removed.status == .seeOther && again.status == .notFound)
            #expect(restored.respondBy == before.respondBy)
            let audited = try await auditRows(app, action: "case.calendar.set") + (try await auditRows(app, action: "case.calendar.remove"))
            #expect(audited.map(\.object_id) == ["2026-12-07", "2026-12-07"])
        }
    }
}

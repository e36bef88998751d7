import Vapor
import WanggeCore
import WanggeStore

/// 节假日与调休: the days working-hour limits skip or count, edited per year by whoever configures
/// the case loop for the whole district. Every change is audited.
extension CaseSetupController {
    static func registerCalendar(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.caseSetupCalendar().pattern, use: calendar)
        pages.post(SiteURL.caseSetupCalendar().pattern, use: setCalendarDay)
        pages.post(SiteURL.caseSetupCalendarDelete("").pattern, use: removeCalendarDay)
    }

    struct CalendarForm: Content {
        var date: String?
        var kind: String?
        var name: String?
    }

    static func calendarYear(_ req: Request) throws -> Int {
        try req.queryInteger("year", in: OfficeCalendar.years, default: SimpleDate(req.now).year)
    }

    static func calendar(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        return try await calendarPage(req, year: try calendarYear(req), values: CalendarForm(), problems: [:], status: .ok)
    }

    static func calendarPage(_ req: Request, year: Int, values: CalendarForm, problems: CaseSetupPages.Problems, status: HTTPStatus) async throws -> Response {
        let days = try await OfficeCalendarRepository(req.db).year(year)
        let body = CaseSetupPages.calendar(
            year: year, days: days, values: (values.date ?? "", values.kind ?? CalendarDay.Kind.holiday.rawValue, values.name ?? ""),
            problems: problems, csrf: CSRF.token(req), notice: takeNotice(req))
        return try await render(req, body, title: L10n.t("calendar.title", year), status: status)
    }

    static func setCalendarDay(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let form = try req.content.decode(CalendarForm.self)
        let year = (form.date.flatMap { SimpleDate(iso: $0.trimmingSpaces()) }?.year).flatMap { OfficeCalendar.years.contains($0) ? $0 : nil } ?? SimpleDate(req.now).year
        do {
            guard let date = form.date.flatMap({ SimpleDate(iso: $0.trimmingSpaces()) }) else {
                throw ValidationFailure(problems: [FieldProblem("date", "calendar.bad_date")])
            }
            guard let kind = form.kind.flatMap(CalendarDay.Kind.init(rawValue:)) else {
                throw ValidationFailure(problems: [FieldProblem("kind", "calendar.bad_kind")])
            }
            let day = CalendarDay(date: date, kind: kind, name: form.name ?? "")
            _ = try await req.audited("case.calendar.set", object: "calendar_day") { db in
                try await OfficeCalendarRepository(db).set(day)
            } entry: { before in
                (date.description, AuditDetail(["kind": kind.rawValue, "name": day.name.trimmingSpaces(), "was": before.map { "\($0.kind.rawValue) \($0.name)" }]).text)
            }
            return saved(req, .caseSetupCalendar(year: date.year))
        } catch let failure as ValidationFailure {
            return try await calendarPage(req, year: year, values: form, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    static func removeCalendarDay(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        guard let date = req.parameters.get("id").flatMap(SimpleDate.init(iso:)) else { throw StoreError.notFound("calendar_day") }
        _ = try await req.audited("case.calendar.remove", object: "calendar_day") { db in
            guard let before = try await OfficeCalendarRepository(db).remove(date) else { throw StoreError.notFound("calendar_day") }
            return before
        } entry: { before in
            (date.description, AuditDetail(["was": "\(before.kind.rawValue) \(before.name)"]).text)
        }
        return saved(req, .caseSetupCalendar(year: date.year))
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The holidays and 调休 work days that working-hour limits count by, edited per year.
public struct OfficeCalendarRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    struct Row: Decodable {
        var day: String
        var kind: String
        var name: String

        var calendarDay: CalendarDay? {
            guard let date = SimpleDate(iso: day), let kind = CalendarDay.Kind(rawValue: kind) else { return nil }
            return CalendarDay(date: date, kind: kind, name: name)
        }
    }

    /// Every day set apart, in date order.
    public func all() async throws -> [CalendarDay] {
        try await sql.raw("SELECT day, kind, name FROM calendar_days ORDER BY day").all(decoding: Row.self).compactMap(\.calendarDay)
    }

    /// The days of one year, in date order.
    public func year(_ year: Int) async throws -> [CalendarDay] {
        let from = String(format: "%04d-01-01", year), to = String(format: "%04d-01-01", year + 1)
        return try await sql.raw("SELECT day, kind, name FROM calendar_days WHERE day >= \(bind: from) AND day < \(bind: to) ORDER BY day")
            .all(decoding: Row.self).compactMap(\.calendarDay)
    }

    /// The calendar limits are counted by: office hours with these days set apart. Small (a few
    /// dozen days a year), so it is read where a deadline is computed, and every instance agrees.
    public func working() async throws -> WorkingCalendar { OfficeCalendar.working(try await all()) }

    /// Sets a day apart, or changes what it is; returns what it was before. Checked by the rules.
    @discardableResult
    public func set(_ day: CalendarDay) async throws -> CalendarDay? {
        let day = CalendarDay(date: day.date, kind: day.kind, name: day.name.trimmingSpaces())
        let problems = OfficeCalendar.problems(day)
        guard problems.isEmpty else { throw ValidationFailure(problems: problems.map(FieldProblem.init)) }
        let key = day.date.description
        return try await db.transaction { tx in
            let sql = tx.sql
            let before = try await sql.raw("SELECT day, kind, name FROM calendar_days WHERE day = \(bind: key)").first(decoding: Row.self)?.calendarDay
            try await sql.raw("DELETE FROM calendar_days WHERE day = \(bind: key)").run()
            try await sql.insert(into: "calendar_days").columns("day", "kind", "name")
                .values(SQLBind(key), SQLBind(day.kind.rawValue), SQLBind(day.name)).run()
            return before
        }
    }

    /// Makes a day ordinary again; returns what it was, nil when it was not set apart.
    @discardableResult
    public func remove(_ date: SimpleDate) async throws -> CalendarDay? {
        let key = date.description
        guard let before = try await sql.raw("SELECT day, kind, name FROM calendar_days WHERE day = \(bind: key)").first(decoding: Row.self)?.calendarDay
        else { return nil }
        try await sql.raw("DELETE FROM calendar_days WHERE day = \(bind: key)").run()
        return before
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Keeps the venues a community offers to the communities of its street (阵地共建、资源共享) and
/// their calendar. A booking that overlaps one already made is refused; the venue's row is
/// written before the calendar is read, so two bookings of the same time cannot both pass the
/// check, on SQLite (the write lock) or PostgreSQL (the row lock until commit).
public struct VenueRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    static let select = "SELECT w.id, w.unit_id, u.name AS unit_name, w.name, w.place FROM venues w JOIN units u ON u.id = w.unit_id"

    static let bookingSelect = """
        SELECT b.id, b.venue_id, b.unit_id, w.name AS venue_name, u.name AS unit_name, b.title, b.starts_at, b.ends_at, b.booked_by \
        FROM venue_bookings b JOIN venues w ON w.id = b.venue_id JOIN units u ON u.id = b.unit_id
        """

    public func add(name: String, place: String, to unitID: UUID, by who: String, at now: Date, in scope: Scope) async throws -> Venue {
        let volunteers = VolunteerRepository(db)
        let unit = try await volunteers.community(unitID, in: scope)
        let (n, p) = try VolunteerRepository.checked { () throws(OpennessProblem) -> (String, String) in
            (try VolunteerRules.text(name, field: "name", max: 40), try VolunteerRules.text(place, field: "place", max: 100))
        }
        let venue = Venue(id: UUID(), unitID: unit.id, unitName: unit.name, name: n, place: p)
        let area = try await volunteers.areaPath(of: unit)
        try await sql.raw(
            """
            INSERT INTO venues (id, unit_id, area_path, name, place, lock_seq, created_by, created_at) \
            VALUES (\(bind: venue.id), \(bind: unit.id), \(bind: area), \(bind: n), \(bind: p), 0, \(bind: who), \(bind: now))
            """
        ).run()
        return venue
    }

    /// The venues of a community's street, its own first.
    public func venues(for unitID: UUID, in scope: Scope) async throws -> [Venue] {
        let volunteers = VolunteerRepository(db)
        let unit = try await volunteers.community(unitID, in: scope)
        let area = try await volunteers.areaPath(of: unit)
        return try await sql.raw(
            """
            \(unsafeRaw: Self.select) WHERE w.area_path = \(bind: area) \
            ORDER BY CASE WHEN w.unit_id = \(bind: unit.id) THEN 0 ELSE 1 END, u.name, w.name, w.id
            """
        ).all(decoding: Venue.self)
    }

    /// A venue the scope sees: of its street, or of a street inside it.
    public func get(_ id: UUID, in scope: Scope) async throws -> Venue {
        guard
            let v = try await sql.raw(
                "\(unsafeRaw: Self.select) WHERE w.id = \(bind: id) AND (\(scope.condition("w.unit_id")) OR \(VolunteerRepository.sharedCondition("w.area_path", scope)))"
            ).first(decoding: Venue.self)
        else { throw StoreError.notFound("venue") }
        return v
    }

    /// Books a venue for a community of the scope (of the venue's street), or refuses naming the
    /// booking it would overlap.
    public func book(
        _ venueID: UUID, for unitID: UUID, title: String, day: String, start: String, end: String, by who: String, at now: Date, in scope: Scope
    ) async throws -> VenueBooking {
        try await db.transaction { tx in
            try await StoreSetup.takeWriteLock(on: tx.sql)
            try await tx.sql.raw("UPDATE venues SET lock_seq = lock_seq + 1 WHERE id = \(bind: venueID)").run()
            let repo = VenueRepository(tx)
            let venue = try await repo.get(venueID, in: scope)
            let unit = try await VolunteerRepository(tx).community(unitID, in: scope)
            let (t, slot) = try VolunteerRepository.checked { () throws(OpennessProblem) -> (String, DaySlot) in
                (try VolunteerRules.text(title, field: "title", max: 60), try DaySlot.parse(day: day, start: start, end: end))
            }
            let booked = try await repo.bookings(of: venue.id, on: slot.day)
            if let i = VenueCalendar.conflict(slot, with: booked.map(\.slot)) {
                throw StoreError(.invalid, "venue.overlap", [booked[i].slot.text, booked[i].unitName, booked[i].title], field: "start")
            }
            let id = UUID()
            try await tx.sql.raw(
                """
                INSERT INTO venue_bookings (id, venue_id, unit_id, title, starts_at, ends_at, booked_by, created_at) \
                VALUES (\(bind: id), \(bind: venue.id), \(bind: unit.id), \(bind: t), \(bind: slot.startKey), \(bind: slot.endKey), \(bind: who), \(bind: now))
                """
            ).run()
            return VenueBooking(id: id, venueID: venue.id, unitID: unit.id, venueName: venue.name, unitName: unit.name, title: t, slot: slot, bookedBy: who)
        }
    }

    func bookings(of venueID: UUID, on day: String) async throws -> [VenueBooking] {
        try await sql.raw("\(unsafeRaw: Self.bookingSelect) WHERE b.venue_id = \(bind: venueID) AND b.cancelled_at IS NULL AND b.starts_at LIKE \(bind: day + "T%") ORDER BY b.starts_at")
            .all(decoding: VenueBooking.Stored.self).map(\.row)
    }

    /// The calendar of the venues of a community's street from `from` (a day) for `days` days.
    public func calendar(for unitID: UUID, from day: String, through last: String, in scope: Scope) async throws -> [VenueBooking] {
        let ids = try await venues(for: unitID, in: scope).map(\.id)
        guard !ids.isEmpty else { return [] }
        return try await sql.raw(
            """
            \(unsafeRaw: Self.bookingSelect) WHERE b.venue_id IN (\(binds: ids)) AND b.cancelled_at IS NULL AND b.starts_at >= \(bind: day) AND b.starts_at < \(bind: last + "U") \
            ORDER BY b.starts_at, w.name, b.id
            """
        ).all(decoding: VenueBooking.Stored.self).map(\.row)
    }

    /// Cancels a booking of one of the scope's communities: its time is free again. The booking
    /// stays, marked with who cancelled it and when.
    public func cancel(_ bookingID: UUID, by who: String, at now: Date, in scope: Scope) async throws -> VenueBooking {
        guard
            let booking = try await sql.raw(
                "\(unsafeRaw: Self.bookingSelect) WHERE b.id = \(bind: bookingID) AND b.cancelled_at IS NULL AND \(scope.condition("b.unit_id"))"
            ).first(decoding: VenueBooking.Stored.self)?.row
        else { throw StoreError.notFound("booking") }
        try await sql.raw(
            "UPDATE venue_bookings SET cancelled_by = \(bind: who), cancelled_at = \(bind: now) WHERE id = \(bind: booking.id) AND cancelled_at IS NULL"
        ).run()
        return booking
    }
}

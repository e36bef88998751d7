import Foundation
import WanggeCore

/// A volunteer team of a community, with how many volunteers it has.
public struct VolunteerTeam: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var name: String
    public var leader: String
    public var members: Int

    enum CodingKeys: String, CodingKey { case id, name, leader, members, unitID = "unit_id" }
}

/// A volunteer: a resident of the register (linked, their details stay in the register) or an
/// outsider with a name and a phone. `phone` is as stored; pages show it masked.
public struct Volunteer: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var teamID: UUID
    public var teamName: String
    public var residentID: UUID?
    public var name: String
    public var phone: String?
    public var minutes: Int
    public var points: Int

    enum CodingKeys: String, CodingKey {
        case id, name, phone, minutes, points
        case unitID = "unit_id", unitName = "unit_name", teamID = "team_id", teamName = "team_name", residentID = "resident_id"
    }

    static let select = """
        SELECT v.id, v.unit_id, u.name AS unit_name, v.team_id, t.name AS team_name, v.resident_id, v.name, v.phone, \
        CAST(COALESCE((SELECT SUM(r.minutes) FROM volunteer_records r WHERE r.volunteer_id = v.id AND r.kind IN ('hours', 'correction')), 0) AS BIGINT) AS minutes, \
        COALESCE((SELECT p.balance FROM volunteer_points p WHERE p.volunteer_id = v.id AND p.seq = v.ledger_seq), 0) AS points \
        FROM volunteers v JOIN units u ON u.id = v.unit_id JOIN volunteer_teams t ON t.id = v.team_id
        """
}

/// An activity, organised by a community; a shared one (活动共办) is open to the volunteers of
/// every community of the organiser's street.
public struct VolunteerActivity: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var title: String
    public var place: String
    public var slot: DaySlot
    public var capacity: Int
    public var taken: Int
    public var shared: Bool
    /// The path of the organiser's street, whose communities a shared activity is open to.
    public var areaPath: String

    struct Stored: Decodable {
        var id: UUID
        var unit_id: UUID
        var unit_name: String
        var area_path: String
        var title: String
        var place: String
        var starts_at: String
        var ends_at: String
        var capacity: Int
        var taken: Int
        var shared: Bool

        var row: VolunteerActivity {
            VolunteerActivity(
                id: id, unitID: unit_id, unitName: unit_name, title: title, place: place,
                slot: DaySlot(startKey: starts_at, endKey: ends_at) ?? DaySlot(day: String(starts_at.prefix(10)), start: 0, end: 0), capacity: capacity,
                taken: taken, shared: shared, areaPath: area_path)
        }
    }

    static let select = """
        SELECT a.id, a.unit_id, u.name AS unit_name, a.area_path, a.title, a.place, a.starts_at, a.ends_at, a.capacity, a.taken, a.shared \
        FROM volunteer_activities a JOIN units u ON u.id = a.unit_id
        """
}

/// One volunteer signed up to an activity, with the hours recorded for it (after corrections).
public struct ActivitySignup: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var volunteerID: UUID
    public var name: String
    public var unitName: String
    public var state: SignupState
    public var checkedInAt: Date?
    public var hoursRecordID: UUID?
    public var minutes: Int

    enum CodingKeys: String, CodingKey {
        case id, name, state, minutes
        case volunteerID = "volunteer_id", unitName = "unit_name", checkedInAt = "checked_in_at", hoursRecordID = "hours_record_id"
    }
}

/// One entry of a volunteer's record, as the unit that made it recorded it.
public struct VolunteerRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var volunteerID: UUID
    public var unitID: UUID
    public var unitName: String
    public var activityID: UUID?
    public var activityTitle: String?
    public var kind: VolunteerRecordKind
    public var day: String
    public var minutes: Int
    public var text: String
    public var correctsID: UUID?
    public var recordedBy: String
    public var recordedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, day, minutes, text
        case volunteerID = "volunteer_id", unitID = "unit_id", unitName = "unit_name", activityID = "activity_id", activityTitle = "activity_title"
        case correctsID = "corrects_id", recordedBy = "recorded_by", recordedAt = "recorded_at"
    }

    static let select = """
        SELECT r.id, r.volunteer_id, r.unit_id, u.name AS unit_name, r.activity_id, a.title AS activity_title, r.kind, r.day, r.minutes, r.text, \
        r.corrects_id, r.recorded_by, r.recorded_at \
        FROM volunteer_records r JOIN units u ON u.id = r.unit_id LEFT JOIN volunteer_activities a ON a.id = r.activity_id
        """
}

/// One line of the points ledger: what changed the balance, by how much, and the balance after.
public struct PointsEntry: Codable, Sendable, Equatable {
    public var seq: Int
    public var delta: Int
    public var balance: Int
    public var kind: String
    public var note: String
    public var ruleVersion: String
    public var recordedBy: String
    public var recordedAt: Date

    enum CodingKeys: String, CodingKey {
        case seq, delta, balance, kind, note
        case ruleVersion = "rule_version", recordedBy = "recorded_by", recordedAt = "recorded_at"
    }
}

/// A certificate as issued: who, by which unit, the hours by activity at that moment, and the
/// code a public page checks it by.
public struct VolunteerCertificate: Sendable, Equatable, Identifiable {
    public struct Line: Codable, Sendable, Equatable {
        public var title: String
        public var day: String
        public var minutes: Int

        public init(title: String, day: String, minutes: Int) { (self.title, self.day, self.minutes) = (title, day, minutes) }
    }

    public var id: UUID
    public var code: String
    public var volunteerID: UUID
    public var unitID: UUID
    public var name: String
    public var unitName: String
    public var totalMinutes: Int
    public var lines: [Line]
    public var issuedBy: String
    public var issuedAt: Date

    struct Stored: Decodable {
        var id: UUID
        var code: String
        var volunteer_id: UUID
        var unit_id: UUID
        var name: String
        var unit_name: String
        var total_minutes: Int
        var lines: String
        var issued_by: String
        var issued_at: Date

        var row: VolunteerCertificate {
            VolunteerCertificate(
                id: id, code: code, volunteerID: volunteer_id, unitID: unit_id, name: name, unitName: unit_name, totalMinutes: total_minutes,
                lines: (try? JSONDecoder().decode([Line].self, from: Data(lines.utf8))) ?? [], issuedBy: issued_by, issuedAt: issued_at)
        }
    }

    static let select = "SELECT id, code, volunteer_id, unit_id, name, unit_name, total_minutes, lines, issued_by, issued_at FROM volunteer_certificates"
}

/// A venue (阵地) a community offers to the communities of its street, and one booking of it.
public struct Venue: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var name: String
    public var place: String

    enum CodingKeys: String, CodingKey { case id, name, place, unitID = "unit_id", unitName = "unit_name" }
}

public struct VenueBooking: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var venueID: UUID
    /// The community that booked it (and alone may cancel it).
    public var unitID: UUID
    public var venueName: String
    public var unitName: String
    public var title: String
    public var slot: DaySlot
    public var bookedBy: String

    struct Stored: Decodable {
        var id: UUID
        var venue_id: UUID
        var unit_id: UUID
        var venue_name: String
        var unit_name: String
        var title: String
        var starts_at: String
        var ends_at: String
        var booked_by: String

        var row: VenueBooking {
            VenueBooking(
                id: id, venueID: venue_id, unitID: unit_id, venueName: venue_name, unitName: unit_name, title: title,
                slot: DaySlot(startKey: starts_at, endKey: ends_at) ?? DaySlot(day: String(starts_at.prefix(10)), start: 0, end: 0), bookedBy: booked_by)
        }
    }
}

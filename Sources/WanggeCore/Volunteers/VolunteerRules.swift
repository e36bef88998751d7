import Foundation

/// What a volunteer's record holds besides hours, as the Ministry of Civil Affairs' rules on
/// volunteer records (志愿服务记录与证明出具办法) list them: service hours, training, awards and
/// evaluation. A correction is a record of its own that points at the hours it corrects: nothing
/// recorded is ever edited.
public enum VolunteerRecordKind: String, Sendable, Codable, CaseIterable {
    case hours, training, award, evaluation, correction
    public var nameKey: String { "volunteer.record.\(rawValue)" }
}

/// The grades an organiser gives a volunteer's service (服务评价).
public enum VolunteerGrade: String, Sendable, Codable, CaseIterable {
    case excellent, good, pass, fail
    public var nameKey: String { "volunteer.grade.\(rawValue)" }
}

/// A half-open time span of one day, `start..<end` in minutes after midnight: an activity's time
/// or a venue booking. Two spans meet without overlapping when one ends as the other starts.
public struct DaySlot: Sendable, Equatable, Hashable {
    public var day: String
    public var start: Int
    public var end: Int

    /// Bookings and activities are made in steps of a quarter hour.
    public static let step = 15

    public init(day: String, start: Int, end: Int) { (self.day, self.start, self.end) = (day, start, end) }

    /// "09:30" as 570 minutes; "24:00" is the end of the day. Nil for anything else.
    public static func minutes(_ raw: String) -> Int? {
        let parts = raw.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...59).contains(m) else { return nil }
        let total = h * 60 + m
        return (0...24 * 60).contains(total) ? total : nil
    }

    /// 570 as "09:30".
    public static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// A span checked: a real day, both times on the quarter hour, the end after the start.
    public static func parse(day: String, start: String, end: String) throws(OpennessProblem) -> DaySlot {
        let day = day.trimmingCharacters(in: .whitespaces)
        guard SimpleDate(iso: day) != nil, day.count == 10 else { throw .invalid("log.bad_day", field: "day") }
        guard let s = minutes(start), s < 24 * 60, s % step == 0 else { throw .invalid("volunteer.bad_time", field: "start") }
        guard let e = minutes(end), e % step == 0 else { throw .invalid("volunteer.bad_time", field: "end") }
        guard e > s else { throw .invalid("volunteer.end_before_start", field: "end") }
        return DaySlot(day: day, start: s, end: e)
    }

    /// Whether the two spans share a minute: same day, each starting before the other ends.
    public func overlaps(_ other: DaySlot) -> Bool { day == other.day && start < other.end && other.start < end }

    /// The stored, sortable form of the start and end: "2026-12-01T09:30"; "24:00" stays as is,
    /// which still sorts after every time of that day.
    public var startKey: String { "\(day)T\(Self.clock(start))" }
    public var endKey: String { "\(day)T\(Self.clock(end))" }

    /// A stored pair back, when both are of one day.
    public init?(startKey: String, endKey: String) {
        let a = startKey.split(separator: "T"), b = endKey.split(separator: "T")
        guard a.count == 2, b.count == 2, a[0] == b[0], let s = Self.minutes(String(a[1])), let e = Self.minutes(String(b[1])) else { return nil }
        self.init(day: String(a[0]), start: s, end: e)
    }

    public var minutes: Int { end - start }
    /// "2026-12-01 09:00–11:30".
    public var text: String { "\(day) \(Self.clock(start))–\(Self.clock(end))" }
}

/// Service hours as the organiser records them: whole half hours of service actually given, at
/// most 12 hours for one activity (travel is not service time). A span that is not a whole
/// number of half hours is rounded down: a half hour begun is not a half hour served.
public enum VolunteerHours {
    public static let stepMinutes = 30
    public static let maxMinutes = 12 * 60

    /// The minutes credited for a span of `minutes` served: rounded down to the half hour, capped.
    public static func credited(_ minutes: Int) -> Int { min(max(minutes, 0) / stepMinutes * stepMinutes, maxMinutes) }

    /// Hours as typed ("2", "1.5") in minutes: a half-hour step, 0.5 to 12; with `allowZero` (a
    /// correction that strikes hours out) 0 too.
    public static func minutes(_ raw: String, allowZero: Bool = false) throws(OpennessProblem) -> Int {
        guard let h = Double(raw.trimmingCharacters(in: .whitespaces)), h.isFinite else { throw .invalid("volunteer.bad_hours", field: "hours") }
        let m = h * 60
        guard m >= 0, allowZero || m > 0, m <= Double(maxMinutes), m.truncatingRemainder(dividingBy: Double(stepMinutes)) == 0 else {
            throw .invalid("volunteer.bad_hours", field: "hours")
        }
        return Int(m)
    }

    /// "2.5" for 150 minutes, "3" for 180.
    public static func text(_ minutes: Int) -> String {
        minutes % 60 == 0 ? String(minutes / 60) : String(format: "%.1f", Double(minutes) / 60)
    }
}

/// The published points rule (积分规则): points for every half hour of service recorded and a bonus
/// for each activity served. The rule is data the pages print, so what a volunteer reads is what
/// the ledger applies.
public struct PointsRule: Sendable, Equatable {
    public var version: String
    public var perHalfHour: Int
    public var perActivity: Int

    public init(version: String, perHalfHour: Int, perActivity: Int) {
        (self.version, self.perHalfHour, self.perActivity) = (version, perHalfHour, perActivity)
    }

    /// The rule in force: 5 points a half hour (10 an hour) and 2 for each activity served.
    public static let current = PointsRule(version: "2026-1", perHalfHour: 5, perActivity: 2)

    /// The points an activity's recorded minutes earn: none for none.
    public func points(forMinutes minutes: Int) -> Int {
        minutes <= 0 ? 0 : minutes / VolunteerHours.stepMinutes * perHalfHour + perActivity
    }

    /// The points a correction of an activity's hours from `old` to `new` minutes changes.
    public func change(from old: Int, to new: Int) -> Int { points(forMinutes: new) - points(forMinutes: old) }

    /// The largest single redemption.
    public static let maxRedemption = 10_000
}

/// The points ledger's one rule: a balance never goes below zero. A redemption that would take it
/// there is refused; a correction that takes points back takes at most what is left.
public enum PointsLedgerRule {
    /// The amount typed for a redemption: a whole number of points, 1 to the largest redemption.
    public static func redemption(_ raw: String) throws(OpennessProblem) -> Int {
        guard let n = Int(raw.trimmingCharacters(in: .whitespaces)), (1...PointsRule.maxRedemption).contains(n) else {
            throw .invalid("volunteer.bad_points", [String(PointsRule.maxRedemption)], field: "points")
        }
        return n
    }

    /// The balance after redeeming `points` from `balance`, or the refusal.
    public static func redeem(_ points: Int, from balance: Int) throws(OpennessProblem) -> Int {
        guard points <= balance else { throw .invalid("volunteer.insufficient_points", [String(balance)], field: "points") }
        return balance - points
    }

    /// The delta a correction posts: a gain in full, a loss at most the balance.
    public static func correction(_ delta: Int, balance: Int) -> Int { max(delta, -balance) }
}

/// The checks of the volunteer forms: each returns the cleaned value or the first problem with its field.
public enum VolunteerRules {
    static func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    public static func text(_ raw: String, field: String, max: Int, required: Bool = true) throws(OpennessProblem) -> String {
        let s = clean(raw)
        if required && s.isEmpty { throw .invalid("party.required", field: field) }
        guard s.count <= max else { throw .invalid("power.too_long", [String(max)], field: field) }
        return s
    }

    /// A team: its name and its leader's name.
    public static func team(name: String, leader: String) throws(OpennessProblem) -> (String, String) {
        (try text(name, field: "name", max: 40), try text(leader, field: "leader", max: 20))
    }

    /// An outsider's name and phone (a mobile or a landline, as `Phone` reads them).
    public static func outsider(name: String, phone: String) throws(OpennessProblem) -> (String, String) {
        let n = try text(name, field: "name", max: 20)
        guard let p = try? Phone.normalize(phone) else { throw .invalid("volunteer.bad_phone", field: "phone") }
        return (n, p)
    }

    public static let maxCapacity = 500

    /// An activity: title, place, time span and how many may sign up (1–500).
    public static func activity(title: String, place: String, day: String, start: String, end: String, capacity: String) throws(OpennessProblem) -> (
        String, String, DaySlot, Int
    ) {
        let t = try text(title, field: "title", max: 60)
        let p = try text(place, field: "place", max: 100)
        let slot = try DaySlot.parse(day: day, start: start, end: end)
        guard let c = Int(clean(capacity)), (1...maxCapacity).contains(c) else {
            throw .invalid("volunteer.bad_capacity", [String(maxCapacity)], field: "capacity")
        }
        return (t, p, slot, c)
    }

    /// A training, award or evaluation entry: the day (not in the future) and what it says.
    public static func note(kind: VolunteerRecordKind, day: String, text raw: String, grade: String?, today: String) throws(OpennessProblem) -> (
        String, String
    ) {
        let day = clean(day)
        guard SimpleDate(iso: day) != nil, day.count == 10, day <= today else { throw .invalid("log.bad_day", field: "day") }
        var body = try text(raw, field: "text", max: 200, required: kind != .evaluation)
        if kind == .evaluation {
            guard let g = grade.flatMap(VolunteerGrade.init(rawValue:)) else { throw .invalid("volunteer.bad_grade", field: "grade") }
            body = body.isEmpty ? g.rawValue : "\(g.rawValue) \(body)"
        }
        return (day, body)
    }

    /// A correction's reason: required, as the record of why the hours changed.
    public static func reason(_ raw: String) throws(OpennessProblem) -> String { try text(raw, field: "reason", max: 200) }
}

/// The verification code printed on a certificate (志愿服务记录证明): ten characters from an
/// alphabet without look-alikes (no 0/O, 1/I), shown in groups "ABCD-EFGH-JK". Anyone holding
/// the paper can check it on the public page; the code is random, so it cannot be guessed from
/// another.
public enum CertificateCode {
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    public static let length = 10

    public static func make<R: RandomNumberGenerator>(using rng: inout R) -> String {
        String((0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] })
    }

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// A code as typed back (any case, with or without dashes and spaces), or nil when it is not one.
    public static func normalize(_ raw: String) -> String? {
        let s = raw.uppercased().filter { $0 != "-" && $0 != " " }
        guard s.count == length, s.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return s
    }

    /// "ABCD-EFGH-JK".
    public static func display(_ code: String) -> String {
        let c = Array(code)
        return stride(from: 0, to: c.count, by: 4).map { String(c[$0..<min($0 + 4, c.count)]) }.joined(separator: "-")
    }
}

/// Where a volunteer stands with an activity: signed up, then checked in on the day.
public enum SignupState: String, Sendable, Codable, CaseIterable {
    case signedUp = "signed_up"
    case checkedIn = "checked_in"
    public var nameKey: String { "volunteer.signup.\(rawValue)" }
}

/// An activity's steps for one volunteer, as a pure rule the storage applies: sign up while there
/// is a place, check in on the activity's day, and have hours recorded once, after checking in
/// (a later change is a correction).
public enum ActivitySteps {
    /// A sign-up: refused when `taken` places already fill `capacity`, or when signed up already.
    public static func signUp(taken: Int, capacity: Int, already: Bool) throws(OpennessProblem) {
        guard !already else { throw .invalid("volunteer.already_signed_up", field: "volunteer") }
        guard taken < capacity else { throw .invalid("volunteer.full", [String(capacity)], field: "volunteer") }
    }

    /// A check-in: only of one signed up, only on the day of the activity.
    public static func checkIn(_ state: SignupState?, day: String, today: String) throws(OpennessProblem) -> SignupState {
        guard let state else { throw .invalid("volunteer.not_signed_up", field: "volunteer") }
        guard state == .signedUp else { throw .invalid("volunteer.already_checked_in", field: "volunteer") }
        guard day == today else { throw .invalid("volunteer.not_today", [day], field: "volunteer") }
        return .checkedIn
    }

    /// Hours for an activity: only for one checked in, and once.
    public static func recordHours(_ state: SignupState?, recorded: Bool) throws(OpennessProblem) {
        guard state == .checkedIn else { throw .invalid("volunteer.not_checked_in", field: "volunteer") }
        guard !recorded else { throw .invalid("volunteer.hours_recorded", field: "hours") }
    }
}

/// A venue's calendar (阵地共建、资源共享): a booking is refused when it overlaps one already made.
public enum VenueCalendar {
    /// The index of the first booked span `slot` overlaps, if any.
    public static func conflict(_ slot: DaySlot, with booked: [DaySlot]) -> Int? { booked.firstIndex { $0.overlaps(slot) } }
}

extension VolunteerHours {
    /// The hours an organiser records for an activity of `span` minutes: a valid entry (see
    /// `minutes`) no longer than the span credited.
    public static func recorded(_ raw: String, span: Int, allowZero: Bool = false) throws(OpennessProblem) -> Int {
        let m = try minutes(raw, allowZero: allowZero)
        guard m <= credited(span) else { throw .invalid("volunteer.hours_over_span", [text(credited(span))], field: "hours") }
        return m
    }
}

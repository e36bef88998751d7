import Foundation

/// A party organisation laid over a grid: a branch (党支部) or a party group (党小组).
public enum PartyOrgKind: String, Sendable, Codable, CaseIterable {
    case branch, group
    public var nameKey: String { "party.org.\(rawValue)" }
}

/// Who registers (报到) to a grid to serve there: a party member from a workplace (在职党员) or a
/// cadre sent down from an office (下沉干部).
public enum PartyMemberKind: String, Sendable, Codable, CaseIterable {
    case inService = "in_service"
    case sunkCadre = "sunk_cadre"
    public var nameKey: String { "party.member.\(rawValue)" }
}

/// The party overlay's checks: each returns the cleaned value or the first problem with its field.
public enum PartyRules {
    static func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    static func text(_ raw: String, field: String, max: Int, required: Bool = true) throws(OpennessProblem) -> String {
        let s = clean(raw)
        if required && s.isEmpty { throw .invalid("party.required", field: field) }
        guard s.count <= max else { throw .invalid("power.too_long", [String(max)], field: field) }
        return s
    }

    /// An organisation: its kind, name and secretary (组长 for a group).
    public static func org(kind: String, name: String, secretary: String) throws(OpennessProblem) -> (PartyOrgKind, String, String) {
        guard let k = PartyOrgKind(rawValue: kind) else { throw .invalid("party.bad_kind", field: "kind") }
        return (k, try text(name, field: "name", max: 60), try text(secretary, field: "secretary", max: 20))
    }

    /// A registration: kind, name, workplace and the day of 报到 (not in the future).
    public static func member(kind: String, name: String, workplace: String, day: String, today: String) throws(OpennessProblem) -> (
        PartyMemberKind, String, String, String
    ) {
        guard let k = PartyMemberKind(rawValue: kind) else { throw .invalid("party.bad_kind", field: "kind") }
        let name = try text(name, field: "name", max: 20)
        let workplace = try text(workplace, field: "workplace", max: 60)
        let day = clean(day)
        guard SimpleDate(iso: day) != nil, day <= today else { throw .invalid("log.bad_day", field: "registered_on") }
        return (k, name, workplace, day)
    }

    /// Service time is recorded in half hours, at most a day's 12 hours an entry.
    public static let maxMinutes = 12 * 60

    /// Hours of service as typed ("2", "1.5") in whole minutes; a half-hour step only.
    public static func minutes(_ raw: String) throws(OpennessProblem) -> Int {
        guard let h = Double(clean(raw)), h.isFinite else { throw .invalid("party.bad_hours", field: "hours") }
        let m = h * 60
        guard m > 0, m <= Double(maxMinutes), m.truncatingRemainder(dividingBy: 30) == 0 else { throw .invalid("party.bad_hours", field: "hours") }
        return Int(m)
    }

    /// A service entry: the day (not in the future), the activity, the time.
    public static func service(day: String, activity: String, hours: String, today: String) throws(OpennessProblem) -> (String, String, Int) {
        let day = clean(day)
        guard SimpleDate(iso: day) != nil, day <= today else { throw .invalid("log.bad_day", field: "day") }
        return (day, try text(activity, field: "activity", max: 100), try minutes(hours))
    }

    /// "2.5" for 150 minutes, "3" for 180.
    public static func hoursText(_ minutes: Int) -> String { minutes % 60 == 0 ? String(minutes / 60) : String(format: "%.1f", Double(minutes) / 60) }
}

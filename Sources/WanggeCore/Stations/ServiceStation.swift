import Foundation

/// The places that serve residents in person, one kind a level of the tree: the district's and the
/// street's service centres, a community's work station (工作站) and the party-and-masses service
/// stations (党群服务站) below it. A window case records which of them took it.
public enum StationKind: String, Sendable, Codable, CaseIterable {
    case districtCentre = "district_centre"
    case streetCentre = "street_centre"
    case communityStation = "community_station"
    case partyStation = "party_station"

    public var nameKey: String { "station.kind.\(rawValue)" }

    /// The unit level a station of this kind belongs to. A 党群服务站 serves a community, often
    /// from a room in one of its estates, so it is kept on the community too.
    public var level: UnitLevel {
        switch self {
        case .districtCentre: .district
        case .streetCentre: .street
        case .communityStation, .partyStation: .community
        }
    }

    /// The kinds a unit of `level` may keep.
    public static func kinds(for level: UnitLevel) -> [StationKind] { allCases.filter { $0.level == level } }
}

/// A member of a station's staff as shown to the public: a name and what they do there.
public struct StationStaff: Sendable, Equatable, Codable {
    public var name: String
    public var role: String

    public init(name: String, role: String) { (self.name, self.role) = (name, role) }
}

/// A station as typed into the form, before it is checked.
public struct StationDraft: Sendable, Equatable {
    public var kind: String
    public var name: String
    public var address: String
    public var lon: String
    public var lat: String
    public var hours: String
    public var phone: String
    /// One member a line, "name role" (the first space or "：" splits them).
    public var staff: String

    public init(kind: String, name: String, address: String, lon: String = "", lat: String = "", hours: String, phone: String, staff: String = "") {
        (self.kind, self.name, self.address, self.lon, self.lat) = (kind, name, address, lon, lat)
        (self.hours, self.phone, self.staff) = (hours, phone, staff)
    }

    public static let maxName = 60
    public static let maxAddress = 120
    public static let maxHours = 120
    public static let maxStaff = 30

    /// The draft checked and cleaned for a unit of `level` whose boundary is `area` (nil when the
    /// unit has none drawn, then any valid point is taken), or the first problem with its field.
    public func validated(level: UnitLevel, area: GeoArea?) throws(OpennessProblem) -> Station {
        guard let kind = StationKind(rawValue: kind) else { throw .invalid("station.bad_kind", field: "kind") }
        guard kind.level == level else { throw .invalid("station.kind_level", [L10n.t(kind.nameKey)], field: "kind") }
        let name = Self.clean(name)
        guard !name.isEmpty else { throw .invalid("station.name_required", field: "name") }
        guard name.count <= Self.maxName else { throw .invalid("power.too_long", [String(Self.maxName)], field: "name") }
        let address = Self.clean(address)
        guard !address.isEmpty else { throw .invalid("station.address_required", field: "address") }
        guard address.count <= Self.maxAddress else { throw .invalid("power.too_long", [String(Self.maxAddress)], field: "address") }
        let hours = Self.clean(hours)
        guard !hours.isEmpty else { throw .invalid("station.hours_required", field: "hours") }
        guard hours.count <= Self.maxHours else { throw .invalid("power.too_long", [String(Self.maxHours)], field: "hours") }
        guard let phone = Self.officePhone(phone) else { throw .invalid("station.bad_phone", field: "phone") }
        var point: GeoPoint?
        let (x, y) = (Self.clean(lon), Self.clean(lat))
        if !x.isEmpty || !y.isEmpty {
            guard let lon = Double(x), let lat = Double(y), GeoPoint(lon: lon, lat: lat).isValid else { throw .invalid("case.bad_point", field: "location") }
            let p = GeoPoint(lon: lon, lat: lat)
            if let area, !area.contains(p) { throw .invalid("station.outside", field: "location") }
            point = p
        }
        var members: [StationStaff] = []
        for line in staff.split(whereSeparator: \.isNewline) {
            let text = Self.clean(String(line))
            guard !text.isEmpty else { continue }
            let cut = text.firstIndex { $0 == " " || $0 == "：" || $0 == ":" }
            let name = cut.map { String(text[..<$0]) } ?? text
            let role = cut.map { Self.clean(String(text[text.index(after: $0)...])) } ?? ""
            guard name.count <= 20, role.count <= 30 else { throw .invalid("station.bad_staff", field: "staff") }
            members.append(StationStaff(name: name, role: role))
        }
        guard members.count <= Self.maxStaff else { throw .invalid("station.too_many_staff", [String(Self.maxStaff)], field: "staff") }
        return Station(kind: kind, name: name, address: address, point: point, hours: hours, phone: phone, staff: members)
    }

    static func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// An office number as published: digits with an optional area code and extension, written
    /// with "-" or spaces ("0571-8765 4321", "12345", "0571-87654321-8001"). 7 to 20 digits in all;
    /// nothing but digits, "-" and spaces. A mobile number is refused: it is published unmasked, and
    /// a mobile belongs to a person, not to an office.
    public static func officePhone(_ raw: String) -> String? {
        let s = clean(raw)
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == " ") }) else { return nil }
        let digits = s.filter(\.isNumber)
        // 12345 and other five-digit government hotlines are numbers too.
        guard (5...20).contains(digits.count) else { return nil }
        guard !isMobile(digits) else { return nil }
        return s
    }

    /// A mainland mobile number: 11 digits starting 13–19 (with or without the 86 country code).
    static func isMobile(_ digits: String) -> Bool {
        let d = digits.hasPrefix("86") && digits.count == 13 ? String(digits.dropFirst(2)) : digits
        guard d.count == 11, d.first == "1", let second = d.dropFirst().first, ("3"..."9").contains(second) else { return false }
        return true
    }
}

/// A checked station (see `StationDraft`).
public struct Station: Sendable, Equatable {
    public var kind: StationKind
    public var name: String
    public var address: String
    public var point: GeoPoint?
    public var hours: String
    public var phone: String
    public var staff: [StationStaff]

    public init(kind: StationKind, name: String, address: String, point: GeoPoint?, hours: String, phone: String, staff: [StationStaff]) {
        (self.kind, self.name, self.address, self.point) = (kind, name, address, point)
        (self.hours, self.phone, self.staff) = (hours, phone, staff)
    }

    /// The staff as stored: one "name\trole" a line.
    public var staffText: String { staff.map { "\($0.name)\t\($0.role)" }.joined(separator: "\n") }

    public static func staff(from text: String) -> [StationStaff] {
        text.split(whereSeparator: \.isNewline).map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return StationStaff(name: String(parts[0]), role: parts.count > 1 ? String(parts[1]) : "")
        }
    }
}

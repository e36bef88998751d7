import Foundation

/// How often a person in a care group is to be visited at home. A household is due as soon as
/// one of its people is, so a weekly-visited elder makes the household due weekly.
public enum CareFrequency: String, Sendable, Codable, CaseIterable, Comparable {
    case weekly
    case fortnightly
    case monthly
    case quarterly

    /// The interval in days: a visit is due this many days after the last one.
    public var days: Int {
        switch self {
        case .weekly: 7
        case .fortnightly: 14
        case .monthly: 30
        case .quarterly: 91
        }
    }

    public var nameKey: String { "care.frequency.\(rawValue)" }

    public static func < (a: Self, b: Self) -> Bool { a.days < b.days }
}

/// The groups that get a care archive (B1): the elderly (60 and over, from the birth date), the
/// disabled, people living alone, empty-nest elders, minimum-subsistence households and
/// left-behind minors.
public enum CareGroup: String, Sendable, Codable, CaseIterable {
    case elderly
    case disabled
    case livingAlone = "living_alone"
    case emptyNester = "empty_nester"
    case lowIncome = "low_income"
    case leftBehindMinor = "left_behind_minor"

    public var nameKey: String { "care.group.\(rawValue)" }

    /// The age from which a person counts as elderly (老年人权益保障法 art. 2).
    public static let elderlyAge = 60

    /// The register tags that put a person in a group by themselves.
    static let byTag: [String: CareGroup] = [
        "elderly60": .elderly, "disabled": .disabled, "empty_nester": .emptyNester, "low_income": .lowIncome,
        "minor_left_behind": .leftBehindMinor,
    ]

    /// The care groups of a person: by age from the birth date, by register tags, and living
    /// alone when the household has no one else. Empty when the person needs no care archive.
    public static func of(birthDate: SimpleDate?, tags: [String], householdSize: Int, on today: SimpleDate) -> [CareGroup] {
        var groups = Set(tags.compactMap { byTag[$0] })
        if let birthDate, birthDate.age(on: today) >= elderlyAge { groups.insert(.elderly) }
        if householdSize == 1 { groups.insert(.livingAlone) }
        return allCases.filter(groups.contains)
    }
}

/// Who may read care archives: the people who visit and look after the person — the grid worker
/// and the proxy agent of the grid (bound to a grid) and the community's staff (an operator bound
/// to a community or a grid). Everyone else, including leaders and operators higher up, sees that
/// an archive exists but not what it says. Each read of the notes is audited besides.
public enum CareAccess {
    public static func mayRead(role: Role, boundTo level: UnitLevel?) -> Bool {
        switch role {
        case .gridWorker, .proxyAgent: true
        case .operator_: level.map { $0 >= .community } ?? false
        default: false
        }
    }

    /// Writing an archive is for the same people, minus the proxy agent, who reads it to serve the
    /// person but leaves the record to the grid worker and the community.
    public static func mayWrite(role: Role, boundTo level: UnitLevel?) -> Bool {
        role != .proxyAgent && mayRead(role: role, boundTo: level)
    }
}

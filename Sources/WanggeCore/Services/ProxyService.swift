/// How far the team goes with a service: "能代办的全程代办，只能协办的认真协办，需本人办理的说明程序".
public enum ServiceMode: String, Sendable, Codable, CaseIterable {
    /// 全程代办: the proxy agent carries the whole matter, with the resident's papers, to the end.
    case fullProxy = "full_proxy"
    /// 协办: the resident must take part (sign, appear); the agent prepares and goes along.
    case assist
    /// 说明程序: only the person can apply; the agent explains where, what to bring and how.
    case explain

    public var nameKey: String { "service.mode.\(rawValue)" }
}

/// A service of the proxy catalogue as the setup form gives it. Materials and steps are one item a line.
public struct ServiceDraft: Sendable, Equatable {
    public var nameZh: String
    public var nameEn: String
    public var mode: String
    public var materials: [String]
    public var steps: [String]
    public var office: String
    public var limitDays: Int?
    /// The 代办服务 case category a request for this service is filed under, if any.
    public var categoryKey: String?

    public init(
        nameZh: String, nameEn: String = "", mode: String, materials: [String], steps: [String], office: String, limitDays: Int?, categoryKey: String? = nil
    ) {
        self.categoryKey = categoryKey
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.mode = mode
        self.materials = materials
        self.steps = steps
        self.office = office
        self.limitDays = limitDays
    }

    /// Lines of a text area: trimmed, empty ones dropped.
    public static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }
}

/// The rules a catalogue entry must keep. Pure: the storage layer asks here before it writes.
public enum ServiceRules {
    public static let maxName = 50
    public static let maxOffice = 60
    public static let maxLines = 20
    public static let maxLine = 120
    /// Statutory limits of the offices that decide these matters run to a few weeks; a year is surely a typo.
    public static let limitDays = 1...365

    public static func problems(_ d: ServiceDraft) -> [CaseSetupRules.Problem] {
        typealias Problem = CaseSetupRules.Problem
        var problems = CaseSetupRules.nameProblems(zh: d.nameZh.trimmingSpaces(), en: d.nameEn.trimmingSpaces())
        if ServiceMode(rawValue: d.mode) == nil {
            problems.append(Problem(field: "mode", key: "field.not_one_of", args: [d.mode, ServiceMode.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        if d.materials.isEmpty { problems.append(Problem(field: "materials", key: "field.required")) }
        for (field, lines) in [("materials", d.materials), ("steps", d.steps)] {
            if lines.count > maxLines { problems.append(Problem(field: field, key: "service.too_many_lines", args: [String(maxLines)])) }
            if lines.contains(where: { $0.count > maxLine }) { problems.append(Problem(field: field, key: "service.line_too_long", args: [String(maxLine)])) }
        }
        let office = d.office.trimmingSpaces()
        if office.isEmpty {
            problems.append(Problem(field: "office", key: "field.required"))
        } else if office.count > maxOffice {
            problems.append(Problem(field: "office", key: "field.too_long", args: [String(maxOffice)]))
        }
        if let days = d.limitDays {
            if !limitDays.contains(days) {
                problems.append(Problem(field: "limit_days", key: "service.days_range", args: [String(limitDays.lowerBound), String(limitDays.upperBound)]))
            }
        } else {
            problems.append(Problem(field: "limit_days", key: "service.days_number"))
        }
        return problems
    }
}

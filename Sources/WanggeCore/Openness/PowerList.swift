import Foundation

/// The categories of a village's or community's small-power list (小微权力清单). The usual lists
/// (宁海's 36 items in 11 categories is the best known) group what the village cadres may decide
/// or sign by what is at stake: money, land, subsidies, seals.
public enum PowerCategory: String, Sendable, Codable, CaseIterable {
    case majorDecision = "major_decision"
    case procurement
    case collectiveAssets = "collective_assets"
    case subsidy
    case certificate
    case finance
    case personnel

    public var nameKey: String { "power.category.\(rawValue)" }
}

/// One item of a power list as typed by its editor: what the power is, on what law it rests, who
/// exercises it, the steps in order, the papers it needs, how long it may take and where it can
/// go wrong (廉政风险点).
public struct PowerItemDraft: Sendable, Equatable {
    public var category: String
    public var title: String
    public var legalBasis: String
    public var responsibleRole: String
    public var steps: [String]
    public var materials: String
    public var timeLimitDays: String
    public var riskPoints: String

    public init(
        category: String, title: String, legalBasis: String, responsibleRole: String, steps: [String], materials: String = "",
        timeLimitDays: String = "", riskPoints: String = ""
    ) {
        (self.category, self.title, self.legalBasis, self.responsibleRole) = (category, title, legalBasis, responsibleRole)
        (self.steps, self.materials, self.timeLimitDays, self.riskPoints) = (steps, materials, timeLimitDays, riskPoints)
    }

    public static let maxTitle = 80
    public static let maxText = 2000
    public static let maxSteps = 12
    public static let maxStep = 40
    /// A power item's time limit, in calendar days; a year is already far beyond any list.
    public static let maxDays = 365

    /// The draft checked and cleaned, or the first problem with the field it concerns.
    public func validated() throws(OpennessProblem) -> PowerItem {
        guard let category = PowerCategory(rawValue: category) else { throw .invalid("power.bad_category", field: "category") }
        let title = Self.clean(title)
        guard !title.isEmpty else { throw .invalid("power.title_required", field: "title") }
        guard title.count <= Self.maxTitle else { throw .invalid("power.too_long", [String(Self.maxTitle)], field: "title") }
        let basis = Self.clean(legalBasis)
        guard !basis.isEmpty else { throw .invalid("power.basis_required", field: "legal_basis") }
        let role = Self.clean(responsibleRole)
        guard !role.isEmpty else { throw .invalid("power.role_required", field: "responsible_role") }
        let steps = steps.map(Self.clean).filter { !$0.isEmpty }
        // A flow chart needs a start and an end: one step is no procedure.
        guard steps.count >= 2 else { throw .invalid("power.steps_required", field: "steps") }
        guard steps.count <= Self.maxSteps else { throw .invalid("power.too_many_steps", [String(Self.maxSteps)], field: "steps") }
        guard steps.allSatisfy({ $0.count <= Self.maxStep }) else { throw .invalid("power.step_too_long", [String(Self.maxStep)], field: "steps") }
        var days: Int?
        let limit = Self.clean(timeLimitDays)
        if !limit.isEmpty {
            guard let d = Int(limit), (1...Self.maxDays).contains(d) else { throw .invalid("power.bad_days", [String(Self.maxDays)], field: "time_limit_days") }
            days = d
        }
        for (name, text) in [("legal_basis", basis), ("materials", materials), ("risk_points", riskPoints)] where Self.clean(text).count > Self.maxText {
            throw .invalid("power.too_long", [String(Self.maxText)], field: name)
        }
        return PowerItem(
            category: category, title: title, legalBasis: basis, responsibleRole: role, steps: steps, materials: Self.clean(materials), timeLimitDays: days,
            riskPoints: Self.clean(riskPoints))
    }

    static func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// A checked power item (see `PowerItemDraft`).
public struct PowerItem: Sendable, Equatable, Codable {
    public var category: PowerCategory
    public var title: String
    public var legalBasis: String
    public var responsibleRole: String
    public var steps: [String]
    public var materials: String
    public var timeLimitDays: Int?
    public var riskPoints: String
}

/// A problem with a request of the openness workflows, with the field it concerns.
public struct OpennessProblem: Error, Sendable, Equatable, LocalizedProblem {
    public var messageKey: String
    public var args: [String]
    public var field: String?

    public static func invalid(_ key: String, _ args: [String] = [], field: String? = nil) -> Self {
        OpennessProblem(messageKey: key, args: args, field: field)
    }
}

/// Where the boxes of a power item's flow chart go: one box a step, top to bottom, joined by
/// arrows. Long steps wrap onto a second line. The drawing itself is the web layer's; the geometry
/// is here so it can be checked without a browser.
public struct FlowChartLayout: Sendable, Equatable {
    public struct Box: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int
        public var lines: [String]
        public var number: Int
    }

    public var width: Int
    public var height: Int
    public var boxes: [Box]

    public static let boxWidth = 260
    public static let lineHeight = 20
    public static let padding = 12
    public static let gap = 28
    public static let margin = 10
    /// Characters a line holds at 14 px in a 260 px box (a CJK character is about 14 px wide).
    public static let lineChars = 16

    public init(steps: [String]) {
        var y = Self.margin
        var boxes: [Box] = []
        for (i, step) in steps.enumerated() {
            let lines = Self.wrap("\(i + 1). \(step)")
            let h = lines.count * Self.lineHeight + 2 * Self.padding
            boxes.append(Box(x: Self.margin, y: y, width: Self.boxWidth, height: h, lines: lines, number: i + 1))
            y += h + Self.gap
        }
        self.boxes = boxes
        self.width = Self.boxWidth + 2 * Self.margin
        self.height = boxes.isEmpty ? 2 * Self.margin : y - Self.gap + Self.margin
    }

    static func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > Self.lineChars {
            lines.append(String(rest.prefix(Self.lineChars)))
            rest = rest.dropFirst(Self.lineChars)
        }
        if !rest.isEmpty || lines.isEmpty { lines.append(String(rest)) }
        return lines
    }
}

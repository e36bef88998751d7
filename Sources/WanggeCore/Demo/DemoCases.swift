import Foundation

/// What the demo's case history is drawn against: the window of days, the moment it ends, and the
/// district's category table as the database holds it (limits, warning share, on-the-spot rule).
public struct DemoCaseSettings: Sendable {
    /// The history ends here: cases are reported before it and no step is later.
    public var now: Date
    /// How many days, ending with `now`'s day (China time); 0 makes no case.
    public var days: Int
    /// Active categories by key; topics of other categories are left out.
    public var categories: [String: DemoCaseCategory]
    public var working: WorkingCalendar
    /// Cases per grid and year (a real district's order of magnitude).
    public var perGridPerYear: Double

    public init(
        now: Date, days: Int, categories: [String: DemoCaseCategory], working: WorkingCalendar = .standard,
        perGridPerYear: Double = 1000
    ) {
        self.now = now
        self.days = days
        self.categories = categories
        self.working = working
        self.perGridPerYear = perGridPerYear
    }

    /// The seeded category table with its default warning share: for tests and tools without a database.
    public static func seededCategories(onSpot: Set<String> = []) -> [String: DemoCaseCategory] {
        Dictionary(
            uniqueKeysWithValues: CaseCategory.seed.map {
                ($0.key, DemoCaseCategory(limits: $0.limits, warnFraction: TimeLimits.warningFraction, onSpot: onSpot.contains($0.key)))
            })
    }

    /// At most this many days of history.
    public static let maxDays = 3650
}

/// The parts of a category the history needs.
public struct DemoCaseCategory: Sendable, Hashable {
    public var limits: CaseLimits
    public var warnFraction: Double
    /// Whether a grid worker may settle it on the spot (就地解决).
    public var onSpot: Bool

    public init(limits: CaseLimits, warnFraction: Double, onSpot: Bool) {
        self.limits = limits
        self.warnFraction = warnFraction
        self.onSpot = onSpot
    }
}

/// Where cases come from: a grid, or the district as a whole (letters and calls that name no place).
public enum DemoCaseSource: Sendable, Hashable {
    case grid(String)
    case district

    public var gridCode: String? {
        if case .grid(let code) = self { return code }
        return nil
    }

    var key: String { gridCode ?? "district" }
}

/// Who took a step, as the demo knows people: the storage layer maps each to an account where the
/// demo has one (the first street's operator, the district centre, the bound department accounts,
/// the grid worker of the first grid) and to a name otherwise.
public enum DemoCaseActor: Sendable, Hashable {
    /// The reporter: a report from a QR code or Open311, a rating on the tracking page.
    case reporter
    /// A member of the grid's team (its grid worker), by name.
    case gridStaff(gridCode: String, name: String)
    /// The operator of the street's command centre.
    case streetOperator(streetCode: String)
    /// The district command centre.
    case districtOperator
    /// A department, by key.
    case department(String)
    case leader
    /// The time-limit monitor (the sweeper's 督办 and escalations).
    case system

    public var role: ActorRole {
        switch self {
        case .reporter: .resident
        case .gridStaff: .gridWorker
        case .streetOperator, .districtOperator: .operator_
        case .department: .department
        case .leader: .leader
        case .system: .system
        }
    }
}

/// One line of a demo case's timeline: the machine's event and who took the step.
public struct DemoCaseStep: Sendable, Hashable {
    public var event: CaseEvent
    public var actor: DemoCaseActor
}

/// A generated case with its whole timeline, as it stands at `DemoCaseSettings.now`.
public struct DemoCase: Sendable, Hashable {
    public var id: UUID
    let key: Int
    let seed: UInt64
    public var trackingCode: String
    public var publicCode: String
    public var categoryKey: String
    public var channel: CaseChannel
    /// Nil for a district-wide letter or call.
    public var gridCode: String?
    public var title: String
    public var description: String
    public var point: GeoPoint?
    public var address: String?
    public var reporterName: String?
    public var reporterPhone: String?
    /// Where the machine left the case.
    public var snapshot: CaseSnapshot
    public var deadlines: CaseDeadlines
    /// Finished suspensions, which the deadlines exclude.
    public var suspensions: [DateInterval]
    /// The sweeper's own bookkeeping, so the live sweeper carries on where the history stops.
    public var respondAlerts: Int
    public var resolveAlerts: Int
    public var nextSweepAt: Date?
    public var timeline: [DemoCaseStep]

    /// The id of timeline step `seq` (1 = the report), in the same order as the case ids.
    public func eventID(seq: Int) -> UUID { DemoCaseCodes.id(key, seq: seq, seed: seed) }
}

extension DemoDistrict {
    /// Every source of cases: the grids in order, then the district.
    public static func caseSources(_ plan: DemoPlan) -> [DemoCaseSource] {
        plan.grids.map { .grid($0.code) } + [.district]
    }

    /// About how many cases `source` gets (for a progress bar): the daily counts without the
    /// cut at `now` within the last day.
    public static func expectedCaseCount(of source: DemoCaseSource, plan: DemoPlan, settings: DemoCaseSettings) -> Int {
        DemoCaseDays(settings: settings).numbers.reduce(0) { $0 + dailyCount(source, day: $1, plan: plan, settings: settings) }
    }

    /// The cases of one source, oldest first. Deterministic from the seed, `now`, `days` and the
    /// categories; each source and day has a random stream of its own, so sources can be made in
    /// any order. `departments` maps each category to the department routing picks for the source.
    public static func cases(
        of source: DemoCaseSource, plan: DemoPlan, settings: DemoCaseSettings, departments: [String: String]
    ) -> [DemoCase] {
        guard let context = DemoCaseContext(source: source, plan: plan, settings: settings, departments: departments) else { return [] }
        var generator = DemoCaseGenerator(context: context)
        for day in DemoCaseDays(settings: settings).numbers {
            generator.generate(day: day, count: dailyCount(source, day: day, plan: plan, settings: settings))
        }
        return generator.cases
    }

    /// District-wide letters and calls: this share of the grids' volume.
    static let districtShare = 0.03

    static func dailyCount(_ source: DemoCaseSource, day: Int, plan: DemoPlan, settings: DemoCaseSettings) -> Int {
        var rng = DemoRNG(seed: plan.config.seed, key: source.key, part: "case-count/\(day)")
        let date = DemoText.date(fromDayNumber: day)
        let scale = source == .district ? Double(plan.gridCount) * districtShare : 1
        var mean = settings.perGridPerYear / 365 * scale * DemoCaseDays.volume(month: date.month)
        mean *= DemoCaseDays.weekday(day) >= 6 ? 0.8 : 1.08
        if DemoCaseDays.isFestival(date) { mean *= 0.75 }
        return rng.poisson(mean)
    }
}

/// The calendar of the history: which days, how busy.
struct DemoCaseDays {
    let numbers: Range<Int>

    init(settings: DemoCaseSettings) {
        let last = DemoCaseDays.dayNumber(of: settings.now)
        let days = min(max(settings.days, 0), DemoCaseSettings.maxDays)
        numbers = (last - days + 1)..<(last + 1)
    }

    /// The China-time day number (days since 1970-01-01) of a moment.
    static func dayNumber(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 + 8 * 3600) / 86_400.0.rounded(.down))
    }

    /// Midnight in China at the start of a day number.
    static func start(ofDay day: Int) -> Date { Date(timeIntervalSince1970: Double(day) * 86_400 - 8 * 3600) }

    /// ISO weekday, 1 = Monday.
    static func weekday(_ day: Int) -> Int { ((day % 7 + 7) % 7 + 3) % 7 + 1 }

    /// More reports in summer, fewer in winter; the year averages 1.
    static func volume(month: Int) -> Double { [0.85, 0.8, 0.95, 1.0, 1.05, 1.15, 1.25, 1.2, 1.05, 0.95, 0.95, 0.8][month - 1] }

    /// The first day of the Spring Festival holiday by year, and National Day.
    static let springFestival: [Int: (month: Int, day: Int)] = [
        2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
    ]

    static func isFestival(_ date: SimpleDate) -> Bool {
        if date.month == 10 && date.day <= 7 { return true }
        guard let first = springFestival[date.year] else { return false }
        let start = DemoText.dayNumber(date.year, first.month, first.day)
        let day = DemoText.dayNumber(date.year, date.month, date.day)
        return (start - 1)...(start + 7) ~= day
    }
}

extension DemoRNG {
    /// A Poisson draw: Knuth's product of uniforms for small means, a rounded normal for large ones.
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            let u1 = max(unit(), 1e-12), u2 = unit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return max(0, Int((mean + z * mean.squareRoot()).rounded()))
        }
        let limit = exp(-mean)
        var k = 0
        var p = unit()
        while p > limit {
            k += 1
            p *= unit()
        }
        return k
    }
}

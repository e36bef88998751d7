import Foundation

/// One thing on a grid worker's or proxy agent's list for today (the worker's day, W1): a case to
/// work, a resident's need to follow up or a household to visit.
public struct DayTask: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case workCase = "case"
        case visit
        case need
    }

    /// How pressing a task is; the list runs from the most pressing down.
    public enum Urgency: String, Sendable, Codable, CaseIterable, Comparable {
        /// Past its deadline.
        case overdue
        /// Its deadline falls today (China time).
        case dueToday = "due_today"
        /// In its warning period (预警), or a need open for longer than `WorkerDay.needStaleDays`.
        case warning
        /// Open, nothing pressing.
        case open

        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Urgency, b: Urgency) -> Bool { a.rank < b.rank }
        public var nameKey: String { "day.urgency.\(rawValue)" }
    }

    public var kind: Kind
    public var id: UUID
    public var title: String
    /// Where: the household number, the address or the grid.
    public var place: String?
    /// The deadline, when the task has one.
    public var due: Date?
    /// When the task arose (reported, recorded, last visited).
    public var since: Date?
    public var urgency: Urgency

    public init(kind: Kind, id: UUID, title: String, place: String? = nil, due: Date?, since: Date?, urgency: Urgency) {
        (self.kind, self.id, self.title, self.place, self.due, self.since, self.urgency) = (kind, id, title, place, due, since, urgency)
    }
}

/// The rules of the worker's day: how pressing each task is, and the order of the list.
public enum WorkerDay {
    /// A need open this many days is flagged: "解决一件注销一件" leaves no need lying for weeks.
    public static let needStaleDays = 7

    /// The urgency of a task with deadline `due` whose warning starts at `warnAt`, at `now`.
    public static func urgency(due: Date, warnAt: Date?, now: Date) -> DayTask.Urgency {
        if now > due { return .overdue }
        if ChinaTime.calendar.isDate(due, inSameDayAs: now) { return .dueToday }
        if let warnAt, now >= warnAt { return .warning }
        return .open
    }

    /// The urgency of an open need recorded at `recordedAt`.
    public static func needUrgency(recordedAt: Date, now: Date) -> DayTask.Urgency {
        now.timeIntervalSince(recordedAt) >= Double(needStaleDays) * 86_400 ? .warning : .open
    }

    /// A household due a visit (`VisitCoverage`) as a task: overdue stays overdue; due is pressing
    /// on its last day, a warning in its last `visitWarningDays`, otherwise open. Its deadline is the
    /// end of the `dueBy` day in China time; `since` the last visit.
    public static func visitTask(_ d: VisitDue, today: SimpleDate) -> DayTask {
        let urgency: DayTask.Urgency
        switch d.status {
        case .overdue: urgency = .overdue
        case .due: urgency = d.dueBy <= today ? .dueToday : d.dueBy <= today.adding(days: visitWarningDays) ? .warning : .open
        case .visited: urgency = .open
        }
        // Named by where it is (the building and room the worker walks to); the register number beside it.
        let place = [d.facts.building, d.facts.room].compactMap { $0 }.joined(separator: " ")
        return DayTask(
            kind: .visit, id: d.facts.householdID, title: L10n.t("day.visit_title", place.isEmpty ? d.facts.number : place), place: d.facts.number,
            due: d.dueBy.adding(days: 1).startOfDayInChina, since: d.facts.lastVisit?.startOfDayInChina, urgency: urgency)
    }

    /// A visit due within this many days is a warning.
    public static let visitWarningDays = 7

    /// The list in working order: the most pressing first; within the same urgency cases (hard
    /// deadlines, someone waiting) before visits before needs, then the earliest deadline, then what
    /// has waited longest; ties by id. So fifty overdue visits never bury a late case.
    public static func ordered(_ tasks: [DayTask]) -> [DayTask] {
        tasks.sorted { a, b in
            if a.urgency != b.urgency { return a.urgency < b.urgency }
            let ka = DayTask.Kind.allCases.firstIndex(of: a.kind)!
            let kb = DayTask.Kind.allCases.firstIndex(of: b.kind)!
            if ka != kb { return ka < kb }
            switch (a.due, b.due) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            switch (a.since, b.since) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            return a.id.uuidString < b.id.uuidString
        }
    }

    /// How many tasks of each kind are at each urgency, for the counts at the top of the page.
    public static func counts(_ tasks: [DayTask]) -> [DayTask.Kind: [DayTask.Urgency: Int]] {
        var out: [DayTask.Kind: [DayTask.Urgency: Int]] = [:]
        for t in tasks { out[t.kind, default: [:]][t.urgency, default: 0] += 1 }
        return out
    }
}

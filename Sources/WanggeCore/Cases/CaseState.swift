import Foundation

/// Where a case stands in the closed loop (C0, C3): 信息收集 → 案卷建立 → 任务派遣 → 任务处理
/// → 处理反馈 → 核实结案 → 综合评价. Raw values are stored, so they never change.
public enum CaseState: String, Sendable, Codable, CaseIterable {
    case reported  // 已上报
    case accepted  // 已受理
    case rejected  // 不予受理
    case dispatched  // 已派遣
    case signedFor = "signed_for"  // 已签收
    case handled  // 已处置 (the department has fed back)
    case verified  // 已核查
    case closed  // 已结案
    case calledBack = "called_back"  // 已回访
    case suspended  // 缓办
    case merged  // 已合并 (a duplicate folded into another case)

    public var nameKey: String { "case.state.\(rawValue)" }

    /// No action moves a case out of these, except reopening a closed or badly rated one.
    public var isFinished: Bool {
        switch self {
        case .rejected, .closed, .calledBack, .merged: true
        default: false
        }
    }
}

/// Who acts on a case. The machine checks the kind of actor, not the person: whether this
/// department or grid worker holds this case is the caller's scope check.
public enum ActorRole: String, Sendable, Codable, CaseIterable {
    case operator_ = "operator"  // 受理员/派遣员 at a command centre, also hotline and window entry
    case department  // 职能部门, or the grid team when a case is dispatched to it
    case gridWorker = "grid_worker"  // 网格员 (and 代办员): reports, verifies on site, handles what it is sent
    case leader  // 领导/值班长: supervises, approves suspension and reopening
    case system  // the time-limit sweeper
    case resident  // the reporter, rating the outcome

    public var nameKey: String { "case.actor.\(rawValue)" }

    /// The actor an account acts as, or nil for the roles that keep the system and never touch cases.
    public init?(_ role: Role) {
        switch role {
        case .resident: self = .resident
        case .gridWorker, .proxyAgent: self = .gridWorker
        case .operator_: self = .operator_
        case .department: self = .department
        case .leader: self = .leader
        case .sysAdmin, .securityAdmin, .auditor: return nil
        }
    }
}

/// The reporter's rating at callback (C5).
public enum Satisfaction: String, Sendable, Codable, CaseIterable {
    case satisfied  // 满意
    case basicallySatisfied = "basically_satisfied"  // 基本满意
    case dissatisfied  // 不满意

    public var nameKey: String { "case.rating.\(rawValue)" }
}

/// How a case ended, so rates count solved cases apart from explained refusals.
public enum CaseOutcome: String, Sendable, Codable, CaseIterable {
    case solved
    case unsolvable  // 无法办理: closed with a reason the reporter is told
    case rejected  // 不予受理
    case merged  // 重复案件, answered through the case it was merged into

    public var nameKey: String { "case.outcome.\(rawValue)" }
}

/// What the machine needs to know about a case to decide the next step.
public struct CaseSnapshot: Sendable, Hashable, Codable {
    public var id: String
    public var state: CaseState
    /// The level that holds the case: the grid it was reported in, or higher after escalation.
    public var level: UnitLevel
    /// The department the case is dispatched to; nil while it waits for dispatch.
    public var department: String?
    /// While suspended: the state to resume into, since when, and until when if a date was set.
    public var stateBeforeSuspension: CaseState?
    public var suspendedSince: Date?
    public var suspendedUntil: Date?
    /// Times 核查 failed and the case went back to the department (A1a rework).
    public var reworkCount: Int
    public var reopenCount: Int
    public var supervisionCount: Int
    public var outcome: CaseOutcome?
    public var rating: Satisfaction?
    public var mergedInto: String?
    public var reportedAt: Date
    /// The first response: when the case left `reported` (accepted, rejected or merged).
    public var respondedAt: Date?
    /// When it was closed, solved or not; cleared on reopening.
    public var closedAt: Date?

    public init(
        id: String, state: CaseState = .reported, level: UnitLevel = .grid, department: String? = nil,
        stateBeforeSuspension: CaseState? = nil, suspendedSince: Date? = nil, suspendedUntil: Date? = nil,
        reworkCount: Int = 0, reopenCount: Int = 0, supervisionCount: Int = 0,
        outcome: CaseOutcome? = nil, rating: Satisfaction? = nil, mergedInto: String? = nil,
        reportedAt: Date, respondedAt: Date? = nil, closedAt: Date? = nil
    ) {
        self.id = id
        self.state = state
        self.level = level
        self.department = department
        self.stateBeforeSuspension = stateBeforeSuspension
        self.suspendedSince = suspendedSince
        self.suspendedUntil = suspendedUntil
        self.reworkCount = reworkCount
        self.reopenCount = reopenCount
        self.supervisionCount = supervisionCount
        self.outcome = outcome
        self.rating = rating
        self.mergedInto = mergedInto
        self.reportedAt = reportedAt
        self.respondedAt = respondedAt
        self.closedAt = closedAt
    }
}

/// One line of the case's timeline (全链条可溯): stored as it is, never edited.
/// Attachments are kept by the caller beside the event.
public struct CaseEvent: Sendable, Hashable, Codable {
    public var action: CaseActionKind
    public var from: CaseState?
    public var to: CaseState
    public var actor: ActorRole
    public var at: Date
    public var note: String?
    public var reason: String?
    public var department: String?
    public var level: UnitLevel?
    public var rating: Satisfaction?
    public var mergedInto: String?
    public var until: Date?
    /// The reporter must be told of this step: rejection, escalation, suspension,
    /// an unsolvable case, closing, merging, reopening.
    public var notifyReporter: Bool

    public init(
        action: CaseActionKind, from: CaseState?, to: CaseState, actor: ActorRole, at: Date,
        note: String? = nil, reason: String? = nil, department: String? = nil, level: UnitLevel? = nil,
        rating: Satisfaction? = nil, mergedInto: String? = nil, until: Date? = nil, notifyReporter: Bool = false
    ) {
        self.action = action
        self.from = from
        self.to = to
        self.actor = actor
        self.at = at
        self.note = note
        self.reason = reason
        self.department = department
        self.level = level
        self.rating = rating
        self.mergedInto = mergedInto
        self.until = until
        self.notifyReporter = notifyReporter
    }
}

/// The result of one step: the case as it now is and the event to append to its timeline.
public struct CaseTransition: Sendable, Hashable {
    public var snapshot: CaseSnapshot
    public var event: CaseEvent
    /// Set when the step ended a suspension: the interval the time limits must not count.
    public var endedSuspension: DateInterval?

    public init(snapshot: CaseSnapshot, event: CaseEvent, endedSuspension: DateInterval? = nil) {
        self.snapshot = snapshot
        self.event = event
        self.endedSuspension = endedSuspension
    }
}

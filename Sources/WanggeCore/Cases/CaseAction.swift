import Foundation

/// A step someone takes on a case, with what the step needs. Free text is checked by the
/// machine only for presence; lengths and attachments are the caller's business.
public enum CaseAction: Sendable, Hashable {
    /// 受理.
    case accept(note: String? = nil)
    /// 不予受理: the reporter is told why.
    case reject(reason: String)
    /// 派遣 to a department (or to the grid team, which then acts as one).
    case dispatch(department: String, note: String? = nil)
    /// 签收: the department has taken the case.
    case signFor(note: String? = nil)
    /// 处置反馈: the department reports what it did.
    case handle(note: String? = nil)
    /// 核查通过.
    case verify(note: String? = nil)
    /// 核查不通过: back to the same department to do again.
    case returnForRework(reason: String)
    /// 结案: after verification, or at once for a question answered on the spot (直接办结).
    case close(note: String? = nil)
    /// 就地解决: a grid worker who found or was told of a small matter settles it there and then,
    /// where the category allows it; the case closes at once, recorded as settled on the spot.
    case resolveOnSpot(note: String? = nil)
    /// 回访: the reporter's rating, given on the tracking page or taken by phone.
    case callback(rating: Satisfaction, note: String? = nil)
    /// 退回: the department hands the case back to the dispatcher (wrong department, not its duty).
    case sendBack(reason: String)
    /// 上报上级: the case goes to a higher level, whose centre then steers it.
    case escalate(to: UnitLevel, reason: String)
    /// 缓办: the clock stops until resumed.
    case suspend(reason: String, until: Date? = nil)
    /// 恢复办理 after 缓办.
    case resume(note: String? = nil)
    /// 重新办理 after closing, or after an unsatisfied callback.
    case reopen(reason: String)
    /// 无法办理: closed with a reason the reporter is told ("解决不了的、必须说明原因").
    case markUnsolvable(reason: String)
    /// 合并: this case duplicates `into`; its reporter is answered through that case.
    case merge(into: String, note: String? = nil)
    /// 督办: a supervision record, typically when a limit nears or passes.
    case supervise(note: String? = nil)

    public var kind: CaseActionKind {
        switch self {
        case .accept: .accept
        case .reject: .reject
        case .dispatch: .dispatch
        case .signFor: .signFor
        case .handle: .handle
        case .verify: .verify
        case .returnForRework: .returnForRework
        case .close: .close
        case .resolveOnSpot: .resolveOnSpot
        case .callback: .callback
        case .sendBack: .sendBack
        case .escalate: .escalate
        case .suspend: .suspend
        case .resume: .resume
        case .reopen: .reopen
        case .markUnsolvable: .markUnsolvable
        case .merge: .merge
        case .supervise: .supervise
        }
    }
}

/// The name of a step, as stored in the timeline. `report` opens a case and is not an action
/// on an existing one (see `CaseMachine.report`).
public enum CaseActionKind: String, Sendable, Codable, CaseIterable {
    case report
    case accept
    case reject
    case dispatch
    case signFor = "sign_for"
    case handle
    case verify
    case returnForRework = "return_for_rework"
    case close
    case resolveOnSpot = "resolve_on_spot"
    case callback
    case sendBack = "send_back"
    case escalate
    case suspend
    case resume
    case reopen
    case markUnsolvable = "mark_unsolvable"
    case merge
    case supervise

    public var nameKey: String { "case.action.\(rawValue)" }

    /// Every kind an existing case can be given.
    public static var onExistingCase: [CaseActionKind] { allCases.filter { $0 != .report } }
}

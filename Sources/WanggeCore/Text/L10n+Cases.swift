extension L10n {
    static let caseStrings: [String: (zh: String, en: String)] = [
        // States (Cases/CaseState.swift)
        "case.state.reported": ("已上报", "Reported"),
        "case.state.accepted": ("已受理", "Accepted"),
        "case.state.rejected": ("不予受理", "Rejected"),
        "case.state.dispatched": ("已派遣", "Dispatched"),
        "case.state.signed_for": ("已签收", "Signed for"),
        "case.state.handled": ("已处置", "Handled"),
        "case.state.verified": ("已核查", "Verified"),
        "case.state.closed": ("已结案", "Closed"),
        "case.state.called_back": ("已回访", "Called back"),
        "case.state.suspended": ("缓办", "Suspended"),
        "case.state.merged": ("已合并", "Merged"),

        // Actions (Cases/CaseAction.swift)
        "case.action.report": ("上报", "Report"),
        "case.action.accept": ("受理", "Accept"),
        "case.action.reject": ("不予受理", "Reject"),
        "case.action.dispatch": ("派遣", "Dispatch"),
        "case.action.sign_for": ("签收", "Sign for"),
        "case.action.handle": ("处置反馈", "Report handling"),
        "case.action.verify": ("核查通过", "Verify"),
        "case.action.return_for_rework": ("核查不通过（返工）", "Return for rework"),
        "case.action.close": ("结案", "Close"),
        "case.action.resolve_on_spot": ("就地解决", "Settled on the spot"),
        "case.on_spot_not_allowed": ("该类别不允许就地解决,请按流程上报受理", "This category cannot be settled on the spot; it goes through the loop"),
        "case.action.callback": ("回访", "Call back"),
        "case.action.send_back": ("退回", "Send back"),
        "case.action.escalate": ("上报上级", "Escalate"),
        "case.action.suspend": ("缓办", "Suspend"),
        "case.action.resume": ("恢复办理", "Resume"),
        "case.action.reopen": ("重新办理", "Reopen"),
        "case.action.mark_unsolvable": ("无法办理", "Mark unsolvable"),
        "case.action.merge": ("合并", "Merge"),
        "case.action.supervise": ("督办", "Supervise"),

        // Actors
        "case.actor.operator": ("受理员/派遣员", "Operator/dispatcher"),
        "case.actor.department": ("职能部门", "Department"),
        "case.actor.grid_worker": ("网格员", "Grid worker"),
        "case.actor.leader": ("领导", "Leader"),
        "case.actor.system": ("系统（时限巡检）", "System (time-limit sweeper)"),
        "case.actor.resident": ("居民", "Resident"),

        // Callback ratings and outcomes
        "case.rating.satisfied": ("满意", "Satisfied"),
        "case.rating.basically_satisfied": ("基本满意", "Mostly satisfied"),
        "case.rating.dissatisfied": ("不满意", "Dissatisfied"),
        "case.outcome.solved": ("已解决", "Solved"),
        "case.outcome.unsolvable": ("无法办理", "Unsolvable"),
        "case.outcome.rejected": ("不予受理", "Rejected"),
        "case.outcome.merged": ("重复案件已合并", "Merged as a duplicate"),

        // Problems (Cases/CaseMachine.swift)
        "case.notAllowed": ("案件处于“{0}”状态，不能“{1}”", "A case that is \"{0}\" cannot be given \"{1}\""),
        "case.actorNotAllowed": ("{0}无权对案件执行“{1}”", "A {0} may not \"{1}\" a case"),
        "case.reasonRequired": ("“{0}”必须填写原因", "\"{0}\" needs a reason"),
        "case.departmentRequired": ("派遣时必须选择承办部门", "Choose the department to dispatch to"),
        "case.escalationNotHigher": ("只能上报到更高层级：案件在{0}，不能上报到{1}", "A case can only be escalated upwards: it is at the {0} level and cannot go to the {1} level"),
        "case.suspensionEndsInPast": ("缓办截止时间必须晚于现在", "The end of a suspension must be in the future"),
        "case.reopenAfterSatisfiedCallback": ("回访满意或基本满意的案件不能重新办理", "A case rated satisfied or mostly satisfied cannot be reopened"),
        "case.mergeTargetRequired": ("合并时必须指明合并到哪个案件", "Name the case to merge into"),
        "case.mergeIntoItself": ("案件不能合并到它自己", "A case cannot be merged into itself"),

        // Time limits (Cases/TimeLimits.swift)
        "case.limit.on_time": ("正常", "On time"),
        "case.limit.warning": ("预警", "Warning"),
        "case.limit.overdue": ("超时", "Overdue"),
        "case.verify_by_other": ("核查须由处置人以外的人进行", "Handling must be verified by someone other than its handler"),
        "case.limit.respond_overdue": ("响应超时", "Response overdue"),
        "case.limit.resolve_overdue": ("办结超时", "Resolution overdue"),
        "case.limit.respond_warning": ("响应预警", "Response due soon"),
        "case.limit.resolve_warning": ("办结预警", "Resolution due soon"),
        "case.counting.clock": ("自然小时", "Clock hours"),
        "case.counting.working": ("工作小时", "Working hours"),

        // Category kinds (Cases/CaseCategory.swift)
        "case.kind.event": ("事件", "Event"),
        "case.kind.component": ("部件", "Component"),
        "case.kind.service": ("代办服务", "Proxy service"),
        "case.kind.appeal": ("纠纷与咨询", "Disputes and inquiries"),
    ]
}

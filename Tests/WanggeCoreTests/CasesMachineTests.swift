import Foundation
import Testing
@testable import WanggeCore

/// The case loop, tested exhaustively: every state × every action × every actor. The table
/// below is the specification; the machine must allow exactly what it lists.
@Suite struct CaseMachineTests {
    typealias Row = (from: CaseState, action: CaseActionKind, to: CaseState, actors: Set<ActorRole>)

    static let op: ActorRole = .operator_
    static let handlers: Set<ActorRole> = [.department, .gridWorker]
    static let escalators: Set<ActorRole> = [.gridWorker, .operator_, .leader, .system]
    static let supervisors: Set<ActorRole> = [.operator_, .leader, .system]
    static let approvers: Set<ActorRole> = [.operator_, .leader]

    static let spec: [Row] = [
        (.reported, .accept, .accepted, [op]),
        (.reported, .reject, .rejected, [op]),
        (.reported, .merge, .merged, [op]),
        (.reported, .escalate, .reported, escalators),
        (.reported, .supervise, .reported, supervisors),
        (.reported, .resolveOnSpot, .closed, [.gridWorker]),  // 就地解决, where the category allows (checked by storage)

        (.accepted, .dispatch, .dispatched, [op]),
        (.accepted, .close, .closed, [op]),  // 直接办结: answered on the spot
        (.accepted, .merge, .merged, [op]),
        (.accepted, .suspend, .suspended, approvers),
        (.accepted, .markUnsolvable, .closed, approvers),
        (.accepted, .escalate, .accepted, escalators),
        (.accepted, .supervise, .accepted, supervisors),

        (.dispatched, .signFor, .signedFor, handlers),
        (.dispatched, .sendBack, .accepted, handlers),
        (.dispatched, .suspend, .suspended, approvers),
        (.dispatched, .markUnsolvable, .closed, approvers),
        (.dispatched, .escalate, .dispatched, escalators),
        (.dispatched, .supervise, .dispatched, supervisors),

        (.signedFor, .handle, .handled, handlers),
        (.signedFor, .sendBack, .accepted, handlers),
        (.signedFor, .suspend, .suspended, approvers),
        (.signedFor, .markUnsolvable, .closed, approvers),
        (.signedFor, .escalate, .signedFor, escalators),
        (.signedFor, .supervise, .signedFor, supervisors),

        (.handled, .verify, .verified, [op, .gridWorker]),
        (.handled, .returnForRework, .dispatched, [op, .gridWorker]),
        (.handled, .escalate, .handled, escalators),
        (.handled, .supervise, .handled, supervisors),

        (.verified, .close, .closed, [op]),
        (.verified, .escalate, .verified, escalators),
        (.verified, .supervise, .verified, supervisors),

        (.closed, .callback, .calledBack, [.resident, op]),
        (.closed, .reopen, .accepted, approvers),

        (.calledBack, .reopen, .accepted, approvers),  // only after 不满意 (see `reopenNeedsDissatisfiedCallback`)

        (.suspended, .resume, .dispatched, [op, .leader, .system]),  // back to where it was (dispatched here)
        (.suspended, .escalate, .suspended, escalators),
        // rejected and merged: nothing.
    ]

    static let t0 = Date(timeIntervalSince1970: 1_741_000_000)

    /// A case in `state`, as it would be after reaching it normally.
    static func snapshot(_ state: CaseState) -> CaseSnapshot {
        var s = CaseSnapshot(id: "C1", state: state, level: .grid, reportedAt: t0)
        if state != .reported { s.respondedAt = t0 + 600 }
        if [.dispatched, .signedFor, .handled, .verified, .suspended].contains(state) { s.department = "sanitation" }
        switch state {
        case .suspended:
            s.stateBeforeSuspension = .dispatched
            s.suspendedSince = t0 + 3600
        case .closed: s.outcome = .solved; s.closedAt = t0 + 7200
        case .calledBack: s.outcome = .solved; s.closedAt = t0 + 7200; s.rating = .dissatisfied
        case .rejected: s.outcome = .rejected
        case .merged: s.outcome = .merged; s.mergedInto = "C0"
        default: break
        }
        return s
    }

    /// One valid action of each kind.
    static func sample(_ kind: CaseActionKind) -> CaseAction? {
        switch kind {
        case .report: nil
        case .accept: .accept(note: "属实，予以受理")
        case .reject: .reject(reason: "不属于本辖区")
        case .dispatch: .dispatch(department: "sanitation")
        case .signFor: .signFor()
        case .handle: .handle(note: "已清运")
        case .verify: .verify(note: "现场已清理干净")
        case .returnForRework: .returnForRework(reason: "现场仍有垃圾")
        case .close: .close()
        case .resolveOnSpot: .resolveOnSpot(note: "现场劝离，已清理")
        case .callback: .callback(rating: .satisfied)
        case .sendBack: .sendBack(reason: "不属本部门职责")
        case .escalate: .escalate(to: .street, reason: "网格无法解决，请街道协调")
        case .suspend: .suspend(reason: "等待产权单位确认")
        case .resume: .resume()
        case .reopen: .reopen(reason: "居民反映问题复发")
        case .markUnsolvable: .markUnsolvable(reason: "属历史遗留问题，需纳入改造计划")
        case .merge: .merge(into: "C0")
        case .supervise: .supervise(note: "请加快办理")
        }
    }

    @Test func theTableCoversEveryActionKindAndHasNoDuplicateRows() {
        var seen: Set<String> = []
        for row in Self.spec {
            #expect(seen.insert("\(row.from)/\(row.action)").inserted, "row \(row.from) \(row.action) twice")
            #expect(!row.actors.isEmpty)
        }
        for kind in CaseActionKind.onExistingCase {
            #expect(Self.sample(kind)?.kind == kind)
            #expect(Self.spec.contains { $0.action == kind }, "\(kind) allowed nowhere")
        }
    }

    @Test func everyStateEveryActionEveryActor() {
        var checked = 0, allowed = 0
        for state in CaseState.allCases {
            for kind in CaseActionKind.onExistingCase {
                let row = Self.spec.first { $0.from == state && $0.action == kind }
                for actor in ActorRole.allCases {
                    checked += 1
                    let result = Result { () throws(CaseProblem) in
                        try CaseMachine.apply(Self.sample(kind)!, to: Self.snapshot(state), by: actor, at: Self.t0 + 86_400)
                    }
                    switch (row, result) {
                    case (let row?, .success(let tr)) where row.actors.contains(actor):
                        allowed += 1
                        #expect(tr.snapshot.state == row.to, "\(state) \(kind) \(actor)")
                        #expect(tr.event.from == state && tr.event.to == row.to && tr.event.action == kind)
                        #expect(tr.event.actor == actor && tr.event.at == Self.t0 + 86_400)
                    case (let row?, .failure(let p)) where !row.actors.contains(actor):
                        #expect(p == .actorNotAllowed(action: kind, actor: actor), "\(state) \(kind) \(actor)")
                    case (nil, .failure(let p)):
                        #expect(p == .notAllowed(action: kind, state: state), "\(state) \(kind) \(actor)")
                        let zh = p.message(.zh)
                        #expect(zh.contains(L10n.t(state.nameKey)) && zh.contains(L10n.t(kind.nameKey)), "\(zh)")
                    default:
                        Issue.record("\(state) \(kind) by \(actor): expected \(row.map { "\($0.to) for \($0.actors)" } ?? "refusal"), got \(result)")
                    }
                }
            }
        }
        #expect(checked == CaseState.allCases.count * 18 * ActorRole.allCases.count)
        #expect(allowed == Self.spec.reduce(0) { $0 + $1.actors.count })
    }

    @Test func allowedActionsMatchTheTable() {
        for state in CaseState.allCases {
            for actor in ActorRole.allCases {
                let expected = Self.spec.filter { $0.from == state && $0.actors.contains(actor) }.map(\.action)
                #expect(Set(CaseMachine.allowedActions(on: Self.snapshot(state), by: actor)) == Set(expected), "\(state) \(actor)")
            }
        }
        var top = Self.snapshot(.accepted)
        top.level = .district
        #expect(!CaseMachine.allowedActions(on: top, by: .operator_).contains(.escalate))
        var rated = Self.snapshot(.calledBack)
        rated.rating = .basicallySatisfied
        #expect(CaseMachine.allowedActions(on: rated, by: .operator_).isEmpty)
    }

    @Test func theWholeLoopWithReworkAndReopening() throws {
        var clock = Self.t0
        func step(_ a: CaseAction, _ s: CaseSnapshot, by actor: ActorRole) throws -> CaseTransition {
            clock += 1800
            return try CaseMachine.apply(a, to: s, by: actor, at: clock)
        }
        let opened = CaseMachine.report(id: "C7", by: .resident, at: clock, note: "  楼下垃圾桶满溢  ")
        #expect(opened.event.from == nil && opened.event.to == .reported && opened.event.note == "楼下垃圾桶满溢")
        var timeline = [opened.event]
        var s = opened.snapshot
        for (action, actor) in [
            (CaseAction.accept(), ActorRole.operator_), (.dispatch(department: " sanitation "), .operator_),
            (.signFor(), .department), (.handle(note: "已清运"), .department),
            (.returnForRework(reason: "桶边仍有散落垃圾"), .gridWorker), (.signFor(), .department),
            (.handle(note: "已清扫"), .department), (.verify(), .gridWorker), (.close(), .operator_),
            (.callback(rating: .dissatisfied, note: "三天后又满了"), .resident),
            (.reopen(reason: "回访不满意"), .leader),
        ] {
            let tr = try step(action, s, by: actor)
            timeline.append(tr.event)
            s = tr.snapshot
        }
        #expect(s.state == .accepted && s.reworkCount == 1 && s.reopenCount == 1)
        #expect(s.respondedAt == Self.t0 + 1800 && s.closedAt == nil && s.rating == nil && s.department == nil)
        #expect(
            timeline.map(\.to) == [
                .reported, .accepted, .dispatched, .signedFor, .handled, .dispatched, .signedFor,
                .handled, .verified, .closed, .calledBack, .accepted,
            ])
        #expect(timeline[2].department == "sanitation" && timeline[5].department == "sanitation")
        #expect(timeline[5].reason == "桶边仍有散落垃圾" && timeline[10].rating == .dissatisfied)
        #expect(timeline.filter(\.notifyReporter).map(\.action) == [.close, .reopen])
        for (a, b) in zip(timeline, timeline.dropFirst()) { #expect(a.to == b.from) }
    }

    @Test func reasonsAreRequired() {
        let blanks: [(CaseAction, CaseState)] = [
            (.reject(reason: " "), .reported), (.returnForRework(reason: ""), .handled), (.sendBack(reason: "\n"), .dispatched),
            (.escalate(to: .street, reason: ""), .accepted), (.suspend(reason: " "), .accepted), (.reopen(reason: ""), .closed),
            (.markUnsolvable(reason: "  "), .signedFor),
        ]
        for (action, state) in blanks {
            let actor = CaseMachine.rule(for: action.kind).actors.sorted { $0.rawValue < $1.rawValue }.first!
            #expect(throws: CaseProblem.reasonRequired(action: action.kind)) {
                try CaseMachine.apply(action, to: Self.snapshot(state), by: actor, at: Self.t0)
            }
        }
        #expect(throws: CaseProblem.departmentRequired) {
            try CaseMachine.apply(.dispatch(department: " "), to: Self.snapshot(.accepted), by: .operator_, at: Self.t0)
        }
    }

    @Test func escalationGoesUpAndIsTold() throws {
        let tr = try CaseMachine.apply(
            .escalate(to: .street, reason: "小区养狗问题网格难以解决"), to: Self.snapshot(.reported),
            by: .gridWorker, at: Self.t0)
        #expect(tr.snapshot.level == .street && tr.snapshot.state == .reported && tr.snapshot.respondedAt == nil)
        #expect(tr.event.level == .street && tr.event.notifyReporter)
        var street = tr.snapshot
        #expect(throws: CaseProblem.escalationNotHigher(current: .street, requested: .street)) {
            try CaseMachine.apply(.escalate(to: .street, reason: "x"), to: street, by: .system, at: Self.t0)
        }
        #expect(throws: CaseProblem.escalationNotHigher(current: .street, requested: .grid)) {
            try CaseMachine.apply(.escalate(to: .grid, reason: "x"), to: street, by: .system, at: Self.t0)
        }
        street = try CaseMachine.apply(.escalate(to: .district, reason: "超时未办结"), to: street, by: .system, at: Self.t0).snapshot
        #expect(street.level == .district)
    }

    @Test(arguments: [CaseState.accepted, .dispatched, .signedFor])
    func suspensionResumesWhereItLeftOff(state: CaseState) throws {
        var s = Self.snapshot(state)
        s.stateBeforeSuspension = nil
        let until = Self.t0 + 7 * 86_400
        let suspended = try CaseMachine.apply(.suspend(reason: "待汛期后施工", until: until), to: s, by: .leader, at: Self.t0)
        #expect(suspended.snapshot.state == .suspended && suspended.snapshot.stateBeforeSuspension == state)
        #expect(suspended.snapshot.suspendedSince == Self.t0 && suspended.snapshot.suspendedUntil == until)
        #expect(suspended.event.until == until && suspended.event.notifyReporter)
        let resumed = try CaseMachine.apply(.resume(), to: suspended.snapshot, by: .system, at: until)
        #expect(resumed.snapshot.state == state && resumed.snapshot.department == s.department)
        #expect(resumed.endedSuspension == DateInterval(start: Self.t0, end: until))
        #expect(resumed.snapshot.suspendedSince == nil && resumed.snapshot.stateBeforeSuspension == nil)
        #expect(throws: CaseProblem.suspensionEndsInPast) {
            try CaseMachine.apply(.suspend(reason: "x", until: Self.t0), to: s, by: .operator_, at: Self.t0)
        }
    }

    @Test func reopenNeedsDissatisfiedCallback() throws {
        for rating in [Satisfaction.satisfied, .basicallySatisfied] {
            var s = Self.snapshot(.calledBack)
            s.rating = rating
            #expect(throws: CaseProblem.reopenAfterSatisfiedCallback) {
                try CaseMachine.apply(.reopen(reason: "x"), to: s, by: .operator_, at: Self.t0)
            }
        }
        let tr = try CaseMachine.apply(.reopen(reason: "不满意"), to: Self.snapshot(.calledBack), by: .operator_, at: Self.t0)
        #expect(tr.snapshot.state == .accepted && tr.snapshot.outcome == nil && tr.snapshot.reopenCount == 1)
    }

    @Test func unsolvableClosesWithAReasonTheReporterIsTold() throws {
        let tr = try CaseMachine.apply(
            .markUnsolvable(reason: "  涉及产权纠纷，需法院裁决 "), to: Self.snapshot(.signedFor),
            by: .operator_, at: Self.t0 + 100)
        #expect(tr.snapshot.state == .closed && tr.snapshot.outcome == .unsolvable && tr.snapshot.closedAt == Self.t0 + 100)
        #expect(tr.event.reason == "涉及产权纠纷，需法院裁决" && tr.event.notifyReporter)
        let rated = try CaseMachine.apply(.callback(rating: .basicallySatisfied), to: tr.snapshot, by: .operator_, at: Self.t0 + 200)
        #expect(rated.snapshot.state == .calledBack && rated.snapshot.outcome == .unsolvable)
    }

    @Test func mergingAndResponse() throws {
        let tr = try CaseMachine.apply(.merge(into: "C0"), to: Self.snapshot(.reported), by: .operator_, at: Self.t0 + 60)
        #expect(tr.snapshot.mergedInto == "C0" && tr.snapshot.outcome == .merged && tr.snapshot.respondedAt == Self.t0 + 60)
        #expect(tr.event.mergedInto == "C0" && tr.event.notifyReporter)
        #expect(throws: CaseProblem.mergeIntoItself) {
            try CaseMachine.apply(.merge(into: "C1"), to: Self.snapshot(.accepted), by: .operator_, at: Self.t0)
        }
        #expect(throws: CaseProblem.mergeTargetRequired) {
            try CaseMachine.apply(.merge(into: ""), to: Self.snapshot(.accepted), by: .operator_, at: Self.t0)
        }
        let rejected = try CaseMachine.apply(.reject(reason: "重复举报"), to: Self.snapshot(.reported), by: .operator_, at: Self.t0 + 5)
        #expect(rejected.snapshot.outcome == .rejected && rejected.snapshot.respondedAt == Self.t0 + 5)
        let supervised = try CaseMachine.apply(.supervise(), to: Self.snapshot(.dispatched), by: .system, at: Self.t0)
        #expect(supervised.snapshot.supervisionCount == 1 && supervised.snapshot.state == .dispatched)
    }

    @Test func accountRolesMapToActors() {
        #expect(ActorRole(.operator_) == .operator_ && ActorRole(.proxyAgent) == .gridWorker && ActorRole(.resident) == .resident)
        #expect(ActorRole(.sysAdmin) == nil && ActorRole(.auditor) == nil && ActorRole(.securityAdmin) == nil)
    }

    @Test(arguments: L10n.Language.allCases)
    func everyNameAndProblemReads(lang: L10n.Language) {
        var keys = CaseState.allCases.map(\.nameKey) + CaseActionKind.allCases.map(\.nameKey) + ActorRole.allCases.map(\.nameKey)
        keys += Satisfaction.allCases.map(\.nameKey) + CaseOutcome.allCases.map(\.nameKey) + LimitStatus.allCases.map(\.nameKey)
        keys += HourCounting.allCases.map(\.nameKey) + CaseKind.allCases.map(\.nameKey)
        for key in keys {
            #expect(L10n.has(key), "missing \(key)")
            #expect(L10n.t(key, lang: .zh) != L10n.t(key, lang: .en), "\(key) has no Chinese")
        }
        let problems: [CaseProblem] = [
            .notAllowed(action: .signFor, state: .closed), .actorNotAllowed(action: .verify, actor: .resident),
            .reasonRequired(action: .suspend), .departmentRequired, .escalationNotHigher(current: .street, requested: .grid),
            .suspensionEndsInPast, .reopenAfterSatisfiedCallback, .mergeTargetRequired, .mergeIntoItself,
        ]
        for p in problems {
            let m = p.message(lang)
            #expect(L10n.has(p.messageKey) && !m.contains("{") && !m.contains("@"), "\(p.messageKey): \(m)")
        }
        #expect(CaseProblem.notAllowed(action: .signFor, state: .closed).message() == "案件处于“已结案”状态，不能“签收”")
        #expect(CaseProblem.actorNotAllowed(action: .verify, actor: .resident).message() == "居民无权对案件执行“核查通过”")
    }
}

import Foundation

/// One case run through the real loop: every step goes through `CaseMachine`, deadlines through
/// `CaseDeadlines`, and between steps the time-limit rule (`Overdue`) fires where the live sweeper
/// would have. Nothing happens after `now`: a step due later is left undone, so recent cases stand
/// open in whatever state they had reached.
struct DemoCaseLife {
    /// Where a case may be left waiting, so every queue has cases in it.
    enum Stage: CaseIterable {
        case reported, accepted, dispatched, signedFor, handled, verified, suspended, closed
    }

    let category: DemoCaseCategory
    let settings: DemoCaseSettings
    let levelsAbove: [UnitLevel]
    var snapshot: CaseSnapshot
    var deadlines: CaseDeadlines
    var suspensions: [DateInterval] = []
    var respondAlerts = 0
    var resolveAlerts = 0
    var nextSweepAt: Date?
    var steps: [DemoCaseStep]
    /// The time of the latest step.
    var clock: Date
    /// Set once a step would fall after `now`: the history of this case ends there.
    var ended = false
    /// Set when the case was left waiting on purpose (`wait`).
    var waited = false

    init(
        id: UUID, reportedAt: Date, by actor: DemoCaseActor, level: UnitLevel, category: DemoCaseCategory,
        settings: DemoCaseSettings, levelsAbove: [UnitLevel]
    ) {
        self.category = category
        self.settings = settings
        self.levelsAbove = levelsAbove
        let opening = CaseMachine.report(id: id.uuidString, level: level, by: actor.role, at: reportedAt)
        snapshot = opening.snapshot
        steps = [DemoCaseStep(event: opening.event, actor: actor)]
        deadlines = CaseDeadlines(reportedAt: reportedAt, limits: category.limits, warnFraction: category.warnFraction, working: settings.working)
        clock = reportedAt
    }

    var limits: CaseLimits { category.limits }
    var calendar: LimitCalendar { LimitCalendar(limits.counting, working: settings.working) }

    /// Takes `action` `delay` seconds after the latest step (whole seconds, at least a minute),
    /// after whatever the sweeper did meanwhile. False when that moment is after `now`.
    @discardableResult
    mutating func step(_ action: CaseAction, by actor: DemoCaseActor, after delay: TimeInterval) -> Bool {
        step(action, by: actor, at: clock.addingTimeInterval(max(60, delay.rounded())))
    }

    @discardableResult
    mutating func step(_ action: CaseAction, by actor: DemoCaseActor, at time: Date) -> Bool {
        step(by: actor, at: time) { _ in action }
    }

    /// A step decided only once the sweeper has acted (an escalation goes one level above wherever
    /// the case then is); `decide` may find nothing to do.
    @discardableResult
    mutating func step(by actor: DemoCaseActor, at time: Date, _ decide: (CaseSnapshot) -> CaseAction?) -> Bool {
        guard !ended else { return false }
        let at = Self.daytime(max(time, clock.addingTimeInterval(60)), for: actor)
        sweep(until: min(at, settings.now))
        guard at <= settings.now else {
            ended = true
            return false
        }
        if let action = decide(snapshot) { apply(action, by: actor, at: at) }
        return true
    }

    /// Street centres, departments and grid workers work by day: a step that would fall between
    /// 23:00 and 07:00 (China time) waits for the morning, 07:30–09:00. The district centre, the
    /// monitor and residents keep any hour.
    static func daytime(_ time: Date, for actor: DemoCaseActor) -> Date {
        switch actor {
        case .districtOperator, .system, .reporter: return time
        case .streetOperator, .department, .gridStaff, .leader: break
        }
        let local = Int((time.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let second = (local % 86_400 + 86_400) % 86_400
        guard second >= 23 * 3600 || second < 7 * 3600 else { return time }
        let morning = local - second + (second >= 23 * 3600 ? 86_400 : 0) + 7 * 3600 + 1800 + local % 5400
        return Date(timeIntervalSince1970: Double(morning - 8 * 3600))
    }

    /// Leaves the case as it is: only the sweeper still acts, up to `now`.
    mutating func wait() {
        guard !ended else { return }
        sweep(until: settings.now)
        ended = true
        waited = true
    }

    mutating func apply(_ action: CaseAction, by actor: DemoCaseActor, at time: Date) {
        let transition: CaseTransition
        do {
            transition = try CaseMachine.apply(action, to: snapshot, by: actor.role, at: time)
        } catch {
            preconditionFailure("demo case step \(action.kind) from \(snapshot.state) by \(actor.role): \(error)")
        }
        snapshot = transition.snapshot
        steps.append(DemoCaseStep(event: transition.event, actor: actor))
        clock = time
        if let ended = transition.endedSuspension {
            suspensions.append(ended)
            deadlines = CaseDeadlines(
                reportedAt: snapshot.reportedAt, limits: limits, warnFraction: category.warnFraction,
                working: settings.working, excluding: suspensions)
        }
        if action.kind == .reopen {
            deadlines = deadlines.reopened(at: time, limits: limits, warnFraction: category.warnFraction, working: settings.working)
            resolveAlerts = 0
            nextSweepAt = nil
        }
    }

    /// What the live sweeper would have done up to `time`: it looks every minute, so it acts within
    /// one of each deadline (and of each repeat it set itself).
    mutating func sweep(until time: Date) {
        while Overdue.running.contains(snapshot.state) {
            var due = deadlines.resolveBy
            if snapshot.state == .reported && respondAlerts == 0 { due = min(due, deadlines.respondBy) }
            if let next = nextSweepAt { due = max(due, next) }
            due = max(due, clock).addingTimeInterval(30)
            guard due <= time else { return }
            let facts = Overdue.Facts(
                state: snapshot.state, level: snapshot.level, respondBy: deadlines.respondBy, resolveBy: deadlines.resolveBy,
                respondAlerts: respondAlerts, resolveAlerts: resolveAlerts, nextSweepAt: nextSweepAt,
                resolveHours: limits.resolveHours, levelsAbove: levelsAbove)
            guard
                let decision = Overdue.decide(
                    facts, now: due, note: { L10n.t($0.noteKey, ChinaTime.format($1, seconds: false)) },
                    reason: { L10n.t($0.reasonKey, L10n.t($1.nameKey)) })
            else { return }
            for action in decision.actions { apply(action, by: .system, at: due) }
            respondAlerts = decision.respondAlerts
            resolveAlerts = decision.resolveAlerts
            nextSweepAt = decision.nextSweepAt
        }
    }

    /// The moment `fraction` of the resolve limit has been used (counted as the category counts).
    func resolveMoment(_ fraction: Double, from start: Date? = nil) -> Date {
        TimeLimits.deadline(
            from: start ?? snapshot.reportedAt, hours: limits.resolveHours * fraction, calendar: calendar,
            excluding: start == nil ? suspensions : [])
    }
}

/// The course of one case: which steps, by whom, how long after each other.
struct DemoCaseScript {
    let topic: DemoCaseTopic
    let channel: CaseChannel
    /// The department routing picks.
    let department: String
    let worker: DemoCaseActor?
    let streetCode: String?
    let hasReporter: Bool
    let onSpot: Bool
    let stall: DemoCaseLife.Stage?
    let mergeInto: UUID?

    static let hour = 3600.0

    /// The operator of the level that holds the case: the street's centre, the district's once it is there.
    func operatorFor(_ life: DemoCaseLife) -> DemoCaseActor {
        guard let streetCode, life.snapshot.level != .district else { return .districtOperator }
        return .streetOperator(streetCode: streetCode)
    }

    func handler(_ key: String) -> DemoCaseActor {
        key == DemoCaseScript.gridTeam ? (worker ?? .department(key)) : .department(key)
    }

    /// The department key of the grid team (see the case tables).
    static let gridTeam = "grid_team"

    /// Departments a case is sometimes sent to by mistake and sent back from (退回).
    static let mistakes = ["urban_management", "housing", "municipal", "street_governance", "property"]

    /// Stops here when the case is to wait at `stage`.
    func waits(_ stage: DemoCaseLife.Stage, _ life: inout DemoCaseLife) -> Bool {
        guard stall == stage else { return false }
        life.wait()
        return true
    }

    func minutes(_ range: ClosedRange<Double>, _ rng: inout DemoRNG) -> TimeInterval { rng.double(in: range) * 60 }
    func hours(_ range: ClosedRange<Double>, _ rng: inout DemoRNG) -> TimeInterval { rng.double(in: range) * Self.hour }

    func run(_ life: inout DemoCaseLife, rng: inout DemoRNG) {
        if waits(.reported, &life) { return }
        let op = operatorFor(life)
        if channel == .gridWorker, onSpot, let worker, rng.chance(0.5) {
            life.step(.resolveOnSpot(note: rng.pick(topic.done)), by: worker, after: minutes(3...25, &rng))
            return
        }
        // Respond: most within the limit, some late (the sweeper then supervises and escalates).
        let respond = life.limits.respondHours * Self.hour
        let respondDelay = respond * (rng.chance(0.06) ? rng.double(in: 1.1...3) : rng.double(in: 0.05...0.75))
        if let mergeInto {
            life.step(.merge(into: mergeInto.uuidString, note: nil), by: op, after: respondDelay)
            return
        }
        let rejectShare: Double =
            switch channel {
            case .gridWorker: 0.005
            case .window: 0.01
            case .hotline: 0.03
            case .qr, .open311, .mailbox: 0.06
            }
        if rng.chance(rejectShare) {
            life.step(.reject(reason: rng.pick(DemoCaseTopics.rejectReasons)), by: op, after: respondDelay)
            return
        }
        guard life.step(.accept(note: nil), by: op, after: respondDelay), !waits(.accepted, &life) else { return }
        // Questions answered at once (直接办结).
        let answerable = topic.category == "appeal.policy_inquiry" || (topic.category.hasPrefix("appeal.") && rng.chance(0.15))
        if answerable && stall != .suspended && stall.map({ $0 < .closed }) != true {
            guard life.step(.close(note: rng.pick(topic.done)), by: op, after: minutes(10...90, &rng)), !waits(.closed, &life) else { return }
            callback(&life, rng: &rng)
            return
        }
        if rng.chance(0.035), let wrong = Self.mistakes.filter({ $0 != department }).randomElement(using: &rng) {
            guard life.step(.dispatch(department: wrong, note: nil), by: op, after: minutes(5...40, &rng)),
                life.step(.sendBack(reason: DemoCaseTopics.wrongDepartmentReason), by: .department(wrong), after: hours(0.5...5, &rng))
            else { return }
        }
        guard work(&life, rng: &rng, first: true), close(&life, rng: &rng) else { return }
        callback(&life, rng: &rng)
    }

    /// Dispatch, sign for, maybe suspend, escalate or give up, handle, verify (with rework).
    /// False when the history ends or the case ends otherwise.
    func work(_ life: inout DemoCaseLife, rng: inout DemoRNG, first: Bool) -> Bool {
        let op = operatorFor(life)
        let dept = handler(department)
        guard life.step(.dispatch(department: department, note: nil), by: op, after: minutes(5...60, &rng)),
            !waits(.dispatched, &life),
            life.step(.signFor(note: nil), by: dept, after: minutes(10...150, &rng))
        else { return false }
        if first && (stall == .suspended || rng.chance(0.025)) {
            let until = life.clock.addingTimeInterval(hours(24 * 3...24 * 20, &rng).rounded())
            let by: DemoCaseActor = rng.chance(0.3) ? .leader : operatorFor(life)
            guard life.step(.suspend(reason: rng.pick(DemoCaseTopics.suspendReasons), until: until), by: by, after: hours(1...24, &rng)),
                !waits(.suspended, &life),
                life.step(.resume(note: DemoCaseTopics.suspendResumeNote), by: operatorFor(life), at: until.addingTimeInterval(-hours(0...20, &rng).rounded()))
            else { return false }
        }
        if first && rng.chance(0.02) {
            life.step(.markUnsolvable(reason: rng.pick(DemoCaseTopics.unsolvableReasons)), by: operatorFor(life), after: hours(12...72, &rng))
            callback(&life, rng: &rng)
            return false
        }
        if first, rng.chance(0.015) {
            let reason = rng.pick(DemoCaseTopics.escalateReasons)
            let levels = life.levelsAbove
            let escalated = life.step(by: worker ?? op, at: life.clock.addingTimeInterval(hours(1...8, &rng).rounded())) { snapshot in
                Overdue.levelAbove(snapshot.level, in: levels).map { CaseAction.escalate(to: $0, reason: reason) }
            }
            guard escalated else { return false }
        }
        if rng.chance(0.02) {
            guard life.step(.supervise(note: rng.pick(DemoCaseTopics.leaderNotes)), by: .leader, after: hours(1...12, &rng)) else { return false }
        }
        // Most are handled well within the limit; about one in ten runs late.
        let fraction = rng.chance(0.08) ? rng.double(in: 1.05...2.2) : rng.double(in: 0.1...0.55)
        let target = first ? life.resolveMoment(fraction) : life.resolveMoment(fraction * 0.6, from: life.clock)
        let handleDelay = max(target.timeIntervalSince(life.clock), minutes(20...60, &rng))
        guard life.step(.handle(note: rng.pick(topic.done)), by: dept, after: handleDelay), !waits(.handled, &life) else { return false }
        let verifier: DemoCaseActor = dept.role == .gridWorker || worker == nil || rng.chance(0.3) ? operatorFor(life) : worker!
        var reworks = 0
        while reworks < 2 && rng.chance(0.06) {
            reworks += 1
            guard life.step(.returnForRework(reason: rng.pick(DemoCaseTopics.reworkReasons)), by: verifier, after: hours(1...8, &rng)),
                life.step(.signFor(note: nil), by: dept, after: minutes(10...90, &rng)),
                life.step(.handle(note: rng.pick(topic.done)), by: dept, after: hours(3...30, &rng))
            else { return false }
        }
        return life.step(.verify(note: rng.pick(DemoCaseTopics.verifyNotes)), by: verifier, after: hours(0.5...4, &rng)) && !waits(.verified, &life)
    }

    func close(_ life: inout DemoCaseLife, rng: inout DemoRNG) -> Bool {
        life.step(.close(note: nil), by: operatorFor(life), after: minutes(10...120, &rng)) && !waits(.closed, &life)
    }

    /// 回访: most reporters are asked (by phone, or they rate on the tracking page); ratings are
    /// mostly 满意 with a tail of 基本满意 and 不满意, and some unsatisfied cases are worked again.
    func callback(_ life: inout DemoCaseLife, rng: inout DemoRNG) {
        guard hasReporter, rng.chance(0.92) else { return }
        let byPhone = channel == .hotline || channel == .window || rng.chance(0.5)
        let again = life.snapshot.reopenCount > 0
        let rating: Satisfaction = [.satisfied, .basicallySatisfied, .dissatisfied][rng.weighted(again ? [0.75, 0.17, 0.08] : [0.86, 0.1, 0.04])]
        let actor: DemoCaseActor = byPhone ? operatorFor(life) : .reporter
        let note = byPhone ? DemoCaseTopics.phoneCallbackNote : nil
        guard life.step(.callback(rating: rating, note: note), by: actor, after: hours(2...72, &rng)) else { return }
        guard rating == .dissatisfied, !again, life.snapshot.outcome == .solved, rng.chance(0.45) else { return }
        guard life.step(.reopen(reason: DemoCaseTopics.reopenReason), by: operatorFor(life), after: hours(1...20, &rng)),
            work(&life, rng: &rng, first: false), close(&life, rng: &rng)
        else { return }
        callback(&life, rng: &rng)
    }
}

extension DemoCaseLife.Stage: Comparable {
    static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

extension Array {
    /// A random element drawn with the demo's own generator.
    fileprivate func randomElement(using rng: inout DemoRNG) -> Element? {
        isEmpty ? nil : self[rng.int(below: count)]
    }
}

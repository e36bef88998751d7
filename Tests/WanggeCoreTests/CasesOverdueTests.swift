import Foundation
import Testing
import WanggeCore

@Suite("Overdue rule: 督办 and escalation up the case's own chain")
struct CasesOverdueTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static func h(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    static func facts(
        state: CaseState = .reported, level: UnitLevel = .grid, respondAlerts: Int = 0, resolveAlerts: Int = 0,
        next: Date? = nil, above: [UnitLevel] = [.community, .street, .district]
    ) -> Overdue.Facts {
        Overdue.Facts(
            state: state, level: level, respondBy: h(2), resolveBy: h(24), respondAlerts: respondAlerts, resolveAlerts: resolveAlerts,
            nextSweepAt: next, resolveHours: 24, levelsAbove: above)
    }

    static func decide(_ f: Overdue.Facts, at now: Date) -> Overdue.Decision? {
        Overdue.decide(f, now: now, note: { "\($0.rawValue) \($1)" }, reason: { "\($0.rawValue) → \($1.rawValue)" })
    }

    @Test("nothing is due before a limit passes")
    func notDue() {
        #expect(Self.decide(Self.facts(), at: Self.h(1.9)) == nil)
        #expect(Self.decide(Self.facts(state: .accepted), at: Self.h(23)) == nil)
    }

    @Test("a missed response is supervised and escalated one level, and looked at again when the resolve limit passes")
    func missedResponse() throws {
        let d = try #require(Self.decide(Self.facts(), at: Self.h(2.5)))
        #expect(d.limit == .respond)
        #expect(d.actions.map(\.kind) == [.supervise, .escalate])
        #expect(d.actions.last == .escalate(to: .community, reason: "respond → community"))
        #expect(d.respondAlerts == 1 && d.resolveAlerts == 0)
        #expect(d.nextSweepAt == Self.h(24), "the resolve deadline comes before another full period")
        // Once raised, the response alert is not raised again while the case waits.
        #expect(Self.decide(Self.facts(level: .community, respondAlerts: 1, next: d.nextSweepAt), at: Self.h(3)) == nil)
    }

    @Test("a missed resolve limit repeats each period, one level higher each time, then supervises at the top")
    func repeatedResolve() throws {
        var f = Self.facts(state: .dispatched)
        var now = Self.h(24.1)
        var levels: [UnitLevel] = []
        for _ in 0..<4 {
            let d = try #require(Self.decide(f, at: now))
            #expect(d.limit == .resolve)
            #expect(d.actions.first?.kind == .supervise)
            if case .escalate(let to, _)? = d.actions.dropFirst().first { levels.append(to); f.level = to }
            #expect(
                Self.decide(
                    Overdue.Facts(
                        state: f.state, level: f.level, respondBy: f.respondBy, resolveBy: f.resolveBy, respondAlerts: 0,
                        resolveAlerts: d.resolveAlerts, nextSweepAt: d.nextSweepAt, resolveHours: 24, levelsAbove: f.levelsAbove),
                    at: now.addingTimeInterval(3600)) == nil, "nothing more within the period")
            f.resolveAlerts = d.resolveAlerts
            f.nextSweepAt = d.nextSweepAt
            now = d.nextSweepAt
        }
        #expect(levels == [.community, .street, .district])
        #expect(f.resolveAlerts == 4)
    }

    @Test("levels the chain lacks are skipped; a district case is only supervised")
    func ladder() throws {
        let d = try #require(Self.decide(Self.facts(above: [.street, .district]), at: Self.h(3)))
        #expect(d.actions.last == .escalate(to: .street, reason: "respond → street"))
        let top = try #require(Self.decide(Self.facts(level: .district, above: []), at: Self.h(3)))
        #expect(top.actions.map(\.kind) == [.supervise])
    }

    @Test("finished, suspended and merged cases are never swept", arguments: [CaseState.suspended, .closed, .calledBack, .rejected, .merged])
    func stopped(state: CaseState) {
        #expect(Self.decide(Self.facts(state: state), at: Self.h(100)) == nil)
    }

    @Test("every step the rule proposes is one the machine lets the system take")
    func machineAgrees() throws {
        for state in Overdue.running {
            let d = try #require(Self.decide(Self.facts(state: state), at: Self.h(30)))
            var snapshot = CaseSnapshot(id: "c", state: state, level: .grid, reportedAt: Self.t0)
            for action in d.actions {
                snapshot = try CaseMachine.apply(action, to: snapshot, by: .system, at: Self.h(30)).snapshot
            }
            #expect(snapshot.level == .community && snapshot.supervisionCount == 1 && snapshot.state == state)
        }
    }
}

import Foundation
import Testing
import WanggeCore

@Suite("Patrols: the patrol session machine")
struct PatrolMachineTests {
    /// The specification, kept apart from the machine's own table: which states each step may start
    /// from, and where it leads.
    static let table: [PatrolActionKind: (from: Set<PatrolState>, to: PatrolState)] = [
        .addPoint: ([.started], .started),
        .addFinding: ([.started], .started),
        .end: ([.started], .ended),
    ]
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("every step from every state goes exactly where the table says, or is refused; ended is final")
    func table() throws {
        for kind in PatrolActionKind.allCases {
            let rule = try #require(Self.table[kind])
            #expect(PatrolMachine.from(kind) == rule.from)
            for state in PatrolState.allCases {
                let later = Self.start.addingTimeInterval(600)
                if rule.from.contains(state) {
                    #expect(try PatrolMachine.apply(kind, to: state, startedAt: Self.start, at: later) == rule.to)
                } else {
                    #expect(throws: PatrolProblem.notAllowed(action: kind, state: state)) {
                        try PatrolMachine.apply(kind, to: state, startedAt: Self.start, at: later)
                    }
                }
            }
        }
        #expect(PatrolMachine.allowed(in: .started) == [.addPoint, .addFinding, .end])
        #expect(PatrolMachine.allowed(in: .ended).isEmpty)
    }

    @Test("a point, finding or end dated before the patrol began is refused; the very start is allowed")
    func order() throws {
        let before = Self.start.addingTimeInterval(-1)
        for kind in PatrolActionKind.allCases {
            #expect(throws: PatrolProblem.outOfOrder) { try PatrolMachine.apply(kind, to: .started, startedAt: Self.start, at: before) }
        }
        #expect(try PatrolMachine.apply(.addPoint, to: .started, startedAt: Self.start, at: Self.start) == .started)
    }

    @Test("a refusal names the step and the state in Chinese")
    func message() {
        let text = PatrolProblem.notAllowed(action: .addFinding, state: .ended).message()
        #expect(text.contains("记录发现") && text.contains("已结束"))
    }
}

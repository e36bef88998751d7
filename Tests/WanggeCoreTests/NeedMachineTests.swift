import Testing
import WanggeCore

@Suite("Needs log: the need machine")
struct NeedMachineTests {
    /// The specification, kept apart from the machine's own table: which states each step may start
    /// from, and where it leads.
    static let table: [NeedActionKind: (from: Set<NeedState>, to: NeedState)] = [
        .resolve: ([.open, .escalated], .resolved),
        .escalate: ([.open], .escalated),
    ]

    static func action(_ kind: NeedActionKind) -> NeedAction {
        switch kind {
        case .resolve: .resolve(note: "已上门解决")
        case .escalate: .escalate(trackingCode: "ABCD2345")
        }
    }

    @Test("every step from every state goes exactly where the table says, or is refused")
    func table() throws {
        for kind in NeedActionKind.allCases {
            let rule = try #require(Self.table[kind])
            #expect(NeedMachine.from(kind) == rule.from)
            for state in NeedState.allCases {
                if rule.from.contains(state) {
                    let next = try NeedMachine.apply(Self.action(kind), to: state)
                    #expect(next.state == rule.to)
                } else {
                    #expect(throws: NeedProblem.notAllowed(action: kind, state: state)) { try NeedMachine.apply(Self.action(kind), to: state) }
                }
            }
        }
    }

    @Test("the buttons offered are the steps the table allows")
    func allowed() {
        #expect(NeedMachine.allowed(in: .open) == [.resolve, .escalate])
        #expect(NeedMachine.allowed(in: .escalated) == [.resolve])
        #expect(NeedMachine.allowed(in: .resolved).isEmpty)
    }

    @Test("closing needs a resolution note; the note is kept trimmed")
    func note() throws {
        #expect(throws: NeedProblem.resolutionNoteRequired) { try NeedMachine.apply(.resolve(note: " \n "), to: .open) }
        let next = try NeedMachine.apply(.resolve(note: "  已协调物业维修 "), to: .escalated)
        #expect(next.resolution == "已协调物业维修")
        #expect(NeedProblem.resolutionNoteRequired.message().contains("解决说明"))
        #expect(NeedProblem.notAllowed(action: .escalate, state: .resolved).message() == "“已注销”的需求不能转为事件")
    }

    @Test("handing on needs the case's tracking code")
    func escalate() throws {
        #expect(throws: NeedProblem.trackingCodeRequired) { try NeedMachine.apply(.escalate(trackingCode: ""), to: .open) }
        let next = try NeedMachine.apply(.escalate(trackingCode: "ABCD2345"), to: .open)
        #expect(next.trackingCode == "ABCD2345" && next.state == .escalated)
    }
}

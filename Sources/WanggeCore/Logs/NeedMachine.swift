import Foundation

/// The needs log as a pure function: a state and a step in, the next state and what to record
/// out, or a problem saying why not. Storage and scope are the caller's.
public enum NeedMachine {
    /// Which states a step may start from. The test suite holds its own copy of this table as the
    /// specification.
    public static func from(_ kind: NeedActionKind) -> Set<NeedState> {
        switch kind {
        case .resolve: [.open, .escalated]
        case .escalate: [.open]
        }
    }

    /// The steps that may be taken on a need in `state`, for the buttons on its page.
    public static func allowed(in state: NeedState) -> [NeedActionKind] {
        NeedActionKind.allCases.filter { from($0).contains(state) }
    }

    public struct Transition: Sendable, Equatable {
        public var state: NeedState
        /// How the need was resolved, cleaned (set by `resolve`).
        public var resolution: String?
        /// The case it became (set by `escalate`).
        public var trackingCode: String?
    }

    public static func apply(_ action: NeedAction, to state: NeedState) throws(NeedProblem) -> Transition {
        guard from(action.kind).contains(state) else { throw .notAllowed(action: action.kind, state: state) }
        switch action {
        case .resolve(let note):
            // "解决一件注销一件": a need is struck off only with an account of how it was resolved.
            guard let note = clean(note) else { throw .resolutionNoteRequired }
            return Transition(state: .resolved, resolution: note)
        case .escalate(let code):
            guard let code = clean(code) else { throw .trackingCodeRequired }
            return Transition(state: .escalated, trackingCode: code)
        }
    }

    static func clean(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
}

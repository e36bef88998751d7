/// Where a resident's need stands in the 居民需求日志: open until resolved and then closed
/// ("解决一件注销一件"); an open need may first be handed on as a case, and is closed when it is resolved.
public enum NeedState: String, Sendable, Codable, CaseIterable {
    case open
    case escalated
    case resolved

    public var nameKey: String { "need.state.\(rawValue)" }
}

/// A step on a need.
public enum NeedAction: Sendable, Equatable {
    /// Closes the need; the note says how it was resolved and is required.
    case resolve(note: String)
    /// Hands the need on as a case, identified by its tracking code.
    case escalate(trackingCode: String)

    public var kind: NeedActionKind {
        switch self {
        case .resolve: .resolve
        case .escalate: .escalate
        }
    }
}

public enum NeedActionKind: String, Sendable, Codable, CaseIterable {
    case resolve
    case escalate
}

/// Why a step on a need was refused; `key` is a localisation key.
public enum NeedProblem: Error, Sendable, Equatable, LocalizedProblem {
    case notAllowed(action: NeedActionKind, state: NeedState)
    case resolutionNoteRequired
    case trackingCodeRequired

    public var messageKey: String {
        switch self {
        case .notAllowed: "need.not_allowed"
        case .resolutionNoteRequired: "need.note_required"
        case .trackingCodeRequired: "need.case_required"
        }
    }

    public var args: [String] {
        switch self {
        case .notAllowed(let action, let state): ["@need.action.\(action.rawValue)", "@\(state.nameKey)"]
        default: []
        }
    }
}

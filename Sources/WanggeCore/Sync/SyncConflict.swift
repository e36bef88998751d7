import Foundation

/// Where a recorded sync conflict stands. It is open until a person decides; the decision is kept.
public enum SyncConflictState: String, Sendable, Codable, CaseIterable {
    case open
    case keptMine = "kept_mine"
    case keptServer = "kept_server"
    case edited

    public var nameKey: String { "sync.conflict.state.\(rawValue)" }
}

/// Who may decide a conflict: the worker whose offline change clashed, or a supervisor of the grid.
public enum SyncConflictDecider: String, Sendable, Codable {
    case worker
    case supervisor
}

/// A decision on an open conflict.
public enum SyncConflictAction: Sendable, Equatable {
    /// The worker's offline value is written over the server's.
    case keepMine
    /// The server's value stays; the offline value is recorded as set aside.
    case keepServer
    /// A third value, typed by the person deciding.
    case edit(String)

    public var kind: SyncConflictState {
        switch self {
        case .keepMine: .keptMine
        case .keepServer: .keptServer
        case .edit: .edited
        }
    }
}

public enum SyncConflictProblem: Error, Sendable, Equatable, LocalizedProblem {
    case alreadyDecided(SyncConflictState)
    case notYours
    case valueRequired

    public var messageKey: String {
        switch self {
        case .alreadyDecided: "sync.conflict.already_decided"
        case .notYours: "sync.conflict.not_yours"
        case .valueRequired: "sync.conflict.value_required"
        }
    }

    public var args: [String] {
        switch self {
        case .alreadyDecided(let s): ["@\(s.nameKey)"]
        default: []
        }
    }
}

/// The conflict workflow as a pure function: open → kept mine / kept server / edited, decided once,
/// by the worker who made the change or by a supervisor of the grid.
public enum SyncConflictMachine {
    public struct Decision: Sendable, Equatable {
        public var state: SyncConflictState
        /// The value the field ends with; nil when the server's value stays as it is.
        public var write: String??

        public init(state: SyncConflictState, write: String??) {
            (self.state, self.write) = (state, write)
        }
    }

    /// - Parameters:
    ///   - isAuthor: whether the deciding account is the worker whose offline change clashed.
    ///   - mine: the worker's offline value.
    public static func decide(
        _ action: SyncConflictAction, state: SyncConflictState, by decider: SyncConflictDecider, isAuthor: Bool, mine: String?
    ) throws(SyncConflictProblem) -> Decision {
        // Someone else's conflict is not the worker's to see, decided or not.
        guard decider == .supervisor || isAuthor else { throw .notYours }
        guard state == .open else { throw .alreadyDecided(state) }
        switch action {
        case .keepMine: return Decision(state: .keptMine, write: .some(mine))
        case .keepServer: return Decision(state: .keptServer, write: nil)
        case .edit(let raw):
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .valueRequired }
            return Decision(state: .edited, write: .some(value))
        }
    }
}

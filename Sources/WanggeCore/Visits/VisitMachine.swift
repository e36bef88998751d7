import Foundation

/// Where a home visit (入户走访) stands. A visit whose register changes did not all pass the
/// checks is kept as a draft, with nothing applied; once they all pass it is recorded, its changes
/// are in the register and it no longer changes.
public enum VisitState: String, Sendable, Codable, CaseIterable {
    case draft
    case recorded

    public var nameKey: String { "visit.state.\(rawValue)" }
}

/// Why a visit cannot take a step.
public enum VisitProblem: Error, Sendable, Equatable {
    /// A recorded visit is part of the register's history; it is not submitted again.
    case alreadyRecorded
    /// A visit says at least what was seen or whom the worker met.
    case nothingRecorded

    public var messageKey: String {
        switch self {
        case .alreadyRecorded: "visit.already_recorded"
        case .nothingRecorded: "visit.nothing_recorded"
        }
    }
}

/// The visit as a pure function: the state it is in (nil for a visit not yet saved) and the result
/// of checking its register changes, to the state it is saved in.
public enum VisitMachine {
    /// The states a submission may start from. The tests hold their own copy of this table.
    public static let submittable: Set<VisitState?> = [nil, .draft]

    /// Submits a visit. With no problems it is recorded (and the caller applies its changes in the
    /// same transaction); with problems it stays, or becomes, a draft and nothing is applied.
    public static func submit(from state: VisitState?, seen: String, met: Int, problems: Int) throws(VisitProblem) -> VisitState {
        guard submittable.contains(state) else { throw .alreadyRecorded }
        guard !seen.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || met > 0 else { throw .nothingRecorded }
        return problems == 0 ? .recorded : .draft
    }
}

import Foundation

/// A community's four lists (四张清单): what it does on its own (自治事项), what it does for the
/// government by law (协助政府事项), what the government may buy from it or others as a service
/// (可购买服务事项), and what may not be put on it at all (负面清单).
public enum FourList: String, Sendable, Codable, CaseIterable {
    case selfGovernance = "self_governance"
    case assistGovernment = "assist_government"
    case purchasable
    case negative

    public var nameKey: String { "fourlist.\(rawValue)" }
}

/// Where a department's task for a community stands under 社区工作准入制: nothing reaches the
/// community's queue before review.
public enum AdmissionState: String, Sendable, Codable, CaseIterable {
    case submitted
    case admitted
    case refused
    /// Not the community's duty, but something the department may buy as a service ("费随事转").
    case purchase

    public var nameKey: String { "admission.state.\(rawValue)" }
    public var isFinal: Bool { self != .submitted }
}

/// A reviewer's decision on a submitted task.
public enum AdmissionDecision: Sendable, Equatable {
    /// Admitted into the community's queue. `basis` is the law the task rests on when it matches no
    /// list item: without a list item or a law a task does not enter ("除法律、法规有明确规定的以外").
    case admit(basis: String?)
    case refuse(reason: String)
    case buyAsService(note: String?)

    public var kind: AdmissionActionKind {
        switch self {
        case .admit: .admit
        case .refuse: .refuse
        case .buyAsService: .buyAsService
        }
    }
}

public enum AdmissionActionKind: String, Sendable, Codable, CaseIterable {
    case admit
    case refuse
    case buyAsService = "buy_as_service"

    public var nameKey: String { "admission.action.\(rawValue)" }
}

/// Task admission as a pure function: the task's state, the list its matched item is on (nil when
/// it matches none) and the reviewer's decision in; the next state and what to record out.
public enum AdmissionMachine {
    public struct Outcome: Sendable, Equatable {
        public var state: AdmissionState
        public var reason: String?
        public var basis: String?
        /// Refused because the task is on the negative list; counted apart.
        public var negative: Bool
    }

    /// Which list each decision may rest on. The negative list admits nothing and buys nothing;
    /// only what the community may sell can be bought as a service.
    public static func allows(_ kind: AdmissionActionKind, list: FourList?) -> Bool {
        switch (kind, list) {
        case (.refuse, _): true
        case (.admit, .negative), (.buyAsService, .negative): false
        case (.admit, _): true
        case (.buyAsService, .purchasable): true
        case (.buyAsService, _): false
        }
    }

    public static func review(_ state: AdmissionState, list: FourList?, decision: AdmissionDecision) throws(OpennessProblem) -> Outcome {
        guard state == .submitted else { throw .invalid("admission.already_reviewed", [L10n.term(state.nameKey)]) }
        guard allows(decision.kind, list: list) else {
            throw OpennessProblem.invalid(list == .negative ? "admission.negative_list" : "admission.not_purchasable", field: "decision")
        }
        switch decision {
        case .admit(let basis):
            let basis = basis.map(PowerItemDraft.clean).flatMap { $0.isEmpty ? nil : $0 }
            // An unlisted task enters only on a cited law.
            if list == nil && basis == nil { throw .invalid("admission.basis_required", field: "basis") }
            return Outcome(state: .admitted, reason: nil, basis: basis, negative: false)
        case .refuse(let reason):
            let reason = PowerItemDraft.clean(reason)
            guard !reason.isEmpty else { throw .invalid("admission.reason_required", field: "reason") }
            return Outcome(state: .refused, reason: reason, basis: nil, negative: list == .negative)
        case .buyAsService(let note):
            let note = note.map(PowerItemDraft.clean).flatMap { $0.isEmpty ? nil : $0 }
            return Outcome(state: .purchase, reason: note, basis: nil, negative: false)
        }
    }
}

import Foundation

/// What a resident gives to register for a meeting, check in or vote: the ID number, the phone
/// and the household (门牌号) as the register holds them. The server looks all three up together,
/// so knowing someone's ID number alone is not enough to act for them.
public struct ParticipantClaim: Sendable, Equatable {
    public var idNumber: String
    public var phone: String
    public var household: String

    public static let maxHousehold = 40

    public init(idNumber: String, phone: String, household: String) { (self.idNumber, self.phone, self.household) = (idNumber, phone, household) }

    /// Checks the form of each field and returns them normalised (ID upper case, phone digits).
    public static func checked(idNumber: String, phone: String, household: String, today: SimpleDate) throws(OpennessProblem) -> ParticipantClaim {
        let id: ResidentID
        do { id = try ResidentID(idNumber, today: today) } catch { throw .invalid("council.bad_id_number", field: "id_number") }
        let normalized: String
        do { normalized = try Phone.normalize(phone) } catch { throw .invalid("council.bad_phone", field: "phone") }
        let h = household.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !h.isEmpty, h.count <= maxHousehold else { throw .invalid("council.bad_household", field: "household") }
        return ParticipantClaim(idNumber: id.value, phone: normalized, household: h)
    }
}

/// Why a participation was refused; every refusal is counted against its meeting or poll.
public enum ParticipationRefusal: String, Sendable, Codable, CaseIterable {
    /// No resident of this community has that ID number, phone and household together.
    case notInRegister = "not_in_register"
    /// The person (or, for a poll by household, the household) has already voted.
    case secondVote = "second_vote"
    /// A check-in without the meeting's code, or once the meeting's day is over.
    case badCode = "bad_code"

    public var messageKey: String { "council.refused.\(rawValue)" }
}

/// How a residents' poll on a proposal keeps to one vote per person or per household.
public enum Ballot {
    public enum Choice: String, Sendable, Codable, CaseIterable {
        case approve, oppose, abstain
        public var nameKey: String { "proposal.choice.\(rawValue)" }
    }

    /// The key a vote is stored under; the poll holds each key once, so a second vote by the same
    /// person (or household, when the poll counts households) is refused by the database itself.
    public static func voterKey(_ unit: VoteUnit, resident: UUID, household: UUID) -> String {
        switch unit {
        case .person: "person:\(resident.uuidString)"
        case .household: "household:\(household.uuidString)"
        }
    }

    /// A poll's counts by choice.
    public struct Tally: Sendable, Equatable, Codable {
        public var approve = 0
        public var oppose = 0
        public var abstain = 0
        public var total: Int { approve + oppose + abstain }

        public init(approve: Int = 0, oppose: Int = 0, abstain: Int = 0) { (self.approve, self.oppose, self.abstain) = (approve, oppose, abstain) }

        public mutating func add(_ choice: Choice, _ n: Int = 1) {
            switch choice {
            case .approve: approve += n
            case .oppose: oppose += n
            case .abstain: abstain += n
            }
        }
    }
}

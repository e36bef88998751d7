import Foundation
import WanggeCore

/// What a caller is shown of a resident: ID number and phone masked unless `reveal` is asked for
/// by a role that may see them (that read is logged by the caller), sensitive tags only for roles
/// whose work needs them. Pages, the API and exports all go through this one conversion.
public struct ResidentView: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var idNumber: String?
    public var documentNumber: String?
    public var sex: String?
    public var birthDate: String?
    public var age: Int?
    public var phone: String?
    public var householdID: UUID?
    public var householdNumber: String?
    public var relation: String?
    public var residenceType: String
    public var gridID: UUID?
    public var tags: [String]
    public var masked: Bool
    /// The person's data was removed at their request; only the row and its grid remain.
    public var anonymised: Bool

    public init(_ row: ResidentRow, tags: [TagRow], householdNumber: String?, role: Role, reveal: Bool, today: SimpleDate = .today) {
        let showFull = reveal && role.mayUnmask
        id = row.id
        name = row.name
        idNumber = row.idNumber.map { showFull ? $0 : Mask.idNumber($0) }
        documentNumber = row.documentNumber.map { showFull ? $0 : Mask.idNumber($0) }
        sex = row.sex
        birthDate = row.birthDate
        age = row.birthDate.flatMap(SimpleDate.init(iso:)).map { $0.age(on: today) }
        phone = row.phone.map { showFull ? $0 : Mask.phone($0) }
        householdID = row.householdID
        self.householdNumber = householdNumber
        relation = row.relation
        residenceType = row.residenceType
        gridID = row.unitID
        self.tags = tags.filter { !$0.sensitive || role.seesSensitiveTags }.map(\.key)
        masked = !showFull
        anonymised = row.anonymisedAt != nil
    }
}

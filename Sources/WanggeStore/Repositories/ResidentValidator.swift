import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// One thing wrong with one field of an input, said in the localisation table's words.
public struct FieldProblem: Sendable, Equatable, Codable {
    public var field: String
    public var key: String
    public var args: [String]

    public init(_ field: String, _ key: String, _ args: [String] = []) {
        self.field = field
        self.key = key
        self.args = args
    }

    public func message(_ lang: L10n.Language = .zh) -> String { L10n.format(key, args, lang: lang) }
}

/// Several field problems at once, so a form or an import row can show them all.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var problems: [FieldProblem]

    public init(problems: [FieldProblem]) { self.problems = problems }
}

/// A resident input that passed every check, with what was derived from it.
struct ValidatedResident {
    var input: ResidentInput
    var idNumber: ResidentID?
    var phone: String?
    var householdID: UUID?
    var unitID: UUID?
    var tags: [String]

    func row(id: UUID, now: Date) -> ResidentRow {
        ResidentRow(
            id: id, name: input.name.trimmingSpaces(), idNumber: idNumber?.value,
            documentNumber: input.documentNumber?.trimmingSpaces().trimmedOrNil,
            sex: idNumber?.sex.rawValue, birthDate: idNumber?.birthDate.description, phone: phone,
            householdID: householdID, relation: input.relation?.trimmedOrNil, residenceType: input.residenceType,
            unitID: unitID, createdAt: now, updatedAt: now)
    }
}

/// Checks a resident input field by field. The pure checks need nothing; the household and
/// uniqueness checks ask the database, limited to the caller's scope.
struct ResidentValidator {
    let sql: any SQLDatabase
    let scope: Scope
    let cipher: FieldCipher

    /// The checks that need no database; also used by the importer before it looks anything up.
    static func checkFields(_ input: ResidentInput, knownTags: Set<String>) -> (ResidentID?, String?, [FieldProblem]) {
        var problems: [FieldProblem] = []
        let name = input.name.trimmingSpaces()
        if name.isEmpty { problems.append(FieldProblem("name", "field.required")) } else if name.count > 50 { problems.append(FieldProblem("name", "field.too_long", ["50"])) }
        var id: ResidentID?
        if let raw = input.idNumber?.trimmingSpaces(), raw.contains("*") {
            // A masked export sent back: say so, rather than "wrong length" or a check digit.
            problems.append(FieldProblem("id_number", "field.masked_value"))
        } else if let raw = input.idNumber?.trimmingSpaces(), !raw.isEmpty {
            do { id = try ResidentID(raw) } catch { problems.append(FieldProblem("id_number", error.messageKey, error.messageArgs)) }
        } else if input.residenceType != "overseas" || (input.documentNumber?.trimmingSpaces() ?? "").isEmpty {
            problems.append(FieldProblem("id_number", "field.required"))
        }
        // Every free-text field has the same limits here as on any form (imports come this way too).
        for (field, value) in [
            ("name", input.name), ("document_number", input.documentNumber ?? ""), ("relation", input.relation ?? ""),
            ("household_number", input.householdNumber ?? ""),
        ] {
            switch TextInputRules.problem(value, field: field) {
            case .controlCharacter?: problems.append(FieldProblem(field, "field.control_character"))
            case .tooLong(let n)? where field != "name": problems.append(FieldProblem(field, "field.too_long", ["\(n)"]))
            default: break
            }
        }
        var phone: String?
        if let raw = input.phone?.trimmingSpaces(), raw.contains("*") {
            problems.append(FieldProblem("phone", "field.masked_value"))
        } else if let raw = input.phone?.trimmingSpaces(), !raw.isEmpty {
            do { phone = try Phone.normalize(raw) } catch { problems.append(FieldProblem("phone", "phone.invalid", [raw])) }
        }
        if !Vocabulary.residenceTypes.contains(input.residenceType) {
            problems.append(FieldProblem("residence_type", "field.not_one_of", [input.residenceType, Vocabulary.residenceTypes.joined(separator: "/")]))
        }
        if let relation = input.relation?.trimmedOrNil, !Vocabulary.relations.contains(relation) {
            problems.append(FieldProblem("relation", "field.not_one_of", [relation, Vocabulary.relations.joined(separator: "/")]))
        }
        for tag in input.tags where !knownTags.contains(tag) {
            problems.append(FieldProblem("tags", "tag.unknown", [tag]))
        }
        return (id, phone, problems)
    }

    func validate(_ input: ResidentInput, existingID: UUID?) async throws -> ValidatedResident {
        let known = Set(try await sql.raw("SELECT key FROM tags").all().map { try $0.decode(column: "key", as: String.self) })
        var (id, phone, problems) = Self.checkFields(input, knownTags: known)
        var householdID: UUID?
        var unitID: UUID?
        if let number = input.householdNumber?.trimmingSpaces().trimmedOrNil {
            struct H: Decodable { var id: UUID; var unit_id: UUID? }
            if let h = try await sql.raw("SELECT id, unit_id FROM households WHERE number = \(bind: number) AND \(scope.condition("unit_id"))").first(decoding: H.self) {
                householdID = h.id
                unitID = h.unit_id
            } else {
                problems.append(FieldProblem("household_number", "household.unknown", [number]))
            }
        } else if !scope.includesUnplaced {
            // A caller bound to a grid may only register people into a household of that grid.
            problems.append(FieldProblem("household_number", "field.required"))
        }
        if let value = id?.value {
            let other = try await sql.raw("SELECT id FROM residents WHERE id_number_hash = \(bind: cipher.lookupHash(value))").first()?.decode(column: "id", as: UUID.self)
            if let other, other != existingID {
                problems.append(FieldProblem("id_number", "resident.duplicate_id"))
                id = nil
            }
        }
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        return ValidatedResident(input: input, idNumber: id, phone: phone, householdID: householdID, unitID: unitID, tags: Array(Set(input.tags)).sorted())
    }
}

extension ResidentID.Problem {
    /// The localisation key and arguments that explain this problem.
    public var messageKey: String {
        switch self {
        case .wrongLength: "id.wrong_length"
        case .notDigits: "id.not_digits"
        case .badRegion: "id.bad_region"
        case .badBirthDate: "id.bad_birth_date"
        case .futureBirthDate: "id.future_birth_date"
        case .badCheck: "id.bad_check"
        }
    }

    public var messageArgs: [String] {
        switch self {
        case .wrongLength(let n): ["\(n)"]
        case .badCheck(let expected): [String(expected)]
        default: []
        }
    }
}

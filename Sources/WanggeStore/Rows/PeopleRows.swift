import Foundation
import WanggeCore

/// A resident as stored. `idNumber` and `phone` are full values: they leave the storage layer
/// only through `ResidentView`, which masks them unless the caller's role may see them.
public struct ResidentRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var idNumber: String?
    public var documentNumber: String?
    public var sex: String?
    public var birthDate: String?
    public var phone: String?
    public var householdID: UUID?
    public var relation: String?
    public var residenceType: String
    public var unitID: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    /// Set when the person's data was removed at their request (PIPL art. 47); the row stays.
    public var anonymisedAt: Date? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, sex, phone, relation
        case idNumber = "id_number", documentNumber = "document_number", birthDate = "birth_date"
        case householdID = "household_id", residenceType = "residence_type", unitID = "unit_id"
        case createdAt = "created_at", updatedAt = "updated_at", anonymisedAt = "anonymised_at"
    }

    static let columns = "id, name, id_number, document_number, sex, birth_date, phone, household_id, relation, residence_type, unit_id, created_at, updated_at, anonymised_at"
    /// The same columns of the table named `r`, for reads that join it.
    static let qualifiedColumns = columns.split(separator: ", ").map { "r.\($0)" }.joined(separator: ", ")
}

public struct HouseholdRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var number: String
    public var unitID: UUID?
    public var buildingID: UUID?
    public var room: String?
    public var address: String
    public var kind: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, number, room, address, kind
        case unitID = "unit_id", buildingID = "building_id", createdAt = "created_at"
    }

    static let columns = "id, number, unit_id, building_id, room, address, kind, created_at"
}

public struct BuildingRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var code: String
    public var unitID: UUID?
    public var name: String
    public var address: String
    public var kind: String
    public var floors: Int?
    public var lon: Double
    public var lat: Double
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, code, name, address, kind, floors, lon, lat
        case unitID = "unit_id", createdAt = "created_at"
    }

    static let columns = "id, code, unit_id, name, address, kind, floors, lon, lat, created_at"
    public var point: GeoPoint { GeoPoint(lon: lon, lat: lat) }
}

public struct ComponentRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var code: String
    public var classKey: String
    public var subtype: String
    public var state: String
    public var lon: Double
    public var lat: Double
    public var unitID: UUID?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, code, subtype, state, lon, lat
        case classKey = "class_key", unitID = "unit_id", createdAt = "created_at"
    }

    static let columns = "id, code, class_key, subtype, state, lon, lat, unit_id, created_at"
}

public struct OrganisationRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var address: String
    public var lon: Double?
    public var lat: Double?
    public var unitID: UUID?
    public var contactName: String?
    public var contactPhone: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, kind, address, lon, lat
        case unitID = "unit_id", contactName = "contact_name", contactPhone = "contact_phone", createdAt = "created_at"
    }

    static let columns = "id, name, kind, address, lon, lat, unit_id, contact_name, contact_phone, created_at"
}

/// One kind of care/attention tag (B1). Sensitive tags are hidden from roles that do not need them.
public struct TagRow: Codable, Sendable, Equatable {
    public var key: String
    public var nameZh: String
    public var nameEn: String
    public var sensitive: Bool
    public var sort: Int

    enum CodingKeys: String, CodingKey {
        case key, sensitive, sort
        case nameZh = "name_zh", nameEn = "name_en"
    }
}

/// The vocabularies of the register, checked on every write and import.
public enum Vocabulary {
    public static let residenceTypes = ["registered", "floating", "overseas"]
    public static let relations = ["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]
    public static let householdKinds = ["registered", "floating"]
    public static let buildingKinds = ["residential", "shop", "public", "office"]
    public static let componentClasses = ["public_utility", "road_traffic", "city_appearance", "greening", "housing_land", "other"]
    public static let componentStates = ["ok", "damaged", "missing", "occupied"]
    public static let organisationKinds = ["social", "business", "property", "party"]
}

import Foundation
import WanggeCore

/// One unit of the grid tree as stored.
public struct UnitRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var parentID: UUID?
    public var level: UnitLevel
    public var code: String
    public var name: String
    public var path: String
    public var boundary: String?
    public var minLon: Double?
    public var minLat: Double?
    public var maxLon: Double?
    public var maxLat: Double?
    public var retiredAt: Date?
    public var retiredInto: UUID?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, level, code, name, path, boundary
        case parentID = "parent_id", minLon = "min_lon", minLat = "min_lat", maxLon = "max_lon", maxLat = "max_lat"
        case retiredAt = "retired_at", retiredInto = "retired_into", createdAt = "created_at"
    }

    /// The boundary parsed, or nil when the unit has none or it cannot be read.
    public var area: GeoArea? {
        guard let boundary, let data = boundary.data(using: .utf8) else { return nil }
        return (try? GeoJSON.parse(data))?.first?.area
    }

    /// The ancestors' ids from the root down, excluding the unit itself.
    public var ancestorIDs: [UUID] {
        path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }.filter { $0 != id }
    }

    public var isRetired: Bool { retiredAt != nil }
}

/// One event in a unit's history (created, renamed, moved, merged, split, boundary changed).
public struct UnitEventRow: Codable, Sendable, Equatable {
    public var id: UUID
    public var unitID: UUID
    public var action: String
    public var detail: String
    public var actor: String?
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case id, action, detail, actor, at
        case unitID = "unit_id"
    }
}

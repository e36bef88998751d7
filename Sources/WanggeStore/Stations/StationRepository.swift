import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A service centre or station as stored, with the name of its unit; its checked fields are
/// read straight through (`row.name`, `row.hours`).
@dynamicMemberLookup
public struct StationRow: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var station: Station
    public var updatedBy: String
    public var updatedAt: Date

    public subscript<T>(dynamicMember path: KeyPath<Station, T>) -> T { station[keyPath: path] }

    /// The row as the edit form shows it.
    public var draft: StationDraft {
        let s = station
        return StationDraft(
            kind: s.kind.rawValue, name: s.name, address: s.address, lon: s.point.map { String($0.lon) } ?? "", lat: s.point.map { String($0.lat) } ?? "",
            hours: s.hours, phone: s.phone, staff: s.staff.map { $0.role.isEmpty ? $0.name : "\($0.name) \($0.role)" }.joined(separator: "\n"))
    }

    struct Stored: Decodable {
        var id: UUID
        var unit_id: UUID
        var unit_name: String
        var kind: String
        var name: String
        var address: String
        var lon: Double?
        var lat: Double?
        var hours: String
        var phone: String
        var staff: String
        var updated_by: String
        var updated_at: Date

        var row: StationRow {
            StationRow(
                id: id, unitID: unit_id, unitName: unit_name,
                station: Station(
                    kind: StationKind(rawValue: kind) ?? .communityStation, name: name, address: address,
                    point: lon.flatMap { x in lat.map { GeoPoint(lon: x, lat: $0) } }, hours: hours, phone: phone, staff: Station.staff(from: staff)),
                updatedBy: updated_by, updatedAt: updated_at)
        }
    }
}

/// Keeps the service centres and stations. Their office details are public (the disclosure portal
/// lists them), but only the staff of a unit's part of the tree change them, and every read for
/// staff goes through their scope.
public struct StationRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    static let select = """
        SELECT s.id, s.unit_id, u.name AS unit_name, s.kind, s.name, s.address, s.lon, s.lat, s.hours, s.phone, s.staff, s.updated_by, s.updated_at \
        FROM service_stations s JOIN units u ON u.id = s.unit_id
        """

    /// Adds a station to `unitID`, or changes station `id` of it. The draft is checked first (its
    /// kind must fit the unit's level and its point lie inside the unit); nothing is written when
    /// it fails.
    public func save(_ draft: StationDraft, id: UUID? = nil, to unitID: UUID, by name: String, at now: Date, in scope: Scope) async throws -> StationRow {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let s: Station
        do { s = try draft.validated(level: unit.level, area: unit.area) } catch { throw StoreError(.invalid, error.messageKey, error.args, field: error.field) }
        if let id {
            let old = try await get(id, in: scope)
            guard old.unitID == unit.id else { throw StoreError.notFound("station") }
            try await sql.raw(
                """
                UPDATE service_stations SET kind = \(bind: s.kind.rawValue), name = \(bind: s.name), address = \(bind: s.address), lon = \(bind: s.point?.lon), \
                lat = \(bind: s.point?.lat), hours = \(bind: s.hours), phone = \(bind: s.phone), staff = \(bind: s.staffText), updated_by = \(bind: name), \
                updated_at = \(bind: now) WHERE id = \(bind: id)
                """
            ).run()
            return try await get(id, in: scope)
        }
        let newID = UUID()
        try await sql.raw(
            """
            INSERT INTO service_stations (id, unit_id, kind, name, address, lon, lat, hours, phone, staff, updated_by, updated_at) \
            VALUES (\(bind: newID), \(bind: unit.id), \(bind: s.kind.rawValue), \(bind: s.name), \(bind: s.address), \(bind: s.point?.lon), \
            \(bind: s.point?.lat), \(bind: s.hours), \(bind: s.phone), \(bind: s.staffText), \(bind: name), \(bind: now))
            """
        ).run()
        return try await get(newID, in: scope)
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> StationRow? {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE s.id = \(bind: id) AND \(scope.condition("s.unit_id"))").first(decoding: StationRow.Stored.self)?.row
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> StationRow {
        guard let row = try await find(id, in: scope) else { throw StoreError.notFound("station") }
        return row
    }

    /// The stations of `unit` and every unit below it, from the top of the tree down (district
    /// centre first), then by name. Public: the portal shows them to anyone.
    public func stations(under unit: UnitRow) async throws -> [StationRow] {
        try await sql.raw(
            "\(unsafeRaw: Self.select) WHERE \(Scope.under("u.path", unit.path)) ORDER BY u.path, s.name, s.id"
        ).all(decoding: StationRow.Stored.self).map(\.row).sorted { (order($0), $0.unitName, $0.name) < (order($1), $1.unitName, $1.name) }
    }

    /// The stations a viewer sees (to pick the one that took a window case).
    public func all(in scope: Scope) async throws -> [StationRow] {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE \(scope.condition("s.unit_id"))").all(decoding: StationRow.Stored.self).map(\.row)
            .sorted { (order($0), $0.unitName, $0.name) < (order($1), $1.unitName, $1.name) }
    }

    func order(_ s: StationRow) -> Int { StationKind.allCases.firstIndex(of: s.station.kind) ?? 0 }

    /// The station that took a case at its window, if one was recorded.
    public func station(ofCase caseID: UUID) async throws -> StationRow? {
        try await sql.raw("\(unsafeRaw: Self.select) JOIN case_stations cs ON cs.station_id = s.id WHERE cs.case_id = \(bind: caseID)")
            .first(decoding: StationRow.Stored.self)?.row
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Buildings, households, public components and organisations of the register, always within a scope.
public struct PlaceRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public func buildings(inGrid gridID: UUID?, limit: Int = 500, in scope: Scope) async throws -> [BuildingRow] {
        var condition = scope.condition("unit_id")
        if let gridID { condition = "\(condition) AND unit_id = \(bind: gridID)" }
        return try await sql.raw("SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE \(condition) ORDER BY code LIMIT \(count: limit)")
            .all(decoding: BuildingRow.self)
    }

    /// Buildings whose address starts with `text`, then those that contain it, at most `limit`.
    public func buildings(addressLike text: String, limit: Int, in scope: Scope) async throws -> [BuildingRow] {
        let prefix = ResidentRepository.likePrefix(text)
        let starts = try await sql.raw(
            """
            SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE \(scope.condition("unit_id")) AND address LIKE \(bind: prefix) ESCAPE '\\' \
            ORDER BY address LIMIT \(count: limit)
            """
        ).all(decoding: BuildingRow.self)
        guard starts.count < limit else { return starts }
        let contains = try await sql.raw(
            """
            SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE \(scope.condition("unit_id")) AND address LIKE \(bind: "%" + prefix) ESCAPE '\\' \
            AND NOT address LIKE \(bind: prefix) ESCAPE '\\' ORDER BY address LIMIT \(count: limit - starts.count)
            """
        ).all(decoding: BuildingRow.self)
        return starts + contains
    }

    /// The building of grid `gridID` with code `code`, if there is one: a building's printed QR code
    /// names it by code under its grid's report page.
    public func building(code: String, inGrid gridID: UUID) async throws -> BuildingRow? {
        try await sql.raw("SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE code = \(bind: code) AND unit_id = \(bind: gridID)")
            .first(decoding: BuildingRow.self)
    }

    public func building(_ id: UUID, in scope: Scope) async throws -> BuildingRow {
        guard
            let row = try await sql.raw("SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE id = \(bind: id) AND \(scope.condition("unit_id"))")
                .first(decoding: BuildingRow.self)
        else { throw StoreError.notFound("building") }
        return row
    }

    public func households(
        inGrid gridID: UUID? = nil, building buildingID: UUID? = nil, limit: Int = 50, offset: Int = 0,
        in scope: Scope
    ) async throws -> (rows: [HouseholdRow], total: Int) {
        var condition = scope.condition("unit_id")
        if let gridID { condition = "\(condition) AND unit_id = \(bind: gridID)" }
        if let buildingID { condition = "\(condition) AND building_id = \(bind: buildingID)" }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: HouseholdRow.columns) FROM households WHERE \(condition) ORDER BY number \
            LIMIT \(count: min(max(limit, 1), 500)) OFFSET \(count: max(offset, 0))
            """
        ).all(decoding: HouseholdRow.self)
        return (rows, total)
    }

    public func household(_ id: UUID, in scope: Scope) async throws -> HouseholdRow {
        guard
            let row = try await sql.raw("SELECT \(unsafeRaw: HouseholdRow.columns) FROM households WHERE id = \(bind: id) AND \(scope.condition("unit_id"))")
                .first(decoding: HouseholdRow.self)
        else { throw StoreError.notFound("household") }
        return row
    }

    /// A unit outside the scope is not found, rather than found empty.
    public func components(inGrid gridID: UUID, in scope: Scope) async throws -> [ComponentRow] {
        _ = try await UnitRepository(db).get(gridID, in: scope)
        return try await sql.raw("SELECT \(unsafeRaw: ComponentRow.columns) FROM components WHERE unit_id = \(bind: gridID) AND \(scope.condition("unit_id")) ORDER BY code")
            .all(decoding: ComponentRow.self)
    }

    public func organisations(inGrid gridID: UUID, in scope: Scope) async throws -> [OrganisationRow] {
        _ = try await UnitRepository(db).get(gridID, in: scope)
        return try await sql.raw("SELECT \(unsafeRaw: OrganisationRow.columns) FROM organisations WHERE unit_id = \(bind: gridID) AND \(scope.condition("unit_id")) ORDER BY kind, name")
            .all(decoding: OrganisationRow.self)
    }
}

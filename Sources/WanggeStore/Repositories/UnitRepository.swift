import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Reads and reshapes the grid tree. Moves, merges and splits keep history in `unit_events`
/// and re-home what hangs on a unit (see `UnitReshaping.swift`).
public struct UnitRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    static let columns = "id, parent_id, level, code, name, path, boundary, min_lon, min_lat, max_lon, max_lat, retired_at, retired_into, created_at"

    /// `columns` with the boundary left out (read as NULL), for lists that draw no map.
    static let columnsWithoutBoundary = columns.replacingOccurrences(of: "boundary", with: "NULL AS boundary")

    /// `many`: the read may return hundreds of units (a level of the district, a list of ids), so it
    /// takes the bulk path (see `SQLDatabase.bulk`); a single unit goes the driver's way.
    func select(_ condition: SQLQueryString, many: Bool = false, boundaries: Bool = true) async throws -> [UnitRow] {
        let columns = boundaries ? Self.columns : Self.columnsWithoutBoundary
        return try await (many ? sql.bulk : sql).raw("SELECT \(unsafeRaw: columns) FROM units WHERE \(condition) ORDER BY code")
            .all().map(UnitRow.init(row:))
    }

    /// A unit by id, if it is inside the scope (retired units included, for history).
    public func find(_ id: UUID, in scope: Scope) async throws -> UnitRow? {
        guard let unit = try await select("id = \(bind: id)").first, scope.contains(path: unit.path) else { return nil }
        return unit
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> UnitRow {
        guard let unit = try await find(id, in: scope) else { throw StoreError.notFound("unit") }
        return unit
    }

    public func find(code: String, in scope: Scope) async throws -> UnitRow? {
        guard let unit = try await select("code = \(bind: code)").first, scope.contains(path: unit.path) else { return nil }
        return unit
    }

    /// The live grid a code printed on paper (a QR code on a wall) stands for today, following the
    /// unit's history: a grid given a new code by a move, and a grid merged into another, still lead
    /// to the grid that now covers its ground. `moved` says the code was an old one.
    public func liveGrid(printedCode code: String) async throws -> (grid: UnitRow, moved: Bool)? {
        var unit = try await find(code: code, in: .everything)
        var moved = false
        if unit == nil {
            // A later code of the same unit: its history says "OLD → NEW" when it moved.
            struct Row: Decodable { var unit_id: UUID }
            if let row = try await sql.raw(
                "SELECT unit_id FROM unit_events WHERE action = 'moved' AND detail LIKE \(bind: code + " → %") ORDER BY at DESC LIMIT 1"
            ).first(decoding: Row.self) {
                unit = try await find(row.unit_id, in: .everything)
                moved = unit != nil
            }
        }
        // Merged grids point at the grid they joined (at most a few hops; a cycle cannot arise, but is cut off).
        var hops = 0
        while let current = unit, current.isRetired, let next = current.retiredInto, hops < 16 {
            unit = try await find(next, in: .everything)
            moved = true
            hops += 1
        }
        guard let grid = unit, grid.level == .grid, !grid.isRetired else { return nil }
        return (grid, moved)
    }

    /// The roots of the tree (districts), or the scope's own root unit.
    public func roots(in scope: Scope) async throws -> [UnitRow] {
        guard let prefix = scope.pathPrefix else {
            return try await select("parent_id IS NULL AND retired_at IS NULL")
        }
        let id = prefix.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) }
        guard let id else { return [] }
        return try await select("id = \(bind: id)")
    }

    public func children(of id: UUID, in scope: Scope) async throws -> [UnitRow] {
        try await children(of: try await get(id, in: scope))
    }

    /// The live children of a unit already read (and checked against the caller's scope).
    public func children(of parent: UnitRow) async throws -> [UnitRow] {
        try await select("parent_id = \(bind: parent.id) AND retired_at IS NULL")
    }

    /// Every live unit in the scope (at most a few thousand in a district) — of `level`, under the
    /// unit at path `under` (itself included), without their boundaries, when asked.
    public func all(in scope: Scope, level: UnitLevel? = nil, under path: String? = nil, boundaries: Bool = true) async throws -> [UnitRow] {
        var condition: SQLQueryString = "retired_at IS NULL"
        if let prefix = scope.pathPrefix { condition = "\(condition) AND \(Scope.under("path", prefix))" }
        if let path { condition = "\(condition) AND \(Scope.under("path", path))" }
        if let level { condition = "\(condition) AND level = \(bind: level.rawValue)" }
        return try await select(condition, many: true, boundaries: boundaries)
    }

    /// The chain from the root down to and including the unit, for breadcrumbs. Units above the
    /// caller's scope are left out.
    public func lineage(of unit: UnitRow, in scope: Scope) async throws -> [UnitRow] {
        let ids = unit.ancestorIDs
        guard !ids.isEmpty else { return [unit] }
        let rows = try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM units WHERE id IN (\(binds: ids))")
            .all().map(UnitRow.init(row:))
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        return (ids.compactMap { byID[$0] } + [unit]).filter { scope.contains(path: $0.path) }
    }

    public func history(of id: UUID, in scope: Scope) async throws -> [UnitEventRow] {
        _ = try await get(id, in: scope)
        return try await sql.raw("SELECT id, unit_id, action, detail, actor, at FROM unit_events WHERE unit_id = \(bind: id) ORDER BY at, id")
            .all(decoding: UnitEventRow.self)
    }

    /// Creates a unit under `parentID` (nil for a district) after checking level, code and boundary.
    public func create(
        parentID: UUID?, level: UnitLevel, code: String, name: String, boundary: GeoArea?,
        actor: String?, in scope: Scope, at now: Date = Date()
    ) async throws -> UnitRow {
        var parent: UnitRow?
        if let parentID { parent = try await get(parentID, in: scope) }
        if parentID == nil && scope.pathPrefix != nil { throw StoreError.notFound("unit") }
        guard TreeRules.canPlace(level, under: parent?.level) else {
            throw StoreError(.invalid, "tree.bad_level", [L10n.t(level.nameKey), parent.map { L10n.t($0.level.nameKey) } ?? "-"], field: "level")
        }
        do { try UnitCode.validate(code, level: level, parentCode: parent?.code) } catch {
            throw StoreError(.invalid, "code.invalid", [code, problemMessage(error)], field: "code")
        }
        let trimmed = name.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw StoreError(.invalid, "error.name_length", field: "name") }
        if try await select("code = \(bind: code)").first != nil {
            throw StoreError(.conflict, "code.taken", [code], field: "code")
        }
        let id = UUID()
        let box = boundary?.bbox
        let row = UnitRow(
            id: id, parentID: parent?.id, level: level, code: code, name: trimmed,
            path: (parent?.path ?? "/") + id.uuidString + "/",
            boundary: boundary.map(GeoJSON.geometry), minLon: box?.minLon, minLat: box?.minLat,
            maxLon: box?.maxLon, maxLat: box?.maxLat, retiredAt: nil, retiredInto: nil, createdAt: now)
        try await insert(row)
        try await record(id, "created", "\(code) \(trimmed)", actor: actor, at: now)
        return row
    }

    func insert(_ row: UnitRow) async throws {
        try await sql.insert(into: "units").model(row, nilEncodingStrategy: .asNil).run()
    }

    /// Appends to a unit's history.
    func record(_ unitID: UUID, _ action: String, _ detail: String, actor: String?, at: Date) async throws {
        try await sql.insert(into: "unit_events")
            .model(UnitEventRow(id: UUID(), unitID: unitID, action: action, detail: detail, actor: actor, at: at))
            .run()
    }

    /// Renames a unit and/or replaces its boundary.
    public func update(_ id: UUID, name: String?, boundary: GeoArea??, actor: String?, in scope: Scope, at now: Date = Date()) async throws -> UnitRow {
        var unit = try await get(id, in: scope)
        if let name {
            let trimmed = name.trimmingSpaces()
            guard !trimmed.isEmpty, trimmed.count <= 100 else { throw StoreError(.invalid, "error.name_length", field: "name") }
            try await sql.update("units").set("name", to: trimmed).where("id", .equal, id).run()
            try await record(id, "renamed", "\(unit.name) → \(trimmed)", actor: actor, at: now)
            unit.name = trimmed
        }
        if let boundary {
            let box = boundary?.bbox
            try await sql.raw(
                """
                UPDATE units SET boundary = \(bind: boundary.map(GeoJSON.geometry)), min_lon = \(bind: box?.minLon), \
                min_lat = \(bind: box?.minLat), max_lon = \(bind: box?.maxLon), max_lat = \(bind: box?.maxLat) WHERE id = \(bind: id)
                """
            ).run()
            try await record(id, "boundary", boundary == nil ? "cleared" : "replaced", actor: actor, at: now)
            unit = try await get(id, in: scope)
        }
        return unit
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Tables whose rows hang on a unit through `unit_id` and move with it when units merge.
let attachedTables = ["buildings", "households", "residents", "components", "organisations", "staff_assignments", "accounts"]

/// One part of a split: the unit keeps the first part; each further part becomes a new sibling.
public struct SplitPart: Sendable {
    public var name: String
    public var code: String?
    public var area: GeoArea

    public init(name: String, code: String?, area: GeoArea) {
        self.name = name
        self.code = code
        self.area = area
    }
}

extension UnitRepository {
    /// The next free code for a new child of `parent` at `level`.
    public func nextChildCode(under parent: UnitRow, level: UnitLevel) async throws -> String {
        let siblings = try await select("parent_id = \(bind: parent.id)").map(\.code)
        var sequence = siblings.count + 1
        while true {
            let code = UnitCode.child(parentCode: parent.code, childLevel: level, sequence: sequence)
            if try await select("code = \(bind: code)").isEmpty { return code }
            sequence += 1
        }
    }

    /// Moves a unit (and its subtree) under a new parent. Its code and every code below are
    /// renumbered under the new parent; what is attached stays attached, so scope follows at once.
    public func move(_ id: UUID, to newParentID: UUID, actor: String?, in scope: Scope, at now: Date = Date()) async throws -> UnitRow {
        try await db.transaction { tx in
            let repo = UnitRepository(tx)
            let unit = try await repo.get(id, in: scope)
            let parent = try await repo.get(newParentID, in: scope)
            guard !unit.isRetired, !parent.isRetired else { throw StoreError(.invalid, "tree.retired") }
            do {
                try TreeRules.validateMove(unit: unit.id, level: unit.level, to: parent.id, newParentLevel: parent.level, ancestorsOfNewParent: parent.ancestorIDs)
            } catch {
                throw StoreError(.invalid, "tree.bad_move", [problemMessage(error)], field: "parent_id")
            }
            let newCode = try await repo.nextChildCode(under: parent, level: unit.level)
            let newPath = parent.path + unit.id.uuidString + "/"
            // The subtree's cases count for other units above it from now on (frozen months stand).
            try await MeasureRollup.moving(unit.path, to: newPath, on: tx) { try await repo.rebase(unit, newPath: newPath, newCode: newCode) }
            try await repo.sql.update("units").set("parent_id", to: parent.id).where("id", .equal, unit.id).run()
            try await repo.record(unit.id, "moved", "\(unit.code) → \(newCode)", actor: actor, at: now)
            return try await repo.get(unit.id, in: .everything)
        }
    }

    /// Rewrites the path and code prefixes of a unit's whole subtree.
    func rebase(_ unit: UnitRow, newPath: String, newCode: String) async throws {
        try await sql.raw(
            """
            UPDATE units SET path = \(bind: newPath) || substr(path, \(bind: Int32(unit.path.count + 1))), \
            code = \(bind: newCode) || substr(code, \(bind: Int32(unit.code.count + 1))) \
            WHERE \(Scope.under("path", unit.path))
            """
        ).run()
    }

    /// Merges `sourceID` into `targetID` (same level): children, buildings, households, residents,
    /// components, organisations, staff and accounts move to the target; the boundaries are joined;
    /// the source is retired and remembers where it went.
    public func merge(_ sourceID: UUID, into targetID: UUID, actor: String?, in scope: Scope, at now: Date = Date()) async throws -> UnitRow {
        try await db.transaction { tx in
            let repo = UnitRepository(tx)
            let source = try await repo.get(sourceID, in: scope)
            let target = try await repo.get(targetID, in: scope)
            guard source.id != target.id, !source.isRetired, !target.isRetired else { throw StoreError(.invalid, "tree.bad_merge", ["-"]) }
            do {
                try TreeRules.validateMerge(sourceLevel: source.level, targetLevel: target.level, sameParent: source.parentID == target.parentID)
            } catch {
                throw StoreError(.invalid, "tree.bad_merge", [problemMessage(error)], field: "target_id")
            }
            for child in try await repo.select("parent_id = \(bind: source.id) AND retired_at IS NULL") {
                let code = try await repo.nextChildCode(under: target, level: child.level)
                let newPath = target.path + child.id.uuidString + "/"
                try await MeasureRollup.moving(child.path, to: newPath, on: tx) { try await repo.rebase(child, newPath: newPath, newCode: code) }
                try await repo.sql.update("units").set("parent_id", to: target.id).where("id", .equal, child.id).run()
                try await repo.record(child.id, "moved", "\(child.code) → \(code)", actor: actor, at: now)
            }
            for table in attachedTables {
                try await repo.sql.update(table).set("unit_id", to: target.id).where("unit_id", .equal, source.id).run()
            }
            let joined = GeoArea(polygons: (target.area?.polygons ?? []) + (source.area?.polygons ?? []))
            if !joined.polygons.isEmpty {
                _ = try await repo.update(target.id, name: nil, boundary: .some(joined), actor: actor, in: .everything, at: now)
            }
            try await repo.sql.raw("UPDATE units SET retired_at = \(bind: now), retired_into = \(bind: target.id) WHERE id = \(bind: source.id)").run()
            try await repo.record(source.id, "merged_into", "\(source.code) → \(target.code)", actor: actor, at: now)
            try await repo.record(target.id, "merged_from", "\(source.code) \(source.name)", actor: actor, at: now)
            return try await repo.get(target.id, in: .everything)
        }
    }

    /// Splits a unit into parts. The unit keeps the first part's boundary and name; the others become
    /// new siblings. Buildings, components and organisations go to the part that contains them (or the
    /// nearest); households follow their building and residents their household. Staff stay with the
    /// original unit, so the new parts show up in the coverage audit as grids without a team.
    public func split(_ id: UUID, into parts: [SplitPart], actor: String?, in scope: Scope, at now: Date = Date()) async throws -> [UnitRow] {
        guard parts.count >= 2 else { throw StoreError(.invalid, "tree.split_parts", field: "parts") }
        return try await db.transaction { tx in
            let repo = UnitRepository(tx)
            let unit = try await repo.get(id, in: scope)
            guard !unit.isRetired, let parentID = unit.parentID else { throw StoreError(.invalid, "tree.split_root") }
            let parent = try await repo.get(parentID, in: .everything)
            var units = [try await repo.update(unit.id, name: parts[0].name, boundary: .some(parts[0].area), actor: actor, in: .everything, at: now)]
            for part in parts.dropFirst() {
                var code = part.code ?? ""
                if code.isEmpty { code = try await repo.nextChildCode(under: parent, level: unit.level) }
                units.append(
                    try await repo.create(
                        parentID: parent.id, level: unit.level, code: code, name: part.name,
                        boundary: part.area, actor: actor, in: .everything, at: now))
            }
            let areas = parts.map(\.area)
            for table in ["buildings", "components", "organisations"] {
                try await repo.rehome(table: table, from: unit.id, to: units.map(\.id), areas: areas)
            }
            try await repo.sql.raw(
                """
                UPDATE households SET unit_id = (SELECT b.unit_id FROM buildings b WHERE b.id = households.building_id) \
                WHERE unit_id = \(bind: unit.id) AND building_id IS NOT NULL
                """
            ).run()
            try await repo.sql.raw(
                """
                UPDATE residents SET unit_id = (SELECT h.unit_id FROM households h WHERE h.id = residents.household_id) \
                WHERE unit_id = \(bind: unit.id) AND household_id IS NOT NULL
                """
            ).run()
            try await repo.record(unit.id, "split", units.dropFirst().map(\.code).joined(separator: ", "), actor: actor, at: now)
            return units
        }
    }

    /// Re-homes the located rows of one table from a split unit to the part that contains each.
    func rehome(table: String, from unitID: UUID, to ids: [UUID], areas: [GeoArea]) async throws {
        struct Located: Decodable { var id: UUID; var lon: Double?; var lat: Double? }
        let rows = try await sql.raw("SELECT id, lon, lat FROM \(ident: table) WHERE unit_id = \(bind: unitID)").all(decoding: Located.self)
        let points = rows.compactMap { row in row.lon.flatMap { lon in row.lat.map { (row.id, GeoPoint(lon: lon, lat: $0)) } } }
        let assignment = TreeRules.assign(points: points, to: areas)
        for (rowID, index) in assignment where index > 0 {
            try await sql.update(table).set("unit_id", to: ids[index]).where("id", .equal, rowID).run()
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Whether an existing record (by its unit) may be overwritten by a caller with this catalogue.
func mayUpdate(_ unitID: UUID?, _ grids: GridCatalogue, _ scope: Scope) -> Bool {
    guard let unitID else { return scope.includesUnplaced }
    return grids.byCode.values.contains { $0.id == unitID }
}

struct BuildingImport: ChunkedImport {
    static let kind = ImportKind.buildings
    let context: ImportContext
    var scope: Scope { context.scope }
    var options: ImportOptions { context.options }
    /// How far outside its grid a building's point may lie before the grid code contradicts it.
    static let toleranceMeters = 100.0
    var grids = GridCatalogue(byCode: [:], locator: GridLocator(grids: []))
    var seen: [String: Int] = [:]
    var ids = SequentialIDs()
    var result = ImportResult(kind: .buildings, inserted: 0, updated: 0, encoding: "")

    init(_ context: ImportContext) { self.context = context }

    struct Row {
        var code: String, unitID: UUID?, name: String, address: String, kind: String, floors: Int?, lon: Double, lat: Double
        var record: CSVRecord
        /// Whether the file says the kind / the floors (an existing building keeps what it does not say).
        var kindStated = true, floorsStated = true
        /// The building this row writes over.
        var existing: UUID?
    }

    mutating func prepare(on sql: any SQLDatabase) async throws {
        grids = try await GridCatalogue.load(context.db, scope: scope)
    }

    mutating func check(_ records: [CSVRecord], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws -> [Row] {
        var rows: [Row] = []
        let found = try await existing(sql, table: "buildings", key: "code", values: records.map { sheet.value($0, "code") }.filter { !$0.isEmpty })
        for record in records {
            let code = sheet.required(record, "code")
            // A building already recorded outside every grid is a known gap: an export sent back keeps it.
            let knownGap = code.flatMap { found[$0] }.map { $0.unitID == nil } ?? false
            let name = sheet.required(record, "name")
            let address = sheet.required(record, "address")
            if let code { sheet.unique(record, "code", code, seen: &seen) }
            if let code, code.count > 40 { sheet.problem(record, "code", L10n.t("field.too_long", 40)) }
            let kind = sheet.vocabulary(record, "kind", keys: Vocabulary.buildingKinds, prefix: "building") ?? "residential"
            var floors: Int?
            let rawFloors = sheet.value(record, "floors")
            if !rawFloors.isEmpty {
                if let f = Int(rawFloors), (1...200).contains(f) { floors = f } else { sheet.problem(record, "floors", L10n.t("field.bad_number", rawFloors, 1, 200)) }
            }
            let lon = coordinate(&sheet, record, "lon", range: -180...180)
            let lat = coordinate(&sheet, record, "lat", range: -90...90)
            var gridID: UUID?
            let gridCode = sheet.value(record, "grid_code")
            if !gridCode.isEmpty {
                if let grid = grids.byCode[gridCode] {
                    gridID = grid.id
                    if let lon, let lat, grid.area != nil, let located = Self.contradicts(grid.id, GeoPoint(lon: lon, lat: lat), grids.locator) {
                        let there = located.map { id in grids.byCode.values.first { $0.id == id }?.code ?? "?" }
                        sheet.gap(
                            record, "grid_code", there.map { L10n.t("import.grid_contradicts_point", gridCode, $0) } ?? L10n.t("import.point_outside_grid", gridCode),
                            accept: options.acceptGaps || knownGap)
                    }
                } else {
                    sheet.problem(record, "grid_code", L10n.t("import.unknown_grid", gridCode))
                }
            } else if let lon, let lat {
                gridID = grids.locator.grid(for: GeoPoint(lon: lon, lat: lat), kind: kind)
                if gridID == nil {
                    if scope.includesUnplaced {
                        sheet.gap(record, "lon", L10n.t("import.outside_grids"), accept: options.acceptGaps || knownGap)
                    } else {
                        sheet.problem(record, "lon", L10n.t("import.outside_grids"))
                    }
                }
            }
            if let code, let name, let address, let lon, let lat {
                var row = Row(code: code, unitID: gridID, name: name, address: address, kind: kind, floors: floors, lon: lon, lat: lat, record: record)
                row.kindStated = sheet.states(record, "kind", clearable: false, options)
                row.floorsStated = sheet.states(record, "floors", clearable: true, options)
                if let hit = found[code] {
                    if mayUpdate(hit.unitID, grids, scope) { row.existing = hit.id } else { sheet.problem(record, "code", L10n.t("import.key_taken", code)) }
                }
                rows.append(row)
            }
        }
        for row in rows { if row.existing == nil { result.inserted += 1 } else { result.updated += 1 } }
        return rows
    }

    mutating func write(_ rows: [Row], on sql: any SQLDatabase, batch: BatchRecorder) async throws {
        let before = try await BuildingSnapshot.read(rows.compactMap(\.existing), on: sql)
        var fresh: [[SQLValue]] = []
        var recorded: [(id: UUID, before: String?, after: String)] = []
        let now = Date()
        for row in rows {
            if let id = row.existing, let old = before[id] {
                var set: SQLQueryString = """
                    unit_id = \(bind: row.unitID), name = \(bind: row.name), address = \(bind: row.address), lon = \(bind: row.lon), lat = \(bind: row.lat)
                    """
                if row.kindStated { set = "\(set), kind = \(bind: row.kind)" }
                if row.floorsStated { set = "\(set), floors = \(bind: row.floors)" }
                try await sql.raw("UPDATE buildings SET \(set) WHERE id = \(bind: id)").run()
                let after = BuildingSnapshot(
                    code: row.code, unit_id: row.unitID, name: row.name, address: row.address, kind: row.kindStated ? row.kind : old.kind,
                    floors: row.floorsStated ? row.floors : old.floors, lon: row.lon, lat: row.lat)
                if after != old { recorded.append((id, try old.json, after.fingerprint)) }
            } else {
                let id = ids.next()
                fresh.append([
                    .uuid(id), .text(row.code), .uuid(row.unitID), .text(row.name), .text(row.address), .text(row.kind), .int(row.floors), .real(row.lon),
                    .real(row.lat), .date(now),
                ])
                let after = BuildingSnapshot(
                    code: row.code, unit_id: row.unitID, name: row.name, address: row.address, kind: row.kind, floors: row.floors, lon: row.lon, lat: row.lat)
                recorded.append((id, nil, after.fingerprint))
            }
        }
        try await BulkWriter(sql: sql).insert(
            into: "buildings", columns: ["id", "code", "unit_id", "name", "address", "kind", "floors", "lon", "lat", "created_at"], values: fresh)
        try await batch.record(recorded, on: sql)
    }

    /// Nil when `point` agrees with grid `id` (inside it, or within the tolerance of it); else
    /// the grid the point is in (nil inside none).
    static func contradicts(_ id: UUID, _ point: GeoPoint, _ locator: GridLocator) -> UUID?? {
        if let inside = locator.index.locate(point) { return inside == id ? nil : .some(inside) }
        if locator.index.nearest(point, maxMeters: toleranceMeters)?.id == id { return nil }
        return .some(nil)
    }

    func coordinate(_ sheet: inout Sheet, _ record: CSVRecord, _ field: String, range: ClosedRange<Double>) -> Double? {
        guard let raw = sheet.required(record, field) else { return nil }
        guard let v = Double(raw), v.isFinite, range.contains(v) else {
            sheet.problem(record, field, L10n.t("field.bad_coordinate", raw, range.lowerBound, range.upperBound))
            return nil
        }
        return v
    }
}

struct HouseholdImport: ChunkedImport {
    static let kind = ImportKind.households
    let context: ImportContext
    var scope: Scope { context.scope }
    var options: ImportOptions { context.options }
    var grids = GridCatalogue(byCode: [:], locator: GridLocator(grids: []))
    var seen: [String: Int] = [:]
    var ids = SequentialIDs()
    var result = ImportResult(kind: .households, inserted: 0, updated: 0, encoding: "")

    init(_ context: ImportContext) { self.context = context }

    struct Row {
        var number: String, unitID: UUID?, buildingID: UUID?, room: String?, address: String, kind: String, record: CSVRecord
        /// Whether the file says where the household is (a building or a grid), its room, its kind.
        var placeStated = true, roomStated = true, kindStated = true
        /// The household this row writes over.
        var existing: UUID?
    }

    mutating func prepare(on sql: any SQLDatabase) async throws {
        grids = try await GridCatalogue.load(context.db, scope: scope)
    }

    mutating func check(_ records: [CSVRecord], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws -> [Row] {
        let buildingCodes = records.map { sheet.value($0, "building_code") }.filter { !$0.isEmpty }
        let buildings = try await existing(sql, table: "buildings", key: "code", values: Array(Set(buildingCodes)))
        var rows: [Row] = []
        let found = try await existing(
            sql, table: "households", key: "number", values: records.map { ExcelCells.longNumber(sheet.value($0, "number")).value }.filter { !$0.isEmpty })
        for record in records {
            let number = sheet.longNumber(record, "number").flatMap { $0.isEmpty ? nil : $0 } ?? sheet.required(record, "number")
            let address = sheet.required(record, "address")
            if let number { sheet.unique(record, "number", number, seen: &seen) }
            let kind = sheet.vocabulary(record, "kind", keys: Vocabulary.householdKinds, prefix: "household") ?? "registered"
            var unitID: UUID?, buildingID: UUID?
            let before = sheet.problemCount
            let buildingCode = sheet.value(record, "building_code")
            if !buildingCode.isEmpty {
                if let b = buildings[buildingCode], mayUpdate(b.unitID, grids, scope) { buildingID = b.id; unitID = b.unitID } else { sheet.problem(record, "building_code", L10n.t("import.unknown_building", buildingCode)) }
            }
            let gridCode = sheet.value(record, "grid_code")
            if !gridCode.isEmpty {
                if let grid = grids.byCode[gridCode] {
                    if let unitID, unitID != grid.id { sheet.problem(record, "grid_code", L10n.t("import.grid_mismatch", gridCode, buildingCode)) }
                    unitID = grid.id
                } else {
                    sheet.problem(record, "grid_code", L10n.t("import.unknown_grid", gridCode))
                }
            }
            let placeStated = !buildingCode.isEmpty || !gridCode.isEmpty
            let placeRefused = sheet.problemCount > before
            // An existing household the file does not place stays where it is; a place refused above is one problem, not two.
            if unitID == nil && !placeRefused && (placeStated || number.flatMap { found[$0] } == nil) {
                if scope.includesUnplaced {
                    let knownGap = number.flatMap { found[$0] }.map { $0.unitID == nil } ?? false
                    sheet.gap(record, "grid_code", L10n.t("import.household_no_grid"), accept: options.acceptGaps || knownGap)
                } else {
                    sheet.problem(record, "grid_code", L10n.t("field.required"))
                }
            }
            if let number, let address {
                var row = Row(number: number, unitID: unitID, buildingID: buildingID, room: sheet.value(record, "room").trimmedOrNil, address: address, kind: kind, record: record)
                row.placeStated = placeStated
                row.roomStated = sheet.states(record, "room", clearable: true, options)
                row.kindStated = sheet.states(record, "kind", clearable: false, options)
                if let hit = found[number] {
                    if mayUpdate(hit.unitID, grids, scope) { row.existing = hit.id } else { sheet.problem(record, "number", L10n.t("import.key_taken", number)) }
                }
                rows.append(row)
            }
        }
        for row in rows { if row.existing == nil { result.inserted += 1 } else { result.updated += 1 } }
        return rows
    }

    /// Residents follow a household that moves into its new grid.
    mutating func write(_ rows: [Row], on sql: any SQLDatabase, batch: BatchRecorder) async throws {
        let before = try await HouseholdSnapshot.read(rows.compactMap(\.existing), on: sql)
        var fresh: [[SQLValue]] = []
        var recorded: [(id: UUID, before: String?, after: String)] = []
        let now = Date()
        for r in rows {
            if let id = r.existing, let old = before[id] {
                var set: SQLQueryString = "address = \(bind: r.address)"
                if r.placeStated { set = "\(set), unit_id = \(bind: r.unitID), building_id = \(bind: r.buildingID)" }
                if r.roomStated { set = "\(set), room = \(bind: r.room)" }
                if r.kindStated { set = "\(set), kind = \(bind: r.kind)" }
                try await sql.raw("UPDATE households SET \(set) WHERE id = \(bind: id)").run()
                if r.placeStated { try await sql.raw("UPDATE residents SET unit_id = \(bind: r.unitID) WHERE household_id = \(bind: id)").run() }
                let after = HouseholdSnapshot(
                    number: r.number, unit_id: r.placeStated ? r.unitID : old.unit_id, building_id: r.placeStated ? r.buildingID : old.building_id,
                    room: r.roomStated ? r.room : old.room, address: r.address, kind: r.kindStated ? r.kind : old.kind)
                if after != old { recorded.append((id, try old.json, after.fingerprint)) }
            } else {
                let id = ids.next()
                fresh.append([.uuid(id), .text(r.number), .uuid(r.unitID), .uuid(r.buildingID), .text(r.room), .text(r.address), .text(r.kind), .date(now)])
                let after = HouseholdSnapshot(number: r.number, unit_id: r.unitID, building_id: r.buildingID, room: r.room, address: r.address, kind: r.kind)
                recorded.append((id, nil, after.fingerprint))
            }
        }
        try await BulkWriter(sql: sql).insert(
            into: "households", columns: ["id", "number", "unit_id", "building_id", "room", "address", "kind", "created_at"], values: fresh)
        try await batch.record(recorded, on: sql)
    }
}

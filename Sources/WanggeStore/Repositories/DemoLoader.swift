import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Loads a generated demo district (see `DemoDistrict`) into an empty database: the tree first,
/// then grid by grid, one transaction per grid, reporting progress after each.
public struct DemoLoader: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// True when the database holds no unit yet.
    public func isEmpty() async throws -> Bool {
        try await sql.raw("SELECT COUNT(*) AS n FROM units").first()?.decode(column: "n", as: Int.self) == 0
    }

    /// Writes the whole district. `progress(done, total)` is called after each grid.
    public func load(_ config: DemoConfig, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> DemoPlan {
        guard try await isEmpty() else { throw StoreError(.conflict, "demo.not_empty") }
        let plan = DemoDistrict.plan(config)
        let now = Date()
        var unitIDs: [String: UUID] = [:]
        var paths: [String: String] = [:]
        var rows: [UnitRow] = []
        for unit in plan.units {
            let id = UUID()
            let path = (unit.parentCode.flatMap { paths[$0] } ?? "/") + id.uuidString + "/"
            let area = GeoArea(polygons: [unit.boundary])
            let box = area.bbox
            rows.append(
                UnitRow(
                    id: id, parentID: unit.parentCode.flatMap { unitIDs[$0] }, level: unit.level, code: unit.code, name: unit.name,
                    path: path, boundary: GeoJSON.geometry(area), minLon: box.minLon, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat,
                    retiredAt: nil, retiredInto: nil, createdAt: now))
            unitIDs[unit.code] = id
            paths[unit.code] = path
        }
        let units = rows
        try await db.transaction { tx in
            let repo = UnitRepository(tx)
            for row in units {
                try await repo.insert(row)
                try await repo.record(row.id, "created", "\(row.code) \(row.name) (demo)", actor: "demo", at: now)
            }
        }
        let grids = plan.units.filter { $0.level == .grid }
        let ids = unitIDs
        for (i, grid) in grids.enumerated() {
            let population = DemoDistrict.population(ofGrid: grid.code, plan: plan, config: config)
            let staff = plan.staff(ofGrid: grid.code)
            try await db.transaction { tx in
                try await Self.write(population, staff: staff, gridID: ids[grid.code]!, config: config, on: tx.sql, cipher: cipher, now: now)
            }
            progress(i + 1, grids.count)
        }
        return plan
    }

    static func write(
        _ p: DemoGridPopulation, staff: [DemoStaff], gridID: UUID, config: DemoConfig, on sql: any SQLDatabase, cipher: FieldCipher, now: Date
    ) async throws {
        let bulk = BulkWriter(sql: sql)
        var buildingIDs: [String: UUID] = [:]
        var buildingRows: [[any Encodable & Sendable]] = []
        for b in p.buildings {
            let id = UUID()
            buildingIDs[b.code] = id
            let unit: UUID? = b.gridCode == nil ? nil : gridID
            buildingRows.append([id, b.code, unit, b.name, b.address, b.kind, b.floors, b.point.lon, b.point.lat, now])
        }
        try await bulk.insert(into: "buildings", columns: ["id", "code", "unit_id", "name", "address", "kind", "floors", "lon", "lat", "created_at"], rows: buildingRows)
        var householdIDs: [String: UUID] = [:]
        var householdRows: [[any Encodable & Sendable]] = []
        for h in p.households {
            let id = UUID()
            householdIDs[h.number] = id
            householdRows.append([id, h.number, gridID, buildingIDs[h.buildingCode], h.room, h.address, h.kind, now])
        }
        try await bulk.insert(into: "households", columns: ["id", "number", "unit_id", "building_id", "room", "address", "kind", "created_at"], rows: householdRows)
        var residentRows: [[any Encodable & Sendable]] = []
        var tagRows: [[any Encodable & Sendable]] = []
        var residentIDs: [String: UUID] = [:]
        for r in p.residents {
            let id = UUID()
            residentIDs[r.code] = id
            let parsed = r.idNumber.flatMap { try? ResidentID($0) }
            let household = r.householdNumber.flatMap { householdIDs[$0] }
            residentRows.append([
                id, r.name, r.idNumber.map(cipher.encrypt), r.idNumber.map(cipher.lookupHash), r.documentNumber, parsed?.sex.rawValue, parsed?.birthDate.description, r.phone,
                household, r.relation, r.residenceType, gridID, now, now,
            ])
            for tag in r.tagKeys { tagRows.append([id, tag]) }
        }
        try await bulk.insert(
            into: "residents",
            columns: [
                "id", "name", "id_number", "id_number_hash", "document_number", "sex", "birth_date", "phone",
                "household_id", "relation", "residence_type", "unit_id", "created_at", "updated_at",
            ], rows: residentRows)
        try await bulk.insert(into: "resident_tags", columns: ["resident_id", "tag_key"], rows: tagRows)
        try await bulk.insert(
            into: "components", columns: ["id", "code", "class_key", "subtype", "state", "lon", "lat", "unit_id", "created_at"],
            rows: p.components.map { [UUID(), $0.code, $0.classKey, $0.subtype, $0.state, $0.point.lon, $0.point.lat, gridID, now] })
        try await bulk.insert(
            into: "organisations", columns: ["id", "name", "kind", "address", "lon", "lat", "unit_id", "contact_name", "contact_phone", "created_at"],
            rows: p.organisations.map { [UUID(), $0.name, $0.kind, $0.address, $0.point.lon, $0.point.lat, gridID, $0.contactName, $0.contactPhone, now] })
        var staffRows: [[any Encodable & Sendable]] = []
        var assignmentRows: [[any Encodable & Sendable]] = []
        var coverRows: [[any Encodable & Sendable]] = []
        for s in staff {
            let id = UUID(), assignment = UUID()
            // The demo's people are made up, and made to have agreed to publish their numbers, so the
            // contact cards and the QR page show a whole team.
            staffRows.append([id, s.name, s.phone, true, s.kindKey, true, now])
            assignmentRows.append([assignment, id, gridID, Optional<UUID>.none, Optional<String>.none, now])
            coverRows += s.buildingCodes.compactMap { buildingIDs[$0] }.map { [UUID(), assignment, $0] }
        }
        try await bulk.insert(into: "staff", columns: ["id", "name", "phone", "phone_public", "kind_key", "active", "created_at"], rows: staffRows)
        try await bulk.insert(into: "staff_assignments", columns: ["id", "staff_id", "unit_id", "building_id", "duty", "started_at"], rows: assignmentRows)
        try await bulk.insert(into: "staff_buildings", columns: ["id", "assignment_id", "building_id"], rows: coverRows)
        try await writeVisits(p, staff: staff, gridID: gridID, config: config, households: householdIDs, residents: residentIDs, on: sql, cipher: cipher, now: now)
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Counts of the register per unit, rolled up the tree.
public struct UnitTotals: Sendable, Equatable, Codable {
    public var grids = 0
    public var buildings = 0
    public var households = 0
    public var residents = 0
    public var staff = 0

    public init() {}
}

/// "格不漏户、户不漏人" : what is not yet placed in the grid tree, and grids without a full team.
public struct CoverageReport: Sendable, Codable {
    public struct Item: Sendable, Codable, Equatable {
        public var id: UUID
        public var label: String
        public var detail: String
    }

    public var householdsWithoutGrid: [Item] = []
    public var householdsWithoutGridCount = 0
    public var residentsWithoutHousehold: [Item] = []
    public var residentsWithoutHouseholdCount = 0
    public var buildingsOutsideGrids: [Item] = []
    public var gridsWithoutTeam: [Item] = []
    public var gridsUnderstaffed: [Item] = []
    public var totals = UnitTotals()

    public var isComplete: Bool {
        householdsWithoutGridCount == 0 && residentsWithoutHouseholdCount == 0 && buildingsOutsideGrids.isEmpty
            && gridsWithoutTeam.isEmpty && gridsUnderstaffed.isEmpty
    }
}

public struct CoverageRepository: Sendable, SQLRepository {
    let db: any Database

    /// How many of each list a report carries; the counts are always whole.
    public static let listLimit = 200

    public init(_ db: any Database) { self.db = db }

    /// Per-unit totals for every unit in scope, each including its whole subtree. One grouped
    /// count per table, then a roll-up along the paths, so a district of 1,000 grids costs
    /// five index scans rather than a query per unit.
    public func totals(in scope: Scope) async throws -> [UUID: UnitTotals] {
        let units = try await UnitRepository(db).all(in: scope)
        var direct: [UUID: UnitTotals] = [:]
        struct Count: Decodable { var unit_id: UUID?; var n: Int }
        for (table, key) in [("buildings", \UnitTotals.buildings), ("households", \.households), ("residents", \.residents)] {
            let rows = try await sql.raw("SELECT unit_id, COUNT(*) AS n FROM \(ident: table) WHERE unit_id IS NOT NULL AND \(scope.condition("unit_id")) GROUP BY unit_id")
                .all(decoding: Count.self)
            for row in rows { if let id = row.unit_id { direct[id, default: UnitTotals()][keyPath: key] = row.n } }
        }
        for (id, n) in try await StaffRepository(db).teamSizes(in: scope) { direct[id, default: UnitTotals()].staff = n }
        for unit in units where unit.level == .grid { direct[unit.id, default: UnitTotals()].grids = 1 }
        var rolled: [UUID: UnitTotals] = [:]
        for unit in units {
            guard let own = direct[unit.id] else { continue }
            for ancestor in unit.ancestorIDs + [unit.id] {
                var t = rolled[ancestor] ?? UnitTotals()
                t.grids += own.grids; t.buildings += own.buildings; t.households += own.households
                t.residents += own.residents; t.staff += own.staff
                rolled[ancestor] = t
            }
        }
        return rolled
    }

    public func report(in scope: Scope) async throws -> CoverageReport {
        var report = CoverageReport()
        let limit = Self.listLimit
        let grids = try await UnitRepository(db).all(in: scope, level: .grid)
        let gridIDs = Set(grids.map(\.id))
        struct H: Decodable { var id: UUID; var number: String; var address: String }
        report.householdsWithoutGridCount = try await count("households", "(unit_id IS NULL OR unit_id NOT IN (SELECT id FROM units WHERE level = 'grid' AND retired_at IS NULL))", scope)
        report.householdsWithoutGrid = try await sql.raw(
            """
            SELECT id, number, address FROM households WHERE (unit_id IS NULL OR unit_id NOT IN \
            (SELECT id FROM units WHERE level = 'grid' AND retired_at IS NULL)) AND \(scope.condition("unit_id")) ORDER BY number LIMIT \(count: limit)
            """
        ).all(decoding: H.self).map { .init(id: $0.id, label: $0.number, detail: $0.address) }
        struct R: Decodable { var id: UUID; var name: String; var residence_type: String }
        report.residentsWithoutHouseholdCount = try await count("residents", "household_id IS NULL AND anonymised_at IS NULL", scope)
        report.residentsWithoutHousehold = try await sql.raw(
            """
            SELECT id, name, residence_type FROM residents WHERE household_id IS NULL AND anonymised_at IS NULL AND \(scope.condition("unit_id")) ORDER BY name LIMIT \(count: limit)
            """
        ).all(decoding: R.self).map { .init(id: $0.id, label: $0.name, detail: L10n.t("residence.\($0.residence_type)")) }
        // A building counts as outside when it has no grid, or its point lies outside its grid's boundary.
        let areas = Dictionary(uniqueKeysWithValues: grids.compactMap { g in g.area.map { (g.id, $0) } })
        struct B: Decodable { var id: UUID; var code: String; var address: String; var unit_id: UUID?; var lon: Double; var lat: Double; var kind: String }
        let buildings = try await sql.raw("SELECT id, code, address, unit_id, lon, lat, kind FROM buildings WHERE \(scope.condition("unit_id"))").all(decoding: B.self)
        for b in buildings {
            let inside: Bool
            if let unit = b.unit_id, gridIDs.contains(unit) {
                // Street shops are placed in the nearest grid on purpose , so only the grid link is required.
                inside = b.kind == "shop" || areas[unit].map { $0.contains(GeoPoint(lon: b.lon, lat: b.lat)) } ?? true
            } else {
                inside = false
            }
            if !inside && report.buildingsOutsideGrids.count < limit {
                report.buildingsOutsideGrids.append(.init(id: b.id, label: b.code, detail: b.address))
            }
        }
        let sizes = try await StaffRepository(db).teamSizes(in: scope)
        for grid in grids {
            let n = sizes[grid.id] ?? 0
            let item = CoverageReport.Item(id: grid.id, label: grid.code, detail: grid.name)
            if n == 0 { report.gridsWithoutTeam.append(item) } else if n < StaffRepository.minimumTeam { report.gridsUnderstaffed.append(item) }
        }
        if let root = try await UnitRepository(db).roots(in: scope).first {
            report.totals = try await totals(in: scope)[root.id] ?? UnitTotals()
        }
        return report
    }

    func count(_ table: String, _ condition: String, _ scope: Scope) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(unsafeRaw: condition) AND \(scope.condition("unit_id"))")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

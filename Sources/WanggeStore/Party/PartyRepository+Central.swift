import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A neighbouring household a central household looks after.
public struct CentralNeighbour: Codable, Sendable, Equatable {
    public var householdID: UUID
    public var number: String

    enum CodingKeys: String, CodingKey { case number, householdID = "household_id" }
}

/// 党员中心户: a household of a grid, the party member of it, and the neighbours it looks after.
public struct CentralHousehold: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var householdID: UUID
    public var number: String
    public var member: String
    public var neighbours: [CentralNeighbour]
    public var setBy: String
    public var setAt: Date

    enum CodingKeys: String, CodingKey {
        case id, number, member, neighbours
        case unitID = "unit_id", householdID = "household_id", setBy = "set_by", setAt = "set_at"
    }
}

/// One grid's party overlay in a line, for a community's or street's overview.
public struct GridParty: Sendable, Equatable {
    public var unitID: UUID
    public var name: String
    public var orgs: [String]
    public var centrals: Int
    public var members: Int
    public var minutes: Int
}

extension PartyRepository {
    struct HouseholdRef: Decodable {
        var id: UUID
        var number: String
        var unit_id: UUID?
    }

    /// Marks a household of the grid as a 党员中心户 with its member and neighbours, or sets them
    /// anew when it is one already. Every household named must be in the register and in this
    /// grid; a neighbour another central household looks after is refused with its number.
    public func setCentral(
        member: String, household: String, neighbours: String, in unitID: UUID, by name: String, at now: Date, in scope: Scope
    ) async throws -> CentralHousehold {
        let unit = try await grid(unitID, in: scope)
        let c = try Self.checked { () throws(OpennessProblem) in
            try CentralHouseholdRules.check(member: member, household: household, neighbours: neighbours)
        }
        let found = try await sql.raw("SELECT id, number, unit_id FROM households WHERE number IN (\(binds: [c.household] + c.neighbours))")
            .all(decoding: HouseholdRef.self)
        let inGrid = Dictionary(found.filter { $0.unit_id == unit.id }.map { ($0.number, $0.id) }, uniquingKeysWith: { a, _ in a })
        guard let own = inGrid[c.household] else { throw StoreError(.invalid, "central.not_in_grid", [c.household], field: "household") }
        if let missing = c.neighbours.first(where: { inGrid[$0] == nil }) {
            throw StoreError(.invalid, "central.not_in_grid", [missing], field: "neighbours")
        }
        let neighbourIDs = c.neighbours.compactMap { inGrid[$0] }
        struct Existing: Decodable { var id: UUID }
        let existing = try await sql.raw("SELECT id FROM party_central_households WHERE household_id = \(bind: own)").first(decoding: Existing.self)
        let id = existing?.id ?? UUID()
        struct Taken: Decodable { var number: String }
        if let taken = try await sql.raw(
            """
            SELECT h.number FROM party_central_neighbours n JOIN households h ON h.id = n.household_id \
            WHERE n.household_id IN (\(binds: neighbourIDs)) AND n.central_id <> \(bind: id) ORDER BY h.number
            """
        ).first(decoding: Taken.self) {
            throw StoreError(.invalid, "central.taken", [taken.number], field: "neighbours")
        }
        if existing == nil {
            try await sql.raw(
                """
                INSERT INTO party_central_households (id, unit_id, household_id, member_name, set_by, set_at) \
                VALUES (\(bind: id), \(bind: unit.id), \(bind: own), \(bind: c.member), \(bind: name), \(bind: now))
                """
            ).run()
        } else {
            try await sql.raw(
                "UPDATE party_central_households SET member_name = \(bind: c.member), set_by = \(bind: name), set_at = \(bind: now) WHERE id = \(bind: id)"
            ).run()
            try await sql.raw("DELETE FROM party_central_neighbours WHERE central_id = \(bind: id)").run()
        }
        for n in neighbourIDs {
            try await sql.raw("INSERT INTO party_central_neighbours (central_id, household_id) VALUES (\(bind: id), \(bind: n))").run()
        }
        guard let made = try await centrals("c.id = \(bind: id)").first else { throw StoreError.notFound("central_household") }
        return made
    }

    /// Takes the mark off a central household (its neighbours are free to be looked after by another).
    public func removeCentral(_ id: UUID, in scope: Scope) async throws -> CentralHousehold {
        guard let c = try await centrals("c.id = \(bind: id) AND \(scope.condition("c.unit_id"))").first else { throw StoreError.notFound("central_household") }
        try await sql.raw("DELETE FROM party_central_neighbours WHERE central_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM party_central_households WHERE id = \(bind: id)").run()
        return c
    }

    /// The grid's central households with their neighbours, by household number.
    public func centrals(of unitID: UUID, in scope: Scope) async throws -> [CentralHousehold] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await centrals("c.unit_id = \(bind: unit.id)")
    }

    func centrals(_ condition: SQLQueryString) async throws -> [CentralHousehold] {
        struct Row: Decodable {
            var id: UUID
            var unit_id: UUID
            var household_id: UUID
            var number: String
            var member_name: String
            var set_by: String
            var set_at: Date
        }
        let rows = try await sql.raw(
            """
            SELECT c.id, c.unit_id, c.household_id, h.number, c.member_name, c.set_by, c.set_at FROM party_central_households c \
            JOIN households h ON h.id = c.household_id WHERE \(condition) ORDER BY h.number
            """
        ).all(decoding: Row.self)
        guard !rows.isEmpty else { return [] }
        struct N: Decodable {
            var central_id: UUID
            var household_id: UUID
            var number: String
        }
        let neighbours = try await sql.raw(
            """
            SELECT n.central_id, n.household_id, h.number FROM party_central_neighbours n JOIN households h ON h.id = n.household_id \
            WHERE n.central_id IN (\(binds: rows.map(\.id))) ORDER BY h.number
            """
        ).all(decoding: N.self)
        let byCentral = Dictionary(grouping: neighbours, by: \.central_id)
        return rows.map { r in
            CentralHousehold(
                id: r.id, unitID: r.unit_id, householdID: r.household_id, number: r.number, member: r.member_name,
                neighbours: (byCentral[r.id] ?? []).map { CentralNeighbour(householdID: $0.household_id, number: $0.number) }, setBy: r.set_by,
                setAt: r.set_at)
        }
    }

    /// Each grid under the unit (in scope) with its organisations, central households, registered
    /// members and their minutes in `month` ("2026-11"), by grid name.
    public func overview(under unit: UnitRow, month: String, in scope: Scope) async throws -> [GridParty] {
        let grids = try await UnitRepository(db).all(in: scope, level: .grid).filter { $0.path.hasPrefix(unit.path) }.sorted { $0.name < $1.name }
        guard !grids.isEmpty else { return [] }
        let ids = grids.map(\.id)
        struct Org: Decodable { var unit_id: UUID; var name: String }
        let orgs = Dictionary(
            grouping: try await sql.raw("SELECT unit_id, name FROM party_orgs WHERE unit_id IN (\(binds: ids)) ORDER BY kind, name").all(decoding: Org.self),
            by: \.unit_id)
        struct Count: Decodable { var unit_id: UUID; var n: Int? }
        func counts(_ query: SQLQueryString) async throws -> [UUID: Int] {
            Dictionary(try await sql.raw(query).all(decoding: Count.self).map { ($0.unit_id, $0.n ?? 0) }, uniquingKeysWith: +)
        }
        let centrals = try await counts("SELECT unit_id, COUNT(*) AS n FROM party_central_households WHERE unit_id IN (\(binds: ids)) GROUP BY unit_id")
        let members = try await counts("SELECT unit_id, COUNT(*) AS n FROM party_members WHERE unit_id IN (\(binds: ids)) GROUP BY unit_id")
        let minutes = try await counts(
            """
            SELECT unit_id, CAST(SUM(minutes) AS BIGINT) AS n FROM party_service WHERE unit_id IN (\(binds: ids)) \
            AND day LIKE \(bind: month + "-%") GROUP BY unit_id
            """)
        return grids.map { g in
            GridParty(
                unitID: g.id, name: g.name, orgs: (orgs[g.id] ?? []).map(\.name), centrals: centrals[g.id] ?? 0, members: members[g.id] ?? 0,
                minutes: minutes[g.id] ?? 0)
        }
    }
}

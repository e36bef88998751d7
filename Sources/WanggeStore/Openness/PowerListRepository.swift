import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// One item of a unit's power list, as stored.
public struct PowerItemRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var category: PowerCategory
    public var title: String
    public var legalBasis: String
    public var responsibleRole: String
    public var steps: [String]
    public var materials: String
    public var timeLimitDays: Int?
    public var riskPoints: String
    public var updatedBy: String
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, category, title, steps, materials
        case unitID = "unit_id", legalBasis = "legal_basis", responsibleRole = "responsible_role", timeLimitDays = "time_limit_days"
        case riskPoints = "risk_points", updatedBy = "updated_by", updatedAt = "updated_at"
    }

    struct Stored: Decodable {
        var id: UUID
        var unit_id: UUID
        var category: String
        var title: String
        var legal_basis: String
        var responsible_role: String
        var steps: String
        var materials: String
        var time_limit_days: Int?
        var risk_points: String
        var updated_by: String
        var updated_at: Date

        var row: PowerItemRow {
            PowerItemRow(
                id: id, unitID: unit_id, category: PowerCategory(rawValue: category) ?? .majorDecision, title: title, legalBasis: legal_basis,
                responsibleRole: responsible_role, steps: steps.split(separator: "\n").map(String.init), materials: materials,
                timeLimitDays: time_limit_days, riskPoints: risk_points, updatedBy: updated_by, updatedAt: updated_at)
        }
    }

    public var draft: PowerItemDraft {
        PowerItemDraft(
            category: category.rawValue, title: title, legalBasis: legalBasis, responsibleRole: responsibleRole, steps: steps, materials: materials,
            timeLimitDays: timeLimitDays.map(String.init) ?? "", riskPoints: riskPoints)
    }
}

/// Keeps power lists (小微权力清单) of districts, streets and communities. Items belong to a unit,
/// so every read and write for staff takes a `Scope`; the public portal reads with `.everything`
/// because a power list is public by law.
public struct PowerListRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// The levels that keep a power list: a grid exercises its community's powers.
    public static let levels: Set<UnitLevel> = [.district, .street, .community]

    static let select = """
        SELECT id, unit_id, category, title, legal_basis, responsible_role, steps, materials, time_limit_days, risk_points, updated_by, updated_at \
        FROM power_items
        """

    /// The unit's own list, by category in the list's order, then by title.
    public func items(of unitID: UUID, in scope: Scope) async throws -> [PowerItemRow] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await items(ofUnits: [unit.id])
    }

    /// The authority catalogue above a unit: the items of the street and district it lies in. These
    /// are public, so a community's staff see them though they are outside their scope.
    public func catalogue(above unit: UnitRow) async throws -> [PowerItemRow] {
        let ids = unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }.filter { $0 != unit.id }
        return try await items(ofUnits: ids)
    }

    func items(ofUnits ids: [UUID]) async throws -> [PowerItemRow] {
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.raw("\(unsafeRaw: Self.select) WHERE unit_id IN (\(binds: ids))").all(decoding: PowerItemRow.Stored.self).map(\.row)
        let order = Dictionary(uniqueKeysWithValues: PowerCategory.allCases.enumerated().map { ($1, $0) })
        return rows.sorted { (order[$0.category] ?? 0, $0.title) < (order[$1.category] ?? 0, $1.title) }
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> PowerItemRow? {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE id = \(bind: id) AND \(scope.condition("unit_id"))").first(decoding: PowerItemRow.Stored.self)?.row
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> PowerItemRow {
        guard let row = try await find(id, in: scope) else { throw StoreError.notFound("power_item") }
        return row
    }

    /// Adds an item to `unitID`'s list, or changes item `id` of it; the draft is checked first and
    /// nothing is written when it fails.
    public func save(_ draft: PowerItemDraft, id: UUID? = nil, to unitID: UUID, by name: String, at now: Date, in scope: Scope) async throws -> PowerItemRow {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard Self.levels.contains(unit.level) else { throw StoreError(.invalid, "power.not_unit", field: "unit") }
        let item: PowerItem
        do { item = try draft.validated() } catch { throw StoreError(.invalid, error.messageKey, error.args, field: error.field) }
        let steps = item.steps.joined(separator: "\n")
        if let id {
            let old = try await get(id, in: scope)
            guard old.unitID == unit.id else { throw StoreError.notFound("power_item") }
            try await sql.raw(
                """
                UPDATE power_items SET category = \(bind: item.category.rawValue), title = \(bind: item.title), legal_basis = \(bind: item.legalBasis), \
                responsible_role = \(bind: item.responsibleRole), steps = \(bind: steps), materials = \(bind: item.materials), \
                time_limit_days = \(bind: item.timeLimitDays), risk_points = \(bind: item.riskPoints), updated_by = \(bind: name), updated_at = \(bind: now) \
                WHERE id = \(bind: id)
                """
            ).run()
            return try await get(id, in: scope)
        }
        let newID = UUID()
        try await sql.raw(
            """
            INSERT INTO power_items (id, unit_id, category, title, legal_basis, responsible_role, steps, materials, time_limit_days, risk_points, updated_by, updated_at) \
            VALUES (\(bind: newID), \(bind: unit.id), \(bind: item.category.rawValue), \(bind: item.title), \(bind: item.legalBasis), \(bind: item.responsibleRole), \
            \(bind: steps), \(bind: item.materials), \(bind: item.timeLimitDays), \(bind: item.riskPoints), \(bind: name), \(bind: now))
            """
        ).run()
        return try await get(newID, in: scope)
    }

    /// Removes an item no decision is tagged with (a decision keeps the item it rested on).
    public func delete(_ id: UUID, in scope: Scope) async throws -> PowerItemRow {
        let row = try await get(id, in: scope)
        struct N: Decodable { var n: Int }
        let used = try await sql.raw("SELECT COUNT(*) AS n FROM major_decisions WHERE power_item_id = \(bind: id)").first(decoding: N.self)?.n ?? 0
        guard used == 0 else { throw StoreError(.conflict, "power.in_use") }
        try await sql.raw("DELETE FROM power_items WHERE id = \(bind: id)").run()
        return row
    }
}

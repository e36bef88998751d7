import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A step of a case tagged with the power item it exercised.
public struct CasePowerTag: Codable, Sendable, Equatable {
    public var eventID: UUID
    public var powerItemID: UUID
    public var powerItemTitle: String
    public var taggedBy: String

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", powerItemID = "power_item_id", powerItemTitle = "power_item_title", taggedBy = "tagged_by"
    }
}

extension PowerListRepository {
    /// The power items a case may exercise: those of its unit's community, street and district.
    public func usable(forCase caseID: UUID, in scope: Scope) async throws -> [PowerItemRow] {
        struct Row: Decodable { var path: String? }
        guard
            let row = try await sql.raw("SELECT u.path FROM cases c LEFT JOIN units u ON u.id = c.unit_id WHERE c.id = \(bind: caseID) AND \(scope.condition("c.unit_id"))")
                .first(decoding: Row.self)
        else { throw StoreError.notFound("case") }
        return try await items(ofUnits: (row.path ?? "").split(separator: "/").compactMap { UUID(uuidString: String($0)) })
    }

    /// The tags of a case's steps.
    public func tags(ofCase caseID: UUID) async throws -> [CasePowerTag] {
        try await sql.raw(
            """
            SELECT t.event_id, t.power_item_id, p.title AS power_item_title, t.tagged_by FROM case_power_tags t \
            JOIN power_items p ON p.id = t.power_item_id WHERE t.case_id = \(bind: caseID)
            """
        ).all(decoding: CasePowerTag.self)
    }

    /// Tags step `eventID` of case `caseID` with `itemID`, which must be one the case may exercise;
    /// a step already tagged keeps its first tag (409).
    public func tag(step eventID: UUID, ofCase caseID: UUID, with itemID: UUID, by name: String, at now: Date, in scope: Scope) async throws {
        let usable = try await usable(forCase: caseID, in: scope)
        guard usable.contains(where: { $0.id == itemID }) else { throw StoreError(.invalid, "admission.unknown_item", field: "power_item") }
        struct N: Decodable { var n: Int }
        let step = try await sql.raw("SELECT COUNT(*) AS n FROM case_events WHERE id = \(bind: eventID) AND case_id = \(bind: caseID)").first(decoding: N.self)?.n ?? 0
        guard step == 1 else { throw StoreError(.invalid, "power.unknown_step", field: "step") }
        let taken = try await sql.raw("SELECT COUNT(*) AS n FROM case_power_tags WHERE event_id = \(bind: eventID)").first(decoding: N.self)?.n ?? 0
        guard taken == 0 else { throw StoreError(.conflict, "power.step_tagged") }
        try await sql.raw(
            """
            INSERT INTO case_power_tags (id, case_id, event_id, power_item_id, tagged_by, tagged_at) \
            VALUES (\(bind: UUID()), \(bind: caseID), \(bind: eventID), \(bind: itemID), \(bind: name), \(bind: now))
            """
        ).run()
    }
}

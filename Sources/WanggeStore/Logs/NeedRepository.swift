import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A resident's need in the needs log (居民需求日志).
public struct ResidentNeed: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var householdID: UUID?
    public var householdNumber: String?
    public var residentID: UUID?
    public var text: String
    public var state: NeedState
    public var recordedBy: String
    public var recordedAt: Date
    public var caseID: UUID?
    public var trackingCode: String?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var resolution: String?

    enum CodingKeys: String, CodingKey {
        case id, text, state, resolution
        case unitID = "unit_id", unitName = "unit_name", householdID = "household_id", householdNumber = "household_number"
        case residentID = "resident_id", recordedBy = "recorded_by", recordedAt = "recorded_at", caseID = "case_id"
        case trackingCode = "tracking_code", resolvedBy = "resolved_by", resolvedAt = "resolved_at"
    }

    static let select = """
        SELECT n.id, n.unit_id, u.name AS unit_name, n.household_id, h.number AS household_number, n.resident_id, n.text, n.state, \
        n.recorded_by, n.recorded_at, n.case_id, n.tracking_code, n.resolved_by, n.resolved_at, n.resolution \
        FROM resident_needs n JOIN units u ON u.id = n.unit_id LEFT JOIN households h ON h.id = n.household_id
        """
}

/// A need as recorded: what is needed and, optionally, whose (a household of the grid by its
/// number, or a resident of the grid).
public struct NeedDraft: Sendable, Equatable {
    public var text: String
    public var householdNumber: String?
    public var residentID: UUID?

    public init(text: String, householdNumber: String? = nil, residentID: UUID? = nil) {
        (self.text, self.householdNumber, self.residentID) = (text, householdNumber, residentID)
    }
}

/// Keeps the needs log. Needs belong to a grid, so every read and write takes a `Scope`; a need or
/// grid outside it is missing (404). State changes go through `NeedMachine`.
public struct NeedRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxText = 1000

    /// Records an open need under `gridID`, which must be a grid in `scope`; the household and the
    /// resident, if given, must be of that grid's register.
    public func record(_ draft: NeedDraft, in gridID: UUID, by actor: CaseActor, at now: Date, scope: Scope) async throws -> ResidentNeed {
        let grid = try await UnitRepository(db).get(gridID, in: scope)
        guard grid.level == .grid else { throw StoreError(.invalid, "log.not_grid", field: "unit") }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError(.invalid, "need.what_required", field: "text") }
        guard text.count <= Self.maxText else { throw StoreError(.invalid, "log.too_long", [String(Self.maxText)], field: "text") }
        struct Found: Decodable { var id: UUID; var household_id: UUID? }
        var household: UUID?
        if let number = draft.householdNumber?.trimmingSpaces().trimmedOrNil {
            guard
                let row = try await sql.raw("SELECT id FROM households WHERE number = \(bind: number) AND unit_id = \(bind: grid.id)")
                    .first(decoding: Found.self)
            else { throw StoreError(.invalid, "need.unknown_household", [number], field: "household") }
            household = row.id
        }
        if let resident = draft.residentID {
            guard
                let row = try await sql.raw("SELECT id, household_id FROM residents WHERE id = \(bind: resident) AND unit_id = \(bind: grid.id)")
                    .first(decoding: Found.self)
            else { throw StoreError(.invalid, "need.unknown_resident", field: "resident") }
            household = household ?? row.household_id
        }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO resident_needs (id, unit_id, household_id, resident_id, text, state, recorded_by_id, recorded_by, recorded_at) \
            VALUES (\(bind: id), \(bind: grid.id), \(bind: household), \(bind: draft.residentID), \(bind: text), \(bind: NeedState.open.rawValue), \
            \(bind: actor.id), \(bind: actor.name), \(bind: now))
            """
        ).run()
        return try await get(id, in: scope)
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> ResidentNeed? {
        try await sql.raw("\(unsafeRaw: ResidentNeed.select) WHERE n.id = \(bind: id) AND \(scope.condition("n.unit_id"))")
            .first(decoding: ResidentNeed.self)
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> ResidentNeed {
        guard let need = try await find(id, in: scope) else { throw StoreError.notFound("need") }
        return need
    }

    /// Needs of `unitID` and every grid below it, open ones first and then the newest, `limit` at most,
    /// continuing after the need `after` (paged by key, not OFFSET: a need recorded meanwhile does
    /// not shift the pages). An `after` that is not a need of this list starts from the top.
    public func list(
        under unitID: UUID, state: NeedState? = nil, after: UUID? = nil, limit: Int = 100, in scope: Scope
    ) async throws -> [ResidentNeed] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let byState: SQLQueryString = state.map { "AND n.state = \(bind: $0.rawValue)" } ?? ""
        let rank: SQLQueryString = "CASE n.state WHEN 'resolved' THEN 1 ELSE 0 END"
        var from: SQLQueryString = ""
        if let after, let last = try await find(after, in: scope) {
            // The cursor's time is compared as stored (a sub-select), not as a Date read back and bound
            // again: the round trip through Date is not exact, and would repeat or skip a row.
            let r = last.state == .resolved ? 1 : 0
            let at: SQLQueryString = "(SELECT recorded_at FROM resident_needs WHERE id = \(bind: last.id))"
            from = """
                AND (\(rank) > \(bind: r) OR (\(rank) = \(bind: r) AND (n.recorded_at < \(at) \
                OR (n.recorded_at = \(at) AND n.id > \(bind: last.id)))))
                """
        }
        return try await sql.raw(
            """
            \(unsafeRaw: ResidentNeed.select) WHERE \(Scope.under("u.path", unit.path)) AND \(scope.condition("n.unit_id")) \(byState) \(from) \
            ORDER BY \(rank), n.recorded_at DESC, n.id LIMIT \(count: limit)
            """
        ).all(decoding: ResidentNeed.self)
    }

    /// Closes a need ("解决一件注销一件"): who resolved it, when and how. Without a note it is refused.
    public func resolve(_ id: UUID, note: String, by actor: CaseActor, at now: Date, in scope: Scope) async throws -> ResidentNeed {
        let need = try await get(id, in: scope)
        let next = try step(.resolve(note: note), on: need)
        try await sql.raw(
            """
            UPDATE resident_needs SET state = \(bind: next.state.rawValue), resolved_by_id = \(bind: actor.id), resolved_by = \(bind: actor.name), \
            resolved_at = \(bind: now), resolution = \(bind: next.resolution) WHERE id = \(bind: id) AND state = \(bind: need.state.rawValue)
            """
        ).run()
        return try await get(id, in: scope)
    }

    /// Takes an open need for escalation before its case is made, in one conditional write: of two
    /// people pressing 转为事件 at once one gets it and the other is refused, so a need never becomes
    /// two cases. The need reads as escalated (without a case yet) until `escalate` or `release`.
    public func claim(_ id: UUID, in scope: Scope) async throws -> ResidentNeed {
        let need = try await get(id, in: scope)
        try check(.escalate, on: need)
        let taken = try await sql.raw(
            """
            UPDATE resident_needs SET state = \(bind: NeedState.escalated.rawValue) \
            WHERE id = \(bind: id) AND state = \(bind: NeedState.open.rawValue) RETURNING id
            """
        ).all()
        guard !taken.isEmpty else {
            throw StoreError(.conflict, "case.problem", [NeedProblem.notAllowed(action: .escalate, state: .escalated).message()])
        }
        return need
    }

    /// Gives a claimed need back (its case could not be made).
    public func release(_ id: UUID) async throws {
        try await sql.raw(
            """
            UPDATE resident_needs SET state = \(bind: NeedState.open.rawValue) \
            WHERE id = \(bind: id) AND state = \(bind: NeedState.escalated.rawValue) AND case_id IS NULL
            """
        ).run()
    }

    /// Records that the need was handed on as case `caseRow` (opened by the case intake); the need
    /// is open, or claimed for this (see `claim`).
    public func escalate(_ id: UUID, to caseRow: CaseRow, in scope: Scope) async throws -> ResidentNeed {
        var need = try await get(id, in: scope)
        if need.state == .escalated && need.caseID == nil { need.state = .open }
        let next = try step(.escalate(trackingCode: caseRow.trackingCode), on: need)
        try await sql.raw(
            """
            UPDATE resident_needs SET state = \(bind: next.state.rawValue), case_id = \(bind: caseRow.id), tracking_code = \(bind: next.trackingCode) \
            WHERE id = \(bind: id) AND case_id IS NULL AND state IN (\(bind: NeedState.open.rawValue), \(bind: NeedState.escalated.rawValue))
            """
        ).run()
        return try await get(id, in: scope)
    }

    /// Checks a step against the machine before anything (a case) is made for it.
    public func check(_ kind: NeedActionKind, on need: ResidentNeed) throws {
        guard NeedMachine.from(kind).contains(need.state) else {
            throw StoreError(.conflict, "case.problem", [NeedProblem.notAllowed(action: kind, state: need.state).message()])
        }
    }

    private func step(_ action: NeedAction, on need: ResidentNeed) throws -> NeedMachine.Transition {
        do {
            return try NeedMachine.apply(action, to: need.state)
        } catch .resolutionNoteRequired {
            throw StoreError(.invalid, "need.note_required", field: "note")
        } catch {
            throw StoreError(.conflict, "case.problem", [error.message()])
        }
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// An item of one of a community's four lists.
public struct FourListItemRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var list: FourList
    public var title: String
    public var basis: String

    enum CodingKeys: String, CodingKey {
        case id, list, title, basis
        case unitID = "unit_id"
    }
}

/// A department's task for a community and where its review stands.
public struct AdmissionTask: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var department: String
    public var title: String
    public var detail: String
    public var listItemID: UUID?
    public var listItemTitle: String?
    public var list: FourList?
    public var state: AdmissionState
    public var negative: Bool
    public var basis: String?
    public var reason: String?
    public var submittedBy: String
    public var submittedAt: Date
    public var reviewedBy: String?
    public var reviewedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, department, title, detail, list, state, negative, basis, reason
        case unitID = "unit_id", unitName = "unit_name", listItemID = "list_item_id", listItemTitle = "list_item_title"
        case submittedBy = "submitted_by", submittedAt = "submitted_at", reviewedBy = "reviewed_by", reviewedAt = "reviewed_at"
    }

    static let select = """
        SELECT t.id, t.unit_id, u.name AS unit_name, t.department, t.title, t.detail, t.list_item_id, i.title AS list_item_title, t.list, t.state, \
        t.negative, t.basis, t.reason, t.submitted_by, t.submitted_at, t.reviewed_by, t.reviewed_at \
        FROM admission_tasks t JOIN units u ON u.id = t.unit_id LEFT JOIN four_list_items i ON i.id = t.list_item_id
        """
}

/// How many of a community's (or a street's) tasks stand where; `negative` is the part of
/// `refused` that was on the negative list.
public struct AdmissionCounts: Sendable, Equatable, Codable {
    public var submitted = 0
    public var admitted = 0
    public var refused = 0
    public var negative = 0
    public var purchase = 0

    public init() {}
}

/// What a department submits for a community.
public struct TaskDraft: Sendable, Equatable {
    public var title: String
    public var detail: String
    /// The list item the department says the task falls under, if any.
    public var listItemID: UUID?

    public init(title: String, detail: String, listItemID: UUID? = nil) {
        (self.title, self.detail, self.listItemID) = (title, detail, listItemID)
    }
}

/// Keeps the four lists and the admission of departments' tasks (社区工作准入制). Lists and tasks
/// belong to a community; reads and writes take a `Scope`. Reviews go through `AdmissionMachine`.
public struct FourListRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxTitle = 100
    public static let maxText = 2000

    /// A community's lists, each in its order. Public by law, so the portal reads with `.everything`.
    public func items(of unitID: UUID, in scope: Scope) async throws -> [FourListItemRow] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await sql.raw("SELECT id, unit_id, list, title, basis FROM four_list_items WHERE unit_id = \(bind: unit.id) ORDER BY list, position")
            .all(decoding: FourListItemRow.self)
    }

    /// Appends items to a community's lists (the demo and imports).
    public func add(_ items: [(FourList, String, String)], to unitID: UUID, in scope: Scope) async throws {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .community else { throw StoreError(.invalid, "admission.not_community", field: "unit") }
        for (position, item) in items.enumerated() {
            try await sql.raw(
                """
                INSERT INTO four_list_items (id, unit_id, list, title, basis, position) \
                VALUES (\(bind: UUID()), \(bind: unit.id), \(bind: item.0.rawValue), \(bind: item.1), \(bind: item.2), \(bind: position))
                """
            ).run()
        }
    }

    /// Submits a department's task for community `unitID`; it waits for review and is in no queue.
    public func submit(_ draft: TaskDraft, to unitID: UUID, department: String, by actor: CaseActor, at now: Date, in scope: Scope) async throws -> AdmissionTask {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .community else { throw StoreError(.invalid, "admission.not_community", field: "unit") }
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw StoreError(.invalid, "admission.title_required", field: "title") }
        guard title.count <= Self.maxTitle else { throw StoreError(.invalid, "power.too_long", [String(Self.maxTitle)], field: "title") }
        let detail = draft.detail.trimmingCharacters(in: .whitespacesAndNewlines)
        guard detail.count <= Self.maxText else { throw StoreError(.invalid, "power.too_long", [String(Self.maxText)], field: "detail") }
        var list: FourList?
        if let itemID = draft.listItemID {
            guard let item = try await item(itemID, of: unit.id) else { throw StoreError(.invalid, "admission.unknown_item", field: "list_item") }
            list = item.list
        }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO admission_tasks (id, unit_id, department, title, detail, list_item_id, list, state, negative, submitted_by_id, submitted_by, submitted_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: department), \(bind: title), \(bind: detail), \(bind: draft.listItemID), \(bind: list?.rawValue), \
            \(bind: AdmissionState.submitted.rawValue), \(bind: false), \(bind: actor.id), \(bind: actor.name), \(bind: now))
            """
        ).run()
        return try await get(id, in: scope)
    }

    func item(_ id: UUID, of unitID: UUID) async throws -> FourListItemRow? {
        try await sql.raw("SELECT id, unit_id, list, title, basis FROM four_list_items WHERE id = \(bind: id) AND unit_id = \(bind: unitID)")
            .first(decoding: FourListItemRow.self)
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> AdmissionTask? {
        try await sql.raw("\(unsafeRaw: AdmissionTask.select) WHERE t.id = \(bind: id) AND \(scope.condition("t.unit_id"))").first(decoding: AdmissionTask.self)
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> AdmissionTask {
        guard let task = try await find(id, in: scope) else { throw StoreError.notFound("task") }
        return task
    }

    /// Reviews a submitted task. The reviewer may correct the list item the department gave (nil:
    /// on no list); a task on the negative list can only be refused, and is counted as such. One
    /// conditional write: of two reviewers at once one wins, the other is refused.
    public func review(_ id: UUID, listItemID: UUID?, decision: AdmissionDecision, by name: String, at now: Date, in scope: Scope) async throws -> AdmissionTask {
        let task = try await get(id, in: scope)
        var list: FourList?
        if let itemID = listItemID {
            guard let item = try await item(itemID, of: task.unitID) else { throw StoreError(.invalid, "admission.unknown_item", field: "list_item") }
            list = item.list
        }
        let outcome: AdmissionMachine.Outcome
        do {
            outcome = try AdmissionMachine.review(task.state, list: list, decision: decision)
        } catch {
            throw StoreError(task.state == .submitted ? .invalid : .conflict, error.messageKey, error.args.map(\.localizedTerm), field: error.field)
        }
        let done = try await sql.raw(
            """
            UPDATE admission_tasks SET state = \(bind: outcome.state.rawValue), negative = \(bind: outcome.negative), list_item_id = \(bind: listItemID), \
            list = \(bind: list?.rawValue), basis = \(bind: outcome.basis), reason = \(bind: outcome.reason), reviewed_by = \(bind: name), reviewed_at = \(bind: now) \
            WHERE id = \(bind: id) AND state = \(bind: AdmissionState.submitted.rawValue) RETURNING id
            """
        ).all()
        guard !done.isEmpty else { throw StoreError(.conflict, "admission.already_reviewed", [L10n.t(AdmissionState.admitted.nameKey)]) }
        return try await get(id, in: scope)
    }

    /// Tasks of `unitID` and every community below it, newest first, `state` only if given.
    public func tasks(under unitID: UUID, state: AdmissionState? = nil, limit: Int = 200, in scope: Scope) async throws -> [AdmissionTask] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let byState: SQLQueryString = state.map { "AND t.state = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw(
            """
            \(unsafeRaw: AdmissionTask.select) WHERE \(Scope.under("u.path", unit.path)) AND \(scope.condition("t.unit_id")) \(byState) \
            ORDER BY t.submitted_at DESC, t.id LIMIT \(count: limit)
            """
        ).all(decoding: AdmissionTask.self)
    }

    /// The counts of `tasks(under:)` by state, in one grouped query.
    public func counts(under unitID: UUID, in scope: Scope) async throws -> AdmissionCounts {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        struct Row: Decodable { var state: String; var negative: Bool; var n: Int }
        let rows = try await sql.raw(
            """
            SELECT t.state, t.negative, COUNT(*) AS n FROM admission_tasks t JOIN units u ON u.id = t.unit_id \
            WHERE \(Scope.under("u.path", unit.path)) AND \(scope.condition("t.unit_id")) GROUP BY t.state, t.negative
            """
        ).all(decoding: Row.self)
        var c = AdmissionCounts()
        for r in rows {
            switch AdmissionState(rawValue: r.state) {
            case .submitted: c.submitted += r.n
            case .admitted: c.admitted += r.n
            case .refused:
                c.refused += r.n
                if r.negative { c.negative += r.n }
            case .purchase: c.purchase += r.n
            case nil: break
            }
        }
        return c
    }
}

extension String {
    /// An argument of a problem that names a term of the table, translated.
    var localizedTerm: String { hasPrefix("@") ? L10n.t(String(dropFirst())) : self }
}

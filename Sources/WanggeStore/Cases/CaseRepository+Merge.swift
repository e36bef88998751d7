import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Someone to tell about a case's outcome: the case's own reporter, or the reporter of a case
/// merged into it (C6 "merging links reporters so all are told the outcome").
public struct CaseReporter: Sendable, Equatable {
    public var caseID: UUID
    public var trackingCode: String
    public var channel: CaseChannel
    public var name: String?
    /// In clear, for a text message; screens mask it.
    public var phone: String?
    /// In clear, for an e-mail notice; screens mask it.
    public var email: String? = nil
    public var reportedAt: Date
    /// True for the target's own reporter, false for one whose report was merged into it.
    public var own: Bool
}

/// Merging (C6). A merged case keeps its own row, reporter and tracking code; `merged_into` points
/// at the case that is worked instead. Chains (A merged into B, B later into C) are followed, up to
/// `maxMergeDepth` steps, so every reporter reaches the case that is really being worked.
extension CaseRepository {
    static let maxMergeDepth = 8

    /// The case `raw` (an id or a tracking code) names as a merge target for `current`: it must be
    /// in the viewer's scope, not `current` itself, and not merged itself.
    func mergeTarget(_ raw: String, for current: CaseRow, in scope: Scope) async throws -> CaseRow {
        let text = raw.trimmingSpaces()
        guard !text.isEmpty else { throw StoreError(.invalid, "case.problem", [CaseProblem.mergeTargetRequired.message()], field: "target") }
        var target: CaseRow?
        if let id = UUID(uuidString: text) {
            target = try await find(id, in: scope)
        } else if let found = try await byTrackingCode(text) {
            target = try await find(found.id, in: scope)
        }
        guard let target else { throw StoreError(.invalid, "case.merge.no_target", [text], field: "target") }
        guard target.id != current.id else { throw StoreError(.invalid, "case.problem", [CaseProblem.mergeIntoItself.message()], field: "target") }
        guard target.state != .merged else {
            throw StoreError(.invalid, "case.merge.target_merged", [TrackingCode.display(target.trackingCode)], field: "target")
        }
        return target
    }

    /// The case a merged case is answered through: `merged_into` followed to the first case that
    /// is not merged itself; the case itself when it is not merged; nil for a broken chain.
    /// Not scoped: the public tracking page reaches it with the reporter's own code.
    public func mergeRoot(of row: CaseRow) async throws -> CaseRow? {
        var current = row
        var seen: Set<UUID> = [row.id]
        for _ in 0..<Self.maxMergeDepth where current.state == .merged {
            guard let next = current.mergedInto.flatMap(UUID.init(uuidString:)), seen.insert(next).inserted,
                let found = try await find(next, in: .everything)
            else { return nil }
            current = found
        }
        return current.state == .merged ? nil : current
    }

    /// Ids of every case merged into `id`, directly or through other merged cases.
    func mergedIDs(into id: UUID) async throws -> [UUID] {
        try await Self.mergedIDs(into: id, on: sql)
    }

    /// The same inside a caller's transaction (notices are queued in the step's own transaction).
    static func mergedIDs(into id: UUID, on sql: any SQLDatabase) async throws -> [UUID] {
        var found: [UUID] = []
        var frontier = [id]
        var seen: Set<UUID> = [id]
        for _ in 0..<Self.maxMergeDepth where !frontier.isEmpty {
            let rows = try await sql.raw(
                """
                SELECT id FROM cases WHERE state = 'merged' AND merged_into IN (\(binds: frontier.map(\.uuidString)))
                """
            ).all()
            frontier = try rows.map { try $0.decode(column: "id", as: UUID.self) }.filter { seen.insert($0).inserted }
            found += frontier
        }
        return found
    }

    /// The reports merged into a case that the viewer may see, oldest first.
    public func mergedReports(into id: UUID, in scope: Scope) async throws -> [CaseRow] {
        let ids = try await mergedIDs(into: id)
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE id IN (\(binds: ids)) AND \(scope.caseCondition()) ORDER BY reported_at, id
            """
        ).all().map(CaseRow.init(row:))
        return try rows.map(opened)
    }

    /// Everyone linked to a case who should hear its outcome: its own reporter first, then the
    /// reporters of every case merged into it (with their own tracking codes), for notifications.
    public func reporters(of id: UUID, in scope: Scope) async throws -> [CaseReporter] {
        let root = try await get(id, in: scope)
        return ([root] + (try await mergedReports(into: id, in: scope))).map { r in
            CaseReporter(
                caseID: r.id, trackingCode: r.trackingCode, channel: r.channel, name: r.reporterName, phone: r.reporterPhone, email: r.reporterEmail,
                reportedAt: r.reportedAt, own: r.id == root.id)
        }
    }

    /// The rating of a merged case's reporter once the case it was merged into is closed; kept on
    /// the merged case (see `CaseMachine.rateMerged` for why).
    @discardableResult
    public func rateMerged(_ id: UUID, rating: Satisfaction, note: String? = nil, actor: CaseActor, in scope: Scope, at now: Date) async throws -> CaseRow {
        let current = try await get(id, in: scope)
        guard let target = try await mergeRoot(of: current), target.id != current.id else {
            throw StoreError(.conflict, "case.problem", [CaseProblem.notAllowed(action: .callback, state: current.state).message()])
        }
        let transition: CaseTransition
        do {
            transition = try CaseMachine.rateMerged(current.snapshot, targetState: target.state, rating: rating, note: note, by: actor.role, at: now)
        } catch {
            throw StoreError(.conflict, "case.problem", [error.message()])
        }
        var next = current
        next.rating = transition.snapshot.rating
        next.version = current.version + 1
        let row = next
        try await db.transaction { tx in
            try await Self.write(row, event: transition.event, over: current.version, actor: actor, on: tx.sql)
        }
        return row
    }
}

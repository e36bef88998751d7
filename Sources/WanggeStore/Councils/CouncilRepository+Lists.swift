import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The paged reads the JSON API lists councils, meetings and proposals by; scoped like the pages.
extension CouncilRepository {
    /// The councils of the communities at or below `unitID` (in the scope), in the tree's order, with their members.
    public func councils(under unitID: UUID, limit: Int, offset: Int, in scope: Scope) async throws -> [Council] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        struct Row: Decodable { var id: UUID; var unit_id: UUID; var name: String }
        let rows = try await sql.raw(
            """
            SELECT c.id, c.unit_id, c.name FROM councils c JOIN units u ON u.id = c.unit_id \
            WHERE \(Scope.subtree(of: unit).condition("c.unit_id")) AND \(scope.condition("c.unit_id")) \
            ORDER BY u.path, c.id LIMIT \(count: limit) OFFSET \(count: offset)
            """
        ).all(decoding: Row.self)
        guard !rows.isEmpty else { return [] }
        struct Member: Decodable { var council_id: UUID; var id: UUID; var name: String; var role: String }
        let members = try await sql.raw(
            "SELECT council_id, id, name, role FROM council_members WHERE council_id IN (\(binds: rows.map(\.id))) ORDER BY added_at, id"
        ).all(decoding: Member.self)
        let byCouncil = Dictionary(grouping: members, by: \.council_id)
        return rows.map { r in
            Council(id: r.id, unitID: r.unit_id, name: r.name, members: (byCouncil[r.id] ?? []).map { CouncilMember(id: $0.id, name: $0.name, role: $0.role) })
        }
    }

    /// A council by its id, in the scope.
    public func council(_ id: UUID, in scope: Scope) async throws -> Council {
        struct Row: Decodable { var unit_id: UUID }
        guard
            let row = try await sql.raw("SELECT unit_id FROM councils c WHERE c.id = \(bind: id) AND \(scope.condition("c.unit_id"))").first(decoding: Row.self),
            let council = try await council(of: row.unit_id, in: scope)
        else { throw StoreError.notFound("council") }
        return council
    }

    /// A council's meetings, latest first, a page at a time.
    public func meetings(of council: Council, limit: Int, offset: Int) async throws -> [CouncilMeeting] {
        try await sql.raw(
            """
            \(unsafeRaw: CouncilMeeting.select) WHERE m.council_id = \(bind: council.id) \
            ORDER BY m.held_on DESC, m.starts_at DESC, m.id LIMIT \(count: limit) OFFSET \(count: offset)
            """
        ).all(decoding: CouncilMeeting.self)
    }
}

extension ProposalRepository {
    /// A unit's proposals (those of the communities at or below it), newest first, in one state or
    /// all, a page at a time.
    public func proposals(under unitID: UUID, state: ProposalState?, limit: Int, offset: Int, in scope: Scope) async throws -> [CouncilProposal] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let byState: SQLQueryString = state.map { " AND p.state = \(bind: $0.rawValue)" } ?? ""
        return try await list("\(Scope.subtree(of: unit).condition("p.unit_id")) AND \(scope.condition("p.unit_id"))\(byState)", limit: limit, offset: offset)
    }
}

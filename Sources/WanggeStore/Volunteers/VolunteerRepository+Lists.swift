import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The paged reads the JSON API lists volunteers by; scoped like the pages.
extension VolunteerRepository {
    /// A community's volunteers by team and name, a page at a time.
    public func volunteers(of unitID: UUID, limit: Int, offset: Int, in scope: Scope) async throws -> [Volunteer] {
        let unit = try await community(unitID, in: scope)
        return try await sql.raw(
            "\(unsafeRaw: Volunteer.select) WHERE v.unit_id = \(bind: unit.id) ORDER BY t.name, v.name, v.id LIMIT \(count: limit) OFFSET \(count: offset)"
        ).all(decoding: Volunteer.self)
    }
}

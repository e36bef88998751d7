import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `POST /api/v1/residents/{id}/reveal {"reason": "…"}`: the logged "show" action for the phone
/// terminal and integrations — the unmasked `ResidentView`, after its audit entry is written.
enum RightsAPI {
    struct RevealBody: Content { var reason: String? }

    static func register(_ api: any RoutesBuilder) {
        api.post("residents", ":id", "reveal") { req async throws -> ResidentView in
            let body = try? req.content.decode(RevealBody.self)
            let id = try req.id()
            let what = Unmask.Request(action: "unmask", objectType: "resident", objectID: id.uuidString, detail: [("via", "api")])
            let (v, why) = try await Unmask.check(req, what, reason: body?.reason)
            let people = ResidentRepository(req.db, cipher: req.keys.cipher)
            let row = try await people.get(id, in: v.scope)
            try await Unmask.record(req, what, reason: why)
            return try await people.views([row], role: v.role, reveal: true)[0]
        }
    }
}

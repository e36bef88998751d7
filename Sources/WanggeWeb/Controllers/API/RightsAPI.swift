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
            let v = try await RightsController.require(req, \.mayUnmask, action: "unmask", detail: body?.reason ?? "")
            let id = try req.id()
            let people = ResidentRepository(req.db, cipher: req.keys.cipher)
            let row = try await people.get(id, in: v.scope)
            let why = try RightsController.reason(body?.reason)
            try await req.audit("unmask", object: "resident", id.uuidString, detail: why)
            return try await people.views([row], role: v.role, reveal: true)[0]
        }
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units/{id}/log`, `/units/{id}/needs`, `/needs/{id}`: the social and needs logs for the
/// phone, scoped like the pages (a unit or need outside the caller's part of the tree is 404) and
/// audited on every write.
enum LogAPI {
    struct EntryBody: Content {
        var day: String?
        var text: String
        var category: String?
        var place: String?
    }

    struct NeedBody: Content {
        var text: String
        var householdNumber: String?
        var residentId: UUID?
    }

    struct ResolveBody: Content { var note: String? }
    struct CaseBody: Content { var category: String }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "log") { req async throws -> [SocialLogEntry] in
            let v = try req.requireLogReader()
            let limit = try req.queryInteger("limit", in: 1...200, default: 50)
            let filter = SocialLogFilter(words: req.query[String.self, at: "q"], from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"])
            return try await SocialLogRepository(req.db).list(under: try req.id(), filter, after: try req.queryUUID("after"), limit: limit, in: v.scope)
        }
        api.post("units", ":id", "log") { req async throws -> Response in
            let w = try req.requireLogKeeper()
            let body = try req.content.decode(EntryBody.self)
            let draft = SocialLogDraft(day: body.day, text: body.text, category: body.category, place: body.place)
            let entry = try await LogActions.addEntry(req, w, draft, to: try req.id())
            return try await entry.encodeResponse(status: .created, for: req)
        }
        api.get("units", ":id", "needs") { req async throws -> [ResidentNeed] in
            let v = try req.requireLogReader()
            var state: NeedState?
            if let raw = req.query[String.self, at: "state"] {
                guard let known = NeedState(rawValue: raw) else { throw StoreError(.invalid, "need.bad_state", field: "state") }
                state = known
            }
            let limit = try req.queryInteger("limit", in: 1...200, default: 100)
            return try await NeedRepository(req.db).list(under: try req.id(), state: state, after: try req.queryUUID("after"), limit: limit, in: v.scope)
        }
        api.post("units", ":id", "needs") { req async throws -> Response in
            let w = try req.requireLogKeeper()
            let body = try req.content.decode(NeedBody.self)
            let need = try await LogActions.recordNeed(req, w, NeedDraft(text: body.text, householdNumber: body.householdNumber, residentID: body.residentId), in: try req.id())
            return try await need.encodeResponse(status: .created, for: req)
        }
        api.get("needs", ":id") { req async throws -> ResidentNeed in
            let v = try req.requireLogReader()
            return try await NeedRepository(req.db).get(try req.id(), in: v.scope)
        }
        api.post("needs", ":id", "resolve") { req async throws -> ResidentNeed in
            let w = try req.requireLogKeeper()
            let body = try req.content.decode(ResolveBody.self)
            let need = try await LogActions.resolveNeed(req, w, try req.id(), note: body.note ?? "")
            return need
        }
        api.post("needs", ":id", "case") { req async throws -> Response in
            let w = try req.requireLogKeeper()
            guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
            let body = try req.content.decode(CaseBody.self)
            let need = try await req.escalateNeed(try req.id(), category: body.category, by: w)
            return try await need.encodeResponse(status: .created, for: req)
        }
    }
}

extension SocialLogEntry: Content {}
extension ResidentNeed: Content {}

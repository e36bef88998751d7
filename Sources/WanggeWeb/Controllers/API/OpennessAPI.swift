import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units/{id}/powers`, `/units/{id}/four-lists`, `/units/{id}/tasks`, `/tasks/{id}/review`:
/// power lists, four lists and task admission for a department's or an office's own system, scoped
/// like the pages and audited on every write.
enum OpennessAPI {
    struct TaskBody: Content {
        var title: String
        var detail: String?
        var listItemId: UUID?
    }

    struct ReviewBody: Content {
        var decision: String
        var listItemId: UUID?
        var reason: String?
        var basis: String?
    }

    struct Tasks: Content {
        var counts: AdmissionCounts
        var tasks: [AdmissionTask]
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "powers") { req async throws -> [PowerItemRow] in
            let v = try req.requireOpennessReader()
            return try await PowerListRepository(req.db).items(of: try req.id(), in: v.scope)
        }
        api.get("units", ":id", "four-lists") { req async throws -> [FourListItemRow] in
            let v = try req.requireOpennessReader()
            return try await FourListRepository(req.db).items(of: try req.id(), in: v.scope)
        }
        api.get("units", ":id", "tasks") { req async throws -> Tasks in
            let v = try req.requireOpennessReader()
            var state: AdmissionState?
            if let raw = req.query[String.self, at: "state"] {
                guard let known = AdmissionState(rawValue: raw) else { throw StoreError(.invalid, "admission.bad_decision", field: "state") }
                state = known
            }
            let repo = FourListRepository(req.db)
            let limit = try req.queryInteger("limit", in: 1...200, default: 100)
            return Tasks(counts: try await repo.counts(under: try req.id(), in: v.scope), tasks: try await repo.tasks(under: try req.id(), state: state, limit: limit, in: v.scope))
        }
        api.post("units", ":id", "tasks") { req async throws -> Response in
            let v = try req.requireOpenness(\.submitsTasks)
            let body = try req.content.decode(TaskBody.self)
            let task = try await FourListRepository(req.db).submit(
                TaskDraft(title: body.title, detail: body.detail ?? "", listItemID: body.listItemId), to: try req.id(), department: v.account.displayName,
                by: CaseActor(id: v.account.id, name: v.account.displayName, role: .department), at: req.now, in: v.scope)
            try await req.audit("task.submit", object: "admission_task", task.id.uuidString, detail: AuditDetail(["unit": task.unitID.uuidString]).text)
            return try await task.encodeResponse(status: .created, for: req)
        }
        api.post("tasks", ":id", "review") { req async throws -> AdmissionTask in
            let v = try req.requireOpenness(\.reviewsTasks)
            let body = try req.content.decode(ReviewBody.self)
            let decision: AdmissionDecision
            switch AdmissionActionKind(rawValue: body.decision) {
            case .admit: decision = .admit(basis: body.basis)
            case .refuse: decision = .refuse(reason: body.reason ?? "")
            case .buyAsService: decision = .buyAsService(note: body.reason)
            case nil: throw StoreError(.invalid, "admission.bad_decision", field: "decision")
            }
            let task = try await FourListRepository(req.db).review(
                try req.id(), listItemID: body.listItemId, decision: decision, by: v.account.displayName, at: req.now, in: v.scope)
            try await req.audit(
                "task.review", object: "admission_task", task.id.uuidString,
                detail: AuditDetail(["unit": task.unitID.uuidString, "state": task.state.rawValue, "negative": task.negative ? "1" : nil]).text)
            return task
        }
    }
}

extension PowerItemRow: Content {}
extension FourListItemRow: Content {}
extension AdmissionTask: Content {}

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
            let task = try await req.audited("task.submit", object: "admission_task") { db in
                try await FourListRepository(db).submit(
                    TaskDraft(title: body.title, detail: body.detail ?? "", listItemID: body.listItemId), to: try req.id(), department: v.account.displayName,
                    by: CaseActor(id: v.account.id, name: v.account.displayName, role: .department), at: req.now, in: v.scope)
            } entry: { task in
                (task.id.uuidString, AuditDetail(["unit": task.unitID.uuidString]).text)
            }
            return try await task.encodeResponse(status: .created, for: req)
        }
        api.post("tasks", ":id", "review") { req async throws -> AdmissionTask in
            let v = try req.requireOpenness(\.reviewsTasks)
            let body = try req.content.decode(ReviewBody.self)
            let task = try await review(req, v, task: try req.id(), decision: body.decision, listItem: body.listItemId, reason: body.reason, basis: body.basis)
            return task
        }
    }
}

extension OpennessAPI {
    /// A task's review (page and API alike): the decision from its name, the review and its audit entry in one transaction.
    static func review(
        _ req: Request, _ v: Viewer, task: UUID, decision raw: String?, listItem: UUID?, reason: String?, basis: String?
    ) async throws -> AdmissionTask {
        let decision: AdmissionDecision
        switch AdmissionActionKind(rawValue: raw ?? "") {
        case .admit: decision = .admit(basis: basis)
        case .refuse: decision = .refuse(reason: reason ?? "")
        case .buyAsService: decision = .buyAsService(note: reason)
        case nil: throw StoreError(.invalid, "admission.bad_decision", field: "decision")
        }
        return try await req.audited("task.review", object: "admission_task") { db in
            try await FourListRepository(db).review(task, listItemID: listItem, decision: decision, by: v.account.displayName, at: req.now, in: v.scope)
        } entry: { done in
            (done.id.uuidString, AuditDetail(["unit": done.unitID.uuidString, "state": done.state.rawValue, "negative": done.negative ? "1" : nil]).text)
        }
    }
}

extension PowerItemRow: Content {}
extension FourListItemRow: Content {}
extension AdmissionTask: Content {}

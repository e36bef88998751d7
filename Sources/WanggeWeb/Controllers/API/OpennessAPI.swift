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

    /// A notice with its reach, as the API lists it.
    struct NoticeItem: Content {
        var id: UUID
        var unitId: UUID
        var unitName: String
        var title: String
        var body: String
        var publishOn: String
        var expiresOn: String?
        var audience: String
        var careTag: String?
        var createdAt: Date
        var reach: NoticeReachCounts

        init(_ n: Notice, reach: NoticeReachCounts?) {
            (id, unitId, unitName, title, body, publishOn, expiresOn) = (n.id, n.unitID, n.unitName, n.title, n.body, n.publishOn, n.expiresOn)
            (audience, careTag, createdAt, self.reach) = (n.audience.rawValue, n.careTag, n.createdAt, reach ?? NoticeReachCounts())
        }
    }

    struct NoticeBody: Content {
        var title: String?
        var body: String?
        var publishOn: String?
        var expiresOn: String?
        var audience: String?
        var buildingIds: [String]?
        var careTag: String?
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "notices") { req async throws -> [NoticeItem] in
            let v = try req.requireOpennessReader()
            let limit = try req.queryInteger("limit", in: 1...200, default: 100)
            let repo = NoticeReachRepository(req.db)
            let notices = try await repo.notices(of: try req.id(), limit: limit, in: v.scope)
            let counts = try await repo.counts(of: notices.map(\.id), in: v.scope)
            return notices.map { NoticeItem($0, reach: counts[$0.id]) }
        }
        api.post("units", ":id", "notices") { req async throws -> Response in
            let v = try req.requireOpenness(\.keepsOpenness)
            let body = try req.content.decode(NoticeBody.self)
            let draft = NoticeReachController.Draft(
                title: body.title ?? "", body: body.body ?? "", publishOn: body.publishOn, expiresOn: body.expiresOn, attachment: nil, audience: body.audience,
                buildingIDs: body.buildingIds ?? [], careTag: body.careTag, requestKey: req.headers.first(name: "Idempotency-Key"))
            let n = try await NoticeReachController.publish(req, v, draft, in: try req.id())
            let counts = try await NoticeReachRepository(req.db).counts(of: [n.id], in: v.scope)
            return try await NoticeItem(n, reach: counts[n.id]).encodeResponse(status: .created, for: req)
        }
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

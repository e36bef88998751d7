import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Home visits and care archives for the phone, scoped like the pages:
///
/// - `GET /api/v1/units/{id}/visits/due?order=status|building|last_visit` — coverage counts of the
///   unit's grids and the households due or overdue (`GET /api/v1/visits/due`: the caller's own unit);
/// - `POST /api/v1/households/{id}/visits` — record a visit with its register changes; 201 when
///   recorded, 422 with the field problems and `draft_id` when kept as a draft, and the stored visit
///   again (200) when its `client_id` was sent before;
/// - `GET /api/v1/households/{id}/visits`, `GET /api/v1/visits/{id}`;
/// - `GET /api/v1/residents/{id}/care?reason=…` (the notes, audited), `PUT /api/v1/residents/{id}/care`.
enum VisitAPI {
    struct PhotoBody: Content {
        var name: String?
        /// The file, base64.
        var data: String
    }

    struct VisitBody: Content {
        var clientId: UUID?
        var draftId: UUID?
        /// `YYYY-MM-DD` (China time); today when left out.
        var day: String?
        var seen: String?
        var met: [UUID]?
        var needs: [String]?
        var changes: [VisitChange]?
        var photos: [PhotoBody]?
    }

    struct DueHousehold: Content {
        var householdId: UUID
        var number: String
        var gridId: UUID
        var building: String?
        var room: String?
        var lastVisit: String?
        var status: VisitStatus
        var dueBy: String
        var careFrequency: CareFrequency?
    }

    struct Counts: Content {
        var gridId: UUID
        var households: Int
        var visited: Int
        var due: Int
        var overdue: Int
    }

    struct DueList: Content {
        var day: String
        var rule: String
        var counts: [Counts]
        var households: [DueHousehold]
    }

    struct Draft: Content {
        var error: APIError.Body
        var draftId: UUID
        var visit: HomeVisit
    }

    struct CareBody: Content {
        var frequency: CareFrequency
        var notes: CareNotes
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "visits", "due") { req async throws -> DueList in
            try await due(req, unit: try req.id())
        }
        api.get("visits", "due") { req async throws -> DueList in
            let v = try req.requireVisitReader()
            guard let unit = v.account.unitID else { throw StoreError.notFound("unit") }
            return try await due(req, unit: unit)
        }
        api.on(.POST, "households", ":id", "visits", body: .collect(maxSize: "25mb")) { req async throws -> Response in
            try await post(req)
        }
        api.get("households", ":id", "visits") { req async throws -> [HomeVisit] in
            let v = try req.requireVisitReader()
            return try await VisitController.repo(req).visits(of: try req.id(), in: v.scope).map(\.masked)
        }
        api.get("visits", ":id") { req async throws -> HomeVisit in
            let v = try req.requireVisitReader()
            return try await VisitController.repo(req).get(try req.id(), in: v.scope).masked
        }
        api.get("residents", ":id", "care") { req async throws -> CareArchive in
            let residentID = try req.id()
            let reason = try await CareController.gate(req, residentID, reason: req.query[String.self, at: "reason"])
            return try await CareController.readNotes(req, residentID, reason: reason)
        }
        api.put("residents", ":id", "care") { req async throws -> CareArchive in
            let (v, actor) = try await CareController.requireCareWriter(req)
            let body = try req.content.decode(CareBody.self)
            return try await CareArchiveRepository(req.db, cipher: req.keys.cipher).save(
                try req.id(), frequency: body.frequency, notes: body.notes, by: actor, signer: req.auditSigner, today: SimpleDate(req.now), scope: v.scope,
                now: req.now)
        }
    }

    static func due(_ req: Request, unit: UUID) async throws -> DueList {
        let v = try req.requireVisitReader()
        let order =
            try req.query[String.self, at: "order"].map { raw in
                guard let o = VisitCoverage.Order(rawValue: raw) else { throw StoreError(.invalid, "field.not_one_of", [raw, "status/building/last_visit"], field: "order") }
                return o
            } ?? .status
        // Counted household by household: a community at most (see the coverage page).
        guard try await UnitRepository(req.db).get(unit, in: v.scope).level >= .community else {
            throw StoreError(.invalid, "visit.pick_unit", field: "unit")
        }
        let facts = try await VisitController.repo(req).facts(under: unit, in: v.scope)
        let today = SimpleDate(req.now)
        let counts = VisitCoverage.counts(facts, on: today).map { Counts(gridId: $0.key, households: $0.value.households, visited: $0.value.visited, due: $0.value.due, overdue: $0.value.overdue) }
        return DueList(
            day: today.description, rule: L10n.t("visit.rule"), counts: counts.sorted { $0.gridId.uuidString < $1.gridId.uuidString },
            households: VisitCoverage.dueList(facts, on: today, order: order).map { d in
                DueHousehold(
                    householdId: d.facts.householdID, number: d.facts.number, gridId: d.facts.gridID, building: d.facts.building, room: d.facts.room,
                    lastVisit: d.facts.lastVisit?.description, status: d.status, dueBy: d.dueBy.description, careFrequency: d.facts.careEvery)
            })
    }

    static func post(_ req: Request) async throws -> Response {
        let w = try req.requireVisitor()
        let householdID = try req.id()
        let body = try req.content.decode(VisitBody.self)
        let changes = body.changes ?? []
        guard changes.isEmpty || w.viewer.role.editsRegister else { throw Abort(.forbidden, reason: L10n.t("visit.changes_not_allowed")) }
        let visitedAt = try RecordedDay.moment(body.day, now: req.now)
        var uploads: [AttachmentUpload] = []
        for p in body.photos ?? [] {
            guard let bytes = Data(base64Encoded: p.data) else { throw StoreError(.invalid, "case.photo.not_image", [p.name ?? "photo"], field: "photos") }
            uploads.append(AttachmentUpload(name: p.name ?? "photo", bytes: bytes))
        }
        let submission = VisitSubmission(
            householdID: householdID, draftID: body.draftId, clientID: body.clientId, visitedAt: visitedAt, seen: body.seen ?? "", met: body.met ?? [],
            needs: body.needs ?? [], changes: changes, photos: try CaseRepository.checkPhotos(uploads))
        let outcome = try await VisitController.repo(req).submit(submission, by: w.actor, signer: req.auditSigner, scope: w.viewer.scope, now: req.now)
        let visit = outcome.visit.masked
        if visit.state == .draft {
            let problems = visit.problems.map { APIError.Problem(field: $0.field, row: nil, column: nil, message: $0.message()) }
            let error = APIError.Body(
                code: "validation", message: L10n.t("visit.drafted", problems.count), field: visit.problems.first?.field, problems: problems)
            return try await Draft(error: error, draftId: visit.id, visit: visit).encodeResponse(status: .unprocessableEntity, for: req)
        }
        return try await visit.encodeResponse(status: outcome.replayed ? .ok : .created, for: req)
    }
}

extension HomeVisit: Content {}
extension CareArchive: Content {}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Patrols (巡查, W1): the list of a grid's patrols at /units/{id}/patrols where the grid worker
/// starts one, and the patrol at /patrols/{id}, phone first: record where you are (the phone's
/// position, never typed), record a finding (category, text, the place from the phone or a pin,
/// a photo, a component of the register and the state it was found in), hand a finding on as a
/// case in one step, end the patrol. Scoped in storage: only the worker's own grid may be written,
/// leaders above it read, anything outside is 404. Every write is audited.
enum PatrolController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.unitPatrols(UUID()).pattern, use: list)
        pages.post(SiteURL.unitPatrols(UUID()).pattern, use: start)
        pages.get(SiteURL.patrol(UUID()).pattern, use: show)
        pages.post(SiteURL.patrolPoints(UUID()).pattern, use: addPoint)
        pages.on(.POST, SiteURL.patrolFindings(UUID()).pattern, body: .stream, use: addFinding).streamsForm()
        pages.post(SiteURL.patrolEnd(UUID()).pattern, use: end)
        pages.post(SiteURL.findingCase(UUID(), finding: UUID()).pattern, use: toCase)
        pages.get(SiteURL.findingPhoto(UUID(), finding: UUID()).pattern, use: photo)
    }

    static func id(_ req: Request, _ name: String = "id", what: String) throws -> UUID {
        guard let id = req.parameters.get(name, as: UUID.self) else { throw StoreError.notFound(what) }
        return id
    }

    // MARK: List and start

    static func list(req: Request) async throws -> Response {
        let v = try req.requirePatrolReader()
        let unit = try await UnitRepository(req.db).get(try id(req, what: "unit"), in: v.scope)
        let patrols = try await PatrolRepository(req.db).list(under: unit.id, in: v.scope)
        let body = PatrolPages.list(
            unit: unit, patrols: patrols, canStart: v.role.walksPatrols && unit.level == .grid, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("patrol.list_title", unit.name))
    }

    static func start(req: Request) async throws -> Response {
        let w = try req.requirePatrolWalker()
        let (patrol, _) = try await req.audited("patrol.start", object: "patrol") { db in
            try await PatrolRepository(db).start(in: try id(req, what: "unit"), by: w.actor, at: req.now, scope: w.viewer.scope)
        } entry: { started in
            (started.0.id.uuidString, AuditDetail(["unit": started.0.unitID.uuidString]).text)
        }
        return LogController.done(req, "patrol.started", to: .patrol(patrol.id))
    }

    // MARK: The patrol

    static func show(req: Request) async throws -> Response {
        let v = try req.requirePatrolReader()
        return try await page(req, v, form: LogPages.Form(), error: nil, status: .ok)
    }

    static func page(_ req: Request, _ v: Viewer, form: LogPages.Form, error: String?, status: HTTPStatus) async throws -> Response {
        let repo = PatrolRepository(req.db)
        let patrol = try await repo.get(try id(req, what: "patrol"), in: v.scope)
        let points = try await repo.points(of: patrol.id)
        let findings = try await repo.findings(of: patrol.id)
        let grid = try await UnitRepository(req.db).get(patrol.unitID, in: v.scope)
        let writes = v.role.walksPatrols
        let categories = try await CaseController.repo(req).categories()
        let components = writes && patrol.state == .started ? try await repo.components(for: patrol, near: points.last?.point, in: v.scope) : []
        let model = PatrolPages.Model(
            patrol: patrol, grid: grid, points: points, findings: findings, categories: categories, components: components, canWrite: writes,
            csrf: CSRF.token(req), notice: LogController.takeNotice(req), error: error, form: form)
        return Layout.response(req, PatrolPages.detail(model), title: L10n.t("patrol.title", grid.name), status: status)
    }

    struct PointForm: Content {
        var lon: String?
        var lat: String?
    }

    static func addPoint(req: Request) async throws -> Response {
        let w = try req.requirePatrolWalker()
        let form = try req.content.decode(PointForm.self)
        let patrolID = try id(req, what: "patrol")
        do {
            guard let point = try CaseController.point(lon: form.lon, lat: form.lat) else { throw StoreError(.invalid, "patrol.no_position", field: "location") }
            let added = try await req.audited("patrol.points", object: "patrol") { db in
                try await PatrolRepository(db).addPoints([PatrolPointDraft(point, at: req.now)], to: patrolID, now: req.now, in: w.viewer.scope)
            } entry: { added in
                (patrolID.uuidString, AuditDetail(["count": "1", "outside": added.first?.outside == true ? "1" : nil]).text)
            }
            return LogController.done(req, added.first?.outside == true ? "patrol.point_outside" : "patrol.point_saved", to: .patrol(patrolID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, w.viewer, form: LogPages.Form(), error: e.message(), status: .unprocessableEntity)
        }
    }

    struct FindingForm: Content {
        var text: String?
        var category: String?
        var lon: String?
        var lat: String?
        var address: String?
        var component: String?
        var component_state: String?
        var on_spot: String?

        var values: [String: String] {
            [
                "text": text ?? "", "category": category ?? "", "lon": lon ?? "", "lat": lat ?? "", "address": address ?? "", "component": component ?? "",
                "component_state": component_state ?? "", "on_spot": on_spot ?? "",
            ]
        }
    }

    static func addFinding(req: Request) async throws -> Response {
        let w = try req.requirePatrolWalker()
        let received = try await CaseAttachmentController.readForm(req)
        let form = try received.decode(FindingForm.self)
        let patrolID = try id(req, what: "patrol")
        do {
            let photos = received.photos
            guard photos.count <= 1 else { throw StoreError(.invalid, "patrol.one_photo", field: CaseRepository.photosField) }
            var component: UUID?
            if let raw = form.component?.trimmedOrNil {
                guard let c = UUID(uuidString: raw) else { throw StoreError(.invalid, "patrol.unknown_component", field: "component") }
                component = c
            }
            let draft = FindingDraft(
                text: form.text ?? "", categoryKey: form.category ?? "", point: try CaseController.point(lon: form.lon, lat: form.lat), address: form.address,
                componentID: component, componentState: form.component_state, onSpot: ["1", "on", "true"].contains(form.on_spot ?? ""), photo: photos.first)
            try await addFinding(req, draft, to: patrolID, by: w)
            return LogController.done(req, "patrol.finding_saved", to: .patrol(patrolID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, w.viewer, form: LogController.refused(e, values: form.values), error: e.message(), status: .unprocessableEntity)
        }
    }

    /// Stores a finding with its audit entry and, when a component's state was changed, that
    /// change's own entry — all in one transaction. A replayed `clientID` writes no entry.
    @discardableResult
    static func addFinding(
        _ req: Request, _ draft: FindingDraft, to patrolID: UUID, clientID: UUID? = nil, by w: CaseController.Worker
    ) async throws -> (finding: PatrolFinding, change: ComponentStateChange?, created: Bool) {
        let now = req.now
        return try await req.audited { db in
            try await PatrolRepository(db).addFinding(draft, to: patrolID, clientID: clientID, by: w.actor, at: now, in: w.viewer.scope)
        } entries: { saved in
            guard saved.created else { return [] }
            let f = saved.finding
            var notes = [
                AuditNote(
                    "patrol.finding", object: "patrol_finding", f.id.uuidString,
                    detail: AuditDetail(["patrol": f.patrolID.uuidString, "category": f.categoryKey, "component": f.componentCode, "outside": f.outside ? "1" : nil]).text)
            ]
            if let c = saved.change {
                notes.append(
                    AuditNote(
                        "component.state", object: "component", c.componentID.uuidString,
                        detail: AuditDetail(["from": c.from?.rawValue, "to": c.to.rawValue, "finding": f.id.uuidString]).text))
            }
            return notes
        }
    }

    static func end(req: Request) async throws -> Response {
        let w = try req.requirePatrolWalker()
        let patrol = try await req.audited("patrol.end", object: "patrol") { db in
            try await PatrolRepository(db).end(try id(req, what: "patrol"), at: req.now, in: w.viewer.scope)
        } entry: { patrol in
            (patrol.id.uuidString, AuditDetail(["unit": patrol.unitID.uuidString]).text)
        }
        return LogController.done(req, "patrol.ended", to: .patrol(patrol.id))
    }

    static func toCase(req: Request) async throws -> Response {
        let w = try req.requirePatrolWalker()
        let patrolID = try id(req, what: "patrol")
        do {
            let (finding, _) = try await req.escalateFinding(try id(req, "finding", what: "finding"), of: patrolID, by: w)
            return LogController.done(req, L10n.t("patrol.case_made", TrackingCode.display(finding.trackingCode ?? "")), to: .patrol(patrolID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, w.viewer, form: LogPages.Form(), error: e.message(), status: .unprocessableEntity)
        }
    }

    /// A finding's photo, for its card on the patrol page (once a case, it is also the case's photo).
    static func photo(req: Request) async throws -> Response {
        let v = try req.requirePatrolReader()
        let repo = PatrolRepository(req.db)
        let findingID = try id(req, "finding", what: "finding")
        guard try await repo.getFinding(findingID, in: v.scope).patrolID == (try id(req, what: "patrol")),
            let photo = try await repo.photo(ofFinding: findingID, in: v.scope), let kind = PhotoKind.sniff(photo.bytes)
        else { throw StoreError.notFound("photo") }
        let headers: HTTPHeaders = ["Content-Type": kind.contentType, "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400"]
        return Response(status: .ok, headers: headers, body: .init(data: photo.bytes))
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Home visits (入户走访) on the web: the visit form of a household at /households/{id}/visit (a
/// grid worker or proxy agent of that grid; anything else is 404), a visit's page, its photos, and
/// the visit coverage of a grid or community at /units/{id}/visits with the visit plan.
enum VisitController {
    /// The most households the plan lists on one page.
    static let planLimit = 300

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.householdVisit(UUID()).pattern, use: form)
        pages.on(.POST, SiteURL.householdVisit(UUID()).pattern, body: .stream, use: submit).streamsForm()
        pages.get(SiteURL.visit(UUID()).pattern, use: show)
        pages.get(SiteURL.visitPhoto(UUID(), file: UUID()).pattern, use: photo)
        pages.get(SiteURL.visits(UUID()).pattern, use: coverage)
    }

    static func id(_ req: Request, _ what: String) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(what) }
        return id
    }

    static func repo(_ req: Request) -> VisitRepository { VisitRepository(req.db, cipher: req.keys.cipher) }

    // MARK: The form

    static func form(req: Request) async throws -> Response {
        let w = try req.requireVisitor()
        var values = VisitPages.FormValues()
        if let draftID = req.query[UUID.self, at: "draft"] {
            let draft = try await repo(req).get(draftID, in: w.viewer.scope)
            values = VisitPages.FormValues(draft)
        }
        return try await formPage(req, w, householdID: try id(req, "household"), values: values, status: .ok)
    }

    static func formPage(_ req: Request, _ w: CaseController.Worker, householdID: UUID, values: VisitPages.FormValues, status: HTTPStatus) async throws -> Response {
        let household = try await PlaceRepository(req.db).household(householdID, in: w.viewer.scope)
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let members = try await people.views(try await people.search(nil, householdID: household.id, limit: 500, in: w.viewer.scope).rows, role: w.viewer.role)
        let tags = try await people.allTags().filter { !$0.sensitive || w.viewer.role.seesSensitiveTags }
        let body = VisitPages.form(
            household, members: members, tags: tags, values: values, editsRegister: w.viewer.role.editsRegister, today: SimpleDate(req.now).description,
            csrf: CSRF.token(req))
        return Layout.response(req, body, title: L10n.t("visit.form_title", household.number), status: status)
    }

    static func submit(req: Request) async throws -> Response {
        let w = try req.requireVisitor()
        let householdID = try id(req, "household")
        // Scope first: a household outside the worker's grids is 404 before any photo is read.
        let household = try await PlaceRepository(req.db).household(householdID, in: w.viewer.scope)
        let received = try await CaseAttachmentController.readForm(req)
        let members = try await memberIDs(req, household, w.viewer.scope)
        let tagsNow = try await ResidentRepository(req.db, cipher: req.keys.cipher).tags(of: members).mapValues { $0.map(\.key) }
        let values = VisitPages.FormValues(received.fields)
        do {
            let parsed = try values.submission(household: household.id, members: members, currentTags: tagsNow, now: req.now)
            guard parsed.submission.changes.isEmpty || w.viewer.role.editsRegister else { throw Abort(.forbidden, reason: L10n.t("visit.changes_not_allowed")) }
            var submission = parsed.submission
            submission.photos = try CaseRepository.checkPhotos(received.photos)
            let outcome = try await repo(req).submit(submission, by: w.actor, signer: req.auditSigner, scope: w.viewer.scope, now: req.now)
            if outcome.visit.state == .recorded {
                req.session.data[SessionKeys.notice] = "visit.recorded"
                return req.redirect(to: SiteURL.visit(outcome.visit.id).path, redirectType: .normal)
            }
            var again = values
            again.draftID = outcome.visit.id
            again.clientID = UUID()
            again.problems = VisitPages.FormValues.problemsByField(outcome.visit.problems, refs: parsed.refs)
            again.notice = L10n.t("visit.drafted", outcome.visit.problems.count)
            return try await formPage(req, w, householdID: household.id, values: again, status: .unprocessableEntity)
        } catch let e as StoreError where e.kind == .invalid {
            var again = values
            again.problems = [e.field ?? "seen": e.message()]
            return try await formPage(req, w, householdID: household.id, values: again, status: .unprocessableEntity)
        }
    }

    static func memberIDs(_ req: Request, _ household: HouseholdRow, _ scope: Scope) async throws -> [UUID] {
        try await ResidentRepository(req.db, cipher: req.keys.cipher).search(nil, householdID: household.id, limit: 500, in: scope).rows.map(\.id)
    }

    // MARK: Reading

    static func show(req: Request) async throws -> Response {
        let v = try req.requireVisitReader()
        let visit = try await repo(req).get(try id(req, "visit"), in: v.scope)
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        var names: [UUID: String] = [:]
        for r in try await people.search(nil, householdID: visit.householdID, limit: 500, in: v.scope).rows { names[r.id] = r.name }
        let notice = req.session.data[SessionKeys.notice].map { L10n.t($0) }
        req.session.data[SessionKeys.notice] = nil
        let body = VisitPages.visit(visit, names: names, canContinue: v.role.visitsHouseholds, notice: notice)
        return Layout.response(req, body, title: L10n.t("visit.title"))
    }

    static func photo(req: Request) async throws -> Response {
        let v = try req.requireVisitReader()
        guard let visitID = req.parameters.get("id", as: UUID.self), let fileID = req.parameters.get("file", as: UUID.self),
            let found = try await repo(req).photo(fileID, of: visitID, in: v.scope)
        else { throw StoreError.notFound("photo") }
        let headers: HTTPHeaders = [
            "Content-Type": found.row.contentType, "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400",
            "Content-Disposition":
                "inline; filename*=UTF-8''\(found.row.originalName.addingPercentEncoding(withAllowedCharacters: CaseAttachmentController.nameCharacters) ?? "photo")",
        ]
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }

    // MARK: Coverage

    static func coverage(req: Request) async throws -> Response {
        let v = try req.requireVisitReader()
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        // Counted household by household, so a page stops at a community (a few thousand
        // households); above that it links to the units below.
        guard unit.level >= .community else {
            let children = try await UnitRepository(req.db).children(of: unit.id, in: v.scope)
            return Layout.response(req, VisitPages.above(unit, children: children), title: L10n.t("visit.coverage_title", unit.name))
        }
        let order = req.query[String.self, at: "order"].flatMap(VisitCoverage.Order.init(rawValue:)) ?? .status
        let facts = try await repo(req).facts(under: unit.id, in: v.scope)
        let today = SimpleDate(req.now)
        let grids = try await UnitRepository(req.db).all(in: v.scope, level: .grid).filter { $0.path.hasPrefix(unit.path) }
        let body = VisitPages.coverage(
            unit: unit, grids: grids, counts: VisitCoverage.counts(facts, on: today), plan: VisitCoverage.dueList(facts, on: today, order: order), order: order,
            today: today)
        return Layout.response(req, body, title: L10n.t("visit.coverage_title", unit.name))
    }
}

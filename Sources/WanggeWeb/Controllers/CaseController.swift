import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The staff's case screens: the operator's queues, the department inbox and the grid
/// worker's list at /cases, the case page with one form per step the viewer may take, and the
/// entry form for hotline, window and patrol cases. Every step is written to the audit log.
enum CaseController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.cases().pattern, use: index)
        pages.get(SiteURL.caseNew.pattern, use: newForm)
        pages.on(.POST, SiteURL.caseNew.pattern, body: .stream, use: create).streamsForm()
        pages.get(SiteURL.caseDetail(UUID()).pattern, use: show)
        pages.on(.POST, SiteURL.caseAct(UUID()).pattern, body: .stream, use: act).streamsForm()
        pages.post(SiteURL.caseReveal(UUID()).pattern, use: reveal)
        CaseAttachmentController.register(pages)
    }

    struct Worker {
        let viewer: Viewer
        let actor: CaseActor
    }

    static func repo(_ req: Request) -> CaseRepository { CaseRepository(req.db, cipher: req.keys.cipher) }

    static func names(_ req: Request) async throws -> CaseNames {
        let repo = repo(req)
        let categories = try await repo.categories(), departments = try await repo.departments()
        return CaseNames(
            categories: Dictionary(uniqueKeysWithValues: categories.map { ($0.key, $0) }),
            departments: Dictionary(uniqueKeysWithValues: departments.map { ($0.key, $0) }),
            grids: Dictionary(uniqueKeysWithValues: try await UnitRepository(req.db).all(in: .everything, level: .grid).map { ($0.id, $0) }),
            categoryOrder: categories, departmentOrder: departments)
    }

    static func channels(for role: Role) -> [CaseChannel] {
        role == .operator_ ? [.hotline, .window, .mailbox] : [.gridWorker]
    }

    static func newForm(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let body = CasePages.entryForm(
            categories: try await repo(req).categories(), common: try await repo(req).commonCategories(since: req.now.addingTimeInterval(-90 * 86_400)),
            channels: channels(for: w.viewer.role),
            stations: channels(for: w.viewer.role).contains(.window) ? try await StationRepository(req.db).all(in: w.viewer.scope) : [], csrf: CSRF.token(req),
            submission: ReportSubmission.issue(req))
        return Layout.response(req, body, title: L10n.t("cases.new"))
    }

    struct EntryForm: Content {
        var channel: String?
        var category: String?
        var title: String?
        var description: String?
        var address: String?
        var reporter_name: String?
        var phone: String?
        var lon: String?
        var lat: String?
        var submission: String?
        var station: String?
    }

    /// A point from two optional text fields: both empty is no point; anything else must parse.
    static func point(lon: String?, lat: String?) throws -> GeoPoint? {
        let a = lon?.trimmingSpaces() ?? "", b = lat?.trimmingSpaces() ?? ""
        if a.isEmpty && b.isEmpty { return nil }
        guard let x = Double(a), let y = Double(b), GeoPoint(lon: x, lat: y).isValid else { throw StoreError(.invalid, "case.bad_point", field: "location") }
        return GeoPoint(lon: x, lat: y)
    }

    static func create(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let received = try await CaseAttachmentController.readForm(req)
        let form = try received.decode(EntryForm.self)
        let allowed = channels(for: w.viewer.role)
        let channel = form.channel.flatMap(CaseChannel.init(rawValue:)).flatMap { allowed.contains($0) ? $0 : nil } ?? allowed[0]
        // A patrol report without a location (or outside every grid) is filed under the worker's own grid.
        var home: UUID?
        if w.viewer.role != .operator_, let unitID = w.viewer.account.unitID,
            try await UnitRepository(req.db).find(unitID, in: .everything)?.level == .grid
        {
            home = unitID
        }
        var intake = CaseIntake(
            categoryKey: form.category ?? "", channel: channel, title: form.title ?? "", description: form.description ?? "",
            point: try point(lon: form.lon, lat: form.lat), address: form.address, reporterName: form.reporter_name,
            reporterPhone: form.phone, gridID: home)
        intake.attachments = received.photos
        intake.stationID = try await StationController.windowStation(req, form.station, channel: channel, scope: w.viewer.scope)?.id
        let row: CaseRow
        do {
            row = try await req.openSubmittedCase(intake, actor: w.actor, submission: form.submission)
        } catch let replay as ReplayedSubmission {
            return ReportSubmission.replayedPage(req, replay, link: SiteURL.caseDetail(replay.existing.id).path)
        }
        req.session.data[SessionKeys.notice] = L10n.t("cases.created", TrackingCode.display(row.trackingCode))
        // A case outside the author's scope (a patrol report across the grid line) is still made; show the list then.
        let visible = try await repo(req).find(row.id, in: w.viewer.scope) != nil
        return req.redirect(to: visible ? SiteURL.caseDetail(row.id).path : SiteURL.cases().path, redirectType: .normal)
    }

    static func show(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("case") }
        return try await page(req, w, id: id, phone: Unmask.allowed(w.viewer) ? .revealable(problem: nil) : .masked)
    }

    /// 显示完整电话: the reporter's full phone, to call back, through the logged "show" (a reason, an
    /// audit entry before it is shown, in this one answer only).
    static func reveal(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        let id = try req.id()
        let what = Unmask.Request(action: "unmask", objectType: "case", objectID: id.uuidString, detail: [("field", "reporter_phone")])
        let reason = try? req.content.get(String.self, at: "reason")
        let why: String
        do { (_, why) = try await Unmask.check(req, what, reason: reason) } catch let e as StoreError {
            let res = try await page(req, w, id: id, phone: .revealable(problem: e.message()))
            res.status = .unprocessableEntity
            return res
        }
        _ = try await repo(req).get(id, in: w.viewer.scope)
        try await Unmask.record(req, what, reason: why)
        return try await page(req, w, id: id, phone: .revealed)
    }

    static func page(_ req: Request, _ w: Worker, id: UUID, phone: CasePages.PhoneView) async throws -> Response {
        let repo = repo(req)
        let row = try await repo.get(id, in: w.viewer.scope)
        // Merging needs a target: it is offered with the duplicates below, not as a plain step.
        let allowed = CaseRepository.allowedActions(
            on: row, by: w.actor, handler: try await repo.handler(of: id), onSpot: try await repo.category(row.categoryKey)?.onSpot ?? false)
        let actions = allowed.filter { $0 != .merge }
        let notice = req.session.data[SessionKeys.notice].flatMap { L10n.has($0) ? L10n.t($0) : $0 }
        req.session.data[SessionKeys.notice] = nil
        let body =
            CasePages.detail(
                row, timeline: try await repo.timeline(id), names: try await names(req), actions: actions,
                csrf: CSRF.token(req), now: req.now, notice: notice,
                photos: CasePhotoViews.staff(try await repo.attachments(of: id, in: w.viewer.scope)), phone: phone,
                scrub: !Unmask.allowed(w.viewer))
            + ServiceCataloguePages.checklist(try await ServiceCatalogueRepository(req.db).forCategory(row.categoryKey))
            + (try await duplicatesSection(req, w, row, mayMerge: allowed.contains(.merge)))
            + (try await noticesSection(req, w, row))
            + (try await ExamplePages.caseSection(row, example: ServiceExampleRepository(req.db).forCase(row.id), canSave: w.viewer.role.keepsExamples))
            + (try await OpennessController.caseSection(req, w, row))
            + StationPages.caseSection(try await StationRepository(req.db).station(ofCase: row.id))
            + CouncilPages.caseSection(try await ProposalRepository(req.db).proposal(ofCase: row.id))
        return Layout.response(req, body, title: L10n.t("case.title", TrackingCode.display(row.trackingCode)))
    }

    /// What this case's reporters were told, for the roles that watch the outbox.
    static func noticesSection(_ req: Request, _ w: Worker, _ row: CaseRow) async throws -> HTML {
        guard w.viewer.role.watchesOutbox else { return .empty }
        let items = try await NotificationOutbox(req.db, cipher: req.keys.cipher).list(in: w.viewer.scope, caseID: row.id, limit: 50)
        return OutboxPage.caseSection(
            items, settings: req.application.notificationSettings, reporterReachable: row.reporterPhone != nil || row.reporterEmail != nil)
    }

    struct ActForm: Content {
        var action: String
        var version: Int?
        var note: String?
        var reason: String?
        var department: String?
        var level: String?
        var rating: String?
        var target: String?
    }

    /// The action a form asks for, or nil when the form is not one the case page offers.
    static func action(from f: ActForm) throws -> CaseAction? {
        let reason = f.reason ?? "", note = f.note
        guard let kind = CaseActionKind(rawValue: f.action) else { return nil }
        for text in [f.reason, f.note] where (text?.count ?? 0) > 500 { throw StoreError(.invalid, "case.too_long", ["500"], field: "note") }
        switch kind {
        case .accept: return .accept(note: note)
        case .reject: return .reject(reason: reason)
        case .dispatch: return .dispatch(department: f.department ?? "", note: note)
        case .signFor: return .signFor(note: note)
        case .handle: return .handle(note: note)
        case .verify: return .verify(note: note)
        case .returnForRework: return .returnForRework(reason: reason)
        case .close: return .close(note: note)
        case .resolveOnSpot: return .resolveOnSpot(note: note)
        case .callback:
            guard let rating = f.rating.flatMap(Satisfaction.init(rawValue:)) else { return nil }
            return .callback(rating: rating, note: note)
        case .sendBack: return .sendBack(reason: reason)
        case .escalate:
            guard let level = f.level.flatMap(UnitLevel.init(rawValue:)) else { throw StoreError(.invalid, "case.bad_level", field: "level") }
            return .escalate(to: level, reason: reason)
        case .suspend: return .suspend(reason: reason)
        case .resume: return .resume(note: note)
        case .reopen: return .reopen(reason: reason)
        case .markUnsolvable: return .markUnsolvable(reason: reason)
        case .supervise: return .supervise(note: note)
        case .merge: return .merge(into: f.target ?? "", note: note)
        case .report: return nil
        }
    }

    static func act(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("case") }
        let received = try await CaseAttachmentController.readForm(req)
        let form = try received.decode(ActForm.self)
        guard let action = try action(from: form) else { throw Abort(.badRequest, reason: L10n.t("case.bad_action")) }
        let photos = received.photos
        let kind = action.kind, count = photos.count
        _ = try await repo(req).apply(
            action, to: id, expectedVersion: form.version, actor: w.actor, in: w.viewer.scope, at: req.now,
            attachments: photos,
            audit: req.stepAudit { row in
                let extra = (row.mergedInto.map { "; into=\($0)" } ?? "") + (count == 0 ? "" : "; photos=\(count)")
                return "action=\(kind.rawValue); state=\(row.state.rawValue)\(extra)"
            })
        return req.redirect(to: SiteURL.caseDetail(id).path, redirectType: .normal)
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeQR
import WanggeStore

/// Targeted notices and their reach. Staff publish on /units/{id}/notices (the form names the
/// target), follow a notice's reach on /notices/{id}, print its sheet for the notice board
/// (/notices/{id}/sheet) and record where it was posted. The public reads a notice at
/// /open/notices/{id} and a grid's feed at /r/{grid code}/notices; a household's own link /n/{token}
/// shows it and records the first opening.
enum NoticeReachController {
    static func register(_ app: Application, pages: any RoutesBuilder) {
        pages.get(SiteURL.noticeReach(UUID()).pattern, use: reach)
        pages.get(SiteURL.noticeSheet(UUID()).pattern, use: sheet)
        pages.post(SiteURL.noticePosted(UUID()).pattern, use: posted)
        pages.post(SiteURL.noticeRetry(UUID()).pattern, use: retry)
        app.get(SiteURL.publicNotice(UUID()).pattern, use: publicNotice)
        app.get(SiteURL.noticeOpen("").pattern, use: open)
        app.get(SiteURL.gridNotices("").pattern, use: gridFeed)
    }

    // MARK: Publishing (page and API)

    /// What a publish asks for, as typed.
    struct Draft: Sendable {
        var title: String
        var body: String
        var publishOn: String?
        var expiresOn: String?
        var attachment: NoticeAttachment?
        var audience: String?
        var buildingIDs: [String]
        var careTag: String?
        var requestKey: String?
    }

    /// The target a draft names; a bad audience or building id is refused naming its field.
    static func target(_ d: Draft) throws -> NoticeTarget {
        guard let audience = NoticeAudience(rawValue: d.audience?.trimmedOrNil ?? NoticeAudience.unit.rawValue) else {
            throw StoreError(.invalid, "reach.bad_audience", field: "audience")
        }
        var ids: [UUID] = []
        if audience == .buildings {
            for raw in d.buildingIDs where raw.trimmedOrNil != nil {
                guard let id = UUID(uuidString: raw.trimmingCharacters(in: .whitespaces)) else {
                    throw StoreError(.invalid, "reach.building_outside", field: "building_ids")
                }
                ids.append(id)
            }
        }
        return NoticeTarget(audience: audience, buildingIDs: ids, careTag: audience == .careGroup ? d.careTag : nil)
    }

    /// Publishes a notice to its target in unit `unitID`: the notice, its households and their queued
    /// messages commit with the audit entry, or nothing does.
    static func publish(_ req: Request, _ v: Viewer, _ d: Draft, in unitID: UUID) async throws -> Notice {
        let target = try target(d)
        guard (d.requestKey?.count ?? 0) <= 64 else { throw StoreError(.invalid, "power.too_long", ["64"], field: "request_key") }
        let (now, today) = (req.now, SimpleDate(req.now).description)
        let sees = v.role.seesSensitiveTags
        let key = d.requestKey?.trimmedOrNil
        let (notice, _) = try await req.audited("notice.publish", object: "notice") { db in
            let repo = NoticeRepository(db)
            var earlier: Notice?
            if let key { earlier = try await repo.published(requestKey: key) }
            let n = try await repo.publish(
                title: d.title, body: d.body, publishOn: d.publishOn?.trimmedOrNil ?? today, expiresOn: d.expiresOn?.trimmedOrNil, attachment: d.attachment,
                to: unitID, by: v.account.displayName, at: now, target: target, requestKey: key, seesSensitiveTags: sees, in: v.scope)
            return (n, earlier == nil)
        } entry: { n, fresh in
            // A repeated request changed nothing, so it leaves no entry.
            fresh ? (n.id.uuidString, AuditDetail(["unit": n.unitID.uuidString, "audience": n.audience.rawValue, "care_tag": n.careTag]).text) : nil
        }
        return notice
    }

    /// The target fields of the publish form for `unit`.
    static func targetFields(_ req: Request, _ v: Viewer, unit: UnitRow, form: LogPages.Form) async throws -> HTML {
        let limit = NoticeReachRepository.maxBuildings
        let buildings = try await NoticeReachRepository(req.db).buildings(under: unit, limit: limit + 1)
        let tags = try await ResidentRepository(req.db, cipher: req.keys.cipher).allTags().filter { v.role.seesSensitiveTags || !$0.sensitive }
        return NoticeReachPages.targetFields(
            buildings: Array(buildings.prefix(limit)), moreBuildings: buildings.count > limit, careTags: tags.map { .init(key: $0.key, name: $0.nameZh) }, form: form,
            requestKey: form.values["request_key"]?.trimmedOrNil ?? UUID().uuidString)
    }

    // MARK: Reach

    static func reach(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await reachPage(req, v, error: nil, status: .ok)
    }

    static func reachPage(_ req: Request, _ v: Viewer, error: String?, status: HTTPStatus) async throws -> Response {
        let r = try await NoticeReachRepository(req.db).reach(of: try req.id(), in: v.scope)
        // Back to the notice's unit when the viewer may open it, else to the viewer's own unit.
        let home = (try? await UnitRepository(req.db).get(r.notice.unitID, in: v.scope).id) ?? v.account.unitID
        let body = NoticeReachPages.reach(
            r, home: home, canRetry: v.role.keepsOpenness && v.allows(.registerWrite), showsHouseholds: !r.sensitive || v.role.seesSensitiveTags, canPost: v.role.postsNotices && v.allows(.registerWrite), csrf: CSRF.token(req),
            notice: LogController.takeNotice(req), error: error)
        return Layout.response(req, body, title: L10n.t("reach.title", r.notice.title), status: status)
    }

    struct PostedForm: Content { var building_id: String? }

    static func posted(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.postsNotices)
        let noticeID = try req.id()
        let form = try req.content.decode(PostedForm.self)
        do {
            guard let building = form.building_id.flatMap({ UUID(uuidString: $0) }) else {
                throw StoreError(.invalid, "reach.building_not_reached", field: "building_id")
            }
            let now = req.now
            let fresh = try await req.audited("notice.posted", object: "notice") { db in
                try await NoticeReachRepository(db).markPosted(noticeID, building: building, by: v.account.displayName, at: now, in: v.scope)
            } entry: { fresh in
                fresh ? (noticeID.uuidString, AuditDetail(["building": building.uuidString]).text) : nil
            }
            return LogController.done(req, fresh ? "reach.posted" : "reach.posted_before", to: .noticeReach(noticeID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await reachPage(req, v, error: e.message(), status: .unprocessableEntity)
        }
    }

    /// 重发: the notice's failed messages go back to the queue (those who publish notices).
    static func retry(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let noticeID = try req.id()
        let now = req.now
        let n = try await req.audited("notice.retry", object: "notice") { db in
            try await NoticeReachRepository(db).retryFailed(noticeID, in: v.scope, now: now)
        } entry: { n in
            n > 0 ? (noticeID.uuidString, AuditDetail(["messages": String(n)]).text) : nil
        }
        req.session.data[SessionKeys.notice] = L10n.t("reach.retried", n)
        return req.redirect(to: SiteURL.noticeReach(noticeID).path, redirectType: .normal)
    }

    // MARK: The printed sheet

    static func sheet(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        let n = try await NoticeReachRepository(req.db).notice(try req.id(), in: v.scope)
        var building: String?
        if let raw = req.query[String.self, at: "b"] {
            guard let id = UUID(uuidString: raw) else { throw StoreError(.invalid, "reach.building_not_reached", field: "b") }
            building = try await PlaceRepository(req.db).building(id, in: v.scope).name
        }
        let isPublic = try await NoticeRepository(req.db).isPublic(n)
        let url = ContactCardController.publicBase(req) + SiteURL.publicNotice(n.id).path
        let body = NoticeReachPages.sheet(n, building: building, publicURL: isPublic ? url : nil, qr: isPublic ? try QRCode(url) : nil)
        return Layout.response(req, body, title: L10n.t("reach.sheet_title") + "：" + n.title)
    }

    // MARK: Public

    static func publicNotice(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
            let n = try await NoticeRepository(req.db).publicNotice(id, on: SimpleDate(req.now).description)
        else { throw StoreError.notFound("notice") }
        return Layout.response(req, NoticeReachPages.publicNotice(n, expired: false), title: L10n.t("reach.public_title", PublicText.scrub(n.title)))
    }

    /// A household's link: the notice, whatever its audience, once its publish day has come. The
    /// first opening is recorded; the token is all the address says.
    static func open(req: Request) async throws -> Response {
        guard try await RateLimiter(req.db).hit("notice-open:\(req.clientIP)", limit: ResidentCaseController.lookupsPerHour, window: 3600, now: req.now) else {
            throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
        }
        let today = SimpleDate(req.now).description
        let token = req.parameters.get("code") ?? ""
        guard NoticeToken.isWellFormed(token), let n = try await NoticeReachRepository(req.db).notice(token: token), n.publishOn <= today else {
            throw StoreError.notFound("notice")
        }
        try await NoticeReachRepository(req.db).recordOpened(token: token, at: req.now)
        let expired = n.expiresOn.map { $0 < today } ?? false
        return Layout.response(req, NoticeReachPages.publicNotice(n, expired: expired), title: L10n.t("reach.public_title", PublicText.scrub(n.title)))
    }

    static func gridFeed(req: Request) async throws -> Response {
        let grid = try await ResidentCaseController.located(req).grid
        let notices = try await NoticeRepository(req.db).current(for: grid, on: SimpleDate(req.now).description)
        return Layout.response(req, NoticeReachPages.gridFeed(grid: grid, notices: notices), title: L10n.t("reach.grid_feed", grid.name))
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The resident channel (C1, C5): the page a grid's QR code opens, /r/{grid code}, where anyone
/// reports a problem without an app or an account; and the tracking page /t/{code}, where the
/// reporter follows the case and, once it is closed, rates it. No captcha service: reports are
/// limited per address (`RateLimiter`, shared by every instance) and a hidden field catches bots.
enum ResidentCaseController {
    static let reportsPerHour = 10
    /// Posts of the report forms an address may make an hour, counted before the body is read: a
    /// refused post (a bot, a bad form) still counts, so refusals cannot be used to load the server.
    static let attemptsPerHour = 30
    /// Audit entries an anonymous address may cause an hour (refused bots); past that they are only refused.
    static let anonymousAuditsPerHour = 20
    static let lookupsPerHour = 120
    static let honeypot = "website"

    static func register(_ app: Application) {
        app.get(SiteURL.report("").pattern, use: reportForm)
        app.on(.POST, SiteURL.report("").pattern, body: .stream, use: report).streamsForm()
        app.get(SiteURL.track("").pattern, use: track)
        app.post(SiteURL.trackRate("").pattern, use: rate)
    }

    static let residentActor = AuditActor.resident

    /// The grid a QR code names. A code printed before its grid was moved or merged still works: it
    /// leads to the grid that covers the ground today (`UnitRepository.liveGrid`), and the page says so.
    static func grid(_ req: Request) async throws -> UnitRow {
        try await located(req).grid
    }

    static func located(_ req: Request) async throws -> (grid: UnitRow, moved: Bool) {
        let code = req.parameters.get("code") ?? ""
        guard code.count <= 64, let found = try await UnitRepository(req.db).liveGrid(printedCode: code) else {
            throw StoreError.notFound("grid")
        }
        return found
    }

    static func reportForm(req: Request) async throws -> Response {
        let (unit, moved) = try await located(req)
        let categories = try await CaseController.repo(req).categories()
        // A building's own QR code (`?b=` its code) starts the report at that building: address and pin
        // filled in, both still editable. A code the grid no longer has leaves the form blank.
        var form: ReportForm?
        if let code = req.query[String.self, at: "b"], code.count <= 64,
            let building = try await PlaceRepository(req.db).building(code: code, inGrid: unit.id)
        {
            form = ReportForm(address: building.address, lon: String(building.lon), lat: String(building.lat))
        }
        return Layout.response(
            req,
            ResidentCasePages.form(
                grid: unit, categories: categories, csrf: CSRF.token(req),
                submission: ReportSubmission.issue(req), form: form, error: nil, moved: moved, context: try await context(req, grid: unit)),
            title: L10n.t("report.title"))
    }

    /// The QR page's common categories (of the last 90 days), the grid's team and its buildings.
    static func context(_ req: Request, grid: UnitRow) async throws -> ResidentCasePages.Context {
        let buildings = try await PlaceRepository(req.db).buildings(inGrid: grid.id, limit: ReportMapController.maxBuildings, in: .everything)
        return ResidentCasePages.Context(
            common: try await CaseController.repo(req).commonCategories(since: req.now.addingTimeInterval(-90 * 86_400)),
            team: try await StaffRepository(req.db).team(of: grid.id, in: .everything),
            addresses: buildings.map(\.address))
    }

    struct ReportForm: Content {
        var category: String?
        var description: String?
        var phone: String?
        var email: String?
        var address: String?
        var lon: String?
        var lat: String?
        var website: String?
        var submission: String?
    }

    /// What every public submission (a QR report, a mailbox letter) passes before anything is
    /// prepared: a bot that filled the hidden field is refused, and audited unless this address has
    /// already caused `anonymousAuditsPerHour` entries (a bot must not be able to fill the log).
    static func admit(_ req: Request, honeypot value: String?, channel: CaseChannel) async throws {
        guard (value ?? "").isEmpty else {
            if try await RateLimiter(req.db).hit("audit-anon:\(req.clientIP)", limit: anonymousAuditsPerHour, window: 3600, now: req.now) {
                try await req.audit("case.report", object: "case", "-", detail: "channel=\(channel.rawValue); honeypot", outcome: "denied", actor: residentActor)
            }
            throw Abort(.badRequest, reason: L10n.t("case.bot"))
        }
    }

    /// Before a public report's body is read: counts the attempt, and refuses (429) an address past
    /// its attempts or with no reports left this hour — so a refused post costs a query, not 25 MB.
    static func admitAttempt(_ req: Request) async throws {
        let limiter = RateLimiter(req.db)
        guard try await limiter.hit("report-attempt:\(req.clientIP)", limit: attemptsPerHour, window: 3600, now: req.now),
            try await limiter.current(publicLimit(req).key, window: 3600, now: req.now) < reportsPerHour
        else {
            throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
        }
    }

    /// An address may open `reportsPerHour` cases an hour over all public channels together. The
    /// count is taken in the commit that writes the case, so a burst is counted exactly (429 past it).
    static func publicLimit(_ req: Request) -> RateLimit {
        RateLimit(key: "report:\(req.clientIP)", limit: reportsPerHour, window: 3600)
    }

    static func report(req: Request) async throws -> Response {
        let unit = try await grid(req)
        try await admitAttempt(req)
        let received = try await CaseAttachmentController.readForm(req) { name, value in
            if name == honeypot { try await admit(req, honeypot: value, channel: .qr) }
        }
        let form = try received.decode(ReportForm.self)
        let repo = CaseController.repo(req)
        do {
            var intake = CaseIntake(
                categoryKey: form.category ?? "", channel: .qr, title: "", description: form.description ?? "",
                point: try CaseController.point(lon: form.lon, lat: form.lat), address: form.address,
                reporterPhone: form.phone, gridID: unit.id)
            intake.attachments = received.photos
            intake.reporterEmail = form.email
            let row = try await req.openSubmittedCase(
                intake, actor: .resident, submission: form.submission, auditActor: residentActor,
                limit: publicLimit(req))
            return Layout.response(req, ResidentCasePages.done(code: row.trackingCode), title: L10n.t("report.done"), status: .created)
        } catch let replay as ReplayedSubmission {
            return ReportSubmission.replayedPage(req, replay, link: SiteURL.track(replay.existing.trackingCode).path)
        } catch let e as StoreError where e.kind == .invalid {
            let body = ResidentCasePages.form(
                grid: unit, categories: try await repo.categories(), csrf: CSRF.token(req),
                submission: ReportSubmission.issue(req), form: form, error: e.message(), context: try await context(req, grid: unit))
            return Layout.response(req, body, title: L10n.t("report.title"), status: .unprocessableEntity)
        }
    }

    static func lookUp(_ req: Request) async throws -> CaseRow {
        guard try await RateLimiter(req.db).hit("track:\(req.clientIP)", limit: lookupsPerHour, window: 3600, now: req.now) else {
            throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
        }
        guard let row = try await CaseController.repo(req).byTrackingCode(req.parameters.get("code") ?? "") else { throw StoreError.notFound("case") }
        return row
    }

    static func track(req: Request) async throws -> Response {
        let row = try await lookUp(req)
        let repo = CaseController.repo(req)
        let category = try await repo.category(row.categoryKey)
        let body =
            ResidentCasePages.track(
                row, category: category?.nameZh ?? row.categoryKey, timeline: try await repo.timeline(row.id),
                names: try await CaseController.names(req), csrf: CSRF.token(req),
                photos: try await repo.attachmentCounts(of: row.id, in: .everything))
            + (try await CaseController.mergedTracking(req, row))
        return Layout.response(req, body, title: L10n.t("track.title", TrackingCode.display(row.trackingCode)))
    }

    struct RateForm: Content { var rating: String }

    static func rate(req: Request) async throws -> Response {
        let row = try await lookUp(req)
        guard let rating = Satisfaction(rawValue: try req.content.decode(RateForm.self).rating) else { throw Abort(.badRequest, reason: L10n.t("case.bad_action")) }
        let detail = "action=callback; rating=\(rating.rawValue)"
        if row.state == .merged {
            // A merged report is rated on its own case once the case it joined is closed (see `CaseMachine.rateMerged`).
            let (cipher, now) = (req.keys.cipher, req.now)
            try await req.audited("case.act", object: "case", actor: residentActor) { db in
                try await CaseRepository(db, cipher: cipher).rateMerged(row.id, rating: rating, actor: .resident, in: .everything, at: now)
            } entry: { rated in
                (rated.id.uuidString, detail)
            }
        } else {
            try await CaseController.repo(req).apply(
                .callback(rating: rating), to: row.id, actor: .resident, in: .everything, at: req.now,
                audit: req.stepAudit(actor: residentActor) { _ in detail })
        }
        return req.redirect(to: SiteURL.track(row.trackingCode).path, redirectType: .normal)
    }
}

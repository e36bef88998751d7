import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The council on the public portal, without log-in: /open/{code}/council with the proposal form,
/// /open/meetings/{id} (registration; with `?c=` the check-in code of the QR sheet at the door)
/// and /open/proposals/{id} (the answer, and the vote while a poll is open). Proposals are limited
/// per address in the database like resident reports; registration, check-in and votes are
/// checked against the register and limited per address too, so the register cannot be probed.
enum CouncilPortalController {
    static func register(_ app: Application) {
        app.get(SiteURL.portalCouncil("").pattern, use: council)
        app.post(SiteURL.portalCouncil("").pattern, use: propose)
        app.get(SiteURL.portalMeeting(UUID()).pattern, use: meeting)
        app.post(SiteURL.portalMeetingRegister(UUID()).pattern, use: registerFor)
        app.post(SiteURL.portalMeetingCheckIn(UUID()).pattern, use: checkIn)
        app.get(SiteURL.portalProposal(UUID()).pattern, use: proposal)
        app.post(SiteURL.portalProposalVote(UUID()).pattern, use: vote)
    }

    /// Proposals an address may send an hour.
    static let proposalsPerHour = 5
    /// Registrations, check-ins and votes an address may attempt an hour (a meeting hall shares one
    /// address on its wifi, so this is generous; guessing someone's three details is not).
    static let participationsPerHour = 60

    static func council(req: Request) async throws -> Response {
        let (unit, moved) = try await PortalController.unit(req)
        if moved { return req.redirect(to: SiteURL.portalCouncil(unit.code).path) }
        return try await councilPage(req, unit, form: LogPages.Form(), notice: nil, status: .ok)
    }

    static func councilPage(_ req: Request, _ unit: UnitRow, form: LogPages.Form, notice: String?, status: HTTPStatus) async throws -> Response {
        guard unit.level == .community else { throw StoreError.notFound("unit") }
        let repo = CouncilRepository(req.db)
        let council = try await repo.council(of: unit.id, in: .everything)
        var meetings: [CouncilMeeting] = []
        if let council { meetings = try await repo.meetings(of: council, limit: 20) }
        let body = CouncilPortalPages.council(
            unit: unit, council: council, meetings: meetings,
            proposals: try await ProposalRepository(req.db).proposals(of: unit.id, limit: 50, in: .everything), form: form, csrf: CSRF.token(req), notice: notice)
        return Layout.response(req, body, title: L10n.t("council.public_title", unit.name), status: status)
    }

    struct ProposalForm: Content {
        var title: String?
        var body: String?
        var proposer: String?
        var website: String?
    }

    static func propose(req: Request) async throws -> Response {
        let (unit, _) = try await PortalController.unit(req)
        guard unit.level == .community else { throw StoreError.notFound("unit") }
        let form = try req.content.decode(ProposalForm.self)
        try await ResidentCaseController.admit(req, honeypot: form.website, channel: .qr)
        let limit = RateLimit(key: "proposal:\(req.clientIP)", limit: proposalsPerHour, window: 3600)
        do {
            let p = try await req.audited("proposal.submit", object: "council_proposal", actor: ResidentCaseController.residentActor) { db in
                try await ProposalRepository(db).submit(title: form.title ?? "", body: form.body ?? "", proposer: form.proposer, to: unit, at: req.now, limit: limit)
            } entry: { p in
                (p.id.uuidString, AuditDetail(["unit": p.unitID.uuidString]).text)
            }
            // The answer is the proposal's own page (its title links to its address, to keep), not a
            // redirect with a message in a session: no session is made for an anonymous sender.
            return try await proposalPage(req, p, unit, form: LogPages.Form(), notice: L10n.t("proposal.sent"), alert: nil, status: .created)
        } catch is RateLimitExceeded {
            throw Abort(.tooManyRequests, reason: L10n.t("proposal.rate_limited"))
        } catch let e as StoreError where e.kind == .invalid {
            let values = ["title": form.title ?? "", "body": form.body ?? "", "proposer": form.proposer ?? ""]
            return try await councilPage(req, unit, form: LogController.refused(e, values: values), notice: nil, status: .unprocessableEntity)
        }
    }

    static func publicMeeting(_ req: Request) async throws -> (CouncilMeeting, UnitRow) {
        let m = try await CouncilRepository(req.db).meeting(try OpennessController.id(req, "meeting"), in: .everything)
        guard let unit = try await UnitRepository(req.db).find(m.unitID, in: .everything) else { throw StoreError.notFound("meeting") }
        return (m, unit)
    }

    static func meeting(req: Request) async throws -> Response {
        let (m, unit) = try await publicMeeting(req)
        let code = req.query[String.self, at: "c"].flatMap { $0.count <= 16 ? $0 : nil }
        return try await meetingPage(req, m, unit, code: code, form: LogPages.Form(), notice: nil, alert: nil, status: .ok)
    }

    static func meetingPage(
        _ req: Request, _ m: CouncilMeeting, _ unit: UnitRow, code: String?, form: LogPages.Form, notice: String?, alert: String?, status: HTTPStatus
    ) async throws -> Response {
        let body = CouncilPortalPages.meeting(
            m, unit: unit, attendance: try await CouncilRepository(req.db).attendance(of: m), code: code, today: OpennessController.today(req), form: form,
            csrf: CSRF.token(req), notice: notice, alert: alert)
        return Layout.response(req, body, title: m.title, status: status)
    }

    struct ClaimForm: Content {
        var id_number: String?
        var phone: String?
        var household: String?
        var code: String?
        var choice: String?

        /// What comes back into the form after a refusal: never the ID number or the phone.
        var values: [String: String] { ["household": household ?? "", "choice": choice ?? ""] }
    }

    /// Counts the attempt against the address (429 past the limit) and checks the three fields.
    static func checkedClaim(_ req: Request, _ form: ClaimForm) async throws -> ParticipantClaim {
        guard try await RateLimiter(req.db).hit("council:\(req.clientIP)", limit: participationsPerHour, window: 3600, now: req.now) else {
            throw Abort(.tooManyRequests, reason: L10n.t("proposal.rate_limited"))
        }
        return try CouncilRepository.checked { () throws(OpennessProblem) in
            try ParticipantClaim.checked(idNumber: form.id_number ?? "", phone: form.phone ?? "", household: form.household ?? "", today: SimpleDate(req.now))
        }
    }

    /// The page's status and message for what became of a participation.
    static func answer(_ outcome: ParticipationOutcome, done: String, already: String) -> (HTTPStatus, notice: String?, alert: String?) {
        switch outcome {
        case .recorded: (.ok, L10n.t(done), nil)
        case .already: (.ok, L10n.t(already), nil)
        case .refused(let reason): (reason == .secondVote ? .conflict : .unprocessableEntity, nil, L10n.t(reason.messageKey))
        }
    }

    static func participate(
        _ req: Request, _ action: String, object: String, target: UUID, unit: UUID, _ body: @escaping @Sendable (any Database) async throws -> ParticipationOutcome
    ) async throws -> ParticipationOutcome {
        try await req.audited(actor: ResidentCaseController.residentActor, body) { outcome in
            guard case .recorded(let resident) = outcome else { return [] }
            return [AuditNote(action, object: object, target.uuidString, detail: AuditDetail(["unit": unit.uuidString, "resident": resident.uuidString]).text)]
        }
    }

    static func registerFor(req: Request) async throws -> Response {
        let (m, unit) = try await publicMeeting(req)
        let form = try req.content.decode(ClaimForm.self)
        do {
            let claim = try await checkedClaim(req, form)
            guard m.minutes == nil, m.heldOn >= OpennessController.today(req) else { throw StoreError(.invalid, "council.registration_closed", field: "meeting") }
            let outcome = try await participate(req, "council.register", object: "council_meeting", target: m.id, unit: unit.id) { db in
                try await ParticipationRepository(db, cipher: req.keys.cipher).register(claim, for: m, at: req.now)
            }
            let (status, notice, alert) = answer(outcome, done: "council.registered_ok", already: "council.registered_already")
            let fresh = try await CouncilRepository(req.db).meeting(m.id, in: .everything)
            return try await meetingPage(req, fresh, unit, code: nil, form: LogPages.Form(values: form.values), notice: notice, alert: alert, status: status)
        } catch let e as StoreError where e.kind == .invalid {
            return try await meetingPage(
                req, m, unit, code: nil, form: LogController.refused(e, values: form.values), notice: nil, alert: e.message(), status: .unprocessableEntity)
        }
    }

    static func checkIn(req: Request) async throws -> Response {
        let (m, unit) = try await publicMeeting(req)
        let form = try req.content.decode(ClaimForm.self)
        let code = String((form.code ?? "").prefix(16))
        do {
            let claim = try await checkedClaim(req, form)
            let today = OpennessController.today(req)
            let outcome = try await participate(req, "council.check_in", object: "council_meeting", target: m.id, unit: unit.id) { db in
                try await ParticipationRepository(db, cipher: req.keys.cipher).checkIn(claim, code: code, at: m, today: today, now: req.now)
            }
            let (status, notice, alert) = answer(outcome, done: "council.checked_in_ok", already: "council.checked_in_already")
            let fresh = try await CouncilRepository(req.db).meeting(m.id, in: .everything)
            return try await meetingPage(req, fresh, unit, code: code, form: LogPages.Form(values: form.values), notice: notice, alert: alert, status: status)
        } catch let e as StoreError where e.kind == .invalid {
            return try await meetingPage(
                req, m, unit, code: code, form: LogController.refused(e, values: form.values), notice: nil, alert: e.message(), status: .unprocessableEntity)
        }
    }

    static func publicProposal(_ req: Request) async throws -> (CouncilProposal, UnitRow) {
        let p = try await ProposalRepository(req.db).get(try OpennessController.id(req, "proposal"), in: .everything)
        guard let unit = try await UnitRepository(req.db).find(p.unitID, in: .everything) else { throw StoreError.notFound("proposal") }
        return (p, unit)
    }

    static func proposal(req: Request) async throws -> Response {
        let (p, unit) = try await publicProposal(req)
        return try await proposalPage(req, p, unit, form: LogPages.Form(), notice: nil, alert: nil, status: .ok)
    }

    static func proposalPage(
        _ req: Request, _ p: CouncilProposal, _ unit: UnitRow, form: LogPages.Form, notice: String?, alert: String?, status: HTTPStatus
    ) async throws -> Response {
        let refusals = try await ParticipationRepository(req.db, cipher: req.keys.cipher).refusals(of: p.id)
        let body = CouncilPortalPages.proposal(p, unit: unit, refusals: refusals, form: form, csrf: CSRF.token(req), notice: notice, alert: alert)
        return Layout.response(req, body, title: PublicText.scrub(p.title), status: status)
    }

    static func vote(req: Request) async throws -> Response {
        let (p, unit) = try await publicProposal(req)
        let form = try req.content.decode(ClaimForm.self)
        do {
            guard let choice = Ballot.Choice(rawValue: form.choice ?? "") else { throw StoreError(.invalid, "proposal.bad_choice", field: "choice") }
            let claim = try await checkedClaim(req, form)
            guard p.state == .voting else { throw StoreError(.invalid, "proposal.poll_closed", field: "choice") }
            let outcome = try await participate(req, "proposal.vote", object: "council_proposal", target: p.id, unit: unit.id) { db in
                try await ParticipationRepository(db, cipher: req.keys.cipher).vote(claim, choice: choice, on: p, at: req.now)
            }
            let (status, notice, alert) = answer(outcome, done: "proposal.voted", already: "proposal.voted")
            let fresh = try await ProposalRepository(req.db).get(p.id, in: .everything)
            return try await proposalPage(req, fresh, unit, form: LogPages.Form(values: form.values), notice: notice, alert: alert, status: status)
        } catch let e as StoreError where e.kind == .invalid {
            return try await proposalPage(req, p, unit, form: LogController.refused(e, values: form.values), notice: nil, alert: e.message(), status: .unprocessableEntity)
        }
    }
}

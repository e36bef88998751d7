import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The mailbox and online inquiry channel (区长信箱、网络问政, C1): a public page, /mailbox, where
/// anyone writes a complaint, a suggestion, an inquiry or a request for help without an account.
/// A letter belongs to no grid, so it opens a district-level case for the command centre, with
/// the category its kind stands for (`MailboxKind`). Abuse is held off as on the QR page: the
/// same hidden field and the same per-address limit (`ResidentCaseController.admit`), and a
/// letter sent twice (a double tap, a retry) makes one case (`ReportSubmission`).
enum MailboxController {
    static func register(_ app: Application) {
        app.get(SiteURL.mailbox.pattern, use: form)
        app.on(.POST, SiteURL.mailbox.pattern, body: .stream, use: send).streamsForm()
    }

    /// The kinds whose category is still in use: a category taken out of use takes its kind off the form.
    static func kinds(_ req: Request) async throws -> [MailboxKind] {
        let active = Set(try await CaseController.repo(req).categories().filter(\.active).map(\.key))
        return MailboxKind.allCases.filter { active.contains($0.categoryKey) }
    }

    static func form(req: Request) async throws -> Response {
        Layout.response(
            req,
            MailboxPages.form(
                kinds: try await kinds(req), csrf: CSRF.token(req), submission: ReportSubmission.issue(req),
                letter: nil, error: nil), title: L10n.t("mailbox.title"))
    }

    struct Letter: Content {
        var kind: String?
        var subject: String?
        var content: String?
        var name: String?
        var phone: String?
        var email: String?
        var address: String?
        var website: String?
        var submission: String?
    }

    static func send(req: Request) async throws -> Response {
        try await ResidentCaseController.admitAttempt(req)
        let received = try await FormReader.read(req, limits: FormLimits(maxBody: 64 * 1024, maxFiles: 0)) { name, value in
            try CSRF.check(field: name, value: value, req)
            if name == ResidentCaseController.honeypot { try await ResidentCaseController.admit(req, honeypot: value, channel: .mailbox) }
        }
        try CSRF.requireChecked(req)
        let letter = try received.decode(Letter.self)
        do {
            guard let kind = letter.kind.flatMap(MailboxKind.init(rawValue:)) else { throw StoreError(.invalid, "mailbox.bad_kind", field: "kind") }
            let subject = letter.subject?.trimmingSpaces() ?? ""
            guard !subject.isEmpty else { throw StoreError(.invalid, "mailbox.subject_required", field: "subject") }
            var intake = CaseIntake(
                categoryKey: kind.categoryKey, channel: .mailbox, title: subject, description: letter.content ?? "",
                address: letter.address, reporterName: letter.name, reporterPhone: letter.phone)
            intake.reporterEmail = letter.email
            let row = try await req.openSubmittedCase(
                intake, actor: .resident, submission: letter.submission,
                auditActor: ResidentCaseController.residentActor,
                limit: ResidentCaseController.publicLimit(req))
            return Layout.response(req, ResidentCasePages.done(code: row.trackingCode), title: L10n.t("report.done"), status: .created)
        } catch let replay as ReplayedSubmission {
            return ReportSubmission.replayedPage(req, replay, link: SiteURL.track(replay.existing.trackingCode).path)
        } catch let e as StoreError where e.kind == .invalid {
            let body = MailboxPages.form(kinds: try await kinds(req), csrf: CSRF.token(req), submission: ReportSubmission.issue(req), letter: letter, error: e)
            return Layout.response(req, body, title: L10n.t("mailbox.title"), status: .unprocessableEntity)
        }
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// Replay protection for every report form (the QR page, staff entry, the mailbox page): a
/// double tap on a slow phone, a browser's retry or a replayed post never makes a second case.
///
/// A form carries a one-time token, signed so the server need not remember what it handed out:
///
///     el("form", …, [ReportSubmission.hiddenField(req), …])              // when rendering
///     let row = try await req.openSubmittedCase(draft, actor: actor,     // when posted
///                                               submission: form.submission)
///
/// A missing or forged token is 400. A token already used throws `ReplayedSubmission`, a 409
/// whose message carries the first case's tracking code, so a controller that does not catch it
/// still answers helpfully; `ReportSubmission.replayedPage` shows it with a link.
enum ReportSubmission {
    /// The form field; forms decode it as `submission`.
    static let field = "submission"

    static func issue(_ req: Request) -> String { SubmissionSigner(cipher: req.keys.cipher).issue() }

    /// A hidden input with a fresh token.
    static func hiddenField(_ req: Request) -> HTML { hiddenField(issue(req)) }

    static func hiddenField(_ token: String) -> HTML { el("input", ["type": "hidden", "name": field, "value": token]) }

    /// The token if this server issued it; 400 otherwise (missing, altered or made up).
    static func check(_ raw: String?, _ req: Request) throws -> String {
        guard let raw, SubmissionSigner(cipher: req.keys.cipher).verify(raw) else { throw Abort(.badRequest, reason: L10n.t("submission.bad")) }
        return raw
    }

    /// The answer to a replay: the receipt again, with the tracking code and where to follow it.
    static func replayedPage(_ req: Request, _ replay: ReplayedSubmission, link: String) -> Response {
        let body: HTML = el(
            "section", ["class": "card"],
            [
                el("p", ["class": "alert", "role": "alert"], .text(replay.reason)),
                el("p", el("strong", ["class": "code"], .text(TrackingCode.display(replay.existing.trackingCode)))),
                el("p", HTML.link(link, L10n.t("report.track_link"))),
            ])
        return Layout.response(req, body, title: L10n.t("submission.replayed_title"), status: .conflict)
    }
}

/// A report form posted again with a token that already made a case.
struct ReplayedSubmission: AbortError {
    let existing: CaseRow
    var status: HTTPResponseStatus { .conflict }
    var reason: String { L10n.t("submission.replayed", TrackingCode.display(existing.trackingCode)) }
}

extension Request {
    /// Opens a case for a report form once per form token (see `ReportSubmission`). The token is
    /// written with the case in its transaction under a unique key; when two posts of one token
    /// race, the batch writer retries the loser alone, its insert fails on that key, and it is
    /// answered with the winner's case.
    func openSubmittedCase(
        _ draft: CaseIntake, actor: CaseActor, submission raw: String?, auditActor: AuditActor? = nil,
        limit: RateLimit? = nil
    ) async throws -> CaseRow {
        let token = try ReportSubmission.check(raw, self)
        let repo = CaseRepository(db, cipher: keys.cipher)
        if let existing = try await repo.caseMade(bySubmission: token) { throw ReplayedSubmission(existing: existing) }
        var draft = draft
        draft.submission = token
        do {
            return try await openCase(draft, actor: actor, auditActor: auditActor, limit: limit)
        } catch let error as StoreError {
            throw error
        } catch {
            if let existing = try await repo.caseMade(bySubmission: token) { throw ReplayedSubmission(existing: existing) }
            throw error
        }
    }
}

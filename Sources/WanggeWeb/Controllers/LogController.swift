import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// What the social log page was asked to find, as typed in its search form.
struct SocialLogSearch: Sendable, Equatable {
    var q: String?
    var from: String?
    var to: String?

    init(q: String? = nil, from: String? = nil, to: String? = nil) {
        (self.q, self.from, self.to) = (q?.trimmedOrNil, from?.trimmedOrNil, to?.trimmedOrNil)
    }

    init(_ req: Request) {
        self.init(q: req.query[String.self, at: "q"], from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"])
    }

    var filter: SocialLogFilter { SocialLogFilter(words: q, from: from, to: to) }
}

/// The grid's logs (W2): the social log at /units/{id}/log and the needs log at /units/{id}/needs,
/// for a grid or rolled up for a community, and a need's page at /needs/{id} where it is closed
/// with a note or handed on as a case through the ordinary case intake. Scoped in storage (a unit
/// or need outside the viewer's part of the tree is 404); every write is audited.
enum LogController {
    static let pageSize = 50

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.socialLog(UUID()).pattern, use: socialLog)
        pages.post(SiteURL.socialLog(UUID()).pattern, use: addEntry)
        pages.get(SiteURL.needs(UUID()).pattern, use: needs)
        pages.post(SiteURL.needs(UUID()).pattern, use: recordNeed)
        pages.get(SiteURL.need(UUID()).pattern, use: need)
        pages.post(SiteURL.needResolve(UUID()).pattern, use: resolve)
        pages.post(SiteURL.needToCase(UUID()).pattern, use: toCase)
    }

    static func unitID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("unit") }
        return id
    }

    /// The notice left by the last step, shown once: a key of the table or a message made from one.
    static func takeNotice(_ req: Request) -> String? {
        defer { req.session.data[SessionKeys.notice] = nil }
        return req.session.data[SessionKeys.notice].map { L10n.has($0) ? L10n.t($0) : $0 }
    }

    static func done(_ req: Request, _ notice: String, to url: SiteURL) -> Response {
        req.session.data[SessionKeys.notice] = notice
        return req.redirect(to: url.path, redirectType: .normal)
    }

    /// A refused form: its values back with the problem beside the field.
    static func refused(_ error: StoreError, values: [String: String]) -> LogPages.Form {
        LogPages.Form(values: values, problems: [error.field ?? "text": error.message()])
    }

    // MARK: Social log

    static func socialLog(req: Request) async throws -> Response {
        let v = try req.requireLogReader()
        return try await socialLogPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func socialLogPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try unitID(req), in: v.scope)
        let search = req.method == .GET ? SocialLogSearch(req) : SocialLogSearch()
        let entries = try await SocialLogRepository(req.db).list(
            under: unit.id, search.filter, after: try req.queryUUID("after"), limit: pageSize, in: v.scope)
        let body = LogPages.socialLog(
            unit: unit, entries: entries, search: search, more: entries.count == pageSize ? entries.last?.id : nil, canWrite: v.role.keepsLogs,
            form: form, today: SimpleDate(req.now).description, csrf: CSRF.token(req), notice: takeNotice(req))
        return Layout.response(req, body, title: L10n.t("log.title", unit.name), status: status)
    }

    struct EntryForm: Content {
        var day: String?
        var category: String?
        var place: String?
        var text: String?

        var draft: SocialLogDraft { SocialLogDraft(day: day, text: text ?? "", category: category, place: place) }
        var values: [String: String] { ["day": day ?? "", "category": category ?? "", "place": place ?? "", "text": text ?? ""] }
    }

    static func addEntry(req: Request) async throws -> Response {
        let w = try req.requireLogKeeper()
        let form = try req.content.decode(EntryForm.self)
        do {
            let entry = try await LogActions.addEntry(req, w, form.draft, to: try unitID(req))
            return done(req, "log.saved", to: .socialLog(entry.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await socialLogPage(req, w.viewer, form: refused(e, values: form.values), status: .unprocessableEntity)
        }
    }

    // MARK: Needs log

    static func needs(req: Request) async throws -> Response {
        let v = try req.requireLogReader()
        return try await needsPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func needsPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try unitID(req), in: v.scope)
        let state = req.method == .GET ? req.query[String.self, at: "state"].flatMap(NeedState.init(rawValue:)) : nil
        let after = req.method == .GET ? try req.queryUUID("after") : nil
        let rows = try await NeedRepository(req.db).list(under: unit.id, state: state, after: after, limit: pageSize, in: v.scope)
        let body = LogPages.needs(
            unit: unit, needs: rows, state: state, more: rows.count == pageSize ? rows.last?.id : nil, canWrite: v.role.keepsLogs, form: form,
            csrf: CSRF.token(req), notice: takeNotice(req))
        return Layout.response(req, body, title: L10n.t("need.title", unit.name), status: status)
    }

    struct NeedForm: Content {
        var household: String?
        var text: String?
    }

    static func recordNeed(req: Request) async throws -> Response {
        let w = try req.requireLogKeeper()
        let form = try req.content.decode(NeedForm.self)
        do {
            let need = try await LogActions.recordNeed(req, w, NeedDraft(text: form.text ?? "", householdNumber: form.household), in: try unitID(req))
            return done(req, "need.saved", to: .need(need.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await needsPage(req, w.viewer, form: refused(e, values: ["household": form.household ?? "", "text": form.text ?? ""]), status: .unprocessableEntity)
        }
    }

    static func needID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("need") }
        return id
    }

    static func need(req: Request) async throws -> Response {
        let v = try req.requireLogReader()
        return try await needPage(req, v, form: LogPages.Form(), error: nil, status: .ok)
    }

    static func needPage(_ req: Request, _ v: Viewer, form: LogPages.Form, error: String?, status: HTTPStatus) async throws -> Response {
        let row = try await NeedRepository(req.db).get(try needID(req), in: v.scope)
        let categories = v.role.entersCases ? try await CaseController.repo(req).categories().filter { $0.active && $0.parentKey != nil } : []
        let body = LogPages.need(
            row, canResolve: v.role.keepsLogs, canEscalate: v.role.keepsLogs && v.role.entersCases, categories: categories, form: form, csrf: CSRF.token(req),
            notice: takeNotice(req), error: error)
        return Layout.response(req, body, title: L10n.t("need.detail"), status: status)
    }

    struct ResolveForm: Content { var note: String? }

    static func resolve(req: Request) async throws -> Response {
        let w = try req.requireLogKeeper()
        let note = try req.content.decode(ResolveForm.self).note ?? ""
        do {
            let row = try await LogActions.resolveNeed(req, w, try needID(req), note: note)
            return done(req, "need.resolved", to: .need(row.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await needPage(req, w.viewer, form: refused(e, values: ["note": note]), error: e.message(), status: .unprocessableEntity)
        }
    }

    struct CaseForm: Content { var category: String? }

    /// Hands an open need on as a case through the same intake as the case entry form (a patrol
    /// report of the grid worker, a hotline case of the command centre), then records its code.
    static func toCase(req: Request) async throws -> Response {
        let w = try req.requireLogKeeper()
        guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let category = try req.content.decode(CaseForm.self).category ?? ""
        do {
            let row = try await req.escalateNeed(try needID(req), category: category, by: w)
            return done(req, L10n.t("need.escalated", TrackingCode.display(row.trackingCode ?? "")), to: .need(row.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await needPage(req, w.viewer, form: refused(e, values: ["category": category]), error: e.message(), status: .unprocessableEntity)
        }
    }
}

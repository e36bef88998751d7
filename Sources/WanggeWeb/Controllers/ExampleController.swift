import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// What the library page was asked to find, as typed in its search form.
struct ExampleSearch: Sendable, Equatable {
    var service: String?
    var q: String?
    var outcome: String?

    init(service: String? = nil, q: String? = nil, outcome: String? = nil) {
        (self.service, self.q, self.outcome) = (service?.trimmedOrNil, q?.trimmedOrNil, outcome?.trimmedOrNil)
    }

    init(_ req: Request) {
        self.init(service: req.query[String.self, at: "service"], q: req.query[String.self, at: "q"], outcome: req.query[String.self, at: "outcome"])
    }

    var filter: ExampleFilter { ExampleFilter(serviceKey: service, words: q, outcome: outcome.flatMap(CaseOutcome.init(rawValue:))) }
}

/// The library of worked examples (服务案例, S3): /examples for staff, searchable by service,
/// words and outcome; /examples/new?case=… where a closed request or case is written up — the
/// anonymiser's text shown for the person saving to read and edit before it is kept; and
/// /examples/{id}, where it is published to the public catalogue beside its service or taken back.
/// Examples hold no personal data, so the library is the district's; the case must be in the
/// saver's scope. Every write is audited.
enum ExampleController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.examples().pattern, use: library)
        pages.get(SiteURL.exampleNew().pattern, use: new)
        pages.post(SiteURL.exampleNew().pattern, use: save)
        pages.get(SiteURL.example(UUID()).pattern, use: show)
        pages.post(SiteURL.examplePublish(UUID()).pattern, use: publish)
    }

    static func library(req: Request) async throws -> Response {
        let v = try req.requireExampleReader()
        let search = ExampleSearch(req)
        let rows = try await ServiceExampleRepository(req.db).search(search.filter)
        let body = ExamplePages.library(
            rows, search: search, services: try await ServiceCatalogueRepository(req.db).all(), canSave: v.role.keepsExamples,
            notice: LogController.takeNotice(req), error: nil)
        return Layout.response(req, body, title: L10n.t("example.library"))
    }

    /// The closed case a new example is written from: by id, or by the tracking code typed on the library page.
    static func sourceCase(_ req: Request, _ w: CaseController.Worker) async throws -> CaseRow {
        let repo = CaseController.repo(req)
        if let id = req.query[UUID.self, at: "case"] { return try await repo.get(id, in: w.viewer.scope) }
        if let code = req.query[String.self, at: "code"], let found = try await repo.byTrackingCode(code),
            let inScope = try await repo.find(found.id, in: w.viewer.scope)
        {
            return inScope
        }
        throw StoreError.notFound("case")
    }

    /// The form filled in from the case: its text through the anonymiser, its service (the one
    /// whose requests are filed under its category), its outcome and the category's name.
    static func draft(_ req: Request, from c: CaseRow) async throws -> ExamplePages.Values {
        let repo = CaseController.repo(req)
        let timeline = try await repo.timeline(c.id)
        let names = [c.reporterName].compactMap { $0 } + timeline.map(\.actorName)
        let codes = [c.trackingCode, c.publicCode]
        let steps = timeline.filter { [.handle, .close, .resolveOnSpot, .markUnsolvable].contains($0.action) }.compactMap { $0.note ?? $0.reason }
        var text = c.description
        if !steps.isEmpty { text += "\n" + L10n.t("example.how") + steps.joined(separator: "；") }
        let service = try await ServiceCatalogueRepository(req.db).forCategory(c.categoryKey)
        let category = try await repo.category(c.categoryKey)
        return ExamplePages.Values(
            caseID: c.id.uuidString, title: Anonymiser.anonymise(c.title, names: names, codes: codes), text: Anonymiser.anonymise(text, names: names, codes: codes),
            service: service?.key ?? "", outcome: c.outcome == .unsolvable ? CaseOutcome.unsolvable.rawValue : CaseOutcome.solved.rawValue,
            keywords: category?.nameZh ?? "", published: false)
    }

    static func new(req: Request) async throws -> Response {
        let w = try req.requireExampleKeeper()
        let c = try await sourceCase(req, w)
        guard [.closed, .calledBack].contains(c.state) else {
            return try await formPage(req, values: ExamplePages.Values(), caseRow: c, error: L10n.t("example.case_open"), status: .unprocessableEntity)
        }
        if let existing = try await ServiceExampleRepository(req.db).forCase(c.id) {
            return req.redirect(to: SiteURL.example(existing.id).path, redirectType: .normal)
        }
        return try await formPage(req, values: try await draft(req, from: c), caseRow: c, error: nil, status: .ok)
    }

    static func formPage(_ req: Request, values: ExamplePages.Values, caseRow: CaseRow?, error: String?, problems: CaseSetupPages.Problems = [:], status: HTTPStatus) async throws
        -> Response
    {
        let body = ExamplePages.form(
            values, caseRow: caseRow, services: try await ServiceCatalogueRepository(req.db).all(activeOnly: true), problems: problems, csrf: CSRF.token(req),
            error: error)
        return Layout.response(req, body, title: L10n.t("example.new"), status: status)
    }

    struct SaveForm: Content {
        var `case`: String?
        var title: String?
        var text: String?
        var service: String?
        var outcome: String?
        var keywords: String?
        var published: String?

        var values: ExamplePages.Values {
            ExamplePages.Values(
                caseID: `case` ?? "", title: title ?? "", text: text ?? "", service: service ?? "", outcome: outcome ?? "", keywords: keywords ?? "",
                published: published == "1")
        }
    }

    static func save(req: Request) async throws -> Response {
        let w = try req.requireExampleKeeper()
        let form = try req.content.decode(SaveForm.self)
        guard let caseID = form.case.flatMap(UUID.init(uuidString:)) else { throw StoreError.notFound("case") }
        let c = try await CaseController.repo(req).get(caseID, in: w.viewer.scope)
        let draft = ExampleDraft(
            title: form.title ?? "", text: form.text ?? "", serviceKey: form.service, outcome: form.outcome ?? "", keywords: ExampleDraft.words(form.keywords ?? ""),
            published: form.published == "1")
        do {
            let saved = try await req.audited("example.save", object: "service_example") { db in
                try await ServiceExampleRepository(db).save(draft, from: c, by: w.actor, at: req.now)
            } entry: { saved in
                (saved.id.uuidString, AuditDetail(["case": c.trackingCode, "service": saved.serviceKey, "published": saved.published ? "1" : nil]).text)
            }
            return LogController.done(req, "example.saved", to: .example(saved.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await formPage(
                req, values: form.values, caseRow: c, error: e.message(), problems: [e.field ?? "text": e.message()], status: .unprocessableEntity)
        }
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireExampleReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("example") }
        let example = try await ServiceExampleRepository(req.db).get(id)
        let body = ExamplePages.detail(example, canPublish: v.role.keepsExamples, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: example.title)
    }

    struct PublishForm: Content { var published: String? }

    static func publish(req: Request) async throws -> Response {
        let keeper = try req.requireExampleKeeper()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("example") }
        let published = try req.content.decode(PublishForm.self).published == "1"
        let example = try await req.audited("example.publish", object: "service_example") { db in
            try await ServiceExampleRepository(db).setPublished(id, published, in: keeper.viewer.scope)
        } entry: { example in
            (id.uuidString, AuditDetail(["published": published ? "1" : "0"]).text)
        }
        return LogController.done(req, published ? "example.published" : "example.unpublished", to: .example(example.id))
    }
}

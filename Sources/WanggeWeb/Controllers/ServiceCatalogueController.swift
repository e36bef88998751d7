import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The proxy service catalogue (S1): the public page /services that anyone may read, and the setup
/// screens under /services/setup where the roles that configure cases (the system administrator
/// and a leader, bound to a whole district: the catalogue is the district's) add and change
/// services. Every change is audited; a refused form comes back as it was sent, with its problems.
enum ServiceCatalogueController {
    static func register(_ app: Application, pages: any RoutesBuilder) {
        app.get(SiteURL.services.pattern, use: catalogue)
        pages.get(SiteURL.serviceSetup.pattern, use: setup)
        pages.post(SiteURL.serviceSetup.pattern, use: add)
        pages.get(SiteURL.serviceSetupItem("").pattern, use: item)
        pages.post(SiteURL.serviceSetupItem("").pattern, use: update)
        pages.post(SiteURL.serviceSetupActive("").pattern, use: setActive)
    }

    static func repo(_ req: Request) -> ServiceCatalogueRepository { ServiceCatalogueRepository(req.db) }
    static func repo(_ db: any Database) -> ServiceCatalogueRepository { ServiceCatalogueRepository(db) }

    static func catalogue(req: Request) async throws -> Response {
        // Published worked examples only: they were anonymised and read by the person who saved them.
        let examples = try await ServiceExampleRepository(req.db).published()
        return Layout.response(req, ServiceCataloguePages.catalogue(try await repo(req).all(activeOnly: true), examples: examples), title: L10n.t("service.catalogue"))
    }

    struct ServiceForm: Content {
        var key: String?
        var name_zh: String?
        var name_en: String?
        var mode: String?
        var materials: String?
        var steps: String?
        var office: String?
        var limit_days: String?
        var category: String?

        var draft: ServiceDraft {
            ServiceDraft(
                nameZh: name_zh ?? "", nameEn: name_en ?? "", mode: mode ?? "", materials: ServiceDraft.lines(materials ?? ""),
                steps: ServiceDraft.lines(steps ?? ""), office: office ?? "",
                limitDays: limit_days.flatMap { $0.trimmingSpaces().count <= 4 ? Int($0.trimmingSpaces()) : nil },
                categoryKey: category?.trimmingSpaces().nilIfEmpty)
        }

        var values: ServiceCataloguePages.Values {
            ServiceCataloguePages.Values(
                key: key ?? "", nameZh: name_zh ?? "", nameEn: name_en ?? "", mode: mode ?? "", materials: materials ?? "", steps: steps ?? "",
                office: office ?? "", limitDays: limit_days ?? "", category: category ?? "")
        }
    }

    static func setup(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        return try await setupPage(req, values: ServiceCataloguePages.Values(), problems: [:], status: .ok)
    }

    static func setupPage(_ req: Request, values: ServiceCataloguePages.Values, problems: CaseSetupPages.Problems, status: HTTPStatus) async throws -> Response {
        let body = ServiceCataloguePages.setup(
            try await repo(req).all(), categories: try await serviceCategories(req), values: values, problems: problems, csrf: CSRF.token(req), notice: CaseSetupController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("service.setup"), status: status)
    }

    /// The case categories a service may be linked to: those of the 代办服务 kind.
    static func serviceCategories(_ req: Request) async throws -> [CategoryRow] {
        try await CaseController.repo(req).categories().filter { $0.kind == .service && $0.parentKey != nil }
    }

    static func detail(_ s: ProxyServiceRow, was: ProxyServiceRow? = nil) -> String {
        AuditDetail([
            "name": s.nameZh, "mode": s.mode.rawValue, "office": s.office, "limit_days": "\(s.limitDays)", "materials": "\(s.materials.count)", "category": s.categoryKey,
            "was": was.map { "\($0.nameZh), \($0.mode.rawValue), \($0.office), \($0.limitDays) d, \($0.materials.count) materials" },
        ]).text
    }

    static func saved(_ req: Request, _ key: String) -> Response {
        req.session.data[SessionKeys.notice] = "service.saved"
        return req.redirect(to: SiteURL.serviceSetupItem(key).path, redirectType: .normal)
    }

    static func add(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        let form = try req.content.decode(ServiceForm.self)
        do {
            let row = try await req.audited("service.add", object: "proxy_service") { db in
                try await repo(db).add(key: form.key ?? "", form.draft)
            } entry: { row in
                (row.key, detail(row))
            }
            return saved(req, row.key)
        } catch let failure as ValidationFailure {
            return try await setupPage(req, values: form.values, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    static func existing(_ req: Request) async throws -> ProxyServiceRow {
        try await repo(req).get(req.parameters.get("id") ?? "")
    }

    static func item(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        let row = try await existing(req)
        return try await itemPage(req, row, values: ServiceCataloguePages.Values(row), problems: [:], status: .ok)
    }

    static func itemPage(
        _ req: Request, _ row: ProxyServiceRow, values: ServiceCataloguePages.Values, problems: CaseSetupPages.Problems, status: HTTPStatus
    ) async throws -> Response {
        let body = ServiceCataloguePages.item(row, categories: try await serviceCategories(req), values: values, problems: problems, csrf: CSRF.token(req), notice: CaseSetupController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("service.edit", row.nameZh), status: status)
    }

    static func update(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        let row = try await existing(req)
        let form = try req.content.decode(ServiceForm.self)
        do {
            _ = try await req.audited("service.update", object: "proxy_service") { db in
                try await repo(db).update(row.key, form.draft)
            } entry: { change in
                (row.key, detail(change.1, was: change.0))
            }
            return saved(req, row.key)
        } catch let failure as ValidationFailure {
            var values = form.values
            values.key = row.key
            return try await itemPage(req, row, values: values, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    static func setActive(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        let row = try await existing(req)
        let active = try req.content.decode(CaseSetupController.ActiveForm.self).active == "1"
        try await req.audited(active ? "service.activate" : "service.deactivate", object: "proxy_service") { db in
            try await repo(db).setActive(row.key, active)
        } entry: { _ in
            (row.key, "")
        }
        return saved(req, row.key)
    }
}

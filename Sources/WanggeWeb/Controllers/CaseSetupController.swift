import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The case setup screens under /cases/setup (C2): the category tree (add, edit names,
/// department, limits and counting, the complex flag; take out of use and back), the department
/// list (add, rename) and the routing rules (CaseSetupController+Rules.swift).
///
/// Who may: roles that configure cases (`Role.configuresCases`: the system administrator and a
/// leader). Categories and departments are shared by every district in the database, so they
/// also need an account bound to a district; routing rules are limited to units in the
/// account's scope. Every change is audited; a refused form comes back with its problems named.
enum CaseSetupController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.caseSetupCategories.pattern, use: categories)
        pages.post(SiteURL.caseSetupCategories.pattern, use: addCategory)
        pages.get(SiteURL.caseSetupCategory("").pattern, use: category)
        pages.post(SiteURL.caseSetupCategory("").pattern, use: updateCategory)
        pages.post(SiteURL.caseSetupCategoryActive("").pattern, use: setActive)
        pages.get(SiteURL.caseSetupDepartments.pattern, use: departments)
        pages.post(SiteURL.caseSetupDepartments.pattern, use: addDepartment)
        pages.post(SiteURL.caseSetupDepartment("").pattern, use: renameDepartment)
        pages.get(SiteURL.caseSetupRoutes.pattern, use: routes)
        pages.post(SiteURL.caseSetupRoutes.pattern, use: setRule)
        pages.post(SiteURL.caseSetupRouteDelete(UUID()).pattern, use: deleteRule)
        registerCalendar(pages)
    }

    /// The viewer when their role configures cases and, for data every district shares
    /// (`district`), their account is bound to a whole district; otherwise 403.
    static func require(_ req: Request, district: Bool) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.configuresCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        guard !district || v.scope.coversDistrict else { throw Abort(.forbidden, reason: L10n.t("case.setup.district_only")) }
        return v
    }

    static func store(_ req: Request) -> CaseSetupRepository { CaseSetupRepository(req.db) }
    static func store(_ db: any Database) -> CaseSetupRepository { CaseSetupRepository(db) }
    static func reader(_ req: Request) -> CaseRepository { CaseController.repo(req) }

    /// The notice left by the last change, shown once.
    static func takeNotice(_ req: Request) -> String? {
        defer { req.session.data[SessionKeys.notice] = nil }
        return req.session.data[SessionKeys.notice].flatMap { L10n.has($0) ? L10n.t($0) : nil }
    }

    static func saved(_ req: Request, _ url: SiteURL) -> Response {
        req.session.data[SessionKeys.notice] = "case.setup.saved"
        return req.redirect(to: url.path, redirectType: .normal)
    }

    static func render(_ req: Request, _ body: HTML, title: String, status: HTTPStatus) async throws -> Response {
        let res = Layout.response(req, body, title: title)
        res.status = status
        return res
    }

    /// A problem of one field (a `StoreError` with a field) read as a form problem.
    static func problems(_ error: StoreError) -> CaseSetupPages.Problems { [error.field ?? "": error.message()] }

    // MARK: Categories

    struct CategoryForm: Content {
        var parent: String?
        var key: String?
        var kind: String?
        var name_zh: String?
        var name_en: String?
        var department: String?
        var respond_hours: String?
        var resolve_hours: String?
        var counting: String?
        var complex: String?
        var on_spot: String?
        var warn_percent: String?

        /// The percent typed: nil when absent (a new category gets 80, an edit keeps its own); anything
        /// that is not a whole number is passed on as -1, which the rules refuse.
        var warnPercent: Int? {
            guard let raw = warn_percent?.trimmingSpaces(), !raw.isEmpty else { return nil }
            return raw.count <= 3 ? Int(raw) ?? -1 : -1
        }

        var isComplex: Bool { ["1", "on", "true"].contains(complex ?? "") }
        var isOnSpot: Bool { ["1", "on", "true"].contains(on_spot ?? "") }

        static func hours(_ s: String?) -> Double? { s.flatMap { Double($0.trimmingSpaces()) } }

        var settings: CategorySettings {
            CategorySettings(
                nameZh: name_zh ?? "", nameEn: name_en ?? "", departmentKey: department ?? "",
                respondHours: Self.hours(respond_hours), resolveHours: Self.hours(resolve_hours),
                counting: counting ?? "", complex: isComplex, onSpot: isOnSpot, warnPercent: warnPercent)
        }

        var values: CaseSetupPages.CategoryValues {
            var v = CaseSetupPages.CategoryValues()
            v.parent = parent ?? ""
            v.key = key ?? ""
            v.kind = kind ?? v.kind
            v.nameZh = name_zh ?? ""
            v.nameEn = name_en ?? ""
            v.department = department ?? ""
            v.respond = respond_hours ?? ""
            v.resolve = resolve_hours ?? ""
            v.counting = counting ?? v.counting
            v.complex = isComplex
            v.onSpot = isOnSpot
            v.warn = warn_percent ?? v.warn
            return v
        }
    }

    static func categories(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        return try await categoriesPage(req, values: CaseSetupPages.CategoryValues(), problems: [:], status: .ok)
    }

    static func categoriesPage(
        _ req: Request, values: CaseSetupPages.CategoryValues, problems: CaseSetupPages.Problems,
        status: HTTPStatus
    ) async throws -> Response {
        let body = CaseSetupPages.categories(
            try await reader(req).categories(), departments: try await reader(req).departments(), values: values,
            problems: problems, csrf: CSRF.token(req), notice: takeNotice(req))
        return try await render(req, body, title: L10n.t("case.setup.categories"), status: status)
    }

    static func addCategory(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let form = try req.content.decode(CategoryForm.self)
        do {
            let row = try await req.audited("case.category.add", object: "case_category") { db in
                try await store(db).addCategory(parent: form.parent?.trimmingSpaces().nilIfEmpty, segment: form.key ?? "", kind: form.kind, form.settings)
            } entry: { row in
                (row.key, detail(row))
            }
            return saved(req, .caseSetupCategory(row.key))
        } catch let failure as ValidationFailure {
            return try await categoriesPage(req, values: form.values, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    static func detail(_ c: CategoryRow, was: CategoryRow? = nil) -> String {
        AuditDetail([
            "name": c.nameZh, "parent": c.parentKey, "department": c.departmentKey,
            "respond_hours": CaseSetupRules.hours(c.respondHours), "resolve_hours": CaseSetupRules.hours(c.resolveHours),
            "counting": c.counting.rawValue, "complex": c.complex ? "yes" : "no", "on_spot": c.onSpot ? "yes" : "no", "warn_percent": "\(c.warnPercent)",
            "was": was.map { "\($0.nameZh), \($0.departmentKey), \(CaseSetupRules.hours($0.respondHours))/\(CaseSetupRules.hours($0.resolveHours)) h, \($0.counting.rawValue), complex \($0.complex ? "yes" : "no")" },
        ]).text
    }

    static func existing(_ req: Request) async throws -> CategoryRow {
        guard let key = req.parameters.get("id"), let row = try await reader(req).category(key) else { throw StoreError.notFound("category") }
        return row
    }

    static func category(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let row = try await existing(req)
        return try await categoryPage(req, row, values: CaseSetupPages.CategoryValues(row), problems: [:], status: .ok)
    }

    static func categoryPage(
        _ req: Request, _ row: CategoryRow, values: CaseSetupPages.CategoryValues, problems: CaseSetupPages.Problems,
        status: HTTPStatus
    ) async throws -> Response {
        let v = try req.requireViewer()
        let units = try await UnitRepository(req.db).all(in: v.scope)
        let body = CaseSetupPages.category(
            row, categories: try await reader(req).categories(), departments: try await reader(req).departments(),
            rules: try await store(req).rules(in: v.scope), units: Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) }),
            values: values, problems: problems, csrf: CSRF.token(req), notice: takeNotice(req))
        return try await render(req, body, title: L10n.t("case.setup.edit_category", row.nameZh), status: status)
    }

    static func updateCategory(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let row = try await existing(req)
        let form = try req.content.decode(CategoryForm.self)
        do {
            _ = try await req.audited("case.category.update", object: "case_category") { db in
                try await store(db).updateCategory(row.key, form.settings)
            } entry: { change in
                (row.key, detail(change.1, was: change.0))
            }
            return saved(req, .caseSetupCategory(row.key))
        } catch let failure as ValidationFailure {
            var values = form.values
            values.key = row.key
            return try await categoryPage(req, row, values: values, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    struct ActiveForm: Content { var active: String }

    static func setActive(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let row = try await existing(req)
        let active = try req.content.decode(ActiveForm.self).active == "1"
        do {
            _ = try await req.audited(active ? "case.category.activate" : "case.category.deactivate", object: "case_category") { db in
                try await store(db).setActive(row.key, active)
            } entry: { changed in
                (row.key, AuditDetail(["keys": changed.joined(separator: ",")]).text)
            }
            return saved(req, .caseSetupCategory(row.key))
        } catch let e as StoreError where e.kind == .invalid {
            return try await categoryPage(req, row, values: CaseSetupPages.CategoryValues(row), problems: problems(e), status: .unprocessableEntity)
        }
    }
}

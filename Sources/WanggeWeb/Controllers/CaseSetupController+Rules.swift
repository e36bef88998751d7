import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Departments (add, rename) and routing rules (list, add or replace, delete) of the setup screens.
extension CaseSetupController {
    // MARK: Departments

    struct DepartmentForm: Content {
        var key: String?
        var name_zh: String?
        var name_en: String?

        var values: CaseSetupPages.DepartmentValues { .init(key: key ?? "", nameZh: name_zh ?? "", nameEn: name_en ?? "") }
    }

    static func departments(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        return try await departmentsPage(req, values: .init(), problems: [:], renaming: nil, status: .ok)
    }

    static func departmentsPage(
        _ req: Request, values: CaseSetupPages.DepartmentValues, problems: CaseSetupPages.Problems, renaming: String?,
        status: HTTPStatus
    ) async throws -> Response {
        let body = CaseSetupPages.departments(
            try await reader(req).departments(), values: values, problems: problems, renaming: renaming,
            csrf: CSRF.token(req), notice: takeNotice(req))
        return try await render(req, body, title: L10n.t("case.setup.departments"), status: status)
    }

    static func addDepartment(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let form = try req.content.decode(DepartmentForm.self)
        do {
            _ = try await req.audited("case.department.add", object: "department") { db in
                try await store(db).addDepartment(key: form.key ?? "", nameZh: form.name_zh ?? "", nameEn: form.name_en ?? "")
            } entry: { row in
                (row.key, AuditDetail(["name": row.nameZh]).text)
            }
            return saved(req, .caseSetupDepartments)
        } catch let failure as ValidationFailure {
            return try await departmentsPage(req, values: form.values, problems: CaseSetupPages.problems(failure), renaming: nil, status: .unprocessableEntity)
        }
    }

    static func renameDepartment(req: Request) async throws -> Response {
        _ = try require(req, district: true)
        let key = req.parameters.get("id") ?? ""
        let form = try req.content.decode(DepartmentForm.self)
        do {
            _ = try await req.audited("case.department.rename", object: "department") { db in
                try await store(db).renameDepartment(key, nameZh: form.name_zh ?? "", nameEn: form.name_en ?? "")
            } entry: { change in
                (key, AuditDetail(["name": change.1.nameZh, "was": change.0.nameZh]).text)
            }
            return saved(req, .caseSetupDepartments)
        } catch let failure as ValidationFailure {
            return try await departmentsPage(req, values: form.values, problems: CaseSetupPages.problems(failure), renaming: key, status: .unprocessableEntity)
        }
    }

    // MARK: Routing rules

    struct RuleForm: Content {
        var category: String?
        var unit: String?
        var department: String?

        var values: CaseSetupPages.RuleValues { .init(category: category ?? "", unit: unit ?? "", department: department ?? "") }
    }

    static func routes(req: Request) async throws -> Response {
        let v = try require(req, district: false)
        return try await routesPage(req, v, values: .init(), problems: [:], status: .ok)
    }

    static func routesPage(
        _ req: Request, _ v: Viewer, values: CaseSetupPages.RuleValues, problems: CaseSetupPages.Problems,
        status: HTTPStatus
    ) async throws -> Response {
        let body = CaseSetupPages.routes(
            try await store(req).rules(in: v.scope), categories: try await reader(req).categories(),
            departments: try await reader(req).departments(), units: try await UnitRepository(req.db).all(in: v.scope),
            district: v.scope.coversDistrict, values: values, problems: problems, csrf: CSRF.token(req),
            notice: takeNotice(req))
        return try await render(req, body, title: L10n.t("case.setup.routes"), status: status)
    }

    static func setRule(req: Request) async throws -> Response {
        let v = try require(req, district: false)
        let form = try req.content.decode(RuleForm.self)
        do {
            _ = try await req.audited("case.rule.set", object: "routing_rule") { db in
                try await store(db).setRule(category: form.category ?? "", unit: form.unit.flatMap(UUID.init(uuidString:)), department: form.department ?? "", in: v.scope)
            } entry: { set in
                (set.0.id.uuidString, AuditDetail(["category": set.0.categoryKey, "unit": set.0.unitID.uuidString, "department": set.0.departmentKey, "was": set.1]).text)
            }
            return saved(req, .caseSetupRoutes)
        } catch let failure as ValidationFailure {
            return try await routesPage(req, v, values: form.values, problems: CaseSetupPages.problems(failure), status: .unprocessableEntity)
        }
    }

    static func deleteRule(req: Request) async throws -> Response {
        let v = try require(req, district: false)
        let id = try req.id()
        _ = try await req.audited("case.rule.delete", object: "routing_rule") { db in
            try await store(db).deleteRule(id, in: v.scope)
        } entry: { rule in
            (rule.id.uuidString, AuditDetail(["category": rule.categoryKey, "unit": rule.unitID.uuidString, "department": rule.departmentKey]).text)
        }
        return saved(req, .caseSetupRoutes)
    }
}

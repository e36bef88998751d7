import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Resident search and record pages, and the household page. Everything is masked here:
/// full ID numbers and phones are for the access issue's logged "show" action.
enum ResidentController {
    static let pageSize = 30

    static func search(req: Request) async throws -> Response {
        let viewer = try req.requireRegisterReader()
        let q = req.query[String.self, at: "q"]?.trimmingSpaces()
        let page = try req.pageNumber()
        guard q.map({ $0.count <= 50 }) ?? true else { throw Abort(.badRequest, reason: L10n.t("field.too_long", 50)) }
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let found = try await people.search(q, limit: pageSize, offset: (page - 1) * pageSize, in: viewer.scope)
        let views = try await people.views(found.rows, role: viewer.role)
        let grids = Dictionary(uniqueKeysWithValues: try await UnitRepository(req.db).all(in: viewer.scope, level: .grid).map { ($0.id, $0) })
        let body = ResidentPages.search(q: q ?? "", views: views, total: found.total, page: page, grids: grids)
        return try await LoginController.render(req, body, title: L10n.t("residents.title"))
    }

    static func show(req: Request) async throws -> Response {
        let viewer = try req.requireRegisterReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("resident") }
        return try await detail(req, viewer: viewer, id: id, reveal: false)
    }

    /// The record page. `reveal` shows the full ID number and phone for this one response (the
    /// caller has logged why); `problem` is an error to show beside one of the rights forms.
    static func detail(
        _ req: Request, viewer: Viewer, id: UUID, reveal: Bool, problem: (RightsPages.Form, String)? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        guard viewer.role.readsRegister else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let row = try await people.get(id, in: viewer.scope)
        let view = try await people.views([row], role: viewer.role, reveal: reveal)[0]
        var members: [ResidentView] = []
        var household: HouseholdRow?
        if let hid = row.householdID {
            household = try await PlaceRepository(req.db).household(hid, in: viewer.scope)
            members = try await people.views(try await people.search(nil, householdID: hid, limit: 50, in: viewer.scope).rows, role: viewer.role)
        }
        var grid: UnitRow?
        if let unitID = row.unitID { grid = try await UnitRepository(req.db).find(unitID, in: viewer.scope) }
        let rights = RightsPages.actions(view, role: viewer.role, mayUnmask: Unmask.allowed(viewer), csrf: CSRF.token(req), problem: problem)
        let res = try await LoginController.render(req, ResidentPages.detail(view, household: household, members: members, grid: grid, show: rights.show, rights: rights.rights), title: view.name)
        res.status = status
        return res
    }

    static func household(req: Request) async throws -> Response {
        let viewer = try req.requireRegisterReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("household") }
        let household = try await PlaceRepository(req.db).household(id, in: viewer.scope)
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let members = try await people.views(try await people.search(nil, householdID: id, limit: 50, in: viewer.scope).rows, role: viewer.role)
        let body = ResidentPages.householdCard(household, members: members)
        return try await LoginController.render(req, body, title: L10n.t("household.title", household.number))
    }
}

enum ResidentPages {
    static func search(q: String, views: [ResidentView], total: Int, page: Int, grids: [UUID: UnitRow]) -> HTML {
        let rows: [[HTML]] = views.map { r in
            [
                HTML.link(SiteURL.resident(r.id).path, r.name), .text(r.idNumber ?? r.documentNumber ?? "—"), .text(r.phone ?? "—"),
                r.gridID.flatMap { grids[$0] }.map { [HTML.link(SiteURL.unit($0.id).path, $0.name), el("span", ["class": "code"], .text(" \($0.code)"))] } ?? .t("coverage.no_grid"),
            ]
        }
        return [
            el(
                "form", ["method": "get", "action": SiteURL.residents().path, "class": "search"],
                [
                    el("input", ["name": "q", "value": q, "placeholder": L10n.t("residents.placeholder"), "maxlength": "50", "type": "search"]),
                    el("button", ["type": "submit"], .t("residents.search")),
                ]),
            el("p", ["class": "meta"], .t("residents.found", total)),
            HTML.table(["col.name", "col.id_number", "col.phone", "level.grid"], rows),
            Layout.pager(total: total, page: page, size: ResidentController.pageSize) { SiteURL.residents(query: q, page: $0).path },
        ]
    }

    static func detail(_ r: ResidentView, household: HouseholdRow?, members: [ResidentView], grid: UnitRow?, show: HTML = .empty, rights: HTML = .empty) -> HTML {
        let facts: [(String, HTML)] = [
            ("col.id_number", .text(r.idNumber ?? r.documentNumber ?? "—")),
            ("col.sex", .text(r.sex.map { L10n.t("sex.\($0)") } ?? "—")),
            ("col.birth_date", .text([r.birthDate, r.age.map { L10n.t("residents.age", $0) }].compactMap { $0 }.joined(separator: " · "))),
            ("col.phone", .text(r.phone ?? "—")),
            ("col.residence_type", .t("residence.\(r.residenceType)")),
            ("col.relation", .text(r.relation.map { L10n.t("relation.\($0)") } ?? "—")),
            ("col.tags", .text(r.tags.isEmpty ? "—" : r.tags.map { L10n.t("tag.\($0)") }.joined(separator: "、"))),
            ("level.grid", grid.map { HTML.link(SiteURL.unit($0.id).path, "\($0.name)(\($0.code))") } ?? .t("coverage.no_grid")),
        ]
        return [
            el("dl", ["class": "facts"], facts.map { k, v in el("div", [el("dt", .t(k)), el("dd", v)]) }),
            r.masked && !r.anonymised ? el("p", ["class": "meta"], .t("residents.masked_note")) : .empty,
            show,
            household.map { householdCard($0, members: members) } ?? (r.anonymised ? .empty : el("p", ["class": "alert"], .t("coverage.no_household"))),
            rights,
        ]
    }

    static func householdCard(_ h: HouseholdRow, members: [ResidentView]) -> HTML {
        el(
            "section",
            [
                el("h2", [.t("household.title", h.number)]),
                el("p", [.text(h.address), .text(" · "), .t("household.\(h.kind)")]),
                HTML.table(
                    ["col.name", "col.relation", "col.sex", "col.age", "col.tags"],
                    members.map { m in
                        [
                            HTML.link(SiteURL.resident(m.id).path, m.name), .text(m.relation.map { L10n.t("relation.\($0)") } ?? "—"),
                            .text(m.sex.map { L10n.t("sex.\($0)") } ?? "—"), .text(m.age.map(String.init) ?? "—"),
                            .text(m.tags.map { L10n.t("tag.\($0)") }.joined(separator: "、")),
                        ]
                    }),
            ])
    }
}

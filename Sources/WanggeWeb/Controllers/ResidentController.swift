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
        return Layout.response(req, body, title: L10n.t("residents.title"))
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
        let res = Layout.response(req, ResidentPages.detail(view, household: household, members: members, grid: grid, show: rights.show, rights: rights.rights), title: view.name)
        res.status = status
        return res
    }

    static func household(req: Request) async throws -> Response {
        let viewer = try req.requireRegisterReader()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("household") }
        let household = try await PlaceRepository(req.db).household(id, in: viewer.scope)
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let members = try await people.views(try await people.search(nil, householdID: id, limit: 50, in: viewer.scope).rows, role: viewer.role)
        var body = ResidentPages.householdCard(household, members: members)
        if viewer.role.readsVisits {
            let visits = try await VisitRepository(req.db, cipher: req.keys.cipher).visits(of: id, limit: 20, in: viewer.scope)
            let care = try await CareArchiveRepository(req.db, cipher: req.keys.cipher).summaries(members.map(\.id), in: viewer.scope)
            body = [body, VisitPages.careLinks(members, care: care), VisitPages.history(id, visits: visits, canVisit: viewer.role.visitsHouseholds)]
        }
        return Layout.response(req, body, title: L10n.t("household.title", household.number))
    }
}

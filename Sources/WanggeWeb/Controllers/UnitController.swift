import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The tree browser: from the district down to one grid, with counts, a map, and at grid level
/// the team, buildings, households and residents (masked).
enum UnitController {
    static let pageSize = 30

    struct Model {
        var unit: UnitRow
        var lineage: [UnitRow]
        var children: [(unit: UnitRow, totals: UnitTotals)]
        var totals: UnitTotals
        var team: [TeamMember]
        /// The buildings each member covers, by assignment (proxy agents' 2–3 buildings).
        var covers: [UUID: [BuildingRow]] = [:]
        var buildings: [BuildingRow]
        var components: [ComponentRow]
        var organisations: [OrganisationRow]
        var residents: [ResidentView]
        var residentTotal: Int
        var page: Int
        var teamMinimum: Int
        /// The 党建 section of a grid's or community's page, for those who read the party overlay.
        var party: PartySection? = nil
    }

    /// A grid's organisations, central households and members with this month's hours; a
    /// community's line per grid; and the unit's totals.
    struct PartySection {
        var counts: PartyCounts
        var orgs: [PartyOrg] = []
        var centrals: [CentralHousehold] = []
        var members: [PartyMember] = []
        var grids: [GridParty] = []
    }

    static func party(_ req: Request, _ unit: UnitRow, in scope: Scope) async throws -> PartySection {
        let repo = PartyRepository(req.db)
        let month = PartyController.month(req)
        var s = PartySection(counts: try await repo.counts(under: unit.id, month: month, in: scope))
        if unit.level == .grid {
            s.orgs = try await repo.orgs(of: unit.id, in: scope)
            s.centrals = try await repo.centrals(of: unit.id, in: scope)
            s.members = try await repo.members(of: unit.id, month: month, in: scope)
        } else {
            s.grids = try await repo.overview(under: unit, month: month, in: scope)
        }
        return s
    }

    static func index(req: Request) async throws -> Response {
        let viewer = try req.requireRegisterReader()
        let roots = try await UnitRepository(req.db).roots(in: viewer.scope)
        guard let root = roots.first else { throw StoreError.notFound("unit") }
        return req.redirect(to: SiteURL.unit(root.id).path)
    }

    static func query(req: Request, id: UUID, page: Int) async throws -> Model {
        let viewer = try req.requireRegisterReader()
        let units = UnitRepository(req.db)
        let unit = try await units.get(id, in: viewer.scope)
        let scope = Scope.subtree(of: unit)
        let totals = try await CoverageRepository(req.db).totals(in: scope)
        let children = try await units.children(of: id, in: viewer.scope).map { ($0, totals[$0.id] ?? UnitTotals()) }
        var model = Model(
            unit: unit, lineage: try await units.lineage(of: unit, in: viewer.scope), children: children,
            totals: totals[unit.id] ?? UnitTotals(), team: [], buildings: [], components: [], organisations: [], residents: [], residentTotal: 0,
            page: page, teamMinimum: StaffRepository.minimumTeam)
        if unit.level >= .grid {
            model.team = try await StaffRepository(req.db).team(of: id, in: viewer.scope)
            model.covers = try await StaffRepository(req.db).coveredBuildings(of: id, in: viewer.scope)
            let places = PlaceRepository(req.db)
            model.buildings = try await places.buildings(inGrid: id, in: viewer.scope)
            model.components = try await places.components(inGrid: id, in: viewer.scope)
            model.organisations = try await places.organisations(inGrid: id, in: viewer.scope)
            let people = ResidentRepository(req.db, cipher: req.keys.cipher)
            let found = try await people.search(nil, gridID: id, limit: pageSize, offset: (page - 1) * pageSize, in: viewer.scope)
            model.residents = try await people.views(found.rows, role: viewer.role)
            model.residentTotal = found.total
        }
        if viewer.role.readsOpenness, unit.level == .grid || unit.level == .community {
            model.party = try await party(req, unit, in: viewer.scope)
        }
        return model
    }

    static func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("unit") }
        let page = try req.pageNumber()
        let model = try await query(req: req, id: id, page: page)
        // Only messages of the administrator's own forms are shown, never text from the address.
        let done = req.query[String.self, at: "done"].flatMap { $0.hasPrefix("unit.done.") && L10n.has($0) ? L10n.t($0) : nil }
        let admin = try await UnitAdminController.admin(req, model.unit)
        let csrf = CSRF.token(req)
        let end: ((UUID) -> HTML)? = admin.raw.isEmpty ? nil : { UnitAdminSection.endButton(unit: model.unit, assignment: $0, csrf: csrf) }
        let edit: ((TeamMember) -> HTML)? =
            admin.raw.isEmpty ? nil : { UnitAdminSection.memberForm(unit: model.unit, member: $0, buildings: model.buildings, covers: model.covers, csrf: csrf) }
        return Layout.response(req, UnitPage.render(model, notice: done, admin: admin, showsLogs: req.viewer?.role.readsLogs ?? false, endMember: end, editMember: edit), title: "\(model.unit.name)")
    }
}

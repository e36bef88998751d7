import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The party overlay (党建) at /units/{id}/party: for a grid its organisations and the members
/// registered (报到) to it with their service hours; for every unit the count of registered
/// members and this month's hours in it and below. The unit's administrators write; each write
/// commits with its audit entry. Scoped in storage: outside the viewer's tree is 404.
enum PartyController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.party(UUID()).pattern, use: page)
        pages.post(SiteURL.partyOrgs(UUID()).pattern, use: addOrg)
        pages.post(SiteURL.partyMembers(UUID()).pattern, use: addMember)
        pages.post(SiteURL.partyService(UUID()).pattern, use: addService)
        pages.post(SiteURL.partyCentral(UUID()).pattern, use: setCentral)
        pages.post(SiteURL.partyCentralRemove(UUID()).pattern, use: removeCentral)
    }

    static func month(_ req: Request) -> String { String(SimpleDate(req.now).description.prefix(7)) }

    static func page(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await render(req, v, unitID: try OpennessController.id(req, "unit"), form: LogPages.Form(), status: .ok)
    }

    static func render(_ req: Request, _ v: Viewer, unitID: UUID, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(unitID, in: v.scope)
        let repo = PartyRepository(req.db)
        let isGrid = unit.level == .grid
        let centrals = isGrid ? try await repo.centrals(of: unit.id, in: v.scope) : []
        let body = PartyPages.page(
            unit: unit, counts: try await repo.counts(under: unit.id, month: month(req), in: v.scope),
            orgs: isGrid ? try await repo.orgs(of: unit.id, in: v.scope) : [], members: isGrid ? try await repo.members(of: unit.id, month: month(req), in: v.scope) : [],
            canEdit: isGrid && v.role.keepsOpenness, form: form, today: OpennessController.today(req), csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        // 红色物业: the party organisation of a street or community sees its property companies' month.
        var red: HTML = .empty
        if unit.level == .street || unit.level == .community {
            let m = MeasureMonth(SimpleDate(req.now))
            red = MarketPages.redProperty(
                try await MarketRepository(req.db, cipher: req.keys.cipher).providerFigures(
                    from: m.first.startOfDayInChina, to: m.next.first.startOfDayInChina, kind: "property", in: .subtree(of: unit)))
        }
        let central = isGrid ? PartyPages.centrals(unit: unit, centrals, canSet: v.role.keepsCentralHouseholds, form: form, csrf: CSRF.token(req)) : .empty
        return Layout.response(req, HTML([body, central, red]), title: L10n.t("party.title", unit.name), status: status)
    }

    struct Form: Content {
        var kind: String?
        var name: String?
        var secretary: String?
        var workplace: String?
        var registered_on: String?
        var day: String?
        var activity: String?
        var hours: String?
        var member: String?
        var household: String?
        var neighbours: String?

        var values: [String: String] {
            [
                "kind": kind ?? "", "name": name ?? "", "secretary": secretary ?? "", "workplace": workplace ?? "", "registered_on": registered_on ?? "",
                "day": day ?? "", "activity": activity ?? "", "hours": hours ?? "", "member": member ?? "", "household": household ?? "",
                "neighbours": neighbours ?? "",
            ]
        }
    }

    /// Runs an audited write; a refused one shows the grid's page again with the problem.
    static func write(
        _ req: Request, _ v: Viewer, unitID: UUID, form: Form, _ action: String, saved: String = "party.saved",
        _ change: @escaping @Sendable (PartyRepository, Scope) async throws -> (id: UUID, unit: UUID)
    ) async throws -> Response {
        let scope = v.scope
        do {
            let done = try await req.audited(action, object: "party") { db in
                try await change(PartyRepository(db), scope)
            } entry: { r in
                (r.id.uuidString, AuditDetail(["unit": r.unit.uuidString]).text)
            }
            return LogController.done(req, saved, to: .party(done.unit))
        } catch let e as StoreError where e.kind == .invalid {
            return try await render(req, v, unitID: unitID, form: LogController.refused(e, values: form.values), status: .unprocessableEntity)
        }
    }

    static func addOrg(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(Form.self)
        let (unitID, now) = (try OpennessController.id(req, "unit"), req.now)
        return try await write(req, v, unitID: unitID, form: form, "party.org_add") { repo, scope in
            let org = try await repo.addOrg(kind: form.kind ?? "", name: form.name ?? "", secretary: form.secretary ?? "", to: unitID, at: now, in: scope)
            return (org.id, org.unitID)
        }
    }

    static func addMember(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(Form.self)
        let (unitID, now, today) = (try OpennessController.id(req, "unit"), req.now, OpennessController.today(req))
        return try await write(req, v, unitID: unitID, form: form, "party.register") { repo, scope in
            let id = try await repo.register(
                kind: form.kind ?? "", name: form.name ?? "", workplace: form.workplace ?? "", on: form.registered_on ?? "", to: unitID, today: today, at: now,
                in: scope)
            return (id, unitID)
        }
    }

    static func addService(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(Form.self)
        let memberID = try OpennessController.id(req, "party_member")
        let (now, today, by) = (req.now, OpennessController.today(req), v.account.displayName)
        let unitID = try await PartyRepository(req.db).unit(ofMember: memberID, in: v.scope)
        return try await write(req, v, unitID: unitID, form: form, "party.service") { repo, scope in
            let unit = try await repo.recordService(
                of: memberID, day: form.day ?? "", activity: form.activity ?? "", hours: form.hours ?? "", today: today, by: by, at: now, in: scope)
            return (memberID, unit)
        }
    }

    /// Marks a household of the grid as a 党员中心户 (or sets its member and neighbours anew).
    static func setCentral(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsCentralHouseholds)
        let form = try req.content.decode(Form.self)
        let (unitID, now, by) = (try OpennessController.id(req, "unit"), req.now, v.account.displayName)
        return try await write(req, v, unitID: unitID, form: form, "party.central_set", saved: "central.saved") { repo, scope in
            let c = try await repo.setCentral(
                member: form.member ?? "", household: form.household ?? "", neighbours: form.neighbours ?? "", in: unitID, by: by, at: now, in: scope)
            return (c.id, c.unitID)
        }
    }

    static func removeCentral(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsCentralHouseholds)
        let id = try OpennessController.id(req, "central_household")
        let scope = v.scope
        let done = try await req.audited("party.central_remove", object: "party") { db in
            try await PartyRepository(db).removeCentral(id, in: scope)
        } entry: { c in
            (c.id.uuidString, AuditDetail(["unit": c.unitID.uuidString]).text)
        }
        return LogController.done(req, "central.removed", to: .party(done.unitID))
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Service centres and stations (服务中心、工作站、党群服务站): a unit's list and map with a form to
/// add one at /units/{id}/stations, one station's edit page at /stations/{id}. The unit's
/// administrators write (the same roles that keep its openness pages); each change and its audit
/// entry commit together. Scoped in storage: a unit or station outside the viewer's part of the
/// tree is 404.
enum StationController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.stations(UUID()).pattern, use: list)
        pages.post(SiteURL.stations(UUID()).pattern, use: add)
        pages.get(SiteURL.station(UUID()).pattern, use: show)
        pages.post(SiteURL.station(UUID()).pattern, use: edit)
    }

    struct StationForm: Content {
        var kind: String?
        var name: String?
        var address: String?
        var lon: String?
        var lat: String?
        var hours: String?
        var phone: String?
        var staff: String?

        var draft: StationDraft {
            StationDraft(
                kind: kind ?? "", name: name ?? "", address: address ?? "", lon: lon ?? "", lat: lat ?? "", hours: hours ?? "", phone: phone ?? "",
                staff: staff ?? "")
        }

        static func values(_ d: StationDraft) -> [String: String] {
            ["kind": d.kind, "name": d.name, "address": d.address, "lon": d.lon, "lat": d.lat, "hours": d.hours, "phone": d.phone, "staff": d.staff]
        }
    }

    static func list(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await listPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func listPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try OpennessController.id(req, "unit"), in: v.scope)
        let children = try await UnitRepository(req.db).children(of: unit.id, in: v.scope)
        let kinds = StationKind.kinds(for: unit.level)
        let body = StationPages.list(
            unit: unit, children: children, stations: try await StationRepository(req.db).stations(under: unit), kinds: kinds,
            canEdit: v.role.keepsOpenness && !kinds.isEmpty, form: form, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("station.title", unit.name), status: status)
    }

    static func add(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(StationForm.self)
        let unitID = try OpennessController.id(req, "unit")
        do {
            let row = try await save(req, v, form.draft, id: nil, to: unitID, action: "station.add")
            return LogController.done(req, "station.saved", to: .stations(row.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await listPage(req, v, form: LogController.refused(e, values: StationForm.values(form.draft)), status: .unprocessableEntity)
        }
    }

    /// Writes the station and its audit entry in one transaction.
    static func save(_ req: Request, _ v: Viewer, _ draft: StationDraft, id: UUID?, to unitID: UUID, action: String) async throws -> StationRow {
        let (now, by, scope) = (req.now, v.account.displayName, v.scope)
        return try await req.audited(action, object: "service_station") { db in
            try await StationRepository(db).save(draft, id: id, to: unitID, by: by, at: now, in: scope)
        } entry: { s in
            (s.id.uuidString, AuditDetail(["unit": s.unitID.uuidString, "kind": s.kind.rawValue, "name": s.name]).text)
        }
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await stationPage(req, v, form: nil, status: .ok)
    }

    static func stationPage(_ req: Request, _ v: Viewer, form: LogPages.Form?, status: HTTPStatus) async throws -> Response {
        let row = try await StationRepository(req.db).get(try OpennessController.id(req, "station"), in: v.scope)
        let unit = try await UnitRepository(req.db).get(row.unitID, in: v.scope)
        let body = StationPages.station(
            row, unit: unit, canEdit: v.role.keepsOpenness, form: form ?? LogPages.Form(values: StationForm.values(row.draft)), csrf: CSRF.token(req),
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: row.name, status: status)
    }

    static func edit(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(StationForm.self)
        let old = try await StationRepository(req.db).get(try OpennessController.id(req, "station"), in: v.scope)
        do {
            let row = try await save(req, v, form.draft, id: old.id, to: old.unitID, action: "station.edit")
            return LogController.done(req, "station.saved", to: .station(row.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await stationPage(req, v, form: LogController.refused(e, values: StationForm.values(form.draft)), status: .unprocessableEntity)
        }
    }

    /// The station a window case names (nil when none is chosen), checked before the case is made
    /// so a bad choice writes nothing: it must be in the viewer's part of the tree, and only the
    /// window channel records one.
    static func windowStation(_ req: Request, _ raw: String?, channel: CaseChannel, scope: Scope) async throws -> StationRow? {
        guard let raw = raw?.trimmedOrNil else { return nil }
        guard channel == .window else { throw StoreError(.invalid, "station.case_not_window", field: "station") }
        guard let id = UUID(uuidString: raw), let row = try await StationRepository(req.db).find(id, in: scope) else {
            throw StoreError(.invalid, "station.unknown", field: "station")
        }
        return row
    }
}

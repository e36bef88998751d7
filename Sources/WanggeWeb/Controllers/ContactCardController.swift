import Fluent
import Vapor
import WanggeCore
import WanggeQR
import WanggeStore

/// Contact cards (S2): per grid the 便民服务联系卡 (the team, the numbers each agreed to publish,
/// what each does, and the QR code of the grid's report page) and per proxy agent the 党员代办联系卡
/// (the agent, the buildings covered, the services taken on). Each prints as one A6 page with crop
/// marks; a unit's sheet holds every card of its grids for the printer; the QR code downloads as
/// PNG or SVG. Staff who read the register see the cards of their own part of the tree only: a
/// grid outside it is not found.
enum ContactCardController {
    /// A sheet is for one community's printer: more grids than this is a street or a district.
    static let maxGridsPerSheet = 60

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.gridCard(UUID()).pattern, use: gridCard)
        pages.get(SiteURL.agentCard(UUID(), assignment: UUID()).pattern, use: agentCard)
        pages.get(SiteURL.unitCards(UUID()).pattern, use: sheet)
        pages.get(SiteURL.buildingCards(UUID()).pattern, use: buildingSheet)
        pages.get(SiteURL.gridQR(UUID(), format: "png").pattern, use: qrDownload)
    }

    /// The address printed on cards: `WANGGE_PUBLIC_URL` when set (the address residents reach),
    /// else the one this request came in on.
    static func publicBase(_ req: Request) -> String {
        var base = req.application.notificationSettings.publicBaseURL ?? Open311Controller.baseURL(req)
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The report page of a grid, as its QR code encodes it.
    static func reportURL(_ req: Request, grid: UnitRow, building: String? = nil) -> String {
        publicBase(req) + SiteURL.report(grid.code, building: building).path
    }

    /// The most buildings one grid's sheet of building codes holds (a grid has a few dozen).
    static let maxBuildingsPerSheet = 500

    /// One building's QR card: the building, who covers it, and its own report address.
    struct BuildingCard {
        var building: BuildingRow
        var agents: [TeamMember]
        var reportURL: String
        var qr: QRCode
    }

    /// Everything the cards of one grid show.
    struct GridCards {
        var grid: UnitRow
        var team: [TeamMember]
        var covers: [UUID: [BuildingRow]]
        var services: [ProxyServiceRow]
        var reportURL: String
        var qr: QRCode

        var agents: [TeamMember] { team.filter { $0.kindKey == "proxy_agent" || covers[$0.assignmentID] != nil } }
    }

    static func grid(_ req: Request, _ v: Viewer, _ id: UUID, services: [ProxyServiceRow]? = nil) async throws -> GridCards {
        let grid = try await UnitRepository(req.db).get(id, in: v.scope)
        guard grid.level == .grid, !grid.isRetired else { throw StoreError.notFound("grid") }
        return try await cards(req, grid, v.scope, services: services)
    }

    static func cards(_ req: Request, _ grid: UnitRow, _ scope: Scope, services: [ProxyServiceRow]?) async throws -> GridCards {
        let staff = StaffRepository(req.db)
        let url = reportURL(req, grid: grid)
        var catalogue = services ?? []
        if services == nil { catalogue = try await ServiceCatalogueRepository(req.db).all(activeOnly: true) }
        return GridCards(
            grid: grid, team: try await staff.team(of: grid.id, in: scope), covers: try await staff.coveredBuildings(of: grid.id, in: scope),
            services: catalogue, reportURL: url, qr: try QRCode(url))
    }

    static func gridCard(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let model = try await grid(req, v, try req.id())
        return Layout.response(req, ContactCardPages.single(model, card: ContactCardPages.gridCard(model)), title: L10n.t("card.grid_title"))
    }

    static func agentCard(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let model = try await grid(req, v, try req.id())
        let assignment = try req.id("assignment")
        guard let agent = model.team.first(where: { $0.assignmentID == assignment }) else { throw StoreError.notFound("assignment") }
        return Layout.response(req, ContactCardPages.single(model, card: ContactCardPages.agentCard(model, agent)), title: L10n.t("card.agent_title"))
    }

    static func sheet(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let unit = try await UnitRepository(req.db).get(try req.id(), in: v.scope)
        let grids = unit.level == .grid ? [unit] : try await UnitRepository(req.db).all(in: .subtree(of: unit), level: .grid)
        guard grids.count <= maxGridsPerSheet else { throw StoreError(.invalid, "card.sheet_too_big", [String(maxGridsPerSheet)]) }
        let services = try await ServiceCatalogueRepository(req.db).all(activeOnly: true)
        var all: [GridCards] = []
        for g in grids.sorted(by: { $0.code < $1.code }) { all.append(try await cards(req, g, v.scope, services: services)) }
        return Layout.response(req, ContactCardPages.sheet(unit, all), title: L10n.t("card.sheet", unit.name))
    }

    /// 楼栋二维码: one A6 card per building of the grid, each with the QR code of the grid's report
    /// page opened at that building (address and pin filled in) and the agents who cover it.
    static func buildingSheet(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let model = try await grid(req, v, try req.id(), services: [])
        let buildings = try await PlaceRepository(req.db).buildings(inGrid: model.grid.id, limit: maxBuildingsPerSheet, in: v.scope)
        var cards: [BuildingCard] = []
        for b in buildings {
            let url = reportURL(req, grid: model.grid, building: b.code)
            let agents = model.team.filter { m in model.covers[m.assignmentID]?.contains { $0.id == b.id } ?? false }
            cards.append(BuildingCard(building: b, agents: agents, reportURL: url, qr: try QRCode(url)))
        }
        return Layout.response(req, ContactCardPages.buildingSheet(model, cards), title: L10n.t("card.buildings_title", model.grid.name))
    }

    static func qrDownload(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let file = req.parameters.get("file") ?? ""
        guard file == "qr.png" || file == "qr.svg" else { throw StoreError.notFound("file") }
        let grid = try await UnitRepository(req.db).get(try req.id(), in: v.scope)
        guard grid.level == .grid, !grid.isRetired else { throw StoreError.notFound("grid") }
        // With `?b=`, the code of one of the grid's buildings: that building's QR code.
        var building: BuildingRow?
        if let b = req.query[String.self, at: "b"] {
            guard b.count <= 64, let found = try await PlaceRepository(req.db).building(code: b, inGrid: grid.id) else { throw StoreError.notFound("building") }
            building = found
        }
        let url = reportURL(req, grid: grid, building: building?.code)
        let code = try QRCode(url)
        let name = "wangge-\(building?.code ?? grid.code).\(file == "qr.png" ? "png" : "svg")"
        var headers: HTTPHeaders = ["Content-Disposition": "attachment; filename=\"\(name)\"", "Cache-Control": "private, max-age=300"]
        if file == "qr.png" {
            headers.contentType = HTTPMediaType(type: "image", subType: "png")
            return Response(status: .ok, headers: headers, body: .init(data: Data(PNG.encode(code, scale: 10))))
        }
        headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        let svg = QRCodeSVG.document(code, title: L10n.t("card.qr_alt", building?.name ?? grid.name, url))
        return Response(status: .ok, headers: headers, body: .init(string: svg.raw))
    }
}

import Vapor
import WanggeCore
import WanggeStore

/// What the location picker draws: the grid's boundary (or the grids of the viewer's area), its
/// buildings to tap, and the tile server if one is configured. Served as JSON to `report.js`;
/// addresses of buildings are not personal data (they are printed on the buildings).
struct ReportMapData: Content {
    struct Building: Content {
        var address: String
        var lon: Double
        var lat: Double
    }

    var name: String
    /// GeoJSON texts, one per unit drawn.
    var boundaries: [String]
    var buildings: [Building]
    var tiles: String?
    var attribution: String?
}

enum ReportMapController {
    static let maxBuildings = 2000
    static let maxBoundaries = 3000
    static let maxSuggestions = 10

    static func register(_ app: Application, pages: any RoutesBuilder) {
        app.get(SiteURL.reportMap("").pattern, use: residentMap)
        pages.get(SiteURL.caseNewMap.pattern, use: staffMap)
        pages.get(SiteURL.caseNewAddresses().pattern, use: staffAddresses)
    }

    static func data(_ req: Request, name: String, units: [UnitRow], buildings: [BuildingRow]) -> ReportMapData {
        let settings = req.application.mapSettings
        return ReportMapData(
            name: name, boundaries: units.compactMap(\.boundary), buildings: buildings.map { .init(address: $0.address, lon: $0.lon, lat: $0.lat) },
            tiles: settings.tiles, attribution: settings.tileAttribution)
    }

    /// GET /r/{code}/map.json: the grid a QR code names, with its buildings.
    static func residentMap(req: Request) async throws -> ReportMapData {
        let grid = try await ResidentCaseController.grid(req)
        let buildings = try await PlaceRepository(req.db).buildings(inGrid: grid.id, limit: maxBuildings, in: .everything)
        return data(req, name: grid.name, units: [grid], buildings: buildings)
    }

    /// GET /cases/new/map.json: a grid worker's grid with its buildings; for a wider account, the
    /// grids of its area (buildings are then found by typing an address).
    static func staffMap(req: Request) async throws -> ReportMapData {
        let w = try req.requireCaseWorker()
        guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let units = UnitRepository(req.db)
        if let id = w.viewer.account.unitID, let own = try await units.find(id, in: w.viewer.scope), own.level == .grid {
            return data(req, name: own.name, units: [own], buildings: try await PlaceRepository(req.db).buildings(inGrid: own.id, limit: maxBuildings, in: w.viewer.scope))
        }
        let grids = try await units.all(in: w.viewer.scope, level: .grid)
        return data(req, name: "", units: Array(grids.prefix(maxBoundaries)), buildings: [])
    }

    /// GET /cases/new/addresses.json?q=…: buildings in the viewer's area whose address starts with,
    /// then contains, what was typed (at most 10).
    static func staffAddresses(req: Request) async throws -> [ReportMapData.Building] {
        let w = try req.requireCaseWorker()
        guard w.viewer.role.entersCases else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let q = (req.query[String.self, at: "q"] ?? "").trimmingSpaces()
        guard q.count >= 2 else { return [] }
        guard q.count <= 100 else { throw BadParameter("q", expected: L10n.t("param.expected.max_chars", 100)) }
        return try await PlaceRepository(req.db).buildings(addressLike: q, limit: maxSuggestions, in: w.viewer.scope)
            .map { .init(address: $0.address, lon: $0.lon, lat: $0.lat) }
    }
}

import Foundation
import Vapor

/// Where the map comes from: Leaflet from Debian's `libjs-leaflet` (served by Wangge under
/// /vendor/leaflet/, never copied into the repository), and optionally a tile server. With no
/// tiles configured the maps draw the grid's boundary and buildings alone, which is enough to drop
/// a pin; with `WANGGE_MAP_TILES` (an `{z}/{x}/{y}` URL template) they lie on the tiles, and the
/// tile server's origin is added to the pages' Content-Security-Policy for images.
struct MapSettings: Sendable {
    static let defaultLeafletDirectory = "/usr/share/javascript/leaflet"
    /// The files of Leaflet a page may load: the markers are drawn by our CSS, so no images.
    static let leafletFiles = ["leaflet.js": "application/javascript; charset=utf-8", "leaflet.css": "text/css; charset=utf-8"]

    var leafletDirectory: String
    var tiles: String?
    var tileAttribution: String?

    init(environment env: [String: String]) {
        leafletDirectory = env["WANGGE_LEAFLET_DIR"]?.trimmedOrNil ?? Self.defaultLeafletDirectory
        let template = env["WANGGE_MAP_TILES"]?.trimmedOrNil
        tiles = template.flatMap { Self.origin(of: $0) == nil ? nil : $0 }
        tileAttribution = env["WANGGE_MAP_ATTRIBUTION"]?.trimmedOrNil
    }

    /// `https://tiles.example.cn` of a tile URL template, or nil when it is not an http(s) URL.
    static func origin(of template: String) -> String? {
        let probe = template.replacingOccurrences(of: "{s}", with: "a").replacingOccurrences(of: "{z}", with: "0")
            .replacingOccurrences(of: "{x}", with: "0").replacingOccurrences(of: "{y}", with: "0")
        guard let url = URL(string: probe), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else { return nil }
        let port = url.port.map { ":\($0)" } ?? ""
        // {s} subdomains (a, b, c): allow the parent domain's subdomains.
        let allowed = template.contains("{s}") ? host.replacingOccurrences(of: "a.", with: "*.", options: .anchored) : host
        return "\(scheme)://\(allowed)\(port)"
    }

    var imageSources: String { tiles.flatMap(Self.origin).map { "'self' data: \($0)" } ?? "'self' data:" }

    var leafletInstalled: Bool { FileManager.default.fileExists(atPath: leafletDirectory + "/leaflet.js") }

    /// GET /vendor/leaflet/{file}: one of Leaflet's own files from the Debian package.
    /// Read once and kept (`FileBytes`): a Leaflet upgrade is served after the next restart.
    static func serveLeaflet(req: Request) throws -> Response {
        guard let name = req.parameters.get("name"), let type = leafletFiles[name],
            let bytes = FileBytes.shared.read(req.application.mapSettings.leafletDirectory + "/" + name)
        else { throw Abort(.notFound) }
        return FileBytes.response(bytes, type: type)
    }
}

struct MapSettingsKey: StorageKey { typealias Value = MapSettings }

extension Application {
    var mapSettings: MapSettings {
        get { storage[MapSettingsKey.self] ?? MapSettings(environment: [:]) }
        set { storage[MapSettingsKey.self] = newValue }
    }
}

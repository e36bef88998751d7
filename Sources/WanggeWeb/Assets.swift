import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Serves the CSS and JavaScript that ship inside the module (Assets/), with a long cache
/// lifetime; nothing else can be asked for by name. The files never change while the server runs,
/// so each is read from disk once and answered from memory after that, on the event loop (no task,
/// no disk read per request: a page pulls in three of them).
enum Assets {
    static let types = ["css": "text/css; charset=utf-8", "js": "application/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]

    /// Files already read, by name; a name that is no asset is never stored.
    private static let cache = NIOLockedValueBox<[String: ByteBuffer]>([:])

    static func serve(req: Request) throws -> Response {
        guard let name = req.parameters.get("name"), let (type, bytes) = file(name) else { throw Abort(.notFound) }
        return Response(status: .ok, headers: ["Content-Type": type, "Cache-Control": "public, max-age=86400"], body: .init(buffer: bytes))
    }

    /// An asset's type and bytes, nil when `name` names none.
    static func file(_ name: String) -> (type: String, bytes: ByteBuffer)? {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
            let ext = name.split(separator: ".").last.map(String.init), let type = types[ext]
        else { return nil }
        if let bytes = cache.withLockedValue({ $0[name] }) { return (type, bytes) }
        guard let url = Bundle.module.url(forResource: (name as NSString).deletingPathExtension, withExtension: ext),
            let data = FileManager.default.contents(atPath: url.path)
        else { return nil }
        let bytes = ByteBuffer(data: data)
        cache.withLockedValue { $0[name] = bytes }
        return (type, bytes)
    }

    /// GET /openapi.json and /openapi/open311.json: the API descriptions kept in Assets/ (checked
    /// against the registered routes by OpenAPITests, and exercised by schemathesis in CI). Public:
    /// they say what the API takes, never what it holds.
    static func openAPI(_ name: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json"), let data = FileManager.default.contents(atPath: url.path) else {
            throw Abort(.notFound)
        }
        return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=3600"], body: .init(data: data))
    }
}

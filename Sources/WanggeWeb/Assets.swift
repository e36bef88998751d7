import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Serves the CSS and JavaScript that ship inside the module (Assets/), with a long cache
/// lifetime; nothing else can be asked for by name. Answered on the event loop from memory
/// (`FileBytes`): no task and no disk read per request, and a page pulls in three of them.
enum Assets {
    static let types = ["css": "text/css; charset=utf-8", "js": "application/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]

    static func serve(req: Request) throws -> Response {
        guard let name = req.parameters.get("name"), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
            let ext = name.split(separator: ".").last.map(String.init), let type = types[ext],
            let url = Bundle.module.url(forResource: (name as NSString).deletingPathExtension, withExtension: ext),
            let bytes = FileBytes.shared.read(url.path)
        else { throw Abort(.notFound) }
        return FileBytes.response(bytes, type: type)
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

/// Files that do not change while the server runs (the module's assets, Debian's Leaflet), each
/// read from disk once and kept, by path. Only paths the callers have vetted are ever asked for,
/// so what it holds is bounded by the files that exist.
final class FileBytes: Sendable {
    static let shared = FileBytes()
    private let kept = NIOLockedValueBox<[String: ByteBuffer]>([:])

    /// The file's bytes; nil (and nothing kept) when it cannot be read.
    func read(_ path: String) -> ByteBuffer? {
        if let bytes = kept.withLockedValue({ $0[path] }) { return bytes }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = ByteBuffer(data: data)
        kept.withLockedValue { $0[path] = bytes }
        return bytes
    }

    /// 200 with the bytes, their type and a day's public caching.
    static func response(_ bytes: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: ["Content-Type": type, "Cache-Control": "public, max-age=86400"], body: .init(buffer: bytes))
    }
}

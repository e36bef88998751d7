import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeTestSupport
@testable import WanggeWeb

/// The API descriptions served at /openapi.json and /openapi/open311.json say exactly what the
/// server does: every registered API route is documented and every documented operation exists.
/// (Whether the answers keep to the schemas is schemathesis's job: Tests/Python/test_api_contract.py.)
@Suite("OpenAPI: the documents match the registered routes")
struct OpenAPITests {
    /// (method, path components) of every operation a document describes; `{x}` and `{x}.{y}` are templates.
    static func operations(_ document: [String: Any]) -> [(String, [String])] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return paths.flatMap { path, item in
            item.keys.filter { ["get", "put", "post", "patch", "delete"].contains($0) }.map { ($0.uppercased(), path.split(separator: "/").map(String.init)) }
        }
    }

    /// A documented path matches a route: constants equal; a templated segment (`{id}`, or
    /// `services.{format}`) only where the route takes a parameter.
    static func matches(_ documented: [String], _ route: [PathComponent]) -> Bool {
        guard documented.count == route.count else { return false }
        return zip(documented, route).allSatisfy { segment, component in
            switch component {
            case .constant(let c): c == segment
            case .parameter: segment.contains("{")
            default: false
            }
        }
    }

    static func document(_ app: Application, _ path: String) async throws -> [String: Any] {
        var b = Browser(app)
        let res = try await b.get(path)
        #expect(res.status == .ok && res.headers.contentType?.subType == "json", "\(path) is served as JSON")
        return try #require(try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any])
    }

    /// Every route of `prefix` is documented (exactly once when `once`), and every documented operation is a route.
    static func compare(_ app: Application, document path: String, prefix: String, once: Bool) async throws {
        let documented = Self.operations(try await Self.document(app, path))
        let routes = app.routes.all.filter { $0.path.first?.description == prefix }
        #expect(routes.count >= 6)
        for route in routes {
            let n = documented.filter { $0.0 == route.method.rawValue && Self.matches($0.1, route.path) }.count
            #expect(once ? n == 1 : n >= 1, "\(route.method.rawValue) /\(route.path.string) is documented \(n) times in \(path)")
        }
        for (method, documentedPath) in documented {
            #expect(routes.contains { $0.method.rawValue == method && Self.matches(documentedPath, $0.path) }, "\(method) /\(documentedPath.joined(separator: "/")) is documented but not a route")
        }
    }

    @Test("every /api/v1 route is in /openapi.json once with its method, and every documented operation is a route")
    func staffAPI() async throws {
        try await withApp(.sqlite, demo: false) { app in
            // validate
            let version = try await Self.document(app, SiteURL.openAPI.path)["openapi"] as? String
            #expect(version == "3.1.0")
            try await Self.compare(app, document: SiteURL.openAPI.path, prefix: "api", once: true)
        }
    }

    @Test("every /open311 route is in /openapi/open311.json, and every documented operation is answered by a route")
    func open311() async throws {
        try await withApp(.sqlite, demo: false) { app in
            // validate (`/open311/v2/:resource` answers several documented paths: services.json, requests.xml …)
            try await Self.compare(app, document: SiteURL.openAPIOpen311.path, prefix: "open311", once: false)
        }
    }
}

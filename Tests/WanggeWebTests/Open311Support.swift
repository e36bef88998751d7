import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
@testable import WanggeWeb

/// An Open311 client as the tests use it: plain HTTP, no cookies, form posts.
struct Open311Client {
    let app: Application

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(.GET, path, afterResponse: { result = $0 })
        return result
    }

    @discardableResult
    func post(_ path: String = "/open311/v2/requests.json", form: [String: String]) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(
            .POST, path,
            beforeRequest: { req in
                try req.content.encode(form, as: .urlEncodedForm)
            }, afterResponse: { result = $0 })
        return result
    }

    /// The body as a JSON array of objects (every Open311 list, and every error body).
    static func list(_ res: TestingHTTPResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8))) as? [[String: Any]] ?? []
    }

    static func object(_ res: TestingHTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8))) as? [String: Any] ?? [:]
    }
}

/// A small DOM over Foundation's XMLParser, enough to check Open311's documents.
final class XMLNode {
    let name: String
    var text = ""
    var children: [XMLNode] = []

    init(name: String) { self.name = name }

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    /// The text of a child element, nil when absent.
    subscript(_ name: String) -> String? { child(name)?.text }

    static func parse(_ text: String) -> XMLNode? {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        guard parser.parse() else { return nil }
        return builder.root
    }

    final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            let node = XMLNode(name: elementName)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

extension Open311Client {
    /// A point inside the grid worker's grid.
    static func pointInside(_ app: Application, username: String = "gridworker") async throws -> (grid: UnitRow, point: GeoPoint) {
        let account = try #require(try await AccountRepository(app.db).find(username: username))
        let unitID = try #require(account.unitID)
        let grid = try #require(try await UnitRepository(app.db).find(unitID, in: .everything))
        return (grid, try #require(grid.area?.interiorPoint))
    }

    static func caseCount(_ app: Application) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM cases").first()?.decode(column: "n", as: Int.self) ?? -1
    }
}

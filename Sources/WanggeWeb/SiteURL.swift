import Foundation
import Vapor

/// Every page address in one place: routes are registered from these and links are built from
/// them, so a renamed route cannot leave a dead link behind.
enum SiteURL {
    case home
    case login
    case account
    case logout
    case units
    case unit(UUID)
    case residents(query: String? = nil, page: Int = 1)
    case resident(UUID)
    case household(UUID)
    case coverage(unit: UUID? = nil)
    case importExport
    case export(kind: String, unit: UUID? = nil)
    case asset(String)
    case healthz

    var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .account: "/account"
        case .logout: "/logout"
        case .units: "/units"
        case .unit(let id): "/units/\(id.uuidString)"
        case .residents(let q, let page):
            "/residents" + Self.query(["q": q, "page": page > 1 ? String(page) : nil])
        case .resident(let id): "/residents/\(id.uuidString)"
        case .household(let id): "/households/\(id.uuidString)"
        case .coverage(let unit): "/coverage" + Self.query(["unit": unit?.uuidString])
        case .importExport: "/data"
        case .export(let kind, let unit): "/data/export/\(kind).csv" + Self.query(["unit": unit?.uuidString])
        case .asset(let name): "/assets/\(name)"
        case .healthz: "/healthz"
        }
    }

    /// The route pattern for registering this page (parameters become `:id`).
    var pattern: [PathComponent] {
        switch self {
        case .unit: ["units", ":id"]
        case .resident: ["residents", ":id"]
        case .household: ["households", ":id"]
        case .export: ["data", "export", ":file"]
        case .asset: ["assets", ":name"]
        default: path.split(separator: "?")[0].split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        }
    }

    static func query(_ items: KeyValuePairs<String, String?>) -> String {
        var c = URLComponents()
        c.queryItems = items.compactMap { k, v in v.map { URLQueryItem(name: k, value: $0) } }
        return (c.queryItems?.isEmpty ?? true) ? "" : "?" + (c.percentEncodedQuery ?? "")
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Open311 GeoReport v2 at /open311/v2/ (C1): discovery, services and their definitions, service
/// requests (GET a list with the standard filters, GET one, POST with an api_key) and tokens, in
/// JSON and XML. Reading is public, as Open311 expects; `Open311Repository` decides what the public
/// sees. Posting needs a key from `wangge apikey create --name NAME` and opens a case through
/// `CaseRepository.intake` on the `open311` channel.
///
/// A path segment with its extension (`services.json`) is one path component, so the routes take
/// a parameter and split the extension off (`Open311Format.split`).
enum Open311Controller {
    static let specification = "http://wiki.open311.org/GeoReport_v2"
    /// When this endpoint's behaviour last changed (discovery's `changeset`).
    static let changeset = "2026-11-27T00:00:00+08:00"

    static func register(_ app: Application) {
        let v2 = app.grouped("open311", "v2")
        v2.get(":resource", use: resource)
        v2.on(.POST, ":resource", body: .collect(maxSize: "1mb"), use: post)
        v2.get("services", ":id", use: serviceDefinition)
        v2.get("requests", ":id", use: request)
        v2.get("tokens", ":id", use: token)
        // The discovery file is also found one level up, where discovery clients look first.
        app.get("open311", ":resource", use: rootDiscovery)
    }

    // MARK: Top-level resources

    static func resource(req: Request) async throws -> Response {
        let (name, format) = try topLevel(req)
        try checkJurisdiction(req, sent: req.query[String.self, at: "jurisdiction_id"])
        switch name {
        case "discovery": return discovery(req, format: format)
        case "services": return try await services(req, format: format)
        case "requests": return try await requests(req, format: format)
        default: throw Open311Error(.notFound, "open311.no_such_resource")
        }
    }

    static func rootDiscovery(req: Request) async throws -> Response {
        let (name, format) = try topLevel(req)
        guard name == "discovery" else { throw Open311Error(.notFound, "open311.no_such_resource") }
        return discovery(req, format: format)
    }

    static func topLevel(_ req: Request) throws -> (String, Open311Format) {
        let (name, format, hadExtension) = Open311Format.split(req.parameters.get("resource") ?? "")
        guard hadExtension || !name.contains(".") else { throw Open311Error(.notFound, "open311.bad_format") }
        return (name, format)
    }

    /// `jurisdiction_id` is accepted and ignored, unless WANGGE_OPEN311_JURISDICTION names this
    /// endpoint's, in which case another value is refused.
    static func checkJurisdiction(_ req: Request, sent: String?) throws {
        guard let expected = req.application.open311.jurisdiction, let sent = sent?.trimmingSpaces().nilIfEmpty else { return }
        guard sent == expected else { throw Open311Error(.badRequest, "open311.bad_jurisdiction", sent) }
    }

    // MARK: Discovery

    static func discovery(_ req: Request, format: Open311Format) -> Response {
        let settings = req.application.open311
        let endpoint = Open311Node.record([
            Open311Field("specification", .text(specification)),
            Open311Field("url", .text(baseURL(req) + "/open311/v2")),
            Open311Field("changeset", .text(changeset)),
            Open311Field("type", .text("production")),
            Open311Field("formats", .list(item: "format", [.text("text/xml"), .text("application/json")])),
        ])
        let body = Open311Node.record([
            Open311Field("changeset", .text(changeset)),
            Open311Field("contact", .text(settings.contact ?? L10n.t("open311.contact"))),
            Open311Field("key_service", .text(L10n.t("open311.key_service"))),
            Open311Field("endpoints", .list(item: "endpoint", [endpoint])),
        ])
        return publicAnswer(Open311Document(root: "discovery", body: body), format: format)
    }

    /// The address clients reach us at, from the request (behind a trusted proxy, its forwarded headers).
    static func baseURL(_ req: Request) -> String {
        let trusted = req.policy.trustProxy
        let proto =
            (trusted ? req.headers.first(name: "X-Forwarded-Proto") : nil)
            ?? (req.application.secureCookies ? "https" : "http")
        let host = (trusted ? req.headers.first(name: "X-Forwarded-Host") : nil) ?? req.headers.first(name: .host) ?? "127.0.0.1"
        let safeHost = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) } && !host.isEmpty ? host : "127.0.0.1"
        return (proto == "https" ? "https" : "http") + "://" + safeHost
    }

    // MARK: Services

    static func services(_ req: Request, format: Open311Format) async throws -> Response {
        let services = try await Open311Repository(req.db).services()
        let body = Open311Node.list(
            item: "service",
            services.map { s in
                .record([
                    Open311Field("service_code", .text(s.code)),
                    Open311Field("service_name", .text(s.name)),
                    Open311Field("description", .text(description(of: s))),
                    Open311Field("metadata", .boolean(false)),
                    Open311Field("type", .text("realtime")),
                    Open311Field("keywords", .text([s.nameEn, s.group, s.groupEn].compactMap { $0 }.joined(separator: ", "))),
                    Open311Field("group", .text(s.group)),
                ])
            })
        return publicAnswer(Open311Document(root: "services", body: body), format: format)
    }

    static func description(of s: PublicService) -> String {
        L10n.t(
            "open311.service_description", s.name, s.department, hours(s.limits.respondHours), hours(s.limits.resolveHours),
            L10n.t(s.limits.counting == .working ? "case.counting.working" : "case.counting.clock"))
    }

    static func hours(_ h: Double) -> String { h == h.rounded() ? String(Int(h)) : String(h) }

    /// No category has attributes yet, so every definition has an empty list (and `metadata` is false).
    static func serviceDefinition(req: Request) async throws -> Response {
        let (code, format, _) = Open311Format.split(req.parameters.get("id") ?? "")
        try checkJurisdiction(req, sent: req.query[String.self, at: "jurisdiction_id"])
        guard code.count <= 100, try await Open311Repository(req.db).service(code) != nil else {
            throw Open311Error(.notFound, "open311.unknown_service", String(code.prefix(100)))
        }
        let body = Open311Node.record([
            Open311Field("service_code", .text(code)),
            Open311Field("attributes", .list(item: "attribute", [])),
        ])
        return publicAnswer(Open311Document(root: "service_definition", body: body), format: format)
    }

    // MARK: Tokens

    /// A token is the case's id; a service_request_id is accepted as its own token. Since requests
    /// are created synchronously, POST answers with the service_request_id and no token.
    static func token(req: Request) async throws -> Response {
        let (token, format, _) = Open311Format.split(req.parameters.get("id") ?? "")
        try checkJurisdiction(req, sent: req.query[String.self, at: "jurisdiction_id"])
        try await countRead(req)
        let repo = Open311Repository(req.db)
        let found = if let id = UUID(uuidString: token) { try await repo.request(caseID: id) } else { try await repo.request(id: token) }
        guard let found else { throw Open311Error(.notFound, "open311.unknown_token", String(token.prefix(100))) }
        let body = Open311Node.list(
            item: "request",
            [
                .record([
                    Open311Field("service_request_id", .text(found.serviceRequestID)),
                    Open311Field("token", .text(token)),
                ])
            ])
        return publicAnswer(Open311Document(root: "service_requests", body: body), format: format)
    }

    /// Public reads may be fetched by any web page (CORS); posting needs a key and is not opened up.
    static func publicAnswer(_ document: Open311Document, format: Open311Format) -> Response {
        let res = Open311Response.make(document, format: format)
        res.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        return res
    }
}

/// Deployment settings for Open311, read from the environment once.
struct Open311Settings: Sendable {
    /// WANGGE_OPEN311_JURISDICTION: when set, a different `jurisdiction_id` is refused.
    var jurisdiction: String?
    /// WANGGE_OPEN311_CONTACT: discovery's `contact` (who to ask about the API).
    var contact: String?
    /// WANGGE_OPEN311_READS_PER_MINUTE: public reads per client address per minute (default 600).
    var readsPerMinute = 600

    init(environment env: [String: String]) {
        if let n = env["WANGGE_OPEN311_READS_PER_MINUTE"].flatMap(Int.init), n > 0 { readsPerMinute = n }
        jurisdiction = env["WANGGE_OPEN311_JURISDICTION"].flatMap { $0.isEmpty ? nil : $0 }
        contact = env["WANGGE_OPEN311_CONTACT"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

struct Open311SettingsKey: StorageKey { typealias Value = Open311Settings }

extension Application {
    var open311: Open311Settings {
        // Set by `configure` from its environment; read on every Open311 request, so never rebuilt here from the process's.
        get { storage[Open311SettingsKey.self] ?? Open311Settings(environment: [:]) }
        set { storage[Open311SettingsKey.self] = newValue }
    }
}

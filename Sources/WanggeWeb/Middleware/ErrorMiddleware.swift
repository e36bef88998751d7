import Vapor
import WanggeCore
import WanggeStore

/// The body of every API error: what went wrong, in words a user can act on, and where.
struct APIError: Content {
    struct Body: Content {
        var code: String
        var message: String
        var field: String?
        var problems: [Problem]?
    }
    struct Problem: Content {
        var field: String?
        var row: Int?
        var column: String?
        var message: String
    }
    var error: Body
}

/// Turns every error into a clear answer: JSON under /api, an HTML page elsewhere. Storage and
/// validation errors keep their message and field; anything unexpected is logged and answered
/// with a generic 500 that leaks nothing.
struct WanggeErrorMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapErrorThrowing { error in try Self.answer(error, req) }
    }

    static func answer(_ error: any Error, _ req: Request) throws -> Response {
        var (status, body) = Self.describe(error, req: req)
        // A path that exists under other methods is 405 with Allow, not 404 (RFC 9110 §15.5.6).
        let allowed = status == .notFound && req.route == nil ? Self.allowedMethods(req) : []
        if !allowed.isEmpty {
            status = .methodNotAllowed
            body = APIError(error: .init(code: "http_405", message: L10n.t("error.method_not_allowed", req.method.rawValue), field: nil, problems: nil))
        }
        if status == .internalServerError {
            req.logger.report(error: error)
        }
        let res: Response
        if req.wantsJSON {
            res = Response(status: status)
            try res.content.encode(body, as: .json)
        } else {
            res = Layout.response(req, ErrorPage.render(status: status, error: body.error), title: L10n.t("error.title"), status: status)
        }
        if !allowed.isEmpty { res.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", ")) }
        if status == .serviceUnavailable { res.headers.replaceOrAdd(name: .retryAfter, value: String(Self.retryAfter)) }
        if let abort = error as? any AbortError {
            for (name, value) in abort.headers where name.lowercased() == "location" {
                res.headers.replaceOrAdd(name: name, value: value)
            }
        }
        return res
    }

    /// Seconds a client is asked to wait before sending a request again that found the database busy.
    static let retryAfter = 5

    static func describe(_ error: any Error, req: Request) -> (HTTPStatus, APIError) {
        switch error {
        case let e as StoreError:
            let status: HTTPStatus =
                switch e.kind {
                case .notFound: .notFound
                case .invalid: .unprocessableEntity
                case .conflict: .conflict
                }
            return (status, APIError(error: .init(code: e.key, message: e.message(), field: e.field, problems: nil)))
        case let e as ValidationFailure:
            let problems = e.problems.map { APIError.Problem(field: $0.field, row: nil, column: nil, message: $0.message()) }
            let summary = problems.map { "\($0.field.map { L10n.t("field.\($0)") } ?? ""): \($0.message)" }.joined(separator: "; ")
            return (.unprocessableEntity, APIError(error: .init(code: "validation", message: summary, field: e.problems.first?.field, problems: problems)))
        case let e as ImportFailure:
            let problems = e.problems.prefix(ImportFailure.shown).map { APIError.Problem(field: nil, row: $0.row, column: $0.column, message: $0.message) }
            return (.unprocessableEntity, APIError(error: .init(code: "import", message: L10n.t("import.failed", e.total), field: nil, problems: problems)))
        case let e as BadText:
            return (.badRequest, APIError(error: .init(code: "bad_text", message: e.reason, field: e.field, problems: nil)))
        case let e as BadParameter:
            return (.badRequest, APIError(error: .init(code: "bad_parameter", message: e.reason, field: e.field, problems: nil)))
        case let e as DecodingError:
            let (field, problem) = Self.describe(decoding: e)
            return (.badRequest, APIError(error: .init(code: "bad_request", message: L10n.t("api.bad_body", problem), field: field, problems: nil)))
        case let e as any AbortError:
            let reason = e.status == .notFound && e.reason == "Not Found" ? L10n.t("error.not_found", "page") : e.reason
            return (e.status, APIError(error: .init(code: "http_\(e.status.code)", message: reason, field: nil, problems: nil)))
        case let e where StoreSetup.isBusy(e):
            // Too busy to answer now, nothing written: say so and when to try again, not "internal error".
            req.logger.warning("busy: \(String(reflecting: e))")
            return (.serviceUnavailable, APIError(error: .init(code: "busy", message: L10n.t("error.busy", Self.retryAfter), field: nil, problems: nil)))
        default:
            return (.internalServerError, APIError(error: .init(code: "internal", message: L10n.t("error.internal"), field: nil, problems: nil)))
        }
    }

    /// What is wrong with a JSON body, and where, in the API's own names: the field path in
    /// snake_case with list positions (`changes[0].kind`), never Swift's property names.
    static func describe(decoding error: DecodingError) -> (field: String?, problem: String) {
        func name(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { out, key in
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + snakeCase(key.stringValue) }
            }
        }
        func located(_ field: String, _ problem: String) -> (String?, String) { field.isEmpty ? (nil, problem) : (field, "\(field): \(problem)") }
        switch error {
        case .keyNotFound(let key, let c): return located(name(c.codingPath + [key]), L10n.t("field.required"))
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return located(name(c.codingPath), L10n.t("api.wrong_type"))
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? (nil, L10n.t("api.not_json")) : located(name(c.codingPath), L10n.t("api.bad_value"))
        @unknown default: return (nil, L10n.t("api.not_json"))
        }
    }

    /// `clientId` → `client_id`: the body's own spelling of a key the decoder turned into camel case.
    static func snakeCase(_ key: String) -> String {
        var out = ""
        for (i, c) in key.enumerated() {
            if c.isUppercase, i > 0 { out += "_" }
            out += c.lowercased()
        }
        return out
    }

    /// The methods registered for the request's path, when its own method is not.
    static func allowedMethods(_ req: Request) -> [String] {
        let path = req.url.path.split(separator: "/").map(String.init)
        let methods = req.application.routes.all.filter { route in
            var i = 0
            for component in route.path {
                switch component {
                case .catchall: return true
                case .constant(let c): guard i < path.count, c == path[i] else { return false }
                case .parameter, .anything: guard i < path.count, !path[i].isEmpty else { return false }
                }
                i += 1
            }
            return i == path.count
        }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }
}

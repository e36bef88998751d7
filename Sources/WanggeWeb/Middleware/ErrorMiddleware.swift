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
struct WanggeErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let (status, body) = Self.describe(error, req: req)
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
            if let abort = error as? any AbortError {
                for (name, value) in abort.headers where name.lowercased() == "location" {
                    res.headers.replaceOrAdd(name: name, value: value)
                }
            }
            return res
        }
    }

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
            return (.badRequest, APIError(error: .init(code: "bad_request", message: L10n.t("api.bad_body", Self.describe(decoding: e)), field: nil, problems: nil)))
        case let e as any AbortError:
            let reason = e.status == .notFound && e.reason == "Not Found" ? L10n.t("error.not_found", "page") : e.reason
            return (e.status, APIError(error: .init(code: "http_\(e.status.code)", message: reason, field: nil, problems: nil)))
        default:
            return (.internalServerError, APIError(error: .init(code: "internal", message: L10n.t("error.internal"), field: nil, problems: nil)))
        }
    }

    static func describe(decoding error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let c): return "\(path(c).isEmpty ? "" : path(c) + ".")\(key.stringValue): \(L10n.t("field.required"))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c)): \(L10n.t("api.wrong_type"))"
        case .dataCorrupted(let c): return path(c).isEmpty ? L10n.t("api.not_json") : "\(path(c)): \(c.debugDescription)"
        @unknown default: return L10n.t("api.not_json")
        }
    }
}

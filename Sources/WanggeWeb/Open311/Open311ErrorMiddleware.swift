import Vapor
import WanggeCore
import WanggeStore

/// A refusal in Open311's terms: an HTTP status and a description a client developer can act on.
struct Open311Error: Error, Sendable {
    var status: HTTPStatus
    var description: String

    /// From a localisation key: Chinese first, then English, as the command line does.
    init(_ status: HTTPStatus, _ key: String, _ args: String...) {
        self.status = status
        description = Self.bilingual(key, args)
    }

    init(status: HTTPStatus, description: String) {
        self.status = status
        self.description = description
    }

    static func bilingual(_ key: String, _ args: [String]) -> String {
        L10n.both(key, args)
    }
}

/// Every error under /open311/ becomes Open311's error body — `[{"code", "description"}]` or
/// `<errors><error>…` in the format the path asked for — never the site's HTML error page.
/// It sits in the global chain so unknown paths and methods under /open311/ are answered in kind too.
struct Open311ErrorMiddleware: Middleware {
    static let prefix = "/open311/"

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard req.url.path.hasPrefix(Self.prefix) else { return next.respond(to: req) }
        return next.respond(to: req).flatMapErrorThrowing { error in
            let e = Self.describe(error)
            if e.status == .internalServerError { req.logger.report(error: error) }
            let res = Open311Response.errors([e], format: Open311Format.of(req))
            if e.status == .serviceUnavailable { res.headers.replaceOrAdd(name: .retryAfter, value: String(WanggeErrorMiddleware.retryAfter)) }
            return res
        }
    }

    static func describe(_ error: any Error) -> Open311Error {
        switch error {
        case let e as Open311Error:
            return e
        case let e as StoreError:
            let status: HTTPStatus =
                switch e.kind {
                case .invalid: .badRequest
                case .notFound: .notFound
                case .conflict: .conflict
                }
            return Open311Error(status: status, description: L10n.both(e.key, e.args))
        case is DecodingError:
            return Open311Error(.badRequest, "open311.bad_body")
        case let e as any AbortError:
            if e.status == .notFound { return Open311Error(.notFound, "open311.no_such_resource") }
            if e.status == .payloadTooLarge { return Open311Error(.payloadTooLarge, "open311.too_large") }
            if e.status == .unsupportedMediaType { return Open311Error(.badRequest, "open311.form_required") }
            return Open311Error(status: e.status, description: e.reason)
        case let e where StoreSetup.isBusy(e):
            return Open311Error(status: .serviceUnavailable, description: L10n.both("error.busy", [String(WanggeErrorMiddleware.retryAfter)]))
        default:
            return Open311Error(.internalServerError, "open311.internal")
        }
    }
}

/// Writes documents with the right content type.
enum Open311Response {
    static func make(_ document: Open311Document, format: Open311Format, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format.contentType)
        return Response(status: status, headers: headers, body: .init(string: document.render(format)))
    }

    static func errors(_ errors: [Open311Error], format: Open311Format) -> Response {
        let body = Open311Node.list(
            item: "error",
            errors.map {
                .record([Open311Field("code", .integer(Int($0.status.code))), Open311Field("description", .text($0.description))])
            })
        return make(Open311Document(root: "errors", body: body), format: format, status: errors.first?.status ?? .badRequest)
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Case photos over HTTP: reading a form with photos as it streams (reports and steps), and
/// serving one to staff whose scope holds its case. The checks (type by magic bytes, size, count) are
/// `CaseRepository.checkPhotos`; nothing here trusts the client's file name or content type.
enum CaseAttachmentController {
    /// The largest body a form with photos may post: 4 photos of 5 MB and the text around them.
    static let maxFormBody: ByteCount = "25mb"

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.caseAttachment(UUID(), file: UUID()).pattern, use: serve)
    }

    /// Reads a form with photos as it streams (`FormReader`; the route is registered with
    /// `body: .stream` and `streamsForm()`), checking the CSRF token when its field arrives — before
    /// any photo is read — and `admit` on every text field as it completes.
    static func readForm(_ req: Request, admit: (@Sendable (String, String) async throws -> Void)? = nil) async throws -> ReceivedForm {
        let form = try await FormReader.read(req, limits: .photoForm) { name, value in
            try CSRF.check(field: name, value: value, req)
            try await admit?(name, value)
        }
        try CSRF.requireChecked(req)
        return form
    }

    /// RFC 5987 attribute characters: everything else in a file name is percent-encoded, so a
    /// Chinese name reaches the browser intact and the header stays ASCII.
    static let nameCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func serve(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        guard let caseID = req.parameters.get("id", as: UUID.self), let fileID = req.parameters.get("file", as: UUID.self),
            let found = try await CaseController.repo(req).attachment(fileID, of: caseID, in: w.viewer.scope)
        else {
            throw StoreError.notFound("photo")
        }
        let etag = "\"\(found.row.sha256)\""
        var headers: HTTPHeaders = [
            "Content-Type": found.row.contentType,
            "Content-Disposition": "inline; filename*=UTF-8''\(found.row.originalName.addingPercentEncoding(withAllowedCharacters: nameCharacters) ?? "photo")",
            "X-Content-Type-Options": "nosniff",
            // A photo never changes under its id; the browser may keep it, shared caches may not.
            "Cache-Control": "private, max-age=86400",
            "ETag": etag,
        ]
        if req.headers.first(name: .ifNoneMatch) == etag {
            headers.remove(name: .contentType)
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }
}

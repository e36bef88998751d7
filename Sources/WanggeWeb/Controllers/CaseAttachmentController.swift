import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Case photos over HTTP: reading them out of a multipart form (reports and steps), and serving
/// one to staff whose scope holds its case. The checks (type by magic bytes, size, count) are
/// `CaseRepository.checkPhotos`; nothing here trusts the client's file name or content type.
enum CaseAttachmentController {
    /// The largest body a form with photos may post: 4 photos of 5 MB and the text around them.
    static let maxFormBody: ByteCount = "25mb"

    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.caseAttachment(UUID(), file: UUID()).pattern, use: serve)
    }

    struct Many: Content { var photos: [File]? }
    struct One: Content { var photos: File? }

    /// The photos a form sent (`photos[]`, or a single `photos`), leaving out the empty part a
    /// browser sends for a file input nobody used. A form that is not multipart has none.
    static func uploads(_ req: Request) -> [AttachmentUpload] {
        guard req.headers.contentType?.type == "multipart" else { return [] }
        let files = (try? req.content.decode(Many.self).photos) ?? (try? req.content.decode(One.self).photos).map { [$0] } ?? []
        return files.filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }
            .map { AttachmentUpload(name: $0.filename, bytes: Data($0.data.readableBytesView)) }
    }

    /// RFC 5987 attribute characters: everything else in a file name is percent-encoded, so a
    /// Chinese name reaches the browser intact and the header stays ASCII.
    static let nameCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func serve(req: Request) async throws -> Response {
        let w = try CaseController.requireWorker(req)
        guard let caseID = req.parameters.get("id", as: UUID.self), let fileID = req.parameters.get("file", as: UUID.self),
              let found = try await CaseController.repo(req).attachment(fileID, of: caseID, in: w.viewer.scope) else {
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

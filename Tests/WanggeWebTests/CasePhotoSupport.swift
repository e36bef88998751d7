import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// Files and a multipart form with several of them, for the photo, merge and replay tests.
enum PhotoFixture {
    /// A JPEG whole by its structure (the server inspects headers, not pixels), `size` long.
    static func jpeg(size: Int = 4096) -> [UInt8] { TestImages.jpeg(size: size) }

    static let png: [UInt8] = TestImages.png()
    static let text = Array("这不是图片，只是改了扩展名的文本。\n".utf8)

    struct File {
        var name: String
        var bytes: [UInt8]
        /// What the client claims; the server ignores it.
        var type = "image/jpeg"
    }

    static func count(_ app: Application, _ table: String) async throws -> Int { try await WebFixture.count(app, table) }
}

extension Browser {
    /// Posts a multipart form as a report or step form with photos does: every file as one
    /// `photos[]` part, the CSRF token, and the submission token of the last form shown (once).
    /// `method` `.running(port: 0)` sends it through a real server, where a large body streams.
    @discardableResult
    mutating func postPhotos(
        _ path: String, fields: [String: String], photos: [PhotoFixture.File],
        method: Application.Method = .inMemory
    ) async throws -> TestingHTTPResponse {
        var all = fields
        if all[ReportSubmission.field] == nil && !submission.isEmpty { all[ReportSubmission.field] = submission }
        return try await multipart(path, fields: all, files: photos.map { ("photos[]", $0.name, $0.type, $0.bytes) }, method: method)
    }

    /// Posts a multipart form with the CSRF token (unless left out) and any number of files.
    @discardableResult
    mutating func multipart(
        _ path: String, fields: [String: String], files: [(field: String, filename: String, type: String, bytes: [UInt8])],
        csrf include: Bool = true, method: Application.Method = .inMemory, headers: [String: String] = [:]
    ) async throws -> TestingHTTPResponse {
        let boundary = "----wangge-test-\(UUID().uuidString)"
        var all = fields
        if include { all[CSRF.field] = csrf }
        var body: [UInt8] = []
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var result: TestingHTTPResponse!
        let cookie = self.cookie
        let bytes = body
        try await app.testing(method: method).test(
            .POST, path,
            beforeRequest: { req in
                if !cookie.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
                req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                for (name, value) in headers { req.headers.replaceOrAdd(name: name, value: value) }
                req.body = ByteBuffer(bytes: bytes)
            }, afterResponse: { res in result = res })
        remember(result)
        return result
    }
}

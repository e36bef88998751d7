#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Vapor
import WanggeCore
import WanggeStore

/// A form as received: its text fields in order and its files.
struct ReceivedForm: Sendable {
    struct FilePart: Sendable {
        var field: String
        var name: String
        var bytes: Data
        /// Where the file was spooled (`FormLimits.spoolFiles`; `bytes` is then empty). The caller removes it.
        var path: String? = nil
    }

    var fields: [(String, String)] = []
    var files: [FilePart] = []

    func value(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    /// The photos sent under `photos` or `photos[]`, leaving out the empty part a browser sends for
    /// a file input nobody used.
    var photos: [AttachmentUpload] {
        files.filter { ($0.field == "photos" || $0.field == "photos[]") && !($0.name.isEmpty && $0.bytes.isEmpty) }
            .map { AttachmentUpload(name: $0.name, bytes: $0.bytes) }
    }

    /// The text fields decoded into a form struct, as Vapor would decode a url-encoded body.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        var parts = URLComponents()
        parts.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves `+` alone; a url-encoded decoder reads it as a space.
        let encoded = (parts.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try URLEncodedFormDecoder().decode(T.self, from: encoded)
    }
}

/// What a streamed form may hold. Anything beyond is refused as soon as it is seen, before the
/// rest of the body is read.
struct FormLimits: Sendable {
    var maxBody: Int
    var maxFiles = PhotoRules.maxCount
    var maxFileBytes = PhotoRules.maxBytes
    var maxFieldBytes = 64 * 1024
    var maxParts = 64
    /// Files go to temporary files as they arrive instead of memory (an import of 90 MB).
    var spoolFiles = false

    static let photoForm = FormLimits(maxBody: CaseAttachmentController.maxFormBody.value)
}

/// Reads a form body as it arrives — for routes registered with `body: .stream` (see
/// `Route.streamsForm`) — so that a bad post is refused after its first bytes, not after 25 MB:
///
/// - the declared length is checked before anything is read (413);
/// - each text field is handed to `admit` the moment it is complete, so the CSRF token, a filled
///   honeypot or any other check can stop the request before the photos that follow it are read
///   (browsers send fields in the order of the page);
/// - every part is bounded as it grows; nothing larger than the limits is ever buffered.
///
/// Multipart boundaries are found with `memchr` and `memcmp` over the received bytes, so reading costs about
/// as much as copying them, and it runs in the request's task, off the event loops that answer
/// other requests.
enum FormReader {
    static func read(_ req: Request, limits: FormLimits, admit: @escaping @Sendable (String, String) async throws -> Void) async throws -> ReceivedForm {
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limits.maxBody {
            throw Abort(.payloadTooLarge, reason: L10n.t("form.too_large", limits.maxBody / 1024 / 1024))
        }
        guard let type = req.headers.contentType else { return ReceivedForm() }
        if type.type == "multipart", type.subType == "form-data", let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 {
            var parser = MultipartScanner(boundary: boundary, limits: limits)
            var received = 0
            var body = req.body.makeAsyncIterator()
            do {
                while let chunk = try await body.next() {
                    received += chunk.readableBytes
                    guard received <= limits.maxBody else { throw Abort(.payloadTooLarge, reason: L10n.t("form.too_large", limits.maxBody / 1024 / 1024)) }
                    for field in try parser.feed(chunk.readableBytesView) {
                        try TextInputGuard.check(field.0, field.1)
                        try await admit(field.0, field.1)
                    }
                    if parser.finished { break }
                }
            } catch {
                // Refused part-way: the rest of the body is read and dropped unparsed (cheap: no copy, no
                // search), so the client, still sending, gets to read the answer instead of hanging. Past
                // the limit it is left unread.
                parser.discardSpooled()
                var dropped = received
                while dropped <= limits.maxBody, let chunk = try? await body.next() { dropped += chunk.readableBytes }
                throw error
            }
            guard parser.finished else {
                parser.discardSpooled()
                throw Abort(.badRequest, reason: L10n.t("form.truncated"))
            }
            return parser.form
        }
        if type == .urlEncodedForm {
            var body = ByteBuffer()
            for try await var chunk in req.body {
                guard body.readableBytes + chunk.readableBytes <= min(limits.maxBody, 1 << 20) else {
                    throw Abort(.payloadTooLarge, reason: L10n.t("form.too_large", 1))
                }
                body.writeBuffer(&chunk)
            }
            var form = ReceivedForm()
            for field in URLEncoded.pairs(String(decoding: body.readableBytesView, as: UTF8.self)) {
                guard form.fields.count < limits.maxParts else { throw Abort(.badRequest, reason: L10n.t("form.too_many_parts")) }
                try TextInputGuard.check(field.0, field.1)
                try await admit(field.0, field.1)
                form.fields.append(field)
            }
            return form
        }
        throw Abort(.unsupportedMediaType, reason: L10n.t("api.content_type"))
    }
}

/// An incremental multipart/form-data parser (RFC 7578): feed it the body in pieces of any size;
/// it returns the text fields completed by each piece and keeps files in `form`.
struct MultipartScanner {
    enum State { case preamble, headers, body, done }

    let delimiter: [UInt8]  // "\r\n--" + boundary
    let limits: FormLimits
    var state = State.preamble
    var buffer: [UInt8] = []
    var form = ReceivedForm()
    var current: (field: String, filename: String?)?
    var part: [UInt8] = []
    var parts = 0
    /// The file part being spooled, and its size so far.
    var spool: (path: String, handle: FileHandle)?
    var spooled = 0

    init(boundary: String, limits: FormLimits) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.limits = limits
        // The body starts with the boundary line itself (no CRLF before it): pretend one was there.
        buffer = [13, 10]
    }

    var finished: Bool { state == .done }

    mutating func feed<C: Collection>(_ bytes: C) throws -> [(String, String)] where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var completed: [(String, String)] = []
        var start = 0
        defer { if start > 0 { buffer.removeFirst(start) } }
        loop: while true {
            switch state {
            case .done:
                break loop
            case .preamble:
                guard let at = find(delimiter, from: start) else {
                    // Keep only what could still begin a delimiter.
                    start = max(start, buffer.count - delimiter.count)
                    break loop
                }
                start = at + delimiter.count
                state = .headers
            case .headers:
                // After a delimiter: "--" ends the body, CRLF starts a part's headers.
                guard buffer.count - start >= 2 else { break loop }
                if buffer[start] == 45 && buffer[start + 1] == 45 { state = .done; start = buffer.count; break loop }
                guard let end = find([13, 10, 13, 10], from: start) else {
                    guard buffer.count - start <= 8 * 1024 else { throw Abort(.badRequest, reason: L10n.t("form.bad_part")) }
                    break loop
                }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 4
                parts += 1
                guard parts <= limits.maxParts else { throw Abort(.badRequest, reason: L10n.t("form.too_many_parts")) }
                current = try Self.disposition(text)
                part = []
                if limits.spoolFiles, current?.filename != nil {
                    let path = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-upload-\(UUID().uuidString)").path
                    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                        throw Abort(.internalServerError, reason: L10n.t("error.internal"))
                    }
                    spool = (path, handle)
                    spooled = 0
                }
                state = .body
            case .body:
                if let at = find(delimiter, from: start) {
                    try append(buffer[start..<at])
                    start = at + delimiter.count
                    if let field = try finishPart() { completed.append(field) }
                    state = .headers
                } else {
                    // Everything but a possible partial delimiter at the end belongs to the part.
                    let safe = max(start, buffer.count - delimiter.count + 1)
                    try append(buffer[start..<safe])
                    start = safe
                    break loop
                }
            }
        }
        return completed
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) throws {
        guard !bytes.isEmpty, let current else { return }
        let limit = current.filename != nil ? limits.maxFileBytes : limits.maxFieldBytes
        guard part.count + bytes.count <= limit else {
            if let name = current.filename {
                throw StoreError(.invalid, "case.photo.too_large", [PhotoRules.cleanName(name), String(limits.maxFileBytes / 1024 / 1024)], field: "photos")
            }
            throw Abort(.payloadTooLarge, reason: L10n.t("form.field_too_large", current.field))
        }
        if let spool {
            guard spooled + bytes.count <= limit else { throw Abort(.payloadTooLarge, reason: L10n.t("form.too_large", limit / 1024 / 1024)) }
            try spool.handle.write(contentsOf: bytes)
            spooled += bytes.count
            return
        }
        part.append(contentsOf: bytes)
    }

    /// Removes every spooled file (the form was refused part-way).
    mutating func discardSpooled() {
        if let spool {
            try? spool.handle.close()
            try? FileManager.default.removeItem(atPath: spool.path)
            self.spool = nil
        }
        for path in form.files.compactMap(\.path) { try? FileManager.default.removeItem(atPath: path) }
    }

    mutating func finishPart() throws -> (String, String)? {
        defer { current = nil; part = [] }
        guard let current else { return nil }
        if let filename = current.filename {
            if let spool {
                try? spool.handle.close()
                self.spool = nil
                guard !(filename.isEmpty && spooled == 0) else {
                    try? FileManager.default.removeItem(atPath: spool.path)
                    return nil
                }
                form.files.append(.init(field: current.field, name: filename, bytes: Data(), path: spool.path))
                guard form.files.count <= limits.maxFiles else { throw Abort(.badRequest, reason: L10n.t("form.too_many_parts")) }
                return nil
            }
            // A file input nobody used still sends an empty part; it is not a file.
            guard !(filename.isEmpty && part.isEmpty) else { return nil }
            form.files.append(.init(field: current.field, name: filename, bytes: Data(part)))
            guard form.files.count <= limits.maxFiles else {
                throw StoreError(.invalid, "case.photo.too_many", [String(limits.maxFiles), String(form.files.count)], field: "photos")
            }
            return nil
        }
        let value = String(decoding: part, as: UTF8.self)
        form.fields.append((current.field, value))
        return (current.field, value)
    }

    /// The field name and file name of a part's `Content-Disposition: form-data; name="…"; filename="…"`.
    static func disposition(_ headers: String) throws -> (field: String, filename: String?) {
        for line in headers.split(separator: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            var name: String?, filename: String?
            for param in parameters(String(pieces[1])) {
                if param.0 == "name" { name = param.1 } else if param.0 == "filename" { filename = param.1 }
            }
            guard let name else { break }
            return (name, filename)
        }
        throw Abort(.badRequest, reason: L10n.t("form.bad_part"))
    }

    /// `form-data; name="a"; filename="b c.jpg"` → [("name", "a"), ("filename", "b c.jpg")], quotes and `\"` undone.
    static func parameters(_ s: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var chars = Substring(s)
        while let semi = chars.firstIndex(of: ";") {
            chars = chars[chars.index(after: semi)...].drop { $0 == " " || $0 == "\t" }
            guard let eq = chars.firstIndex(of: "=") else { break }
            let key = chars[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var rest = chars[chars.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for i in rest.indices {
                    let c = rest[i]
                    if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { end = i; break } else { value.append(c) }
                }
                chars = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                chars = rest[end...]
            }
            out.append((key, value))
        }
        return out
    }

    func find(_ needle: [UInt8], from: Int) -> Int? {
        guard buffer.count - from >= needle.count else { return nil }
        return buffer.withUnsafeBytes { hay in
            needle.withUnsafeBytes { n in
                guard let base = hay.baseAddress, let first = n.first, let needleBase = n.baseAddress else { return nil }
                // memchr for the first byte, memcmp for the rest: C speed even in a debug build.
                var at = from
                let last = hay.count - n.count
                while at <= last {
                    guard let hit = memchr(base + at, Int32(first), last - at + 1) else { return nil }
                    let i = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + i, needleBase, n.count) == 0 { return i }
                    at = i + 1
                }
                return nil
            }
        }
    }
}

extension Route {
    /// Marks a route whose handler reads its form with `FormReader` (and so checks the CSRF token
    /// itself, from the streamed fields): `CSRFMiddleware` leaves its body unread.
    @discardableResult
    func streamsForm() -> Route {
        userInfo["streams_form"] = true
        return self
    }

    var isStreamedForm: Bool { userInfo["streams_form"] as? Bool == true }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The import/export page: upload a CSV or GeoJSON file, see every problem with row and column,
/// or download the register as CSV that Excel opens.
enum DataController {
    /// The largest file the page takes: 1.2 million residents as Excel saves them are about 90 MB.
    static let maxUpload = 256 * 1024 * 1024

    /// The form's fields beside the file.
    struct Upload: Decodable {
        var kind: String
        var empty_clears: String?
        var dry_run: String?
        var accept_gaps: String?

        func options(_ role: Role) -> ImportOptions {
            ImportOptions(
                emptyClears: empty_clears?.trimmedOrNil != nil, dryRun: dry_run?.trimmedOrNil != nil, seesSensitiveTags: role.seesSensitiveTags,
                acceptGaps: accept_gaps?.trimmedOrNil != nil)
        }
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let notice = req.session.data[SessionKeys.notice]
        req.session.data[SessionKeys.notice] = nil
        return Layout.response(
            req,
            DataPage.render(
                csrf: CSRF.token(req), canImport: v.role.editsRegister, result: nil, failure: nil,
                batches: v.role.editsRegister ? try await batches(req, v) : [], notice: notice),
            title: L10n.t("data.title"))
    }

    /// The viewer's own recent imports (the district administrator's: everyone's).
    static func batches(_ req: Request, _ v: Viewer) async throws -> [ImportBatchRow] {
        try await ImportBatches(req.db).recent(account: v.role == .sysAdmin && v.scope.coversDistrict ? nil : v.account.id)
    }

    /// POST /data/batches/{id}/undo: rolls an import back as a whole (see `ImportBatches.rollback`), audited.
    static func undo(req: Request) async throws -> Response {
        let v = try req.requireRegisterEditor()
        let id = try req.id()
        guard let batch = try await ImportBatches(req.db).find(id), try await batches(req, v).contains(where: { $0.id == id }) || v.role == .sysAdmin
        else { throw StoreError.notFound("import_batch") }
        do {
            let restored = try await req.audited("import.undo", object: "import_batch") { db in
                try await ImportBatches(db).rollback(id, in: v.scope, by: v.account.username, at: req.now)
            } entry: { restored in
                (id.uuidString, AuditDetail(["kind": batch.kind, "rows": "\(restored)"]).text)
            }
            req.session.data[SessionKeys.notice] = L10n.t("import.undo.done", restored)
        } catch let e as StoreError where e.kind == .conflict {
            try await req.audit("import.undo", object: "import_batch", id.uuidString, detail: AuditDetail(["reason": e.key]).text, outcome: "refused")
            req.session.data[SessionKeys.notice] = e.message()
        }
        return req.redirect(to: SiteURL.importExport.path, redirectType: .normal)
    }

    /// POST /data: the upload is read as it streams (`FormReader`, CSRF checked when its field
    /// arrives) and the file spooled to a temporary file, which the importer streams in turn — so a
    /// 90 MB file costs a block of memory, not 90 MB. With `X-Import-Progress: 1` (the page's
    /// script) the answer streams too: a JSON line of rows done and rows expected twice a second,
    /// then the result (see `streamed`); without script the page comes back as usual.
    static func upload(req: Request) async throws -> Response {
        let v = try req.requireRegisterEditor()
        let limits = FormLimits(maxBody: maxUpload + 64 * 1024, maxFiles: 1, maxFileBytes: maxUpload, spoolFiles: true)
        let form = try await FormReader.read(req, limits: limits) { name, value in try CSRF.check(field: name, value: value, req) }
        let spooled = form.files.compactMap(\.path)
        let cleanUp = { @Sendable in for path in spooled { try? FileManager.default.removeItem(atPath: path) } }
        do {
            try CSRF.requireChecked(req)
            guard let path = form.files.first(where: { $0.field == "file" })?.path else { throw Abort(.badRequest, reason: L10n.t("import.no_upload")) }
            let upload = try form.decode(Upload.self)
            let kind = try ImportKind.parse(upload.kind)
            let options = upload.options(v.role)
            if req.headers.first(name: "X-Import-Progress") == "1" {
                return streamed { report in
                    defer { cleanUp() }
                    return try await perform(req, v, kind, .file(path), options, progress: report)
                }
            }
            defer { cleanUp() }
            let (page, status) = try await perform(req, v, kind, .file(path), options) { _, _ in }
            return Layout.response(req, page, title: L10n.t("data.title"), status: status)
        } catch {
            cleanUp()
            throw error
        }
    }

    /// Runs the import and renders what the page shows of it: the result, or the refusal with its
    /// problems (422).
    static func perform(
        _ req: Request, _ v: Viewer, _ kind: ImportKind, _ source: ImportSource, _ options: ImportOptions,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> (HTML, HTTPStatus) {
        do {
            let actor = ImportActor(accountID: v.account.id, name: v.account.username)
            let result = try await req.auditedImport(kind, via: "page") { audit in
                try await RegisterImporter(req.db, cipher: req.keys.cipher).run(
                    kind, from: source, in: v.scope, options: options, actor: actor, audit: audit, progress: progress)
            }
            req.logger.info("import", metadata: ["kind": .string(kind.rawValue), "inserted": .stringConvertible(result.inserted), "updated": .stringConvertible(result.updated), "by": .string(v.account.username)])
            return (DataPage.render(csrf: CSRF.token(req), canImport: true, result: result, failure: nil, batches: try await batches(req, v)), .ok)
        } catch let failure as ImportFailure {
            let report = try await ImportReports(req.db).save(failure, account: v.account.id, now: req.now)
            return (DataPage.render(csrf: CSRF.token(req), canImport: true, result: nil, failure: failure, report: report), .unprocessableEntity)
        }
    }

    /// The import's answer as JSON lines while it runs, for the page's progress bar: `{"done":…,"total":…}`
    /// at most twice a second, then `{"status":…,"main":"…"}` with the page's content (or `{"status":…,"error":"…"}`).
    /// A line is only ever news: a client that goes away stops nothing, and the import still
    /// commits or rolls back as a whole.
    /// The newest (rows done, rows expected), taken by the ticker that sends it.
    final class LatestCount: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Int, Int)?

        func set(_ done: Int, _ total: Int) { lock.withLock { value = (done, total) } }

        func take() -> (Int, Int)? {
            lock.withLock {
                defer { value = nil }
                return value
            }
        }
    }

    struct ProgressLine: Encodable {
        var done: Int?
        var total: Int?
        var status: Int?
        var main: String?
        var error: String?
    }

    static func streamed(_ run: @escaping @Sendable (@escaping @Sendable (Int, Int) -> Void) async throws -> (HTML, HTTPStatus)) -> Response {
        let headers: HTTPHeaders = ["Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no"]
        return Response(
            status: .ok, headers: headers,
            body: .init(managedAsyncStream: { writer in
                let latest = LatestCount()
                func send(_ line: ProgressLine) async {
                    guard let data = try? JSONEncoder().encode(line) else { return }
                    try? await writer.writeBuffer(ByteBuffer(data: data + Data("\n".utf8)))
                }
                let ticker = Task {
                    while !Task.isCancelled {
                        if let (done, total) = latest.take() {
                            await send(ProgressLine(done: done, total: total))
                        }
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                }
                let outcome: ProgressLine
                do {
                    let (page, status) = try await run { done, total in latest.set(done, total) }
                    outcome = ProgressLine(status: Int(status.code), main: page.description)
                } catch {
                    let status = (error as? any AbortError)?.status ?? (error as? StoreError).map { _ in HTTPStatus.unprocessableEntity } ?? .internalServerError
                    let message = (error as? StoreError)?.message() ?? (error as? any AbortError)?.reason ?? L10n.t("error.internal")
                    outcome = ProgressLine(status: Int(status.code), error: message)
                }
                ticker.cancel()
                _ = await ticker.value
                // The last count too, which a quick import finishes before the first tick.
                if let (done, total) = latest.take() { await send(ProgressLine(done: done, total: total)) }
                await send(outcome)
            }))
    }

    /// GET /data/problems/{id}.csv: the whole problem list of the viewer's own refused import.
    static func problems(req: Request) async throws -> Response {
        let v = try req.requireRegisterEditor()
        guard let file = req.parameters.get("file"), file.hasSuffix(".csv"), let id = UUID(uuidString: String(file.dropLast(4))),
            let data = try await ImportReports(req.db).csv(id, account: v.account.id, now: req.now)
        else { throw StoreError.notFound("import_report") }
        return csvResponse(data, name: "import-problems.csv")
    }

    static func export(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        guard let file = req.parameters.get("file"), file.hasSuffix(".csv"), let kind = ImportKind(rawValue: String(file.dropLast(4))), kind != .boundaries else {
            throw StoreError.notFound("export")
        }
        var scope = v.scope
        if let unit = req.query[UUID.self, at: "unit"] { scope = .subtree(of: try await UnitRepository(req.db).get(unit, in: v.scope)) }
        let unit = req.query[UUID.self, at: "unit"]?.uuidString
        return try await streamedCSV(req, kind, in: scope, role: v.role, reveal: false) { rows in
            try await req.audit("export", object: "register", kind.rawValue, detail: exportDetail(rows: rows, unit: unit, unmasked: false, via: "page"))
        }
    }

    /// A register export as a download. Households and residents are streamed a page at a time (a
    /// district's million residents never sit in the server's memory); `audit` is written first, with
    /// the rows counted, so nothing leaves before its entry. Buildings are few and built whole.
    static func streamedCSV(
        _ req: Request, _ kind: ImportKind, in scope: Scope, role: Role, reveal: Bool, audit: (Int) async throws -> Void
    ) async throws -> Response {
        let exporter = RegisterExporter(req.db, cipher: req.keys.cipher)
        guard let rows = try await exporter.count(kind, in: scope) else {
            let data = try await exporter.csv(kind, in: scope, role: role, reveal: reveal)
            try await audit(rowCount(data))
            return csvResponse(data, name: "\(kind.rawValue).csv")
        }
        try await audit(rows)
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                _ = try await exporter.stream(kind, in: scope, role: role, reveal: reveal) { chunk in
                    try await writer.write(.buffer(ByteBuffer(string: chunk)))
                }
                try await writer.write(.end)
            } catch {
                // The headers are gone: the download ends short, and the log says why.
                logger.error("export of \(kind.rawValue) stopped: \(String(describing: error))")
                try await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: csvHeaders(name: "\(kind.rawValue).csv"), body: body)
    }

    /// What an export's audit entry says: how many rows, of which part of the tree, and whether
    /// ID numbers and phones went out unmasked.
    static func exportDetail(rows: Int?, unit: String?, unmasked: Bool, via: String) -> String {
        AuditDetail(["rows": rows.map(String.init), "unit": unit, "unmasked": unmasked ? "yes" : "no", "via": via]).text
    }

    /// Data rows of a CSV export: rows end in CRLF and no register field holds a line break, so lines are rows.
    static func rowCount(_ csv: Data) -> Int { max(0, csv.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } - 1) }

    static func csvResponse(_ data: Data, name: String) -> Response {
        Response(status: .ok, headers: csvHeaders(name: name), body: .init(data: data))
    }

    static func csvHeaders(name: String) -> HTTPHeaders {
        ["Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(name)\""]
    }
}

extension Request {
    /// Runs an import with its audit entry: the entry of an import that went through (its counts)
    /// commits in the import's own transaction; a refused import writes nothing, and its entry
    /// (the number of problems or the reason) is appended before the error is passed on.
    func auditedImport(_ kind: ImportKind, via: String, _ run: (ImportAudit) async throws -> ImportResult) async throws -> ImportResult {
        let base = auditEntry("import", object: "register", kind.rawValue)
        let audit = ImportAudit(chain: keys.audit) { result in
            var e = base
            e.detail = Self.importDetail(result, via: via)
            return e
        }
        do {
            return try await run(audit)
        } catch {
            let (detail, outcome): ([String: String], String) =
                switch error {
                case let f as ImportFailure: (["problems": "\(f.total)"], "refused")
                case let e as StoreError: (["reason": e.key], "refused")
                case let e as ValidationFailure: (["problems": "\(e.problems.count)"], "refused")
                default: ([:], "failed")
                }
            try await self.audit(
                "import", object: "register", kind.rawValue,
                detail: AuditDetail(["problems": detail["problems"], "reason": detail["reason"], "via": via]).text, outcome: outcome)
            throw error
        }
    }

    /// What an import's audit entry says of it: the counts, the encoding, the batch and the way it came.
    static func importDetail(_ result: ImportResult, via: String, unit: String? = nil) -> String {
        AuditDetail([
            "inserted": "\(result.inserted)", "updated": "\(result.updated)", "unchanged": "\(result.unchanged)", "encoding": result.encoding,
            "dry_run": result.dryRun ? "yes" : nil, "batch": result.batch?.uuidString, "unit": unit, "via": via,
        ]).text
    }
}

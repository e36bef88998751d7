import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The import/export page: upload a CSV or GeoJSON file, see every problem with row and column,
/// or download the register as CSV that Excel opens.
enum DataController {
    struct Upload: Content {
        var kind: String
        var file: File
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
            let restored = try await ImportBatches(req.db).rollback(id, in: v.scope, by: v.account.username, at: req.now)
            try await req.audit("import.undo", object: "import_batch", id.uuidString, detail: AuditDetail(["kind": batch.kind, "rows": "\(restored)"]).text)
            req.session.data[SessionKeys.notice] = L10n.t("import.undo.done", restored)
        } catch let e as StoreError where e.kind == .conflict {
            try await req.audit("import.undo", object: "import_batch", id.uuidString, detail: AuditDetail(["reason": e.key]).text, outcome: "refused")
            req.session.data[SessionKeys.notice] = e.message()
        }
        return req.redirect(to: SiteURL.importExport.path, redirectType: .normal)
    }

    static func upload(req: Request) async throws -> Response {
        let v = try req.requireRegisterEditor()
        let upload = try req.content.decode(Upload.self)
        let kind = try ImportKind.parse(upload.kind)
        let bytes = Array(upload.file.data.readableBytesView)
        do {
            let options = upload.options(v.role)
            let actor = ImportActor(accountID: v.account.id, name: v.account.username)
            let result = try await req.auditedImport(kind, via: "page") {
                try await RegisterImporter(req.db, cipher: req.keys.cipher).run(kind, bytes: bytes, in: v.scope, options: options, actor: actor)
            }
            req.logger.info("import", metadata: ["kind": .string(kind.rawValue), "inserted": .stringConvertible(result.inserted), "updated": .stringConvertible(result.updated), "by": .string(v.account.username)])
            return Layout.response(
                req, DataPage.render(csrf: CSRF.token(req), canImport: true, result: result, failure: nil, batches: try await batches(req, v)),
                title: L10n.t("data.title"))
        } catch let failure as ImportFailure {
            let report = try await ImportReports(req.db).save(failure, account: v.account.id, now: req.now)
            let res = Layout.response(
                req, DataPage.render(csrf: CSRF.token(req), canImport: true, result: nil, failure: failure, report: report), title: L10n.t("data.title"))
            res.status = .unprocessableEntity
            return res
        }
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
        let data = try await RegisterExporter(req.db, cipher: req.keys.cipher).csv(kind, in: scope, role: v.role, reveal: false)
        try await req.audit("export", object: "register", kind.rawValue, detail: exportDetail(data, unit: req.query[UUID.self, at: "unit"]?.uuidString, unmasked: false, via: "page"))
        return csvResponse(data, name: "\(kind.rawValue).csv")
    }

    /// What an export's audit entry says: how many rows, of which part of the tree, and whether
    /// ID numbers and phones went out unmasked.
    static func exportDetail(_ csv: Data?, unit: String?, unmasked: Bool, via: String) -> String {
        AuditDetail(["rows": csv.map { String(rowCount($0)) }, "unit": unit, "unmasked": unmasked ? "yes" : "no", "via": via]).text
    }

    /// Data rows of a CSV export: rows end in CRLF and no register field holds a line break, so lines are rows.
    static func rowCount(_ csv: Data) -> Int { max(0, csv.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } - 1) }

    static func csvResponse(_ data: Data, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"\(name)\"",
            ], body: .init(data: data))
    }
}

extension Request {
    /// Runs an import and records it in the audit log with its counts — or, when it is refused,
    /// with the number of problems — before passing the result or the error on.
    func auditedImport(_ kind: ImportKind, via: String, _ run: () async throws -> ImportResult) async throws -> ImportResult {
        let result: ImportResult
        do {
            result = try await run()
        } catch {
            let (detail, outcome): ([String: String], String) =
                switch error {
                case let f as ImportFailure: (["problems": "\(f.total)"], "refused")
                case let e as StoreError: (["reason": e.key], "refused")
                case let e as ValidationFailure: (["problems": "\(e.problems.count)"], "refused")
                default: ([:], "failed")
                }
            try await audit(
                "import", object: "register", kind.rawValue,
                detail: AuditDetail(["problems": detail["problems"], "reason": detail["reason"], "via": via]).text, outcome: outcome)
            throw error
        }
        try await audit(
            "import", object: "register", kind.rawValue,
            detail: AuditDetail([
                "inserted": "\(result.inserted)", "updated": "\(result.updated)", "unchanged": "\(result.unchanged)", "encoding": result.encoding,
                "dry_run": result.dryRun ? "yes" : nil, "batch": result.batch?.uuidString, "via": via,
            ]).text)
        return result
    }
}

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
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        return try await LoginController.render(req, DataPage.render(csrf: CSRF.token(req), canImport: v.role.editsRegister, result: nil, failure: nil), title: L10n.t("data.title"))
    }

    static func upload(req: Request) async throws -> Response {
        let v = try req.requireRegisterEditor()
        let upload = try req.content.decode(Upload.self)
        let kind = try ImportKind.parse(upload.kind)
        let bytes = Array(upload.file.data.readableBytesView)
        do {
            let result = try await RegisterImporter(req.db, cipher: req.keys.cipher).run(kind, bytes: bytes, in: v.scope)
            req.logger.info("import", metadata: ["kind": .string(kind.rawValue), "inserted": .stringConvertible(result.inserted), "updated": .stringConvertible(result.updated), "by": .string(v.account.username)])
            return try await LoginController.render(req, DataPage.render(csrf: CSRF.token(req), canImport: true, result: result, failure: nil), title: L10n.t("data.title"))
        } catch let failure as ImportFailure {
            let res = try await LoginController.render(req, DataPage.render(csrf: CSRF.token(req), canImport: true, result: nil, failure: failure), title: L10n.t("data.title"))
            res.status = .unprocessableEntity
            return res
        }
    }

    static func export(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        guard let file = req.parameters.get("file"), file.hasSuffix(".csv"), let kind = ImportKind(rawValue: String(file.dropLast(4))), kind != .boundaries else {
            throw StoreError.notFound("export")
        }
        var scope = v.scope
        if let unit = req.query[UUID.self, at: "unit"] { scope = .subtree(of: try await UnitRepository(req.db).get(unit, in: v.scope)) }
        let data = try await RegisterExporter(req.db, cipher: req.keys.cipher).csv(kind, in: scope, role: v.role, reveal: false)
        return csvResponse(data, name: "\(kind.rawValue).csv")
    }

    static func csvResponse(_ data: Data, name: String) -> Response {
        Response(status: .ok, headers: [
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=\"\(name)\"",
        ], body: .init(data: data))
    }
}

enum DataPage {
    static func render(csrf: String, canImport: Bool, result: ImportResult?, failure: ImportFailure?) -> HTML {
        let kinds = ImportKind.allCases
        return [
            result.map { r in el("p", ["class": "ok", "role": "status"], .t("import.done", L10n.t("import.kind.\(r.kind.rawValue)"), r.inserted, r.updated, L10n.t("text.encoding.\(r.encoding)"))) } ?? .empty,
            failure.map { f in
                el("section", ["class": "alert", "role": "alert"], [
                    el("p", .t("import.failed", f.problems.count)),
                    HTML.table(["col.row", "col.column", "col.problem"], f.problems.map { p in
                        [.text(p.row.map(String.init) ?? "—"), .text(p.column ?? "—"), .text(p.message)]
                    }),
                ])
            } ?? .empty,
            canImport ? el("section", [
                el("h2", .t("data.import")),
                el("p", ["class": "meta"], .t("data.import_help")),
                el("form", ["method": "post", "action": SiteURL.importExport.path, "enctype": "multipart/form-data", "class": "card"], [
                    el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                    el("label", [.t("data.kind"), el("select", ["name": "kind"], kinds.map { el("option", ["value": $0.rawValue], .t("import.kind.\($0.rawValue)")) })]),
                    el("label", [.t("data.file"), el("input", ["type": "file", "name": "file", "required": "required", "accept": ".csv,.geojson,.json,text/csv"])]),
                    el("button", ["type": "submit"], .t("data.upload")),
                ]),
            ]) : .empty,
            el("section", [
                el("h2", .t("data.export")),
                el("p", ["class": "meta"], .t("data.export_help")),
                el("ul", kinds.filter { $0 != .boundaries }.map { el("li", HTML.link(SiteURL.export(kind: $0.rawValue).path, L10n.t("import.kind.\($0.rawValue)") + " (CSV)")) }),
            ]),
        ]
    }
}

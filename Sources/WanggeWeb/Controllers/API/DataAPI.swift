import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/import/:kind` (CSV or GeoJSON body) and `/api/v1/export/:kind` (CSV or GeoJSON).
enum DataAPI {
    static func register(_ api: any RoutesBuilder) {
        api.on(.POST, "import", ":kind", body: .collect(maxSize: "20mb")) { req async throws -> ImportResult in
            let v = try req.requireRegisterEditor()
            guard let kind = req.parameters.get("kind").flatMap(ImportKind.init(rawValue:)) else { throw StoreError.notFound("import") }
            guard let body = req.body.data else { throw StoreError(.invalid, "import.empty") }
            let options = ImportOptions(
                emptyClears: try req.queryInteger("empty_clears", in: 0...1, default: 0) == 1, dryRun: try req.queryInteger("dry_run", in: 0...1, default: 0) == 1,
                seesSensitiveTags: v.role.seesSensitiveTags, acceptGaps: try req.queryInteger("accept_gaps", in: 0...1, default: 0) == 1)
            return try await req.auditedImport(kind, via: "api") { audit in
                try await RegisterImporter(req.db, cipher: req.keys.cipher).run(kind, bytes: Array(body.readableBytesView), in: v.scope, options: options, audit: audit)
            }
        }
        api.get("export", ":kind") { req async throws -> Response in
            let v = try req.requireRegisterReader()
            guard let kind = req.parameters.get("kind").flatMap(ImportKind.init(rawValue:)) else { throw StoreError.notFound("export") }
            let unit = try req.queryUUID("unit")
            // Unmasked: through the gate first (403 whatever the unit), with a reason and the row count in the audit entry.
            let what = Unmask.Request(action: "export", objectType: "register", objectID: kind.rawValue, detail: [("unit", unit?.uuidString), ("via", "api")])
            var why: String?
            if kind != .boundaries, try Self.wantsUnmasked(req) {
                why = try await Unmask.check(req, what, reason: req.query[String.self, at: "reason"]).1
            }
            var scope = v.scope
            if let unit { scope = .subtree(of: try await UnitRepository(req.db).get(unit, in: v.scope)) }
            let exporter = RegisterExporter(req.db, cipher: req.keys.cipher)
            if kind == .boundaries {
                let text = try await exporter.geojson(in: scope, level: req.query[String.self, at: "level"].flatMap(UnitLevel.init(rawValue:)))
                try await req.audit(
                    "export", object: "register", kind.rawValue,
                    detail: DataController.exportDetail(rows: nil, unit: unit?.uuidString, unmasked: false, via: "api"))
                return Response(status: .ok, headers: ["Content-Type": "application/geo+json; charset=utf-8"], body: .init(string: text))
            }
            return try await DataController.streamedCSV(req, kind, in: scope, role: v.role, reveal: why != nil) { rows in
                if let why {
                    try await Unmask.record(req, what, reason: why, rows: rows)
                } else {
                    try await req.audit(
                        "export", object: "register", kind.rawValue, detail: DataController.exportDetail(rows: rows, unit: unit?.uuidString, unmasked: false, via: "api"))
                }
            }
        }
    }

    /// `unmasked=true|false` (also 1/0, yes/no); anything else is a 400 rather than a silent masked file.
    static func wantsUnmasked(_ req: Request) throws -> Bool {
        guard let raw = req.query[String.self, at: "unmasked"]?.lowercased(), !raw.isEmpty else { return false }
        switch raw {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw BadParameter("unmasked", expected: "true | false")
        }
    }
}

extension ImportResult: Content {}

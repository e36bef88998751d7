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
            return try await req.auditedImport(kind, via: "api") {
                try await RegisterImporter(req.db, cipher: req.keys.cipher).run(kind, bytes: Array(body.readableBytesView), in: v.scope)
            }
        }
        api.get("export", ":kind") { req async throws -> Response in
            let v = try req.requireRegisterReader()
            guard let kind = req.parameters.get("kind").flatMap(ImportKind.init(rawValue:)) else { throw StoreError.notFound("export") }
            var scope = v.scope
            if let unit = req.query[UUID.self, at: "unit"] { scope = .subtree(of: try await UnitRepository(req.db).get(unit, in: v.scope)) }
            if kind == .boundaries {
                let text = try await RegisterExporter(req.db, cipher: req.keys.cipher).geojson(in: scope, level: req.query[String.self, at: "level"].flatMap(UnitLevel.init(rawValue:)))
                try await req.audit("export", object: "register", kind.rawValue,
                                    detail: DataController.exportDetail(nil, unit: req.query[UUID.self, at: "unit"]?.uuidString, unmasked: false, via: "api"))
                return Response(status: .ok, headers: ["Content-Type": "application/geo+json; charset=utf-8"], body: .init(string: text))
            }
            let reveal = req.query[Bool.self, at: "unmasked"] ?? false
            if reveal && !v.role.mayUnmask {
                try await req.audit("export", object: "register", kind.rawValue, detail: AuditDetail(["unmasked": "yes", "via": "api"]).text, outcome: "denied")
                throw Abort(.forbidden, reason: L10n.t("auth.forbidden"))
            }
            let data = try await RegisterExporter(req.db, cipher: req.keys.cipher).csv(kind, in: scope, role: v.role, reveal: reveal)
            try await req.audit("export", object: "register", kind.rawValue,
                                detail: DataController.exportDetail(data, unit: req.query[UUID.self, at: "unit"]?.uuidString, unmasked: reveal, via: "api"))
            return DataController.csvResponse(data, name: "\(kind.rawValue).csv")
        }
    }
}

extension ImportResult: Content {}

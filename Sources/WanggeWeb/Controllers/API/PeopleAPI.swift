import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/residents`, `/households`, `/buildings`, `/coverage`: the register, masked and scoped.
enum PeopleAPI {
    struct Page<T: Content>: Content {
        var items: [T]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct ResidentBody: Content {
        var name: String
        var idNumber: String?
        var documentNumber: String?
        var phone: String?
        var householdNumber: String?
        var relation: String?
        var residenceType: String?
        var tags: [String]?

        var input: ResidentInput {
            ResidentInput(
                name: name, idNumber: idNumber, documentNumber: documentNumber, phone: phone, householdNumber: householdNumber,
                relation: relation, residenceType: residenceType ?? "registered", tags: tags ?? [])
        }
    }

    static func paging(_ req: Request) throws -> (limit: Int, offset: Int) {
        let limit = try req.queryInteger("limit", in: 1...500, default: 50)
        let offset = try req.queryInteger("offset", in: 0...Paging.maxOffset, default: 0)
        return (limit, offset)
    }

    /// Which fields an update changed, by name only: the audit log says what was touched without
    /// copying personal data into it.
    static func changedFields(_ a: ResidentRow, _ b: ResidentRow, tags: Bool) -> [String] {
        let pairs: [(String, Bool)] = [
            ("name", a.name != b.name), ("id_number", a.idNumber != b.idNumber), ("document_number", a.documentNumber != b.documentNumber),
            ("phone", a.phone != b.phone), ("household", a.householdID != b.householdID), ("relation", a.relation != b.relation),
            ("residence_type", a.residenceType != b.residenceType), ("tags", tags),
        ]
        return pairs.filter(\.1).map(\.0)
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("residents") { req async throws -> Page<ResidentView> in
            let v = try req.requireRegisterReader()
            let (limit, offset) = try paging(req)
            let q = req.query[String.self, at: "q"]
            guard (q?.count ?? 0) <= 50 else { throw StoreError(.invalid, "field.too_long", ["50"], field: "q") }
            let people = ResidentRepository(req.db, cipher: req.keys.cipher)
            let found = try await people.search(
                q, gridID: try req.queryUUID("grid"), householdID: try req.queryUUID("household"),
                tag: req.query[String.self, at: "tag"], limit: limit, offset: offset, in: v.scope)
            return Page(items: try await people.views(found.rows, role: v.role), total: found.total, limit: limit, offset: offset)
        }
        api.get("residents", ":id") { req async throws -> ResidentView in
            let v = try req.requireRegisterReader()
            let people = ResidentRepository(req.db, cipher: req.keys.cipher)
            return try await people.views([try await people.get(try req.id(), in: v.scope)], role: v.role)[0]
        }
        api.post("residents") { req async throws -> Response in
            let v = try req.requireRegisterEditor()
            let body = try req.content.decode(ResidentBody.self)
            let cipher = req.keys.cipher
            let view = try await req.audited("create", object: "resident") { db in
                let people = ResidentRepository(db, cipher: cipher)
                return try await people.views([try await people.create(body.input, in: v.scope)], role: v.role)[0]
            } entry: { view in
                (view.id.uuidString, AuditDetail(["household": view.householdNumber]).text)
            }
            return try await view.encodeResponse(status: .created, for: req)
        }
        api.put("residents", ":id") { req async throws -> ResidentView in
            let v = try req.requireRegisterEditor()
            let body = try req.content.decode(ResidentBody.self)
            let cipher = req.keys.cipher
            let id = try req.id()
            return try await req.audited("update", object: "resident") { db in
                let people = ResidentRepository(db, cipher: cipher)
                let before = try await people.get(id, in: v.scope)
                let beforeTags = try await people.views([before], role: v.role)[0].tags
                let after = try await people.update(before.id, body.input, in: v.scope)
                let view = try await people.views([after], role: v.role)[0]
                return (view, changedFields(before, after, tags: beforeTags != view.tags))
            } entry: { result in
                (result.0.id.uuidString, AuditDetail(["fields": result.1.joined(separator: ",")]).text)
            }.0
        }
        api.get("tags") { req async throws -> [TagRow] in
            let v = try req.requireRegisterReader()
            return try await ResidentRepository(req.db, cipher: req.keys.cipher).allTags().filter { !$0.sensitive || v.role.seesSensitiveTags }
        }
        api.get("households") { req async throws -> Page<HouseholdRow> in
            let v = try req.requireRegisterReader()
            let (limit, offset) = try paging(req)
            let found = try await PlaceRepository(req.db).households(
                inGrid: try req.queryUUID("grid"), building: try req.queryUUID("building"),
                limit: limit, offset: offset, in: v.scope)
            return Page(items: found.rows, total: found.total, limit: limit, offset: offset)
        }
        api.get("households", ":id") { req async throws -> HouseholdRow in
            let v = try req.requireRegisterReader()
            return try await PlaceRepository(req.db).household(try req.id(), in: v.scope)
        }
        api.get("buildings") { req async throws -> [BuildingRow] in
            let v = try req.requireRegisterReader()
            return try await PlaceRepository(req.db).buildings(inGrid: try req.queryUUID("grid"), in: v.scope)
        }
        api.get("buildings", ":id") { req async throws -> BuildingRow in
            let v = try req.requireRegisterReader()
            return try await PlaceRepository(req.db).building(try req.id(), in: v.scope)
        }
        api.get("units", ":id", "components") { req async throws -> [ComponentRow] in
            let v = try req.requireRegisterReader()
            return try await PlaceRepository(req.db).components(inGrid: try req.id(), in: v.scope)
        }
        api.get("units", ":id", "organisations") { req async throws -> [OrganisationRow] in
            let v = try req.requireRegisterReader()
            return try await PlaceRepository(req.db).organisations(inGrid: try req.id(), in: v.scope).map {
                var o = $0
                o.contactPhone = o.contactPhone.map(Mask.phone)
                return o
            }
        }
        api.get("coverage") { req async throws -> CoverageReport in
            _ = try req.requireRegisterReader()
            return try await CoverageController.report(req: req, unit: try req.queryUUID("unit")).1
        }
    }
}

extension ResidentView: Content {}
extension HouseholdRow: Content {}
extension BuildingRow: Content {}
extension CoverageReport: Content {}
extension UnitEventRow: Content {}
extension StaffKindRow: Content {}
extension TagRow: Content {}
extension ComponentRow: Content {}
extension OrganisationRow: Content {}
extension UnitTotals: Content {}

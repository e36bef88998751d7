import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units`: the grid tree — read, create, rename, re-draw, move, merge, split — and teams.
enum UnitAPI {
    struct UnitDTO: Content {
        var id: UUID
        var parentId: UUID?
        var level: UnitLevel
        var levelName: String
        var code: String
        var name: String
        var boundary: AnyJSON?
        var retired: Bool
        var totals: UnitTotals?

        init(_ u: UnitRow, totals: UnitTotals? = nil) {
            id = u.id; parentId = u.parentID; level = u.level; levelName = L10n.t(u.level.nameKey)
            code = u.code; name = u.name; retired = u.isRetired; self.totals = totals
            boundary = u.boundary.flatMap { try? JSONDecoder().decode(AnyJSON.self, from: Data($0.utf8)) }
        }
    }

    struct CreateBody: Content {
        var parentId: UUID?
        var level: UnitLevel
        var code: String?
        var name: String
        var boundary: AnyJSON?
    }

    struct UpdateBody: Content {
        var name: String?
        var boundary: AnyJSON?
        var clearBoundary: Bool?
    }

    struct MoveBody: Content { var parentId: UUID }
    struct MergeBody: Content { var targetId: UUID }
    struct SplitBody: Content {
        struct Part: Content { var name: String; var code: String?; var boundary: AnyJSON }
        var parts: [Part]
    }
    struct StaffBody: Content {
        var name: String
        var phone: String?
        var kind: String
        var duty: String?
        var buildingId: UUID?
    }
    struct MemberDTO: Content {
        var staffID: UUID, assignmentID: UUID, name: String, phone: String?, kind: String, kindName: String, duty: String?, buildingID: UUID?
        init(_ m: TeamMember, reveal: Bool) {
            staffID = m.staffID; assignmentID = m.assignmentID; name = m.name; kind = m.kindKey; kindName = m.kindName
            duty = m.duty; buildingID = m.buildingID
            phone = m.phone.map { reveal ? $0 : Mask.phone($0) }
        }
    }

    static func register(_ api: any RoutesBuilder) {
        let units = api.grouped("units")
        units.get { req async throws -> [UnitDTO] in
            let v = try req.requireRegisterReader()
            return try await UnitRepository(req.db).roots(in: v.scope).map { UnitDTO($0) }
        }
        units.get(":id") { req async throws -> UnitDTO in
            let v = try req.requireRegisterReader()
            let unit = try await UnitRepository(req.db).get(try req.id(), in: v.scope)
            let totals = try await CoverageRepository(req.db).totals(in: .subtree(of: unit))
            return UnitDTO(unit, totals: totals[unit.id] ?? UnitTotals())
        }
        units.get(":id", "children") { req async throws -> [UnitDTO] in
            let v = try req.requireRegisterReader()
            let repo = UnitRepository(req.db)
            let unit = try await repo.get(try req.id(), in: v.scope)
            let totals = try await CoverageRepository(req.db).totals(in: .subtree(of: unit))
            return try await repo.children(of: unit.id, in: v.scope).map { UnitDTO($0, totals: totals[$0.id] ?? UnitTotals()) }
        }
        units.get(":id", "history") { req async throws -> [UnitEventRow] in
            let v = try req.requireRegisterReader()
            return try await UnitRepository(req.db).history(of: try req.id(), in: v.scope)
        }
        units.get(":id", "team") { req async throws -> [MemberDTO] in
            let v = try req.requireRegisterReader()
            return try await StaffRepository(req.db).team(of: try req.id(), in: v.scope).map { MemberDTO($0, reveal: false) }
        }
        units.post { req async throws -> Response in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(CreateBody.self)
            let unit = try await TreeActions.create(
                req, v, parentID: body.parentId, level: body.level, code: body.code, name: body.name,
                boundary: try body.boundary.map { try area($0, field: "boundary") })
            return try await UnitDTO(unit).encodeResponse(status: .created, for: req)
        }
        units.patch(":id") { req async throws -> UnitDTO in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(UpdateBody.self)
            let boundary: GeoArea?? = body.clearBoundary == true ? .some(nil) : try body.boundary.map { .some(try area($0, field: "boundary")) }
            return UnitDTO(try await TreeActions.update(req, v, try req.id(), name: body.name, boundary: boundary))
        }
        units.post(":id", "move") { req async throws -> UnitDTO in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(MoveBody.self)
            return UnitDTO(try await TreeActions.move(req, v, try req.id(), to: body.parentId))
        }
        units.post(":id", "merge") { req async throws -> UnitDTO in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(MergeBody.self)
            return UnitDTO(try await TreeActions.merge(req, v, try req.id(), into: body.targetId))
        }
        units.post(":id", "split") { req async throws -> [UnitDTO] in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(SplitBody.self)
            let parts = try body.parts.enumerated().map { i, p in SplitPart(name: p.name, code: p.code, area: try area(p.boundary, field: "parts[\(i)].boundary")) }
            return try await TreeActions.split(req, v, try req.id(), into: parts).map { UnitDTO($0) }
        }
        units.post(":id", "team") { req async throws -> Response in
            let v = try req.requireTreeManager()
            let body = try req.content.decode(StaffBody.self)
            let member = try await TreeActions.addMember(
                req, v, to: try req.id(), name: body.name, phone: body.phone, kind: body.kind,
                duty: body.duty, buildingID: body.buildingId)
            return try await MemberDTO(member, reveal: false).encodeResponse(status: .created, for: req)
        }
        api.delete("assignments", ":id") { req async throws -> HTTPStatus in
            let v = try req.requireTreeManager()
            try await TreeActions.endAssignment(req, v, try req.id())
            return .noContent
        }
        api.get("staff-kinds") { req async throws -> [StaffKindRow] in
            _ = try req.requireViewer()
            return try await StaffRepository(req.db).kinds()
        }
    }

    /// A GeoJSON geometry (Polygon or MultiPolygon) from a request body, or a 422 naming the field.
    static func area(_ json: AnyJSON, field: String) throws -> GeoArea {
        let data = try JSONEncoder().encode(json)
        do {
            guard let area = try GeoJSON.parse(data).first?.area else { throw StoreError(.invalid, "geo.not_area", field: field) }
            return area
        } catch let e as GeoJSONProblem {
            throw StoreError(.invalid, "geo.invalid", [e.message()], field: field)
        }
    }
}

extension Request {
    /// The `:id` path parameter as a UUID; a malformed id is simply not found.
    func id(_ name: String = "id") throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else { throw StoreError.notFound(name) }
        return id
    }
}

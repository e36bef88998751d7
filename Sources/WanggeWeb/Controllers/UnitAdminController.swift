import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The system administrator's forms on a unit page: rename, add a unit below, move, merge, draw
/// or split the boundary from a GeoJSON file, and keep the grid's team. Each posts here, goes
/// through `TreeActions` (so it is audited like the API), and comes back to a unit page with the
/// outcome, or to the same page with the problem stated.
enum UnitAdminController {
    struct Choices {
        var childLevels: [UnitLevel]
        var parents: [UnitRow]
        var siblings: [UnitRow]
        var staffKinds: [StaffKindRow]
    }

    static func choices(_ req: Request, _ v: Viewer, unit: UnitRow) async throws -> Choices {
        let units = UnitRepository(req.db)
        let all = try await units.all(in: v.scope)
        let parentLevel = unit.parentID.flatMap { id in all.first { $0.id == id }?.level }
        return Choices(
            childLevels: UnitLevel.allCases.filter { TreeRules.canPlace($0, under: unit.level) },
            parents: all.filter { $0.level == parentLevel && $0.id != unit.parentID && !$0.path.hasPrefix(unit.path) },
            siblings: all.filter { $0.parentID == unit.parentID && $0.id != unit.id && $0.level == unit.level },
            staffKinds: try await StaffRepository(req.db).kinds())
    }

    struct NameForm: Content { var name: String }
    struct ChildForm: Content { var level: String; var name: String; var code: String? }
    struct TargetForm: Content { var target: UUID }
    struct FileForm: Content { var file: File }
    struct MemberForm: Content { var name: String; var phone: String?; var phone_public: String?; var kind: String; var duty: String? }
    struct MemberSettingsForm: Content { var phone_public: String?; var buildings: [UUID]? }

    static func handle(req: Request) async throws -> Response {
        let v = try req.requireTreeManager()
        let id = try req.id()
        let action = req.parameters.get("action") ?? ""
        var destination = id
        let message = "unit.done.\(action)"
        do {
            switch action {
            case "rename":
                _ = try await TreeActions.update(req, v, id, name: try req.content.decode(NameForm.self).name, boundary: nil)
            case "child":
                let form = try req.content.decode(ChildForm.self)
                guard let level = UnitLevel(rawValue: form.level) else { throw StoreError(.invalid, "field.not_one_of", [form.level, "level"], field: "level") }
                destination = try await TreeActions.create(req, v, parentID: id, level: level, code: form.code, name: form.name, boundary: nil).id
            case "move":
                _ = try await TreeActions.move(req, v, id, to: try req.content.decode(TargetForm.self).target)
            case "merge":
                destination = try await TreeActions.merge(req, v, id, into: try req.content.decode(TargetForm.self).target).id
            case "boundary":
                let features = try geojson(req)
                guard features.count == 1, let area = features[0].area else { throw StoreError(.invalid, "unit.one_area") }
                _ = try await TreeActions.update(req, v, id, name: nil, boundary: .some(area))
            case "split":
                let parts = try geojson(req).enumerated().map { i, f in
                    guard let area = f.area else { throw StoreError(.invalid, "geo.not_area", field: "feature \(i + 1)") }
                    return SplitPart(name: f.properties["name"] ?? f.properties["名称"] ?? "", code: f.properties["code"] ?? f.properties["编码"], area: area)
                }
                _ = try await TreeActions.split(req, v, id, into: parts)
            case "team":
                let form = try req.content.decode(MemberForm.self)
                _ = try await TreeActions.addMember(
                    req, v, to: id, name: form.name, phone: form.phone, phonePublic: form.phone_public == "1", kind: form.kind, duty: form.duty, buildingID: nil)
            default:
                throw StoreError.notFound("action")
            }
        } catch let e as StoreError where e.kind != .notFound {
            return try await page(req, id, error: e.message())
        } catch let e as ValidationFailure {
            return try await page(req, id, error: e.problems.map { "\(L10n.t("field.\($0.field)")): \($0.message())" }.joined(separator: "; "))
        }
        return req.redirect(to: SiteURL.unit(destination).path + SiteURL.query(["done": message]))
    }

    /// A member's settings from the team screen: phone published or not, buildings covered.
    static func updateMember(req: Request) async throws -> Response {
        let v = try req.requireTreeManager()
        let unit = try req.id()
        let form = try req.content.decode(MemberSettingsForm.self)
        do {
            try await TreeActions.updateMember(req, v, unit: unit, assignment: try req.id("assignment"), phonePublic: form.phone_public == "1", buildings: form.buildings ?? [])
        } catch let e as StoreError where e.kind != .notFound {
            return try await page(req, unit, error: e.message())
        }
        return req.redirect(to: SiteURL.unit(unit).path + SiteURL.query(["done": "unit.done.member"]))
    }

    static func endAssignment(req: Request) async throws -> Response {
        let v = try req.requireTreeManager()
        let unit = try req.id()
        try await TreeActions.endAssignment(req, v, try req.id("assignment"))
        return req.redirect(to: SiteURL.unit(unit).path + SiteURL.query(["done": "unit.done.unassign"]))
    }

    static func geojson(_ req: Request) throws -> [GeoFeature] {
        let upload = try req.content.decode(FileForm.self)
        let (features, problems) = GeoJSON.parseReport(Data(upload.file.data.readableBytesView))
        if let first = problems.first { throw StoreError(.invalid, "geo.invalid", [first.message()], field: "file") }
        return features
    }

    static func page(_ req: Request, _ id: UUID, error: String) async throws -> Response {
        let model = try await UnitController.query(req: req, id: id, page: 1)
        let res = Layout.response(req, UnitPage.render(model, notice: nil, error: error, admin: try await admin(req, model.unit)), title: model.unit.name)
        res.status = .unprocessableEntity
        return res
    }

    /// The administrator's section for a unit, or nothing for other roles.
    static func admin(_ req: Request, _ unit: UnitRow) async throws -> HTML {
        guard let v = req.viewer, v.role.managesTree, v.allows(.treeWrite), !unit.isRetired else { return .empty }
        return UnitAdminSection.render(unit, choices: try await choices(req, v, unit: unit), csrf: CSRF.token(req))
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The logged "show" action and residents' rights (PIPL arts. 44–47) on the resident page:
/// showing the full ID number and phone for a stated reason, a copy of the whole record,
/// correction, and anonymisation. Every one of them, allowed or refused, leaves an audit entry.
enum RightsController {
    static func register(_ pages: any RoutesBuilder) {
        pages.post(SiteURL.residentReveal(UUID()).pattern, use: reveal)
        pages.post(SiteURL.residentExport(UUID()).pattern, use: export)
        pages.get(SiteURL.residentEdit(UUID()).pattern, use: edit)
        pages.post(SiteURL.residentEdit(UUID()).pattern, use: saveEdit)
        pages.post(SiteURL.residentAnonymise(UUID()).pattern, use: anonymise)
    }

    /// The viewer when their role allows `ability`; otherwise the refusal is audited and 403 thrown.
    static func require(_ req: Request, _ ability: (Role) -> Bool, action: String, detail: String = "") async throws -> Viewer {
        let v = try req.requireViewer()
        guard ability(v.role) else {
            try await req.audit(action, object: "resident", req.parameters.get("id") ?? "", detail: detail, outcome: "denied")
            throw Abort(.forbidden, reason: L10n.t("auth.forbidden"))
        }
        return v
    }

    // MARK: show ("unmask")

    struct ReasonForm: Content { var reason: String? }

    static func reveal(req: Request) async throws -> Response {
        let form = try? req.content.decode(ReasonForm.self)
        let id = try req.id()
        let what = Unmask.Request(action: "unmask", objectType: "resident", objectID: id.uuidString)
        let v = try req.requireViewer()
        let why: String
        do { (_, why) = try await Unmask.check(req, what, reason: form?.reason) } catch let e as StoreError {
            _ = try await ResidentRepository(req.db, cipher: req.keys.cipher).get(id, in: v.scope)
            return try await ResidentController.detail(req, viewer: v, id: id, reveal: false, problem: (.reveal, e.message()), status: .unprocessableEntity)
        }
        _ = try await ResidentRepository(req.db, cipher: req.keys.cipher).get(id, in: v.scope)
        // Logged before anything is shown: no full number leaves without its entry.
        try await Unmask.record(req, what, reason: why)
        return try await ResidentController.detail(req, viewer: v, id: id, reveal: true)
    }

    // MARK: a copy of the record (art. 45)

    static func export(req: Request) async throws -> Response {
        let form = try? req.content.decode(ReasonForm.self)
        let v = try await require(req, \.editsRegister, action: "export")
        let id = try req.id()
        let what = Unmask.Request(action: "export", objectType: "resident", objectID: id.uuidString, detail: [("format", "json")])
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let why: String
        do { (_, why) = try await Unmask.check(req, what, reason: form?.reason) } catch let e as StoreError {
            _ = try await people.get(id, in: v.scope)
            return try await ResidentController.detail(req, viewer: v, id: id, reveal: false, problem: (.export, e.message()), status: .unprocessableEntity)
        }
        let record = try await people.record(id, in: v.scope, at: req.now)
        try await Unmask.record(req, what, reason: why)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok,
            headers: [
                "Content-Type": "application/json; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"resident-\(id.uuidString.lowercased()).json\"",
            ], body: .init(data: try encoder.encode(record)))
    }

    // MARK: correction (art. 46)

    static func edit(req: Request) async throws -> Response {
        let v = try await require(req, \.editsRegister, action: "update")
        let id = try req.id()
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let row = try await people.get(id, in: v.scope)
        guard row.anonymisedAt == nil else { throw StoreError(.conflict, "rights.already_anonymised") }
        let view = try await people.views([row], role: v.role)[0]
        let tags = try await people.allTags().filter { !$0.sensitive || v.role.seesSensitiveTags }
        let values = RightsPages.EditValues(view)
        return Layout.response(
            req, RightsPages.edit(view, values: values, tags: tags, problems: [:], csrf: CSRF.token(req)),
            title: L10n.t("rights.edit_title", view.name))
    }

    static func saveEdit(req: Request) async throws -> Response {
        let v = try await require(req, \.editsRegister, action: "update")
        let id = try req.id()
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        let row = try await people.get(id, in: v.scope)
        guard row.anonymisedAt == nil else { throw StoreError(.conflict, "rights.already_anonymised") }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let allTags = try await people.allTags()
        let visible = allTags.filter { !$0.sensitive || v.role.seesSensitiveTags }
        // Tags this role cannot see are kept as they are: a form that does not show them must not drop them.
        let hidden = Set(allTags.map(\.key)).subtracting(visible.map(\.key))
        let kept = (try await people.tags(of: [id])[id] ?? []).map(\.key).filter(hidden.contains)
        let values = RightsPages.EditValues(form: form, tags: visible)
        func masked(_ field: String, current: String?) -> String? {
            form["clear_\(field)"] == "on" ? nil : (form[field]?.trimmingSpaces().nilIfEmpty ?? current)
        }
        let input = ResidentInput(
            name: values.name, idNumber: masked("id_number", current: row.idNumber),
            documentNumber: masked("document_number", current: row.documentNumber), phone: masked("phone", current: row.phone),
            householdNumber: values.householdNumber.nilIfEmpty, relation: values.relation.nilIfEmpty,
            residenceType: values.residenceType, tags: values.tags + kept)
        do {
            let cipher = req.keys.cipher
            _ = try await req.audited("update", object: "resident") { db in
                try await ResidentRepository(db, cipher: cipher).correct(id, input, in: v.scope, at: req.now)
            } entry: { result in
                (id.uuidString, "fields=" + result.changed.joined(separator: ","))
            }
            return req.redirect(to: SiteURL.resident(id).path)
        } catch let failure as ValidationFailure {
            var problems: [String: String] = [:]
            for p in failure.problems { problems[p.field, default: ""] += (problems[p.field] == nil ? "" : ";") + p.message() }
            let view = try await people.views([row], role: v.role)[0]
            let res = Layout.response(
                req, RightsPages.edit(view, values: values, tags: visible, problems: problems, csrf: CSRF.token(req)),
                title: L10n.t("rights.edit_title", view.name))
            res.status = .unprocessableEntity
            return res
        }
    }

    // MARK: deletion by anonymisation (art. 47)

    static func anonymise(req: Request) async throws -> Response {
        let form = try? req.content.decode(ReasonForm.self)
        let v = try await require(req, \.editsRegister, action: "anonymise", detail: form?.reason ?? "")
        let id = try req.id()
        let people = ResidentRepository(req.db, cipher: req.keys.cipher)
        _ = try await people.get(id, in: v.scope)
        let why: String
        do { why = try Unmask.reason(form?.reason) } catch let e as StoreError {
            return try await ResidentController.detail(req, viewer: v, id: id, reveal: false, problem: (.anonymise, e.message()), status: .unprocessableEntity)
        }
        let cipher = req.keys.cipher
        try await req.audited("anonymise", object: "resident") { db in
            try await ResidentRepository(db, cipher: cipher).anonymise(id, in: v.scope, at: req.now)
        } entry: { _ in
            (id.uuidString, why)
        }
        return req.redirect(to: SiteURL.resident(id).path)
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Care archives (B1) at /residents/{id}/care. Everyone who reads the register sees whether a
/// person has an archive and its visit frequency; the notes are shown only through the same gate
/// as unmasked personal data (`Unmask`: a role whose work needs it and a reason, audited) and only
/// to the roles `CareAccess` names. An archive without notes yet can be started directly.
enum CareController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.care(UUID()).pattern, use: show)
        pages.post(SiteURL.care(UUID()).pattern, use: save)
        pages.post(SiteURL.careRead(UUID()).pattern, use: read)
    }

    static func repo(_ req: Request) -> CareArchiveRepository { CareArchiveRepository(req.db, cipher: req.keys.cipher) }

    /// Whether the viewer's role and place let it read care notes at all.
    static func mayRead(_ req: Request, _ v: Viewer) async throws -> Bool {
        CareAccess.mayRead(role: v.role, boundTo: try await req.boundLevel(v)) && Unmask.allowed(v)
    }

    /// The gate before any care note is shown: role and place (`CareAccess`), then `Unmask`'s
    /// checks and reason. A refusal is audited as denied; returns the reason to record.
    static func gate(_ req: Request, _ residentID: UUID, reason: String?) async throws -> String {
        let v = try req.requireRegisterReader()
        _ = try await ResidentRepository(req.db, cipher: req.keys.cipher).get(residentID, in: v.scope)
        let what = Unmask.Request(action: "care.read", objectType: "care_archive", objectID: residentID.uuidString)
        guard CareAccess.mayRead(role: v.role, boundTo: try await req.boundLevel(v)) else {
            try await req.audit(
                what.action, object: what.objectType, what.objectID, detail: AuditDetail(["reason": reason.map { String($0.prefix(Unmask.reasonMaximum)) }]).text,
                outcome: "denied")
            throw Abort(.forbidden, reason: L10n.t("care.masked"))
        }
        return try await Unmask.check(req, what, reason: reason).1
    }

    /// Records the read in the audit log, then hands the notes out.
    static func readNotes(_ req: Request, _ residentID: UUID, reason: String) async throws -> CareArchive {
        let v = try req.requireViewer()
        let archive = try await repo(req).withNotes(residentID, in: v.scope)
        try await Unmask.record(req, Unmask.Request(action: "care.read", objectType: "care_archive", objectID: residentID.uuidString), reason: reason)
        return archive
    }

    static func requireCareWriter(_ req: Request) async throws -> (Viewer, CaseActor) {
        let v = try req.requireViewer()
        guard CareAccess.mayWrite(role: v.role, boundTo: try await req.boundLevel(v)), v.allows(.registerWrite), let role = ActorRole(v.role) else {
            throw Abort(.forbidden, reason: L10n.t("auth.forbidden"))
        }
        return (v, CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }

    static func residentID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("resident") }
        return id
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        return try await page(req, v, archive: nil, form: nil, status: .ok)
    }

    static func page(_ req: Request, _ v: Viewer, archive shown: CareArchive?, form: LogPages.Form?, status: HTTPStatus) async throws -> Response {
        let id = try residentID(req)
        let person = try await ResidentRepository(req.db, cipher: req.keys.cipher).get(id, in: v.scope)
        let groups = try await repo(req).groups(of: id, on: SimpleDate(req.now), in: v.scope)
        let summary = try await repo(req).summary(id, in: v.scope)
        let level = try await req.boundLevel(v)
        let notice = req.session.data[SessionKeys.notice].map { L10n.t($0) }
        req.session.data[SessionKeys.notice] = nil
        let body = CarePages.archive(
            person: person, groups: groups, summary: summary, shown: shown, mayRead: try await mayRead(req, v),
            mayWrite: CareAccess.mayWrite(role: v.role, boundTo: level) && v.allows(.registerWrite), form: form, csrf: CSRF.token(req), notice: notice)
        return Layout.response(req, body, title: L10n.t("care.title", person.name), status: status)
    }

    struct ReadForm: Content { var reason: String? }

    static func read(req: Request) async throws -> Response {
        let v = try req.requireRegisterReader()
        let id = try residentID(req)
        let raw = try req.content.decode(ReadForm.self).reason
        do {
            let reason = try await gate(req, id, reason: raw)
            let archive = try await readNotes(req, id, reason: reason)
            return try await page(req, v, archive: archive, form: nil, status: .ok)
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, v, archive: nil, form: LogPages.Form(values: ["reason": raw ?? ""], problems: ["reason": e.message()]), status: .unprocessableEntity)
        }
    }

    struct SaveForm: Content {
        var frequency: String?
        var needs: String?
        var homeCare: String?
        var health: String?
        var contacts: String?

        enum CodingKeys: String, CodingKey {
            case frequency, needs, health, contacts
            case homeCare = "home_care"
        }

        var values: [String: String] {
            ["frequency": frequency ?? "", "needs": needs ?? "", "home_care": homeCare ?? "", "health": health ?? "", "contacts": contacts ?? ""]
        }
    }

    /// Contacts typed one a line as "name / relation / phone".
    static func contacts(_ text: String) throws -> [CareContact] {
        try text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingSpaces().isEmpty }.map { line in
            let parts = line.split(separator: "/", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            guard parts.count == 3 else { throw StoreError(.invalid, "care.contact_line", field: "contacts") }
            return CareContact(name: parts[0], relation: parts[1], phone: parts[2])
        }
    }

    static func save(req: Request) async throws -> Response {
        let (v, actor) = try await requireCareWriter(req)
        let form = try req.content.decode(SaveForm.self)
        do {
            guard let frequency = form.frequency.flatMap(CareFrequency.init(rawValue:)) else { throw StoreError(.invalid, "field.required", field: "frequency") }
            let notes = CareNotes(needs: form.needs ?? "", homeCare: form.homeCare ?? "", health: form.health ?? "", contacts: try contacts(form.contacts ?? ""))
            _ = try await repo(req).save(
                try residentID(req), frequency: frequency, notes: notes, by: actor, signer: req.auditSigner, today: SimpleDate(req.now), scope: v.scope, now: req.now)
            req.session.data[SessionKeys.notice] = "care.saved"
            return req.redirect(to: SiteURL.care(try residentID(req)).path, redirectType: .normal)
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, v, archive: nil, form: LogPages.Form(values: form.values, problems: [e.field ?? "needs": e.message()]), status: .unprocessableEntity)
        }
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Volunteer service (志愿服务) of a community at /units/{id}/volunteers: teams and volunteers,
/// activities with sign-up and check-in (/volunteer-activities/{id}), each volunteer's record,
/// points and certificates (/volunteers/{id}), a printable certificate (/certificates/{id}) and its
/// public check (/certificates/verify), and the street's shared venues (/units/{id}/venues).
/// The community's staff write; every write commits with its audit entry. Scoped in storage:
/// outside the viewer's tree is 404.
enum VolunteerController {
    static func register(_ app: Application, pages: any RoutesBuilder) {
        pages.get(SiteURL.volunteers(UUID()).pattern, use: community)
        pages.post(SiteURL.volunteerTeams(UUID()).pattern, use: addTeam)
        pages.post(SiteURL.volunteerPeople(UUID()).pattern, use: addVolunteer)
        pages.post(SiteURL.volunteerActivities(UUID()).pattern, use: addActivity)
        pages.get(SiteURL.volunteerActivity(UUID()).pattern, use: activity)
        pages.post(SiteURL.volunteerSignUp(UUID()).pattern, use: signUp)
        pages.post(SiteURL.volunteerCheckIn(UUID()).pattern, use: checkIn)
        pages.post(SiteURL.volunteerHours(UUID()).pattern, use: recordHours)
        pages.post(SiteURL.volunteerCorrect(UUID()).pattern, use: correct)
        pages.get(SiteURL.volunteer(UUID()).pattern, use: volunteer)
        pages.post(SiteURL.volunteerNotes(UUID()).pattern, use: addNote)
        pages.post(SiteURL.volunteerRedeem(UUID()).pattern, use: redeem)
        pages.post(SiteURL.volunteerCertify(UUID()).pattern, use: certify)
        pages.post(SiteURL.volunteerReveal(UUID()).pattern, use: reveal)
        pages.get(SiteURL.certificate(UUID()).pattern, use: certificate)
        app.get(SiteURL.certificateVerify().pattern, use: verify)
        pages.get(SiteURL.venues(UUID()).pattern, use: venues)
        pages.post(SiteURL.venues(UUID()).pattern, use: addVenue)
        pages.post(SiteURL.venueBookings(UUID()).pattern, use: book)
        pages.post(SiteURL.venueBookingCancel(UUID()).pattern, use: cancelBooking)
    }

    typealias PageForm = LogPages.Form

    struct Form: Content {
        var name: String?
        var leader: String?
        var team: String?
        var id_number: String?
        var phone: String?
        var title: String?
        var place: String?
        var day: String?
        var start: String?
        var end: String?
        var capacity: String?
        var shared: String?
        var volunteer: String?
        var hours: String?
        var reason: String?
        var kind: String?
        var text: String?
        var grade: String?
        var points: String?
        var what: String?
        var unit: String?
        var venue: String?
        var activity: String?

        var values: [String: String] {
            [
                "name": name ?? "", "leader": leader ?? "", "team": team ?? "", "id_number": id_number ?? "", "phone": phone ?? "", "title": title ?? "",
                "place": place ?? "", "day": day ?? "", "start": start ?? "", "end": end ?? "", "capacity": capacity ?? "", "shared": shared ?? "",
                "volunteer": volunteer ?? "", "hours": hours ?? "", "kind": kind ?? "", "text": text ?? "", "grade": grade ?? "", "points": points ?? "",
                "what": what ?? "", "unit": unit ?? "", "venue": venue ?? "",
            ]
        }

        /// A chosen id (a select's value), or the field named as wrong.
        func id(_ raw: String?, field: String) throws -> UUID {
            guard let raw, let id = UUID(uuidString: raw) else { throw StoreError(.invalid, "party.required", field: field) }
            return id
        }
    }

    /// What a write did: the audited object and detail, and where to go with which notice.
    struct Done: Sendable {
        var id: UUID
        var detail: String
        var path: String
        var notice: String
    }

    /// Runs an audited write; a refused one shows its page again (`back`) with the problem.
    static func write(
        _ req: Request, _ action: String, form: Form, back: Back,
        _ change: @escaping @Sendable (any Database, Scope) async throws -> Done
    ) async throws -> Response {
        let scope = try req.requireOpenness(\.keepsVolunteers).scope
        do {
            let done = try await req.audited(action, object: "volunteer") { db in
                try await change(db, scope)
            } entry: {
                ($0.id.uuidString, $0.detail)
            }
            req.session.data[SessionKeys.notice] = done.notice
            return req.redirect(to: done.path, redirectType: .normal)
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, back, LogController.refused(e, values: form.values))
        }
    }

    /// The page a refused write shows again, with the problem.
    enum Back {
        case community, volunteer, venues
        /// An activity's page: the one of the route, or the one given (a correction's route names its record).
        case activity(UUID?)
    }

    static func page(_ req: Request, _ back: Back, _ form: PageForm) async throws -> Response {
        let v = try req.requireViewer()
        switch back {
        case .community: return try await communityPage(req, v, form: form, status: .unprocessableEntity)
        case .volunteer: return try await volunteerPage(req, v, form: form, status: .unprocessableEntity)
        case .venues: return try await venuesPage(req, v, form: form, status: .unprocessableEntity)
        case .activity(let id):
            if let id { req.parameters.set("id", to: id.uuidString) }
            return try await activityPage(req, v, form: form, status: .unprocessableEntity)
        }
    }

    static func reader(_ req: Request) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.readsVolunteers, v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    // MARK: The community's page

    static func community(req: Request) async throws -> Response {
        try await communityPage(req, try reader(req), form: PageForm(), status: .ok)
    }

    static func communityPage(_ req: Request, _ v: Viewer, form: PageForm, status: HTTPStatus) async throws -> Response {
        let repo = VolunteerRepository(req.db)
        let unit = try await repo.community(try OpennessController.id(req, "unit"), in: v.scope)
        let body = VolunteerPages.community(
            unit: unit, teams: try await repo.teams(of: unit.id, in: v.scope), volunteers: try await repo.volunteers(of: unit.id, in: v.scope),
            activities: try await repo.activities(for: unit.id, from: OpennessController.today(req), in: v.scope), canEdit: v.role.keepsVolunteers,
            form: form, today: OpennessController.today(req), csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("volunteer.title", unit.name), status: status)
    }

    static func addTeam(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (unitID, now, who) = (try OpennessController.id(req, "unit"), req.now, try req.requireViewer().account.displayName)
        return try await write(req, "volunteer.team_add", form: form, back: .community) {
            db, scope in
            let team = try await VolunteerRepository(db).addTeam(name: form.name ?? "", leader: form.leader ?? "", to: unitID, by: who, at: now, in: scope)
            return Done(id: team.id, detail: AuditDetail(["unit": unitID.uuidString]).text, path: SiteURL.volunteers(unitID).path, notice: "volunteer.saved")
        }
    }

    static func addVolunteer(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (unitID, now, who, cipher) = (try OpennessController.id(req, "unit"), req.now, try req.requireViewer().account.displayName, req.keys.cipher)
        return try await write(req, "volunteer.add", form: form, back: .community) {
            db, scope in
            let team = try form.id(form.team, field: "team")
            let number = form.id_number?.trimmingSpaces() ?? ""
            let person: VolunteerRepository.Person =
                number.isEmpty ? .outsider(name: form.name ?? "", phone: form.phone ?? "") : .resident(idNumber: number)
            let id = try await VolunteerRepository(db).addVolunteer(
                person, team: team, to: unitID, people: ResidentRepository(db, cipher: cipher), by: who, at: now, in: scope)
            let kind = number.isEmpty ? "outsider" : "resident"
            return Done(id: id, detail: AuditDetail(["unit": unitID.uuidString, "kind": kind]).text, path: SiteURL.volunteer(id).path, notice: "volunteer.saved")
        }
    }

    static func addActivity(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (unitID, now, who) = (try OpennessController.id(req, "unit"), req.now, try req.requireViewer().account.displayName)
        return try await write(req, "volunteer.activity_add", form: form, back: .community) {
            db, scope in
            let id = try await VolunteerRepository(db).addActivity(
                title: form.title ?? "", place: form.place ?? "", day: form.day ?? "", start: form.start ?? "", end: form.end ?? "",
                capacity: form.capacity ?? "", shared: form.shared == "on", to: unitID, by: who, at: now, in: scope)
            return Done(id: id, detail: AuditDetail(["unit": unitID.uuidString]).text, path: SiteURL.volunteerActivity(id).path, notice: "volunteer.saved")
        }
    }

    // MARK: An activity

    static func activity(req: Request) async throws -> Response {
        try await activityPage(req, try reader(req), form: PageForm(), status: .ok)
    }

    static func activityPage(_ req: Request, _ v: Viewer, form: PageForm, status: HTTPStatus) async throws -> Response {
        let repo = VolunteerRepository(req.db)
        let a = try await repo.activity(try OpennessController.id(req, "activity"), in: v.scope)
        let organiser = try await UnitRepository(req.db).find(a.unitID, in: v.scope) != nil
        let canEdit = v.role.keepsVolunteers
        let body = VolunteerPages.activity(
            a, signups: try await repo.signups(of: a.id, in: v.scope), candidates: canEdit ? try await repo.candidates(for: a.id, in: v.scope) : [],
            canEdit: canEdit, organiser: organiser && canEdit, today: OpennessController.today(req), form: form, csrf: CSRF.token(req),
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: a.title, status: status)
    }

    /// A write on an activity for one volunteer (sign-up, check-in, hours), back to the activity.
    static func activityWrite(
        _ req: Request, _ action: String, notice: String,
        _ change: @escaping @Sendable (VolunteerRepository, UUID, UUID, Form, Scope) async throws -> UUID?
    ) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let activityID = try OpennessController.id(req, "activity")
        return try await write(req, action, form: form, back: .activity(nil)) {
            db, scope in
            let volunteerID = try form.id(form.volunteer, field: "volunteer")
            let record = try await change(VolunteerRepository(db), activityID, volunteerID, form, scope)
            return Done(
                id: volunteerID, detail: AuditDetail(["activity": activityID.uuidString, "record": record?.uuidString, "hours": form.hours]).text,
                path: SiteURL.volunteerActivity(activityID).path, notice: notice)
        }
    }

    static func signUp(req: Request) async throws -> Response {
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        return try await activityWrite(req, "volunteer.sign_up", notice: "volunteer.signed_up") { repo, activity, volunteer, _, scope in
            try await repo.signUp(volunteer, to: activity, by: who, at: now, in: scope)
            return nil
        }
    }

    static func checkIn(req: Request) async throws -> Response {
        let (now, today) = (req.now, OpennessController.today(req))
        return try await activityWrite(req, "volunteer.check_in", notice: "volunteer.checked_in") { repo, activity, volunteer, _, scope in
            try await repo.checkIn(volunteer, to: activity, today: today, at: now, in: scope)
            return nil
        }
    }

    static func recordHours(req: Request) async throws -> Response {
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        return try await activityWrite(req, "volunteer.hours", notice: "volunteer.saved") { repo, activity, volunteer, form, scope in
            try await repo.recordHours(of: volunteer, at: activity, hours: form.hours ?? "", by: who, at: now, in: scope).id
        }
    }

    static func correct(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let recordID = try OpennessController.id(req, "record")
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        let activityID = try form.id(form.activity, field: "activity")
        return try await write(
            req, "volunteer.correct", form: form,
            back: .activity(activityID)
        ) { db, scope in
            let r = try await VolunteerRepository(db).correct(recordID, to: form.hours ?? "", reason: form.reason ?? "", by: who, at: now, in: scope)
            return Done(
                id: r.id, detail: AuditDetail(["corrects": recordID.uuidString, "minutes": String(r.minutes)]).text,
                path: SiteURL.volunteerActivity(r.activityID ?? activityID).path, notice: "volunteer.saved")
        }
    }

    // MARK: A volunteer

    static func volunteer(req: Request) async throws -> Response {
        try await volunteerPage(req, try reader(req), form: PageForm(), status: .ok)
    }

    static func volunteerPage(_ req: Request, _ v: Viewer, form: PageForm, status: HTTPStatus, phone: String? = nil) async throws -> Response {
        let repo = VolunteerRepository(req.db)
        let person = try await repo.get(try OpennessController.id(req, "volunteer"), in: v.scope)
        let records = try await repo.records(of: person.id, in: v.scope)
        var issuers: [(UUID, String)] = []
        for (id, name) in Dictionary(records.filter { $0.kind == .hours }.map { ($0.unitID, $0.unitName) }, uniquingKeysWith: { a, _ in a })
        where v.role.keepsVolunteers {
            if try await UnitRepository(req.db).find(id, in: v.scope) != nil { issuers.append((id, name)) }
        }
        let own = try await UnitRepository(req.db).find(person.unitID, in: v.scope) != nil
        let body = VolunteerPages.volunteer(
            person, records: records, ledger: try await repo.ledger(of: person.id, in: v.scope), certificates: try await repo.certificates(of: person.id, in: v.scope),
            issuers: issuers.sorted { $0.1 < $1.1 }, canEdit: v.role.keepsVolunteers && own, canReveal: own && person.phone != nil && Unmask.allowed(v),
            phone: phone, today: OpennessController.today(req), form: form, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: person.name, status: status)
    }

    /// A write on a volunteer's record, back to their page.
    static func volunteerWrite(
        _ req: Request, _ action: String, notice: String, _ change: @escaping @Sendable (VolunteerRepository, UUID, Form, Scope) async throws -> (UUID, String)
    ) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let volunteerID = try OpennessController.id(req, "volunteer")
        return try await write(req, action, form: form, back: .volunteer) {
            db, scope in
            let (id, detail) = try await change(VolunteerRepository(db), volunteerID, form, scope)
            return Done(id: id, detail: detail, path: SiteURL.volunteer(volunteerID).path, notice: notice)
        }
    }

    static func addNote(req: Request) async throws -> Response {
        let (now, who, today) = (req.now, try req.requireViewer().account.displayName, OpennessController.today(req))
        return try await volunteerWrite(req, "volunteer.record", notice: "volunteer.saved") { repo, volunteer, form, scope in
            guard let kind = VolunteerRecordKind(rawValue: form.kind ?? "") else { throw StoreError(.invalid, "party.bad_kind", field: "kind") }
            let r = try await repo.addNote(
                kind, of: volunteer, day: form.day ?? "", text: form.text ?? "", grade: form.grade, today: today, by: who, at: now, in: scope)
            return (r.id, AuditDetail(["volunteer": volunteer.uuidString, "kind": kind.rawValue]).text)
        }
    }

    static func redeem(req: Request) async throws -> Response {
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        return try await volunteerWrite(req, "volunteer.redeem", notice: "volunteer.redeemed") { repo, volunteer, form, scope in
            let entry = try await repo.redeem(volunteer, points: form.points ?? "", for: form.what ?? "", by: who, at: now, in: scope)
            return (volunteer, AuditDetail(["seq": String(entry.seq), "points": String(-entry.delta), "balance": String(entry.balance)]).text)
        }
    }

    static func certify(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let volunteerID = try OpennessController.id(req, "volunteer")
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        return try await write(req, "volunteer.certify", form: form, back: .volunteer) {
            db, scope in
            let issuer = try form.id(form.unit, field: "unit")
            let c = try await VolunteerRepository(db).issueCertificate(of: volunteerID, by: issuer, who: who, at: now, in: scope)
            return Done(
                id: c.id, detail: AuditDetail(["volunteer": volunteerID.uuidString, "unit": issuer.uuidString, "minutes": String(c.totalMinutes)]).text,
                path: SiteURL.certificate(c.id).path, notice: "volunteer.issued")
        }
    }

    /// Shows an outsider's full phone once, through the gate for personal data (role, reason, audit).
    static func reveal(req: Request) async throws -> Response {
        let id = try OpennessController.id(req, "volunteer")
        let raw = try req.content.decode(Form.self).reason
        let what = Unmask.Request(action: "unmask", objectType: "volunteer", objectID: id.uuidString)
        do {
            let (v, reason) = try await Unmask.check(req, what, reason: raw)
            let person = try await VolunteerRepository(req.db).own(id, in: v.scope)
            try await Unmask.record(req, what, reason: reason)
            return try await volunteerPage(req, v, form: PageForm(), status: .ok, phone: person.phone)
        } catch let e as StoreError where e.kind == .invalid {
            return try await volunteerPage(
                req, try reader(req), form: LogController.refused(e, values: ["reason": raw ?? ""]), status: .unprocessableEntity)
        }
    }

    // MARK: Certificates

    static func certificate(req: Request) async throws -> Response {
        let v = try reader(req)
        let c = try await VolunteerRepository(req.db).certificate(try OpennessController.id(req, "certificate"), in: v.scope)
        let body = VolunteerPages.certificate(c, verifyURL: verifyAddress(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("volunteer.certificate_title"))
    }

    /// Where the public check is, as printed on the paper: this server's own address when known.
    static func verifyAddress(_ req: Request) -> String {
        let scheme = req.headers.first(name: "X-Forwarded-Proto") ?? (req.application.http.server.configuration.tlsConfiguration == nil ? "http" : "https")
        let host = req.headers.first(name: .host).map { "\(scheme)://\($0)" } ?? ""
        return host + SiteURL.certificateVerify().path
    }

    /// The public check of a certificate by its code: the name, the issuing unit, the date and the
    /// hours; nothing else about the person.
    static func verify(req: Request) async throws -> Response {
        let raw = req.query[String.self, at: "code"]?.trimmedOrNil
        var found: VolunteerCertificate?
        if let raw { found = try await VolunteerRepository(req.db).verify(raw) }
        let body = VolunteerPages.verify(code: raw, found: found)
        return Layout.response(req, body, title: L10n.t("volunteer.verify_title"), status: raw != nil && found == nil ? .notFound : .ok)
    }

    // MARK: Venues

    static func venues(req: Request) async throws -> Response {
        try await venuesPage(req, try reader(req), form: PageForm(), status: .ok)
    }

    static let calendarDays = 14

    static func venuesPage(_ req: Request, _ v: Viewer, form: PageForm, status: HTTPStatus) async throws -> Response {
        let unit = try await VolunteerRepository(req.db).community(try OpennessController.id(req, "unit"), in: v.scope)
        let repo = VenueRepository(req.db)
        let today = OpennessController.today(req)
        let last = SimpleDate(req.now.addingTimeInterval(Double(calendarDays - 1) * 86_400)).description
        let body = VolunteerPages.venues(
            unit: unit, venues: try await repo.venues(for: unit.id, in: v.scope),
            bookings: try await repo.calendar(for: unit.id, from: today, through: last, in: v.scope), canEdit: v.role.keepsVolunteers, today: today,
            form: form, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("venue.title", unit.name), status: status)
    }

    static func addVenue(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (unitID, now, who) = (try OpennessController.id(req, "unit"), req.now, try req.requireViewer().account.displayName)
        return try await write(req, "venue.add", form: form, back: .venues) {
            db, scope in
            let venue = try await VenueRepository(db).add(name: form.name ?? "", place: form.place ?? "", to: unitID, by: who, at: now, in: scope)
            return Done(id: venue.id, detail: AuditDetail(["unit": unitID.uuidString]).text, path: SiteURL.venues(unitID).path, notice: "volunteer.saved")
        }
    }

    static func book(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (unitID, now, who) = (try OpennessController.id(req, "unit"), req.now, try req.requireViewer().account.displayName)
        return try await write(req, "venue.book", form: form, back: .venues) {
            db, scope in
            let venue = try form.id(form.venue, field: "venue")
            let b = try await VenueRepository(db).book(
                venue, for: unitID, title: form.title ?? "", day: form.day ?? "", start: form.start ?? "", end: form.end ?? "", by: who, at: now, in: scope)
            return Done(
                id: b.id, detail: AuditDetail(["venue": venue.uuidString, "unit": unitID.uuidString, "slot": b.slot.text]).text,
                path: SiteURL.venues(unitID).path, notice: "volunteer.booked")
        }
    }

    /// Cancels a booking of the viewer's community, back to the venues page of `unit`.
    static func cancelBooking(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let bookingID = try OpennessController.id(req, "booking")
        let unitID = try form.id(form.unit, field: "unit")
        let (now, who) = (req.now, try req.requireViewer().account.displayName)
        req.parameters.set("id", to: unitID.uuidString)
        return try await write(req, "venue.cancel", form: form, back: .venues) { db, scope in
            let b = try await VenueRepository(db).cancel(bookingID, by: who, at: now, in: scope)
            return Done(
                id: b.id, detail: AuditDetail(["venue": b.venueID.uuidString, "slot": b.slot.text]).text, path: SiteURL.venues(unitID).path,
                notice: "venue.cancelled")
        }
    }
}

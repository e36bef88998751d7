import Fluent
import Vapor
import WanggeCore
import WanggeStore

extension Open311Controller {
    /// Open311's default window when no dates are given.
    static let defaultWindow: TimeInterval = 90 * 86400
    /// Posts per key per minute: far above any honest integration, low enough to stop a runaway one.
    /// `WANGGE_OPEN311_POSTS_PER_MINUTE` changes it (the benchmark lifts it).
    static func postsPerKeyPerMinute(_ req: Request) -> Int { req.application.caseIntake.open311PostsPerMinute }
    /// Posts with a wrong key per client address per 5 minutes before even the refusal is no longer logged.
    static let badKeysPerAddress = 20
    static let maxEmail = 200
    static let maxDeviceField = 200
    static let maxMediaURL = 2000

    /// Public reads per client address per minute, weighted by the ids asked for: plenty for any
    /// map or app, too few to walk the code space. `WANGGE_OPEN311_READS_PER_MINUTE` changes it.
    static func readsPerMinute(_ req: Request) -> Int { req.application.open311.readsPerMinute }

    /// Counts a public read against the client's address (in the database: shared by all instances).
    static func countRead(_ req: Request, cost: Int = 1) async throws {
        guard try await RateLimiter(req.db).hit("open311-read:\(req.clientIP)", cost: cost, limit: readsPerMinute(req), window: 60, now: req.now) else {
            throw Open311Error(.tooManyRequests, "open311.rate_limited")
        }
    }

    // MARK: GET requests

    static func requests(_ req: Request, format: Open311Format) async throws -> Response {
        let query = try requestQuery(
            req.query[String.self, at: "service_request_id"], serviceCodes: req.query[String.self, at: "service_code"],
            start: req.query[String.self, at: "start_date"], end: req.query[String.self, at: "end_date"],
            status: req.query[String.self, at: "status"], now: req.now)
        try await countRead(req, cost: max(1, query.ids?.count ?? 1))
        let found = try await Open311Repository(req.db).requests(query)
        return publicAnswer(Open311Document(root: "service_requests", body: .list(item: "request", found.map(node))), format: format)
    }

    /// The filters of GET requests, checked. Lists are comma separated. Without dates the window is
    /// the last 90 days; with only an end date, the 90 days before it.
    static func requestQuery(_ ids: String?, serviceCodes: String?, start: String?, end: String?, status: String?, now: Date) throws -> PublicRequestQuery {
        func list(_ s: String?) -> [String]? {
            guard let s = s?.trimmingSpaces(), !s.isEmpty else { return nil }
            return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var query = PublicRequestQuery()
        if let ids = list(ids) {
            guard ids.count <= Open311Repository.maxResults else { throw Open311Error(.badRequest, "open311.too_many_ids", String(Open311Repository.maxResults)) }
            query.ids = ids
            return query
        }
        query.serviceCodes = list(serviceCodes)
        if let raw = start?.trimmingSpaces().nilIfEmpty {
            guard let d = W3CDateTime.parse(raw) else { throw Open311Error(.badRequest, "open311.bad_date", "start_date", raw) }
            query.from = d
        }
        if let raw = end?.trimmingSpaces().nilIfEmpty {
            guard let d = W3CDateTime.parse(raw, end: true) else { throw Open311Error(.badRequest, "open311.bad_date", "end_date", raw) }
            query.to = d
        }
        if let from = query.from, let to = query.to, from > to { throw Open311Error(.badRequest, "open311.dates_reversed") }
        if query.from == nil { query.from = (query.to ?? now).addingTimeInterval(-defaultWindow) }
        if let statuses = list(status) {
            var set: Set<PublicStatus> = []
            for s in statuses {
                guard let status = PublicStatus(rawValue: s.lowercased()) else { throw Open311Error(.badRequest, "open311.bad_status", s) }
                set.insert(status)
            }
            query.statuses = set
        }
        return query
    }

    /// GET one request: a list of one, as Open311 has it.
    static func request(req: Request) async throws -> Response {
        let (id, format, _) = Open311Format.split(req.parameters.get("id") ?? "")
        try checkJurisdiction(req, sent: req.query[String.self, at: "jurisdiction_id"])
        try await countRead(req)
        guard let found = try await Open311Repository(req.db).request(id: id) else {
            throw Open311Error(.notFound, "open311.unknown_request", String(id.prefix(100)))
        }
        return publicAnswer(Open311Document(root: "service_requests", body: .list(item: "request", [node(found)])), format: format)
    }

    static func node(_ r: PublicRequest) -> Open311Node {
        .record([
            Open311Field("service_request_id", .text(r.serviceRequestID)),
            Open311Field("status", .text(r.status.rawValue)),
            Open311Field("status_notes", .text(r.statusNotes)),
            Open311Field("service_name", .text(r.serviceName)),
            Open311Field("service_code", .text(r.serviceCode)),
            Open311Field("description", .text(r.description)),
            Open311Field("agency_responsible", .text(r.agency)),
            Open311Field("service_notice", .text(notice(agency: r.agency, deadline: r.expectedAt))),
            Open311Field("requested_datetime", .text(W3CDateTime.format(r.requestedAt))),
            Open311Field("updated_datetime", .text(W3CDateTime.format(r.updatedAt))),
            Open311Field("expected_datetime", .text(W3CDateTime.format(r.expectedAt))),
            Open311Field("address", .text(r.address)),
            Open311Field("address_id", .text(nil)),
            Open311Field("zipcode", .text(nil)),
            Open311Field("lat", r.lat.map(Open311Node.number) ?? .text(nil)),
            Open311Field("long", r.lon.map(Open311Node.number) ?? .text(nil)),
            // Attachments are not published yet.
            Open311Field("media_url", .text(nil)),
        ])
    }

    static func notice(agency: String?, deadline: Date) -> String {
        L10n.t("open311.notice", agency ?? L10n.t("open311.agency_pending"), display(deadline))
    }

    /// "2026-11-28 10:00" in China time, for sentences.
    static func display(_ date: Date) -> String {
        let w3c = W3CDateTime.format(date)
        return String(w3c.prefix(10)) + " " + String(w3c.dropFirst(11).prefix(5))
    }

    // MARK: POST requests

    /// The form of POST requests. Names are Open311's; the global JSON key conversion does not apply
    /// to forms. `attribute[…]`, a `media` upload and unknown fields are accepted and ignored.
    struct PostForm: Content {
        var api_key: String?
        var jurisdiction_id: String?
        var service_code: String?
        var lat: String?
        var long: String?
        var address_string: String?
        var address_id: String?
        var email: String?
        var device_id: String?
        var account_id: String?
        var first_name: String?
        var last_name: String?
        var phone: String?
        var description: String?
        var media_url: String?

        static let fields: [(String, WritableKeyPath<PostForm, String?>)] = [
            ("api_key", \.api_key), ("jurisdiction_id", \.jurisdiction_id), ("service_code", \.service_code), ("lat", \.lat),
            ("long", \.long), ("address_string", \.address_string), ("address_id", \.address_id), ("email", \.email),
            ("device_id", \.device_id), ("account_id", \.account_id), ("first_name", \.first_name), ("last_name", \.last_name),
            ("phone", \.phone), ("description", \.description), ("media_url", \.media_url),
        ]

        init() {}

        /// A url-encoded body or query string: the last value of each name, as Vapor's form decoder
        /// takes it (read with `URLEncoded`, without `Codable`); nil when a name or value does not
        /// decode (a broken escape, bytes that are not UTF-8).
        init?(urlEncoded text: String) {
            guard let pairs = URLEncoded.strictPairs(text) else { return nil }
            for (name, value) in pairs {
                if let field = Self.fields.first(where: { $0.0 == name })?.1 { self[keyPath: field] = value }
            }
        }
    }

    static func post(req: Request) async throws -> Response {
        let (name, format) = try topLevel(req)
        guard name == "requests" else { throw Open311Error(.notFound, "open311.no_such_resource") }
        let form = try postForm(req)
        try checkJurisdiction(req, sent: form.jurisdiction_id)
        let (key, catalogue) = try await authenticate(req, key: form.api_key)
        let intake = try await intake(from: form, req: req, catalogue: catalogue)
        let row: CaseRow
        do {
            // The per-key limit is counted in the commit that writes the case (exact under load, see IntakeBatcher).
            row = try await req.openCase(
                intake.draft, actor: CaseActor(id: nil, name: key.name, role: .resident), locator: intake.locator,
                detail: "key=\(key.name)",
                auditActor: AuditActor(name: key.name, role: "open311"),
                limit: RateLimit(key: "open311:\(key.id)", limit: postsPerKeyPerMinute(req), window: 60))
        } catch let e as StoreError where e.kind == .invalid {
            throw Open311Error(status: .badRequest, description: describe(e))
        } catch let e as AbortError where e.status == .tooManyRequests {
            throw Open311Error(.tooManyRequests, "open311.rate_limited")
        }
        // Routed as the category says (nearly always), the department's name came with the service.
        var agency: String?
        if let key = row.departmentKey {
            agency = key == intake.service.departmentKey ? intake.service.department : try await Open311Repository(req.db).departmentName(key)
        }
        // The tracking code is the reporter's private key (tracking page, rating): only this answer, to the
        // poster, carries it; the public id is what lists show.
        let notice = L10n.t("open311.received", row.publicCode, TrackingCode.display(row.trackingCode)) + notice(agency: agency, deadline: row.resolveBy)
        let body = Open311Node.list(
            item: "request",
            [
                .record([
                    Open311Field("service_request_id", .text(row.publicCode)),
                    Open311Field("service_notice", .text(notice)),
                    Open311Field("account_id", .text(nil)),
                ])
            ])
        return Open311Response.make(Open311Document(root: "service_requests", body: body), format: format)
    }

    /// The posted fields, each taken from the form body or else the query string (some clients put
    /// `api_key` and `jurisdiction_id` in the URL).
    static func postForm(_ req: Request) throws -> PostForm {
        var body = PostForm()
        if let data = req.body.data, data.readableBytes > 0 {
            guard let type = req.headers.contentType, type == .urlEncodedForm || type == .formData else {
                throw Open311Error(.badRequest, "open311.form_required")
            }
            if type == .urlEncodedForm {
                guard let form = PostForm(urlEncoded: String(decoding: data.readableBytesView, as: UTF8.self)) else {
                    throw Open311Error(.badRequest, "open311.bad_body")
                }
                body = form
            } else {
                do { body = try req.content.decode(PostForm.self) } catch { throw Open311Error(.badRequest, "open311.bad_body") }
            }
        }
        let query = req.url.query.flatMap { PostForm(urlEncoded: $0) } ?? PostForm()
        var form = PostForm()
        for (_, field) in PostForm.fields {
            form[keyPath: field] =
                body[keyPath: field]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
                ?? query[keyPath: field]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        }
        return form
    }

    /// The live key, or 403. Refusals are audited, and limited per address so a key-guesser can
    /// neither get far nor flood the audit log.
    /// With the key comes the service catalogue's stamp, read in the same statement (nil only if the
    /// stamp is missing: then the post reads its service directly).
    static func authenticate(_ req: Request, key: String?) async throws -> (row: ApiKeyRow, catalogue: Int64?) {
        if let key, let found = try await ApiKeyRepository(req.db).authenticated(key, now: req.now) { return found }
        guard try await RateLimiter(req.db).hit("open311-badkey:\(req.clientIP)", limit: badKeysPerAddress, window: 300, now: req.now) else {
            throw Open311Error(.tooManyRequests, "open311.rate_limited")
        }
        try await req.audit(
            "case.report", object: "case", "-", detail: "channel=open311; \(key == nil ? "no api_key" : "bad api_key")",
            outcome: "denied", actor: AuditActor(name: "-", role: "open311"))
        throw Open311Error(.forbidden, key == nil ? "open311.key_required" : "open311.bad_key")
    }

    struct Intake {
        var draft: CaseIntake
        /// The grid locator a posted point was checked against, handed on so intake does not fetch it
        /// again; nil when the post gave no point (an address, a building code: intake fetches it if it needs it).
        var locator: GridLocator?
        /// The service posted to, with its department's name (for the answer's notice).
        var service: PublicService
    }

    /// Checks everything before anything is written: a refused post leaves no trace of a case.
    static func intake(from form: PostForm, req: Request, catalogue: Int64?) async throws -> Intake {
        let repo = Open311Repository(req.db)
        guard let code = form.service_code else { throw Open311Error(.badRequest, "open311.field_required", "service_code") }
        guard code.count <= 100,
            let (service, category) =
                if let catalogue { try await req.application.caseIntake.catalogue.offer(code, stamp: catalogue, db: req.db) } else { try await repo.offer(code) }
        else {
            throw Open311Error(.badRequest, "open311.unknown_service", String(code.prefix(100)))
        }
        let limits: [(String, String?, Int)] = [
            ("description", form.description, CaseRepository.maxDescription), ("address_string", form.address_string, CaseRepository.maxShort),
            ("first_name", form.first_name, CaseRepository.maxShort), ("last_name", form.last_name, CaseRepository.maxShort),
            ("email", form.email, maxEmail), ("device_id", form.device_id, maxDeviceField), ("account_id", form.account_id, maxDeviceField),
            ("media_url", form.media_url, maxMediaURL), ("address_id", form.address_id, 64), ("phone", form.phone, 40),
        ]
        for (field, value, max) in limits where (value?.count ?? 0) > max {
            throw Open311Error(.badRequest, "open311.too_long", field, String(max))
        }

        var point: GeoPoint?
        var locator: GridLocator?
        switch (form.lat, form.long) {
        case (nil, nil): break
        case (let lat?, let long?):
            guard let y = coordinate(lat), let x = coordinate(long), GeoPoint(lon: x, lat: y).isValid else {
                throw Open311Error(.badRequest, "open311.bad_coordinates", lat, long)
            }
            point = GeoPoint(lon: x, lat: y)
            let area = try await Open311Area.current(req)
            guard area.serves(point!) else { throw Open311Error(.badRequest, "open311.outside_area", lat, long) }
            locator = area.locator
        default:
            throw Open311Error(.badRequest, "open311.lat_long_pair")
        }
        var address = form.address_string
        var gridID: UUID?
        if let addressID = form.address_id {
            guard let building = try await repo.building(code: addressID) else { throw Open311Error(.badRequest, "open311.unknown_address_id", addressID) }
            if point == nil { point = building.point }
            if address == nil { address = building.address }
            gridID = building.unitID
        }
        guard point != nil || address != nil else { throw Open311Error(.badRequest, "open311.location_required") }

        var draft = CaseIntake(
            categoryKey: service.code, channel: .open311, title: "", description: form.description ?? service.name,
            point: point, address: address, reporterName: reporterName(first: form.first_name, last: form.last_name),
            reporterPhone: form.phone, gridID: gridID)
        draft.reporterEmail = form.email
        draft.category = category
        return Intake(draft: draft, locator: locator, service: service)
    }

    /// A plain decimal number: no `nan`, `inf` or hex, which `Double("…")` would also read.
    static func coordinate(_ s: String) -> Double? {
        guard s.count <= 32, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let d = Double(s), d.isFinite else { return nil }
        return d
    }

    /// Chinese names are family name first without a space; others "given family".
    static func reporterName(first: String?, last: String?) -> String? {
        let parts = [first, last].compactMap { $0 }
        guard !parts.isEmpty else { return nil }
        let cjk = parts.joined().unicodeScalars.contains { (0x3400...0x9FFF).contains($0.value) }
        return cjk ? (last ?? "") + (first ?? "") : parts.joined(separator: " ")
    }

    /// A storage refusal in Open311's field names.
    static func describe(_ e: StoreError) -> String {
        let fields = [
            "location": "lat/long", "category": "service_code", "address": "address_string", "reporter_name": "first_name/last_name",
            "phone": "phone", "description": "description", "title": "description", "grid": "address_id", "email": "email",
        ]
        let prefix = e.field.map { (fields[$0] ?? $0) + ": " } ?? ""
        return prefix + e.message(.zh) + " / " + prefix + e.message(.en)
    }
}

// MARK: The area served

/// The grid boundaries, for refusing points far outside the district: the intake's grid locator
/// (`GridLocatorCache`, which re-checks the tree on every use) and the grids' box around it.
struct Open311Area: Sendable {
    /// About 5 km: a report from just across the district line still reaches someone who can pass it on.
    static let margin = 0.05
    var locator: GridLocator
    /// The grids' bounding box widened by `margin`; nil when no grid has a boundary (anything valid is accepted).
    var box: GeoBox?

    func serves(_ p: GeoPoint) -> Bool { box?.contains(p) ?? true }

    static func current(_ req: Request) async throws -> Open311Area {
        let locator = try await req.application.caseIntake.locators.locator(req.db)
        let box = locator.bounds.map { b in
            GeoBox(minLon: b.minLon - margin, minLat: b.minLat - margin, maxLon: b.maxLon + margin, maxLat: b.maxLat + margin)
        }
        return Open311Area(locator: locator, box: box)
    }
}

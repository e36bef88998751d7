import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The auditor's view of the audit log: search, page through, export what was found as CSV,
/// and verify the hash chain. 三权分立: only the auditor comes here — not the system
/// administrator whose actions the log records, nor the security administrator.
enum AuditController {
    static let pageSize = 50
    /// A CSV export holds at most this many entries; narrow the search for more.
    static let exportLimit = 200_000

    static func index(req: Request) async throws -> Response {
        _ = try req.requireAuditor()
        let page = try req.pageNumber()
        return try await render(req, search: try req.query.decode(AuditSearch.self), page: page, verification: nil)
    }

    static func render(_ req: Request, search: AuditSearch, page: Int, verification: AuditVerification?) async throws -> Response {
        let log = AuditLog(req.db, chain: req.keys.audit)
        let found = try await log.search(filter: try search.filter(), limit: pageSize, offset: (page - 1) * pageSize)
        let model = AuditPage.Model(
            search: search, page: page, pageSize: pageSize, entries: found.entries, total: found.total,
            actions: try await log.actions(), verification: verification, csrf: CSRF.token(req))
        return Layout.response(req, AuditPage.render(model), title: L10n.t("audit.title"))
    }

    /// "Verify now": walks the whole chain and shows the result above the latest entries. The
    /// check itself goes into the log, so a skipped or failed check is on record too.
    static func verify(req: Request) async throws -> Response {
        _ = try req.requireAuditor()
        let result = try await AuditLog(req.db, chain: req.keys.audit).verify()
        try await req.audit(
            "verify", object: "audit_log", result.lastSeq.map(String.init) ?? "-",
            detail: AuditDetail(["checked": "\(result.checked)", "finding": result.firstBadSeq.map(String.init)]).text,
            outcome: result.isIntact ? "ok" : "failed")
        return try await render(req, search: AuditSearch(), page: 1, verification: result)
    }

    /// The current search as CSV (UTF-8 with BOM so Excel opens it), newest first.
    static func export(req: Request) async throws -> Response {
        _ = try req.requireAuditor()
        let search = try req.query.decode(AuditSearch.self)
        var filter = try search.filter()
        let log = AuditLog(req.db, chain: req.keys.audit)
        var writer = CSVWriter(
            header: [
                "audit.seq", "audit.time", "audit.actor", "audit.role", "audit.ip", "audit.action", "audit.object",
                "audit.object_id", "audit.detail", "audit.outcome",
            ].map { L10n.t($0) })
        var rows = 0
        while rows < exportLimit {
            let page = try await log.search(filter: filter, limit: 1000, offset: rows)
            if filter.throughSeq == nil, let newest = page.entries.first { filter.throughSeq = newest.seq }
            for r in page.entries.prefix(exportLimit - rows) {
                writer.append([
                    "\(r.seq)", AuditPage.time(r.at), r.actor, AuditPage.roleName(r.role), r.ip, AuditPage.actionName(r.action),
                    AuditPage.objectName(r.objectType), r.objectID, r.detail, AuditPage.outcomeName(r.outcome),
                ])
            }
            rows += min(page.entries.count, exportLimit - rows)
            if page.entries.count < 1000 { break }
        }
        try await req.audit("export", object: "audit_log", "-", detail: AuditDetail(["rows": "\(rows)", "filter": search.query(page: 1).nilIfEmpty]).text)
        return DataController.csvResponse(writer.data, name: "audit-log.csv")
    }

    /// `GET /api/v1/audit`: the same search as JSON, for the auditor's own tools.
    static func register(api: any RoutesBuilder) {
        api.get("audit") { req async throws -> PeopleAPI.Page<AuditRecord> in
            _ = try req.requireAuditor()
            let (limit, offset) = try PeopleAPI.paging(req)
            let found = try await AuditLog(req.db, chain: req.keys.audit).search(filter: try req.query.decode(AuditSearch.self).filter(), limit: limit, offset: offset)
            return PeopleAPI.Page(items: found.entries, total: found.total, limit: limit, offset: offset)
        }
    }
}

/// The search as the form and the URL carry it: plain strings, dates as the browser's date
/// input sends them (a day in China Standard Time) or full ISO 8601 times.
struct AuditSearch: Content, Equatable, Sendable {
    var actor: String?
    var action: String?
    var objectType: String?
    var objectID: String?
    var outcome: String?
    var from: String?
    var to: String?
    var q: String?

    enum CodingKeys: String, CodingKey {
        case actor, action, outcome, from, to, q
        case objectType = "object_type", objectID = "object_id"
    }

    init(
        actor: String? = nil, action: String? = nil, objectType: String? = nil, objectID: String? = nil,
        outcome: String? = nil, from: String? = nil, to: String? = nil, q: String? = nil
    ) {
        self.actor = actor
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.outcome = outcome
        self.from = from
        self.to = to
        self.q = q
    }

    var fields: [(String, String?)] {
        [
            ("actor", actor), ("action", action), ("object_type", objectType), ("object_id", objectID), ("outcome", outcome),
            ("from", from), ("to", to), ("q", q),
        ]
    }

    /// `?actor=…&page=2`, leaving out what is blank; "" when nothing is set.
    func query(page: Int) -> String {
        var c = URLComponents()
        let items =
            fields.compactMap { k, v in v.flatMap { $0.trimmingSpaces().isEmpty ? nil : URLQueryItem(name: k, value: $0) } }
            + (page > 1 ? [URLQueryItem(name: "page", value: String(page))] : [])
        c.queryItems = items
        return items.isEmpty ? "" : "?" + (c.percentEncodedQuery ?? "")
    }

    func filter() throws -> AuditFilter {
        for (name, value) in fields where (value?.count ?? 0) > 100 {
            throw StoreError(.invalid, "field.too_long", ["100"], field: name)
        }
        return AuditFilter(
            actor: actor, action: action, objectType: objectType, objectID: objectID, outcome: outcome,
            from: try Self.time(from, field: "from", endOfDay: false), to: try Self.time(to, field: "to", endOfDay: true), text: q)
    }

    /// A day means its start in China Standard Time (or the next day's start for the end of a
    /// range, so "to 2026-11-27" includes that day); a full ISO 8601 time means itself.
    static func time(_ raw: String?, field: String, endOfDay: Bool) throws -> Date? {
        guard let s = raw?.trimmingSpaces(), !s.isEmpty else { return nil }
        if let day = SimpleDate(iso: s) {
            var c = DateComponents(year: day.year, month: day.month, day: day.day)
            c.timeZone = ChinaTime.zone
            guard let start = ChinaTime.calendar.date(from: c) else { throw StoreError(.invalid, "audit.bad_date", [s], field: field) }
            return endOfDay ? ChinaTime.calendar.date(byAdding: .day, value: 1, to: start) : start
        }
        let iso = ISO8601DateFormatter()
        if let t = iso.date(from: s) { return t }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let t = iso.date(from: s) { return t }
        throw StoreError(.invalid, "audit.bad_date", [s], field: field)
    }
}

extension AuditRecord: Content {}

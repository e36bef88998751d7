import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Open311 knows two statuses; a case's state maps onto them.
public enum PublicStatus: String, Sendable, CaseIterable {
    case open, closed

    public init(_ state: CaseState) {
        switch state {
        case .closed, .calledBack, .rejected, .merged: self = .closed
        case .reported, .accepted, .dispatched, .signedFor, .handled, .verified, .suspended: self = .open
        }
    }

    public var states: [CaseState] { CaseState.allCases.filter { PublicStatus($0) == self } }
}

/// A service as Open311 lists it: a leaf of the category tree of a public kind.
public struct PublicService: Sendable, Equatable {
    public var code: String
    public var name: String
    public var nameEn: String
    /// The parent category's name (Open311 `group`).
    public var group: String?
    public var groupEn: String?
    public var department: String
    /// The department the category goes to unless a routing rule of the case's grid says otherwise.
    public var departmentKey: String
    public var limits: CaseLimits
    public var complex: Bool
}

/// A case as the public sees it: no reporter name or phone ever, text scrubbed of number runs,
/// the address cut to its street part.
public struct PublicRequest: Sendable, Equatable {
    /// The case's public code (`PublicCode`, 9 characters, no hyphen): Open311's `service_request_id`.
    /// Never the tracking code, which is the reporter's private key to the tracking page.
    public var serviceRequestID: String
    public var caseID: UUID
    public var state: CaseState
    public var status: PublicStatus
    public var statusNotes: String?
    public var serviceCode: String
    public var serviceName: String
    public var description: String
    public var agency: String?
    public var requestedAt: Date
    public var updatedAt: Date
    public var expectedAt: Date
    public var address: String?
    public var lat: Double?
    public var lon: Double?
}

/// What GET requests asks for. With `ids` the other filters are ignored (Open311: the id list
/// "overrides all other arguments").
public struct PublicRequestQuery: Sendable, Equatable {
    public var ids: [String]?
    public var serviceCodes: [String]?
    public var from: Date?
    public var to: Date?
    public var statuses: Set<PublicStatus>?
    public var limit: Int

    public init(
        ids: [String]? = nil, serviceCodes: [String]? = nil, from: Date? = nil, to: Date? = nil,
        statuses: Set<PublicStatus>? = nil, limit: Int = Open311Repository.maxResults
    ) {
        self.ids = ids
        self.serviceCodes = serviceCodes
        self.from = from
        self.to = to
        self.statuses = statuses
        self.limit = limit
    }
}

/// The district's public face over Open311 (GeoReport v2), read side.
///
/// What is public: cases of the public-space kinds — events and components (GB/T 30428.2), the
/// location-based problems Open311 is made for — from every channel. Proxy services and disputes or
/// inquiries concern one person's affairs and are never listed, offered or shown. A rejected case
/// (spam, abuse, not the district's business) is left out of browsing but still answers when asked
/// for by its id, as the tracking page does, so its reporter learns why.
public struct Open311Repository: Sendable, SQLRepository {
    let db: any Database

    public static let publicKinds: [CaseKind] = [.event, .component]
    /// Open311's default and our maximum page.
    public static let maxResults = 1000

    public init(_ db: any Database) { self.db = db }

    // MARK: Services

    /// A category as the service list needs it. `active` is read when the table has it: a category
    /// taken out of use is no longer offered.
    struct CategoryRead: Decodable {
        var key: String
        var parent_key: String?
        var kind: CaseKind
        var name_zh: String
        var name_en: String
        var department_key: String
        var respond_hours: Double
        var resolve_hours: Double
        var counting: HourCounting
        var complex: Bool
        var active: Bool?
    }

    public func services() async throws -> [PublicService] {
        let all = try await sql.raw("SELECT * FROM case_categories ORDER BY sort").all(decoding: CategoryRead.self)
        return Self.offered(all, departments: try await departmentNames())
    }

    /// The categories of `rows` that are offered as services: public kinds, leaves among `rows`, in use.
    static func offered(_ rows: [CategoryRead], departments: [String: String]) -> [PublicService] {
        let all = rows
        let parents = Set(all.compactMap(\.parent_key))
        let byKey = Dictionary(all.map { ($0.key, $0) }) { a, _ in a }
        return all.filter { Self.publicKinds.contains($0.kind) && !parents.contains($0.key) && $0.active != false }.map { c in
            let parent = c.parent_key.flatMap { byKey[$0] }
            return PublicService(
                code: c.key, name: c.name_zh, nameEn: c.name_en, group: parent?.name_zh, groupEn: parent?.name_en,
                department: departments[c.department_key] ?? c.department_key, departmentKey: c.department_key,
                limits: CaseLimits(respondHours: c.respond_hours, resolveHours: c.resolve_hours, counting: c.counting),
                complex: c.complex)
        }
    }

    /// One service by code, as `services()` lists it, reading only the category, its parent and its
    /// children (every intake post asks this, so it does not read the whole tree).
    public func service(_ code: String) async throws -> PublicService? {
        try await offer(code)?.service
    }

    public typealias Offer = (service: PublicService, category: CategoryRow)

    /// `service(code)` and the category behind it, as intake takes it (`CaseIntake.category`), from one
    /// read of the category, its parent and its children that brings the department's name too.
    public func offer(_ code: String) async throws -> Offer? {
        let found = try await sql.raw(
            """
            SELECT c.*, d.name_zh AS department_name FROM case_categories c LEFT JOIN departments d ON d.key = c.department_key \
            WHERE c.key = \(bind: code) OR c.parent_key = \(bind: code) OR c.key = (SELECT parent_key FROM case_categories WHERE key = \(bind: code))
            """
        ).all()
        return try Self.offers(in: found)[code]
    }

    /// Every service on offer with the category behind it, each as `offer(code)` gives it, in one
    /// read that also brings the catalogue's stamp (`CreateCatalogueStamp`) as it stood for that read.
    public func offers() async throws -> (stamp: Int64?, offers: [String: Offer]) {
        let found = try await sql.raw(
            """
            SELECT c.*, d.name_zh AS department_name, (SELECT n FROM stamps WHERE name = 'catalogue') AS catalogue_stamp \
            FROM case_categories c LEFT JOIN departments d ON d.key = c.department_key
            """
        ).all()
        return (try found.first?.decode(column: "catalogue_stamp", as: Int64?.self), try Self.offers(in: found))
    }

    /// The services offered among `found` (categories with their department's name as `department_name`),
    /// by code, each with the category behind it.
    static func offers(in found: [any SQLRow]) throws -> [String: Offer] {
        let rows = try found.map { try $0.decode(model: CategoryRead.self) }
        var names: [String: String] = [:]
        for (row, read) in zip(found, rows) {
            if let name = try row.decode(column: "department_name", as: String?.self) { names[read.department_key] = name }
        }
        let at = Dictionary(rows.enumerated().map { ($1.key, $0) }) { a, _ in a }
        var offers: [String: Offer] = [:]
        for service in Self.offered(rows, departments: names) {
            if let i = at[service.code] { offers[service.code] = (service, try CategoryRow(row: found[i])) }
        }
        return offers
    }

    /// A department's name by key; nil if no department has it.
    public func departmentName(_ key: String) async throws -> String? {
        try await sql.raw("SELECT name_zh FROM departments WHERE key = \(bind: key)").first()?.decode(column: "name_zh", as: String.self)
    }

    /// Open311's `address_id` is a building code of the register: the building gives the point,
    /// the address and the grid ("address → building → grid", C2).
    public func building(code: String) async throws -> (point: GeoPoint, address: String, unitID: UUID?)? {
        struct Row: Decodable { var address: String; var unit_id: UUID?; var lon: Double; var lat: Double }
        guard let row = try await sql.raw("SELECT address, unit_id, lon, lat FROM buildings WHERE code = \(bind: code)").first(decoding: Row.self) else {
            return nil
        }
        return (GeoPoint(lon: row.lon, lat: row.lat), row.address, row.unit_id)
    }

    func departmentNames() async throws -> [String: String] {
        struct Row: Decodable { var key: String; var name_zh: String }
        let rows = try await sql.raw("SELECT key, name_zh FROM departments").all(decoding: Row.self)
        return Dictionary(rows.map { ($0.key, $0.name_zh) }) { a, _ in a }
    }

    // MARK: Requests

    struct CaseRead: Decodable {
        var id: UUID
        var public_code: String
        var category_key: String
        var state: CaseState
        var description: String
        var lon: Double?
        var lat: Double?
        var address: String?
        var reported_at: Date
        var resolve_by: Date
        var merged_into: String?
        var category_name: String
        var department_name: String?
    }

    struct EventRead: Decodable {
        var case_id: UUID
        var seq: Int
        var at: Date
        var note: String?
        var reason: String?
        var notify_reporter: Bool
    }

    static let select: SQLQueryString = """
        SELECT ca.id, ca.public_code, ca.category_key, ca.state, ca.description, ca.lon, ca.lat, ca.address, ca.reported_at, \
        ca.resolve_by, ca.merged_into, cc.name_zh AS category_name, d.name_zh AS department_name \
        FROM cases ca JOIN case_categories cc ON cc.key = ca.category_key LEFT JOIN departments d ON d.key = ca.department_key
        """

    var publicKind: SQLQueryString { "cc.kind IN (\(binds: Self.publicKinds.map(\.rawValue)))" }

    /// GET requests: newest first, at most `query.limit` (≤ 1000).
    public func requests(_ query: PublicRequestQuery) async throws -> [PublicRequest] {
        var conditions: [SQLQueryString] = [publicKind]
        if let ids = query.ids {
            let codes = Array(Set(ids.compactMap(PublicCode.normalized)))
            guard !codes.isEmpty else { return [] }
            conditions.append("ca.public_code IN (\(binds: codes))")
        } else {
            conditions.append("ca.state <> \(bind: CaseState.rejected.rawValue)")
            if let codes = query.serviceCodes {
                guard !codes.isEmpty else { return [] }
                conditions.append("ca.category_key IN (\(binds: codes))")
            }
            if let from = query.from { conditions.append("ca.reported_at >= \(bind: from)") }
            if let to = query.to { conditions.append("ca.reported_at <= \(bind: to)") }
            if let statuses = query.statuses {
                let states = statuses.flatMap(\.states).map(\.rawValue)
                guard !states.isEmpty else { return [] }
                conditions.append("ca.state IN (\(binds: states))")
            }
        }
        let limit = min(max(query.limit, 1), Self.maxResults)
        let rows = try await sql.raw(
            """
            \(Self.select) WHERE \(conditions.joined(separator: " AND ")) \
            ORDER BY ca.reported_at DESC, ca.public_code LIMIT \(count: limit)
            """
        ).all(decoding: CaseRead.self)
        return try await publish(rows)
    }

    /// GET one request, by its service_request_id (public code, with or without a hyphen).
    public func request(id: String) async throws -> PublicRequest? {
        guard let code = PublicCode.normalized(id) else { return nil }
        let rows = try await sql.raw("\(Self.select) WHERE \(publicKind) AND ca.public_code = \(bind: code)").all(decoding: CaseRead.self)
        return try await publish(rows).first
    }

    /// The request behind a token: the case's id.
    public func request(caseID: UUID) async throws -> PublicRequest? {
        let rows = try await sql.raw("\(Self.select) WHERE \(publicKind) AND ca.id = \(bind: caseID)").all(decoding: CaseRead.self)
        return try await publish(rows).first
    }

    /// Adds what the timeline knows (last change, the note the reporter is told) and scrubs the text.
    func publish(_ rows: [CaseRead]) async throws -> [PublicRequest] {
        guard !rows.isEmpty else { return [] }
        let events = try await sql.raw(
            """
            SELECT case_id, seq, at, note, reason, notify_reporter FROM case_events WHERE case_id IN (\(binds: rows.map(\.id))) ORDER BY seq
            """
        ).all(decoding: EventRead.self)
        var updated: [UUID: Date] = [:]
        var notes: [UUID: String] = [:]
        for e in events {
            updated[e.case_id] = max(updated[e.case_id] ?? e.at, e.at)
            if e.notify_reporter, let text = (e.reason ?? e.note)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                notes[e.case_id] = text  // ordered by seq: the last one told wins
            }
        }
        let targets = try await mergeTargets(rows.compactMap(\.merged_into))
        return rows.map { r in
            var statusNotes = notes[r.id].map(PublicText.scrub)
            if r.state == .merged, let target = r.merged_into.flatMap({ targets[$0] }) {
                let merged = L10n.t("open311.merged_into", target)
                statusNotes = statusNotes.map { merged + " " + $0 } ?? merged
            }
            return PublicRequest(
                serviceRequestID: r.public_code, caseID: r.id, state: r.state, status: PublicStatus(r.state), statusNotes: statusNotes,
                serviceCode: r.category_key, serviceName: r.category_name, description: PublicText.scrub(r.description),
                agency: r.department_name, requestedAt: r.reported_at, updatedAt: updated[r.id] ?? r.reported_at, expectedAt: r.resolve_by,
                address: r.address.map(PublicText.address), lat: r.lat, lon: r.lon)
        }
    }

    /// `merged_into` holds the surviving case's id or tracking code; the public knows it by its public code.
    func mergeTargets(_ refs: [String]) async throws -> [String: String] {
        let ids = refs.compactMap(UUID.init(uuidString:))
        let codes = refs.compactMap(TrackingCode.normalized)
        guard !ids.isEmpty || !codes.isEmpty else { return [:] }
        struct Row: Decodable { var id: UUID; var tracking_code: String; var public_code: String }
        // One indexed lookup per kind of reference, joined by UNION ALL (an OR of the two may be planned as a scan).
        var arms: [SQLQueryString] = []
        if !ids.isEmpty { arms.append("SELECT id, tracking_code, public_code FROM cases WHERE id IN (\(binds: ids))") }
        if !codes.isEmpty { arms.append("SELECT id, tracking_code, public_code FROM cases WHERE tracking_code IN (\(binds: codes))") }
        var found: [String: String] = [:]
        for row in try await sql.raw(arms.joined(separator: " UNION ALL ")).all(decoding: Row.self) {
            for ref in refs where UUID(uuidString: ref) == row.id || TrackingCode.normalized(ref) == row.tracking_code {
                found[ref] = row.public_code
            }
        }
        return found
    }
}

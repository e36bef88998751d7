import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A public notice (公告) of a unit.
public struct Notice: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var title: String
    public var body: String
    public var publishOn: String
    public var expiresOn: String?
    public var attachmentName: String?
    public var attachmentType: String?
    public var createdAt: Date
    /// Whom it is for; `careTag` names the care group when it is one.
    public var audience: NoticeAudience
    public var careTag: String?

    enum CodingKeys: String, CodingKey {
        case id, title, body
        case unitID = "unit_id", unitName = "unit_name", publishOn = "publish_on", expiresOn = "expires_on", attachmentName = "attachment_name"
        case attachmentType = "attachment_type", createdAt = "created_at", audience, careTag = "care_tag"
    }

    static let select = """
        SELECT n.id, n.unit_id, u.name AS unit_name, n.title, n.body, n.publish_on, n.expires_on, n.attachment_name, n.attachment_type, n.created_at, \
        n.audience, n.care_tag \
        FROM notices n JOIN units u ON u.id = n.unit_id
        """
}

/// A notice's attachment, as uploaded.
public struct NoticeAttachment: Sendable, Equatable {
    public var name: String
    public var contentType: String
    public var data: Data

    public init(name: String, contentType: String, data: Data) { (self.name, self.contentType, self.data) = (name, contentType, data) }

    /// Attachments are documents for a notice board, not archives.
    public static let maxBytes = 5 * 1024 * 1024
}

/// Keeps notices. The public reads only what is published and not yet expired on the day asked.
public struct NoticeRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxTitle = 100
    public static let maxBody = 5000

    /// Publishes a notice to `target` within the unit and resolves the target to the households it
    /// reaches, queueing a message to each that has a phone on record (`NoticeReachRepository.resolve`).
    /// A `requestKey` already used returns the notice it published, unchanged: a form sent twice or
    /// an API call retried publishes (and queues) once.
    public func publish(
        title: String, body: String, publishOn: String, expiresOn: String?, attachment: NoticeAttachment?, to unitID: UUID, by name: String, at now: Date,
        target: NoticeTarget = NoticeTarget(), requestKey: String? = nil, seesSensitiveTags: Bool = true, in scope: Scope
    ) async throws -> Notice {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        if let requestKey, let earlier = try await published(requestKey: requestKey) {
            guard earlier.unitID == unit.id else { throw StoreError(.conflict, "reach.request_key_used", field: "request_key") }
            return earlier
        }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw StoreError(.invalid, "admission.title_required", field: "title") }
        guard title.count <= Self.maxTitle else { throw StoreError(.invalid, "power.too_long", [String(Self.maxTitle)], field: "title") }
        guard body.count <= Self.maxBody else { throw StoreError(.invalid, "power.too_long", [String(Self.maxBody)], field: "body") }
        guard SimpleDate(iso: publishOn) != nil else { throw StoreError(.invalid, "log.bad_day", field: "publish_on") }
        if let expiresOn {
            guard SimpleDate(iso: expiresOn) != nil, expiresOn >= publishOn else { throw StoreError(.invalid, "log.bad_day", field: "expires_on") }
        }
        if let a = attachment, a.data.count > NoticeAttachment.maxBytes { throw StoreError(.invalid, "power.too_long", ["5 MB"], field: "attachment") }
        let reach = NoticeReachRepository(db)
        let buildings = try await reach.checked(target, in: unit, seesSensitiveTags: seesSensitiveTags)
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO notices (id, unit_id, title, body, publish_on, expires_on, attachment_name, attachment_type, attachment, created_by, created_at, \
            audience, care_tag, request_key) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: title), \(bind: body), \(bind: publishOn), \(bind: expiresOn), \(bind: attachment?.name), \
            \(bind: attachment?.contentType), \(bind: attachment?.data), \(bind: name), \(bind: now), \(bind: target.audience.rawValue), \
            \(bind: target.audience == .careGroup ? target.careTag : nil), \(bind: requestKey))
            """
        ).run()
        for b in buildings { try await sql.raw("INSERT INTO notice_buildings (notice_id, building_id) VALUES (\(bind: id), \(bind: b))").run() }
        try await reach.resolve(id, at: now)
        guard let notice = try await sql.raw("\(unsafeRaw: Notice.select) WHERE n.id = \(bind: id)").first(decoding: Notice.self) else {
            throw StoreError.notFound("notice")
        }
        return notice
    }

    /// Notices of a unit and the units above it that are public on `day` (`publicCondition`), newest
    /// first: a unit's notice board, and a grid's own feed. A notice to some buildings is listed only
    /// where one of its buildings is, so a street's notice to one estate is not on every board.
    public func current(for unit: UnitRow, on day: String, limit: Int = 50) async throws -> [Notice] {
        let ids = unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        return try await sql.raw(
            """
            \(unsafeRaw: Notice.select) WHERE n.unit_id IN (\(binds: ids)) AND \(Self.publicCondition(on: day)) \
            AND (n.audience <> 'buildings' OR EXISTS (SELECT 1 FROM notice_buildings nb JOIN buildings b ON b.id = nb.building_id \
            WHERE nb.notice_id = n.id AND \(Scope.inSubtree("b.unit_id", path: unit.path, orUnplaced: false)))) \
            ORDER BY n.publish_on DESC, n.id LIMIT \(count: limit)
            """
        ).all(decoding: Notice.self)
    }

    /// What the public may read on `day`: published, not expired, and not for a sensitive care group
    /// (those reach their households only through each household's own link).
    static func publicCondition(on day: String) -> SQLQueryString {
        """
        n.publish_on <= \(bind: day) AND (n.expires_on IS NULL OR n.expires_on >= \(bind: day)) \
        AND NOT (n.audience = 'care_group' AND n.care_tag IN (SELECT key FROM tags WHERE sensitive = \(bind: true)))
        """
    }

    /// The notice a request key published, if any.
    public func published(requestKey: String) async throws -> Notice? {
        try await sql.raw("\(unsafeRaw: Notice.select) WHERE n.request_key = \(bind: requestKey)").first(decoding: Notice.self)
    }

    /// Whether the public may ever read `notice` (a sensitive care group's may not), whatever the day.
    public func isPublic(_ notice: Notice) async throws -> Bool {
        guard notice.audience == .careGroup, let key = notice.careTag else { return true }
        let row = try await sql.raw("SELECT sensitive FROM tags WHERE key = \(bind: key)").first()
        return !((try row?.decode(column: "sensitive", as: Bool.self)) ?? false)
    }

    /// A notice the public may read on `day`, or nil.
    public func publicNotice(_ id: UUID, on day: String) async throws -> Notice? {
        try await sql.raw("\(unsafeRaw: Notice.select) WHERE n.id = \(bind: id) AND \(Self.publicCondition(on: day))").first(decoding: Notice.self)
    }

    /// A public notice's attachment (only while the notice is public).
    public func attachment(of id: UUID, on day: String) async throws -> NoticeAttachment? {
        struct Row: Decodable { var attachment_name: String?; var attachment_type: String?; var attachment: Data? }
        guard
            let r = try await sql.raw(
                """
                SELECT n.attachment_name, n.attachment_type, n.attachment FROM notices n WHERE n.id = \(bind: id) AND \(Self.publicCondition(on: day))
                """
            ).first(decoding: Row.self), let name = r.attachment_name, let data = r.attachment
        else { return nil }
        return NoticeAttachment(name: name, contentType: r.attachment_type ?? "application/octet-stream", data: data)
    }
}

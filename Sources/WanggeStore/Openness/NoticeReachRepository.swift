import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Whom a notice is for, as asked: the whole unit, some of its buildings, or a care group.
public struct NoticeTarget: Sendable, Equatable {
    public var audience: NoticeAudience
    public var buildingIDs: [UUID]
    public var careTag: String?

    public init(audience: NoticeAudience = .unit, buildingIDs: [UUID] = [], careTag: String? = nil) {
        (self.audience, self.buildingIDs, self.careTag) = (audience, buildingIDs, careTag)
    }
}

/// One household a notice reached, as staff see it: the address masked (`Mask.address`).
public struct NoticeHouseholdRow: Sendable, Equatable {
    public var householdID: UUID
    public var maskedAddress: String
    public var buildingID: UUID?
    public var buildingName: String?
    public var hasContact: Bool
    public var delivery: DeliveryState?
    public var reach: HouseholdReach
}

/// A building a notice reached: how many of its households have no phone on record (the sheet is
/// their notice) and whether the sheet was posted.
public struct NoticeBuildingRow: Sendable, Equatable {
    public var buildingID: UUID
    public var name: String
    public var households: Int
    public var toPrint: Int
    public var postedAt: Date?
    public var postedBy: String?
}

/// A notice's reach: the counts over all its households, its buildings, and the first households
/// (`householdLimit`) for the table.
public struct NoticeReach: Sendable, Equatable {
    public var notice: Notice
    public var counts: NoticeReachCounts
    public var buildings: [NoticeBuildingRow]
    public var households: [NoticeHouseholdRow]
    /// The target's buildings' names, or the care group's name.
    public var targetNames: [String]
    /// The care group is a sensitive tag (`Role.seesSensitiveTags`).
    public var sensitive: Bool
    /// Messages that failed for good (dead letters), which can be sent again.
    public var failed: Int
}

/// A household's message, claimed for one attempt.
public struct ClaimedHouseholdNotice: ClaimedDelivery, Equatable {
    public var id: UUID
    public var leaseToken: UUID
    public var channel: NoticeChannel
    public var address: String?
    public var message: HouseholdNoticeMessage
    public var noticeID: UUID
    public var delivery: Delivery

    public var subject: String { message.subject }
    public var reference: String { String(noticeID.uuidString.prefix(8)) }
    public func text(publicBaseURL: String?) -> String { message.text(publicBaseURL: publicBaseURL) }
}

/// Resolves notices to the households they reach, delivers their messages through the outbox rules,
/// and counts what reached whom. Staff see a notice of their part of the tree or of a unit above it
/// (a community's notice reaches into its grids), and only the households of their own part.
public struct NoticeReachRepository: Sendable, SQLRepository, DeliveryQueue {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// How many households the reach page lists; the counts are always over all of them.
    public static let householdLimit = 300
    /// At most this many buildings in one target.
    public static let maxBuildings = 200

    // MARK: Targets

    /// Checks a target against the unit it is published in: buildings must lie in the unit's part of
    /// the tree, a care group must be a known tag (a sensitive one only for roles that see such tags).
    /// Returns the buildings to store.
    func checked(_ target: NoticeTarget, in unit: UnitRow, seesSensitiveTags: Bool) async throws -> [UUID] {
        switch target.audience {
        case .unit:
            return []
        case .buildings:
            let ids = Array(Set(target.buildingIDs)).sorted { $0.uuidString < $1.uuidString }
            guard !ids.isEmpty else { throw StoreError(.invalid, "reach.buildings_required", field: "building_ids") }
            guard ids.count <= Self.maxBuildings else { throw StoreError(.invalid, "reach.too_many_buildings", [String(Self.maxBuildings)], field: "building_ids") }
            let inside = try await sql.raw(
                """
                SELECT id FROM buildings WHERE id IN (\(binds: ids)) AND \(Scope.inSubtree("unit_id", path: unit.path, orUnplaced: false))
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard inside.count == ids.count else { throw StoreError(.invalid, "reach.building_outside", field: "building_ids") }
            return ids
        case .careGroup:
            guard let key = target.careTag?.trimmedOrNil,
                let tag = try await sql.raw("SELECT sensitive FROM tags WHERE key = \(bind: key)").first()
            else { throw StoreError(.invalid, "reach.care_tag_unknown", field: "care_tag") }
            let sensitive = try tag.decode(column: "sensitive", as: Bool.self)
            guard seesSensitiveTags || !sensitive else {
                throw StoreError(.invalid, "reach.care_tag_sensitive", field: "care_tag")
            }
            return []
        }
    }

    struct Target: Decodable {
        var unit_id: UUID
        var path: String
        var audience: String
        var care_tag: String?
        var publish_on: String
    }

    struct Resolved: Decodable {
        var id: UUID
        var building_id: UUID?
        var recipient_id: UUID?
    }

    struct NewRow: Encodable {
        var id: UUID
        var notice_id: UUID
        var household_id: UUID
        var building_id: UUID?
        var recipient_id: UUID?
        var token: String
        var channel: String?
        var state: String?
        var attempts: Int
        var next_attempt_at: Date?
        var created_at: Date
    }

    /// Resolves notice `id`'s target to its households, as the register stands now, and queues a
    /// text message to each that has a resident with a phone (the household head first). Messages of
    /// a notice published for a later day wait until 08:00 that day. A household already resolved is
    /// left as it is, so resolving again never queues twice.
    public func resolve(_ id: UUID, at now: Date) async throws {
        guard
            let t = try await sql.raw(
                """
                SELECT n.unit_id, u.path, n.audience, n.care_tag, n.publish_on FROM notices n JOIN units u ON u.id = n.unit_id WHERE n.id = \(bind: id)
                """
            ).first(decoding: Target.self)
        else { throw StoreError.notFound("notice") }
        var conditions: [SQLQueryString] = [Scope.inSubtree("h.unit_id", path: t.path, orUnplaced: false)]
        switch NoticeAudience(rawValue: t.audience) ?? .unit {
        case .unit: break
        case .buildings: conditions.append("h.building_id IN (SELECT building_id FROM notice_buildings WHERE notice_id = \(bind: id))")
        case .careGroup:
            conditions.append(
                """
                EXISTS (SELECT 1 FROM residents g JOIN resident_tags gt ON gt.resident_id = g.id \
                WHERE g.household_id = h.id AND g.anonymised_at IS NULL AND gt.tag_key = \(bind: t.care_tag ?? ""))
                """)
        }
        let households = try await sql.raw(
            """
            SELECT h.id, h.building_id, (SELECT r.id FROM residents r WHERE r.household_id = h.id AND r.anonymised_at IS NULL \
            AND r.phone IS NOT NULL AND r.phone <> '' ORDER BY CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, r.name, r.id LIMIT 1) AS recipient_id \
            FROM households h WHERE \(conditions.joined(separator: " AND ")) ORDER BY h.number
            """
        ).all(decoding: Resolved.self)
        let sendAt = Self.sendTime(publishOn: t.publish_on, now: now)
        let rows = households.map { h in
            NewRow(
                id: UUID(), notice_id: id, household_id: h.id, building_id: h.building_id, recipient_id: h.recipient_id, token: NoticeToken.make(),
                channel: h.recipient_id == nil ? nil : NoticeChannel.sms.rawValue, state: h.recipient_id == nil ? nil : DeliveryState.queued.rawValue,
                attempts: 0, next_attempt_at: h.recipient_id == nil ? nil : sendAt, created_at: now)
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = Array(rows[start..<min(start + 500, rows.count)])
            try await sql.insert(into: "notice_households").models(chunk, nilEncodingStrategy: .asNil).ignoringConflicts().run()
        }
    }

    /// Now, or 08:00 China time on the publish day when that is later: a notice is not texted before it is public.
    static func sendTime(publishOn: String, now: Date) -> Date {
        guard let day = SimpleDate(iso: publishOn), day > SimpleDate(now),
            let at = ChinaTime.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 8))
        else { return now }
        return at
    }

    // MARK: Counting

    /// Reach counts of notices, by notice, over their households in `scope`, in one query. Notices
    /// with no such household are absent.
    public func counts(of ids: [UUID], in scope: Scope = .everything) async throws -> [UUID: NoticeReachCounts] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable {
            var notice_id: UUID
            var households: Int
            var with_contact: Int
            var delivered: Int
            var opened: Int
            var printed: Int
            var none: Int
        }
        let rows = try await sql.raw(
            """
            SELECT nh.notice_id, COUNT(*) AS households, \
            SUM(CASE WHEN nh.channel IS NOT NULL THEN 1 ELSE 0 END) AS with_contact, \
            SUM(CASE WHEN nh.state = 'sent' THEN 1 ELSE 0 END) AS delivered, \
            SUM(CASE WHEN nh.opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened, \
            SUM(CASE WHEN p.building_id IS NOT NULL THEN 1 ELSE 0 END) AS printed, \
            SUM(CASE WHEN (nh.state IS NULL OR nh.state <> 'sent') AND nh.opened_at IS NULL AND p.building_id IS NULL THEN 1 ELSE 0 END) AS none \
            FROM notice_households nh LEFT JOIN notice_postings p ON p.notice_id = nh.notice_id AND p.building_id = nh.building_id \
            WHERE nh.notice_id IN (\(binds: ids)) AND \(Self.households(in: scope)) GROUP BY nh.notice_id
            """
        ).all(decoding: Row.self)
        return Dictionary(
            uniqueKeysWithValues: rows.map {
                ($0.notice_id, NoticeReachCounts(households: $0.households, withContact: $0.with_contact, delivered: $0.delivered, opened: $0.opened, printed: $0.printed, none: $0.none))
            })
    }

    /// A notice of a unit in scope or above it, or not found.
    public func notice(_ id: UUID, in scope: Scope) async throws -> Notice {
        let above = (scope.pathPrefix ?? "").split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        let visible: SQLQueryString =
            above.isEmpty ? scope.condition("n.unit_id") : "(\(scope.condition("n.unit_id")) OR n.unit_id IN (\(binds: above)))"
        guard let n = try await sql.raw("\(unsafeRaw: Notice.select) WHERE n.id = \(bind: id) AND \(visible)").first(decoding: Notice.self)
        else { throw StoreError.notFound("notice") }
        return n
    }

    /// Rows of `notice_households` (alias `nh`, or none) whose household lies in the scope.
    static func households(in scope: Scope, aliased: Bool = true) -> SQLQueryString {
        let column: SQLQueryString = aliased ? "nh.household_id" : "household_id"
        return scope.pathPrefix == nil ? "1 = 1" : "\(column) IN (SELECT id FROM households WHERE \(scope.condition("unit_id")))"
    }

    /// Notices of a unit (in scope), of the units below it and of those above it (which reach into it),
    /// newest first, published or not, expired or not.
    public func notices(of unitID: UUID, limit: Int = 100, in scope: Scope) async throws -> [Notice] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let above = unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        return try await sql.raw(
            """
            \(unsafeRaw: Notice.select) WHERE (\(Scope.inSubtree("n.unit_id", path: unit.path, orUnplaced: false)) OR n.unit_id IN (\(binds: above))) \
            ORDER BY n.publish_on DESC, n.created_at DESC, n.id LIMIT \(count: min(max(limit, 1), 500))
            """
        ).all(decoding: Notice.self)
    }

    struct HouseholdRowStored: Decodable {
        var household_id: UUID
        var address: String
        var building_id: UUID?
        var building_name: String?
        var channel: String?
        var state: String?
        var opened_at: Date?
        var posted: Int
    }

    /// Notice `id`'s reach in scope: counts over every household, the buildings, and the first households.
    public func reach(of id: UUID, in scope: Scope) async throws -> NoticeReach {
        let notice = try await self.notice(id, in: scope)
        let counts = try await self.counts(of: [id], in: scope)[id] ?? NoticeReachCounts()
        let households = try await sql.raw(
            """
            SELECT nh.household_id, h.address, nh.building_id, b.name AS building_name, nh.channel, nh.state, nh.opened_at, \
            CASE WHEN p.building_id IS NULL THEN 0 ELSE 1 END AS posted \
            FROM notice_households nh JOIN households h ON h.id = nh.household_id LEFT JOIN buildings b ON b.id = nh.building_id \
            LEFT JOIN notice_postings p ON p.notice_id = nh.notice_id AND p.building_id = nh.building_id \
            WHERE nh.notice_id = \(bind: id) AND \(Self.households(in: scope)) ORDER BY h.number LIMIT \(count: Self.householdLimit)
            """
        ).all(decoding: HouseholdRowStored.self)
        struct BuildingStored: Decodable {
            var building_id: UUID
            var name: String
            var households: Int
            var to_print: Int
            var posted_at: Date?
            var posted_by: String?
        }
        let buildings = try await sql.raw(
            """
            SELECT nh.building_id, b.name, COUNT(*) AS households, SUM(CASE WHEN nh.channel IS NULL THEN 1 ELSE 0 END) AS to_print, \
            MAX(p.posted_at) AS posted_at, MAX(p.posted_by) AS posted_by \
            FROM notice_households nh JOIN buildings b ON b.id = nh.building_id \
            LEFT JOIN notice_postings p ON p.notice_id = nh.notice_id AND p.building_id = nh.building_id \
            WHERE nh.notice_id = \(bind: id) AND \(Self.households(in: scope)) GROUP BY nh.building_id, b.name, b.code ORDER BY b.code
            """
        ).all(decoding: BuildingStored.self)
        var names: [String] = []
        var sensitive = false
        switch notice.audience {
        case .unit: names = [notice.unitName]
        case .buildings:
            names = try await sql.raw(
                "SELECT b.name FROM notice_buildings nb JOIN buildings b ON b.id = nb.building_id WHERE nb.notice_id = \(bind: id) ORDER BY b.code"
            ).all().map { try $0.decode(column: "name", as: String.self) }
        case .careGroup:
            if let key = notice.careTag, let tag = try await sql.raw("SELECT name_zh, sensitive FROM tags WHERE key = \(bind: key)").first() {
                names = [try tag.decode(column: "name_zh", as: String.self)]
                sensitive = try tag.decode(column: "sensitive", as: Bool.self)
            }
        }
        let failed =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM notice_households nh WHERE nh.notice_id = \(bind: id) AND nh.state = 'dead' AND \(Self.households(in: scope))"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return NoticeReach(
            notice: notice, counts: counts,
            buildings: buildings.map {
                NoticeBuildingRow(buildingID: $0.building_id, name: $0.name, households: $0.households, toPrint: $0.to_print, postedAt: $0.posted_at, postedBy: $0.posted_by)
            },
            households: households.map { h in
                let state = h.state.flatMap(DeliveryState.init(rawValue:))
                return NoticeHouseholdRow(
                    householdID: h.household_id, maskedAddress: Mask.address(h.address), buildingID: h.building_id, buildingName: h.building_name,
                    hasContact: h.channel != nil, delivery: state, reach: HouseholdReach(delivered: state == .sent, opened: h.opened_at != nil, printed: h.posted == 1))
            }, targetNames: names, sensitive: sensitive, failed: failed)
    }

    // MARK: Posting and opening

    /// Records that the notice's sheet was posted on `buildingID`'s board (已张贴). The building must be
    /// one the notice reached. Returns false when it was already recorded (the first record stands).
    @discardableResult
    public func markPosted(_ id: UUID, building buildingID: UUID, by name: String, at now: Date, in scope: Scope) async throws -> Bool {
        _ = try await self.notice(id, in: scope)
        _ = try await PlaceRepository(db).building(buildingID, in: scope)
        let reached = try await sql.raw("SELECT 1 AS one FROM notice_households WHERE notice_id = \(bind: id) AND building_id = \(bind: buildingID) LIMIT 1").first()
        guard reached != nil else { throw StoreError(.invalid, "reach.building_not_reached", field: "building_id") }
        let rows = try await sql.raw(
            """
            INSERT INTO notice_postings (notice_id, building_id, posted_by, posted_at) VALUES (\(bind: id), \(bind: buildingID), \(bind: name), \(bind: now)) \
            ON CONFLICT DO NOTHING RETURNING notice_id
            """
        ).all()
        return rows.count == 1
    }

    /// 重发: the notice's dead messages to households in scope go back to the queue with a full set of
    /// attempts (`DeliveryMachine.retryNow`). Returns how many.
    @discardableResult
    public func retryFailed(_ id: UUID, in scope: Scope, now: Date) async throws -> Int {
        _ = try await self.notice(id, in: scope)
        let rows = try await sql.raw(
            """
            UPDATE notice_households SET state = 'queued', attempts = 0, next_attempt_at = \(bind: now), lease_until = NULL, lease_token = NULL \
            WHERE notice_id = \(bind: id) AND state = 'dead' AND \(Self.households(in: scope, aliased: false)) RETURNING id
            """
        ).all()
        return rows.count
    }

    /// The notice behind a household's link, or nil for a token no household holds.
    public func notice(token: String) async throws -> Notice? {
        guard NoticeToken.isWellFormed(token) else { return nil }
        return try await sql.raw(
            "\(unsafeRaw: Notice.select) WHERE n.id = (SELECT notice_id FROM notice_households WHERE token = \(bind: token))"
        ).first(decoding: Notice.self)
    }

    /// Records that a household opened its link; only the first opening counts. True when this was it.
    @discardableResult
    public func recordOpened(token: String, at now: Date) async throws -> Bool {
        guard NoticeToken.isWellFormed(token) else { return false }
        let rows = try await sql.raw(
            "UPDATE notice_households SET opened_at = \(bind: now) WHERE token = \(bind: token) AND opened_at IS NULL RETURNING id"
        ).all()
        return rows.count == 1
    }

    /// Buildings in `unit`'s part of the tree, by code, at most `limit`: what a notice can be sent to.
    public func buildings(under unit: UnitRow, limit: Int) async throws -> [BuildingRow] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE \(Scope.inSubtree("unit_id", path: unit.path, orUnplaced: false)) \
            ORDER BY code LIMIT \(count: limit)
            """
        ).all(decoding: BuildingRow.self)
    }

    /// A household's link token (for the demo and tests; staff never see tokens).
    public func token(of noticeID: UUID, household: UUID) async throws -> String? {
        try await sql.raw("SELECT token FROM notice_households WHERE notice_id = \(bind: noticeID) AND household_id = \(bind: household)").first()?
            .decode(column: "token", as: String.self)
    }

    // MARK: Delivering

    /// How many households' messages are in each state: added to the reporters' for /metrics.
    public func stateCounts() async throws -> [String: Int] {
        let rows = try await sql.raw("SELECT state, COUNT(*) AS n FROM notice_households WHERE state IS NOT NULL GROUP BY state").all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "state", as: String.self), try $0.decode(column: "n", as: Int.self)) })
    }

    public func claim(channels: Set<NoticeChannel>, now: Date, policy: DeliveryPolicy, limit: Int = 20) async throws -> [ClaimedHouseholdNotice] {
        guard let token = try await NotificationOutbox.claim(table: "notice_households", channels: channels, now: now, policy: policy, limit: limit, on: sql) else {
            return []
        }
        struct Row: Decodable {
            var id: UUID
            var notice_id: UUID
            var channel: String
            var token: String
            var state: String
            var attempts: Int
            var next_attempt_at: Date
            var lease_until: Date?
            var last_error: String?
            var sent_at: Date?
            var phone: String?
            var title: String
            var unit_name: String
        }
        let rows = try await sql.raw(
            """
            SELECT nh.id, nh.notice_id, nh.channel, nh.token, nh.state, nh.attempts, nh.next_attempt_at, nh.lease_until, nh.last_error, nh.sent_at, \
            r.phone, n.title, u.name AS unit_name FROM notice_households nh JOIN notices n ON n.id = nh.notice_id JOIN units u ON u.id = n.unit_id \
            LEFT JOIN residents r ON r.id = nh.recipient_id AND r.anonymised_at IS NULL WHERE nh.lease_token = \(bind: token) ORDER BY nh.next_attempt_at
            """
        ).all(decoding: Row.self)
        return rows.map { r in
            ClaimedHouseholdNotice(
                id: r.id, leaseToken: token, channel: NoticeChannel(rawValue: r.channel) ?? .sms, address: r.phone?.trimmedOrNil,
                message: HouseholdNoticeMessage(unitName: r.unit_name, title: r.title, token: r.token), noticeID: r.notice_id,
                delivery: Delivery(
                    state: DeliveryState(rawValue: r.state) ?? .sending, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, leaseUntil: r.lease_until,
                    lastError: r.last_error, sentAt: r.sent_at))
        }
    }

    @discardableResult
    public func markSent(_ c: ClaimedHouseholdNotice, now: Date) async throws -> Bool {
        guard let next = try? DeliveryMachine.succeed(c.delivery, now: now) else { return false }
        return try await NotificationOutbox.save(next, table: "notice_households", id: c.id, token: c.leaseToken, on: sql)
    }

    @discardableResult
    public func markFailed(_ c: ClaimedHouseholdNotice, error: String, now: Date, policy: DeliveryPolicy) async throws -> Bool {
        guard let next = try? DeliveryMachine.fail(c.delivery, error: error, now: now, policy: policy) else { return false }
        return try await NotificationOutbox.save(next, table: "notice_households", id: c.id, token: c.leaseToken, on: sql)
    }

    @discardableResult
    public func release(_ c: ClaimedHouseholdNotice) async throws -> Bool {
        guard let next = try? DeliveryMachine.release(c.delivery) else { return false }
        return try await NotificationOutbox.save(next, table: "notice_households", id: c.id, token: c.leaseToken, on: sql)
    }

    @discardableResult
    public func abandonStale(now: Date, policy: DeliveryPolicy) async throws -> Int {
        try await NotificationOutbox.abandonStale(table: "notice_households", now: now, policy: policy, on: sql)
    }
}

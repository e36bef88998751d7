import Foundation
import SQLKit
import WanggeCore

/// A case as stored. `reporterPhone` leaves the repository decrypted; screens mask it.
public struct CaseRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var trackingCode: String
    /// Open311's `service_request_id` (`PublicCode`): what public lists show. Not the tracking code.
    public var publicCode: String
    public var categoryKey: String
    public var state: CaseState
    public var level: UnitLevel
    public var unitID: UUID?
    public var departmentKey: String?
    public var channel: CaseChannel
    public var title: String
    public var description: String
    public var lon: Double?
    public var lat: Double?
    public var address: String?
    public var reporterName: String?
    public var reporterPhone: String?
    public var reportedAt: Date
    public var respondedAt: Date?
    public var closedAt: Date?
    public var respondBy: Date
    public var respondWarnAt: Date
    public var resolveBy: Date
    public var resolveWarnAt: Date
    public var reworkCount: Int
    public var reopenCount: Int
    public var supervisionCount: Int
    public var outcome: CaseOutcome?
    public var rating: Satisfaction?
    public var mergedInto: String?
    public var suspendedSince: Date?
    public var suspendedUntil: Date?
    public var stateBeforeSuspension: CaseState?
    /// Finished suspensions as JSON `[[start, end], …]` in seconds since 1970.
    public var suspensions: String
    public var version: Int
    /// The keyed look-up hash of the normalised phone (`FieldCipher.lookupHash`): search by phone.
    public var reporterPhoneHash: String? = nil
    /// The reporter's e-mail for notices (encrypted when stored, like the phone); nil when none was given.
    public var reporterEmail: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, state, level, channel, title, description, lon, lat, address, outcome, rating, suspensions, version
        case trackingCode = "tracking_code", publicCode = "public_code", categoryKey = "category_key", unitID = "unit_id", departmentKey = "department_key"
        case reporterName = "reporter_name", reporterPhone = "reporter_phone", reportedAt = "reported_at"
        case respondedAt = "responded_at", closedAt = "closed_at", respondBy = "respond_by", respondWarnAt = "respond_warn_at"
        case resolveBy = "resolve_by", resolveWarnAt = "resolve_warn_at", reworkCount = "rework_count", reopenCount = "reopen_count"
        case supervisionCount = "supervision_count", mergedInto = "merged_into", suspendedSince = "suspended_since"
        case suspendedUntil = "suspended_until", stateBeforeSuspension = "state_before_suspension"
        case reporterPhoneHash = "reporter_phone_hash"
        case reporterEmail = "reporter_email"
    }

    static let columns = """
        id, tracking_code, public_code, category_key, state, level, unit_id, department_key, channel, title, description, lon, lat, address, \
        reporter_name, reporter_phone, reported_at, responded_at, closed_at, respond_by, respond_warn_at, resolve_by, resolve_warn_at, \
        rework_count, reopen_count, supervision_count, outcome, rating, merged_into, suspended_since, suspended_until, \
        state_before_suspension, suspensions, version, reporter_phone_hash, reporter_email
        """

    /// The four deadlines together.
    public var deadlines: CaseDeadlines {
        get { CaseDeadlines(respondBy: respondBy, respondWarnAt: respondWarnAt, resolveBy: resolveBy, resolveWarnAt: resolveWarnAt) }
        set {
            respondBy = newValue.respondBy
            respondWarnAt = newValue.respondWarnAt
            resolveBy = newValue.resolveBy
            resolveWarnAt = newValue.resolveWarnAt
        }
    }

    public var point: GeoPoint? { lon.flatMap { lon in lat.map { GeoPoint(lon: lon, lat: $0) } } }

    public var suspensionIntervals: [DateInterval] {
        let pairs = (try? JSONDecoder().decode([[Double]].self, from: Data(suspensions.utf8))) ?? []
        return pairs.compactMap { $0.count == 2 && $0[1] >= $0[0] ? DateInterval(start: Date(timeIntervalSince1970: $0[0]), end: Date(timeIntervalSince1970: $0[1])) : nil }
    }

    static func encode(_ intervals: [DateInterval]) -> String {
        let pairs = intervals.map { [$0.start.timeIntervalSince1970, $0.end.timeIntervalSince1970] }
        return String(decoding: (try? JSONEncoder().encode(pairs)) ?? Data("[]".utf8), as: UTF8.self)
    }

    public var snapshot: CaseSnapshot {
        CaseSnapshot(
            id: id.uuidString, state: state, level: level, department: departmentKey,
            stateBeforeSuspension: stateBeforeSuspension, suspendedSince: suspendedSince, suspendedUntil: suspendedUntil,
            reworkCount: reworkCount, reopenCount: reopenCount, supervisionCount: supervisionCount,
            outcome: outcome, rating: rating, mergedInto: mergedInto, reportedAt: reportedAt,
            respondedAt: respondedAt, closedAt: closedAt)
    }

    /// Warning and overdue flags at `now`, from the stored deadlines.
    public func limitStatus(now: Date) -> (response: LimitStatus, resolution: LimitStatus) {
        func status(by: Date, warn: Date, met: Date?) -> LimitStatus {
            if let met { return met > by ? .overdue : .onTime }
            if state == .suspended || state.isFinished { return .onTime }
            return now > by ? .overdue : now >= warn ? .warning : .onTime
        }
        return (status(by: respondBy, warn: respondWarnAt, met: respondedAt), status(by: resolveBy, warn: resolveWarnAt, met: closedAt))
    }
}

/// One line of a case's timeline as stored.
public struct CaseEventRow: Codable, Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var seq: Int
    public var action: CaseActionKind
    public var fromState: CaseState?
    public var toState: CaseState
    public var actorID: UUID?
    public var actorName: String
    public var actorRole: ActorRole
    public var note: String?
    public var reason: String?
    public var departmentKey: String?
    public var rating: Satisfaction?
    public var notifyReporter: Bool
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case id, seq, action, note, reason, rating, at
        case caseID = "case_id", fromState = "from_state", toState = "to_state", actorID = "actor_id", actorName = "actor_name"
        case actorRole = "actor_role", departmentKey = "department_key", notifyReporter = "notify_reporter"
    }

    static let columns = "id, case_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, note, reason, department_key, rating, notify_reporter, at"
}

public struct DepartmentRow: Codable, Sendable, Equatable {
    public var key: String
    public var nameZh: String
    public var nameEn: String
    enum CodingKeys: String, CodingKey { case key, nameZh = "name_zh", nameEn = "name_en" }
}

public struct CategoryRow: Codable, Sendable, Equatable {
    public var key: String
    public var parentKey: String?
    public var kind: CaseKind
    public var nameZh: String
    public var nameEn: String
    public var departmentKey: String
    public var respondHours: Double
    public var resolveHours: Double
    public var counting: HourCounting
    public var complex: Bool
    /// False once the category is taken out of use: new cases cannot pick it, old ones keep it.
    public var active: Bool
    /// Whether a grid worker may settle such a case on the spot (就地解决).
    public var onSpot: Bool = false
    /// After this share of a limit its cases are flagged 预警 (percent; 80 unless set).
    public var warnPercent: Int = 80

    /// `warnPercent` as a fraction, for the deadlines.
    public var warnFraction: Double { Double(warnPercent) / 100 }

    enum CodingKeys: String, CodingKey {
        case key, kind, counting, complex, active
        case onSpot = "on_spot", warnPercent = "warn_percent"
        case parentKey = "parent_key", nameZh = "name_zh", nameEn = "name_en", departmentKey = "department_key"
        case respondHours = "respond_hours", resolveHours = "resolve_hours"
    }

    static let columns = "key, parent_key, kind, name_zh, name_en, department_key, respond_hours, resolve_hours, counting, complex, active, on_spot, warn_percent"

    /// Every category, in the catalogue's order.
    static func all(on sql: any SQLDatabase) async throws -> [CategoryRow] {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM case_categories ORDER BY sort").all().map(CategoryRow.init(row:))
    }

    public var limits: CaseLimits { CaseLimits(respondHours: respondHours, resolveHours: resolveHours, counting: counting) }
}

/// What a reporter, an operator or a grid worker hands in to open a case.
public struct CaseIntake: Sendable {
    public var categoryKey: String
    public var channel: CaseChannel
    public var title: String
    public var description: String
    public var point: GeoPoint?
    public var address: String?
    public var reporterName: String?
    public var reporterPhone: String?
    /// The grid to file the case under when it has no point or the point lies in no grid (a grid's QR code).
    public var gridID: UUID?
    /// Photos sent with the report (checked by `CaseRepository.checkPhotos`).
    public var attachments: [AttachmentUpload] = []
    /// The report form's one-time token: a second case is never made with the same one.
    public var submission: String?
    /// The reporter's e-mail address, for notices (checked by `EmailAddress`).
    public var reporterEmail: String?
    /// The service station whose window took the case (checked by the caller to be in its scope),
    /// recorded in the case's own transaction.
    public var stationID: UUID?
    /// The category as the caller has just read it (Open311 reads it to check the service code);
    /// intake uses it when its key is `categoryKey` and reads the category itself otherwise.
    public var category: CategoryRow?

    public init(
        categoryKey: String, channel: CaseChannel, title: String, description: String, point: GeoPoint? = nil,
        address: String? = nil, reporterName: String? = nil, reporterPhone: String? = nil, gridID: UUID? = nil
    ) {
        self.gridID = gridID
        self.categoryKey = categoryKey
        self.channel = channel
        self.title = title
        self.description = description
        self.point = point
        self.address = address
        self.reporterName = reporterName
        self.reporterPhone = reporterPhone
    }
}

/// Who takes a step: the account (nil for a resident or the system), a name for the timeline, and the role.
public struct CaseActor: Sendable, Equatable {
    public var id: UUID?
    public var name: String
    public var role: ActorRole
    public init(id: UUID?, name: String, role: ActorRole) {
        self.id = id
        self.name = name
        self.role = role
    }
    public static let resident = CaseActor(id: nil, name: "-", role: .resident)
}

/// The operator's queues and the worker's own list.
public enum CaseQueue: String, Sendable, CaseIterable {
    case toAccept = "to_accept", toDispatch = "to_dispatch", inProgress = "in_progress", suspended, toClose = "to_close", warning, overdue, mine
    public var nameKey: String { "case.queue.\(rawValue)" }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A patrol (巡查) of a grid worker through their grid.
public struct Patrol: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var clientID: UUID?
    public var unitID: UUID
    public var unitName: String
    public var workerID: UUID?
    public var workerName: String
    public var state: PatrolState
    public var startedAt: Date
    public var endedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, state
        case clientID = "client_id", unitID = "unit_id", unitName = "unit_name", workerID = "worker_id", workerName = "worker_name"
        case startedAt = "started_at", endedAt = "ended_at"
    }

    static let select = """
        SELECT p.id, p.client_id, p.unit_id, u.name AS unit_name, p.worker_id, p.worker_name, p.state, p.started_at, p.ended_at \
        FROM patrols p JOIN units u ON u.id = p.unit_id
        """
}

/// A point along a patrol's way; `outside` when it lies outside the patrol's grid (streets cross
/// grid lines, so such points are kept, and shown as such).
public struct PatrolPoint: Codable, Sendable, Equatable {
    public var id: UUID
    public var lon: Double
    public var lat: Double
    public var recordedAt: Date
    public var outside: Bool

    public var point: GeoPoint { GeoPoint(lon: lon, lat: lat) }

    enum CodingKeys: String, CodingKey {
        case id, lon, lat, outside
        case recordedAt = "recorded_at"
    }

    static let columns = "id, lon, lat, recorded_at, outside"
}

/// What a worker found on a patrol: text, category, where, and optionally a component of the
/// register and the state it was found in; `trackingCode` once it became a case.
public struct PatrolFinding: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var clientID: UUID?
    public var patrolID: UUID
    public var unitID: UUID
    public var lon: Double?
    public var lat: Double?
    public var address: String?
    public var outside: Bool
    public var recordedAt: Date
    public var text: String
    public var categoryKey: String
    public var componentID: UUID?
    public var componentCode: String?
    public var componentState: ComponentState?
    public var onSpot: Bool
    public var hasPhoto: Bool
    public var caseID: UUID?
    public var trackingCode: String?
    public var recordedBy: String

    public var point: GeoPoint? { lon.flatMap { x in lat.map { GeoPoint(lon: x, lat: $0) } } }

    enum CodingKeys: String, CodingKey {
        case id, lon, lat, address, outside, text
        case clientID = "client_id", patrolID = "patrol_id", unitID = "unit_id", recordedAt = "recorded_at", categoryKey = "category_key"
        case componentID = "component_id", componentCode = "component_code", componentState = "component_state", onSpot = "on_spot"
        case hasPhoto = "has_photo", caseID = "case_id", trackingCode = "tracking_code", recordedBy = "recorded_by"
    }

    static let select = """
        SELECT f.id, f.client_id, f.patrol_id, f.unit_id, f.lon, f.lat, f.address, f.outside, f.recorded_at, f.text, f.category_key, f.component_id, \
        c.code AS component_code, f.component_state, f.on_spot, CASE WHEN f.photo IS NULL THEN 0 ELSE 1 END AS has_photo, f.case_id, \
        f.tracking_code, f.recorded_by FROM patrol_findings f LEFT JOIN components c ON c.id = f.component_id
        """

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UUID.self, forKey: .id)
        clientID = try c.decodeIfPresent(UUID.self, forKey: .clientID)
        patrolID = try c.decode(UUID.self, forKey: .patrolID)
        unitID = try c.decode(UUID.self, forKey: .unitID)
        lon = try c.decodeIfPresent(Double.self, forKey: .lon)
        lat = try c.decodeIfPresent(Double.self, forKey: .lat)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        outside = try c.decode(Bool.self, forKey: .outside)
        recordedAt = try c.decode(Date.self, forKey: .recordedAt)
        text = try c.decode(String.self, forKey: .text)
        categoryKey = try c.decode(String.self, forKey: .categoryKey)
        componentID = try c.decodeIfPresent(UUID.self, forKey: .componentID)
        componentCode = try c.decodeIfPresent(String.self, forKey: .componentCode)
        componentState = try c.decodeIfPresent(String.self, forKey: .componentState).flatMap(ComponentState.init(rawValue:))
        onSpot = try c.decode(Bool.self, forKey: .onSpot)
        // Stored as a number by the query on both databases (a CASE expression), read back as a flag.
        if let n = try? c.decode(Int.self, forKey: .hasPhoto) { hasPhoto = n != 0 } else { hasPhoto = try c.decode(Bool.self, forKey: .hasPhoto) }
        caseID = try c.decodeIfPresent(UUID.self, forKey: .caseID)
        trackingCode = try c.decodeIfPresent(String.self, forKey: .trackingCode)
        recordedBy = try c.decode(String.self, forKey: .recordedBy)
    }
}

/// A point as the phone sends it.
public struct PatrolPointDraft: Sendable, Equatable {
    public var point: GeoPoint
    public var at: Date

    public init(_ point: GeoPoint, at: Date) { (self.point, self.at) = (point, at) }
}

/// A finding as the form or the phone sends it.
public struct FindingDraft: Sendable, Equatable {
    public var text: String
    public var categoryKey: String
    public var point: GeoPoint?
    /// Where, in words (a building's address the map picker filled in), if given.
    public var address: String?
    public var componentID: UUID?
    /// The state the component was found in, when it is not as the register has it.
    public var componentState: String?
    /// Solved there and then (现场处置), when the category allows it.
    public var onSpot: Bool
    public var photo: AttachmentUpload?
    public var at: Date?

    public init(
        text: String, categoryKey: String, point: GeoPoint? = nil, address: String? = nil, componentID: UUID? = nil, componentState: String? = nil,
        onSpot: Bool = false, photo: AttachmentUpload? = nil, at: Date? = nil
    ) {
        self.address = address
        (self.text, self.categoryKey, self.point, self.componentID, self.componentState) = (text, categoryKey, point, componentID, componentState)
        (self.onSpot, self.photo, self.at) = (onSpot, photo, at)
    }
}

/// A change of a component's state in the register, as the history keeps it.
public struct ComponentStateChange: Codable, Sendable, Equatable {
    public var componentID: UUID
    public var from: ComponentState?
    public var to: ComponentState
    public var changedAt: Date
    public var changedBy: String
    public var findingID: UUID?

    enum CodingKeys: String, CodingKey {
        case componentID = "component_id", from = "from_state", to = "to_state", changedAt = "changed_at", changedBy = "changed_by", findingID = "finding_id"
    }
}

/// Keeps patrols. A patrol belongs to a grid, so every read and write takes a `Scope`; a patrol
/// or grid outside it is missing (404). Steps go through `PatrolMachine`. Each write that may be
/// replayed by a phone takes the phone's own id for it (`clientID`) and returns what is already
/// stored under that id instead of storing it twice.
public struct PatrolRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxText = 1000
    public static let maxPoints = 500
    /// How far from a finding's point a component of a neighbouring grid may be picked.
    public static let componentReachMeters = 150.0

    // MARK: Patrols

    /// Starts a patrol of `gridID` (a grid in `scope`) for `actor`.
    public func start(in gridID: UUID, clientID: UUID? = nil, by actor: CaseActor, at now: Date, scope: Scope) async throws -> (patrol: Patrol, created: Bool) {
        if let clientID, let existing = try await byClientID(clientID, in: scope) { return (existing, false) }
        let grid = try await UnitRepository(db).get(gridID, in: scope)
        guard grid.level == .grid else { throw StoreError(.invalid, "log.not_grid", field: "unit") }
        let id = UUID()
        // Whole seconds: a database that rounds fractions (up, at times) must not put the start after
        // a point recorded in the same second.
        let startedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        try await sql.raw(
            """
            INSERT INTO patrols (id, client_id, unit_id, worker_id, worker_name, state, started_at) \
            VALUES (\(bind: id), \(bind: clientID), \(bind: grid.id), \(bind: actor.id), \(bind: actor.name), \(bind: PatrolState.started.rawValue), \(bind: startedAt))
            """
        ).run()
        return (try await get(id, in: scope), true)
    }

    func byClientID(_ clientID: UUID, in scope: Scope) async throws -> Patrol? {
        let found = try await sql.raw("\(unsafeRaw: Patrol.select) WHERE p.client_id = \(bind: clientID)").first(decoding: Patrol.self)
        guard let found else { return nil }
        // Someone else's id sent again: never show their patrol, never store a second one.
        guard try await self.find(found.id, in: scope) != nil else { throw StoreError(.conflict, "patrol.client_id_taken", field: "client_id") }
        return found
    }

    public func find(_ id: UUID, in scope: Scope) async throws -> Patrol? {
        try await sql.raw("\(unsafeRaw: Patrol.select) WHERE p.id = \(bind: id) AND \(scope.condition("p.unit_id"))").first(decoding: Patrol.self)
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> Patrol {
        guard let patrol = try await find(id, in: scope) else { throw StoreError.notFound("patrol") }
        return patrol
    }

    /// Patrols of `unitID` and every grid below it, the newest first, `limit` at most.
    public func list(under unitID: UUID, limit: Int = 50, in scope: Scope) async throws -> [Patrol] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        return try await sql.raw(
            """
            \(unsafeRaw: Patrol.select) WHERE \(Scope.under("u.path", unit.path)) AND \(scope.condition("p.unit_id")) \
            ORDER BY p.started_at DESC, p.id LIMIT \(count: limit)
            """
        ).all(decoding: Patrol.self)
    }

    /// Ends a patrol; an ended patrol is final. Ending twice is answered with the patrol as it is
    /// when it was already ended (a phone replaying its end).
    public func end(_ id: UUID, at now: Date, in scope: Scope) async throws -> Patrol {
        let patrol = try await get(id, in: scope)
        if patrol.state == .ended { return patrol }
        let last = try await sql.raw("SELECT MAX(recorded_at) AS t FROM patrol_points WHERE patrol_id = \(bind: id)").first()?.decode(column: "t", as: Date?.self)
        let at = max(now, last ?? now)
        let next = try step(.end, on: patrol, at: at)
        try await sql.raw(
            "UPDATE patrols SET state = \(bind: next.rawValue), ended_at = \(bind: at) WHERE id = \(bind: id) AND state = \(bind: PatrolState.started.rawValue)"
        ).run()
        return try await get(id, in: scope)
    }

    func step(_ kind: PatrolActionKind, on patrol: Patrol, at time: Date, now: Date? = nil) throws -> PatrolState {
        do {
            return try PatrolMachine.apply(kind, to: patrol.state, startedAt: patrol.startedAt, at: time, now: now)
        } catch .outOfOrder {
            throw StoreError(.invalid, "patrol.out_of_order", field: "at")
        } catch .inFuture {
            throw StoreError(.invalid, "patrol.in_future", field: "at")
        } catch {
            throw StoreError(.conflict, "case.problem", [error.message()])
        }
    }

    // MARK: Points

    /// Adds points to a patrol under way, in one write. Points outside the grid are kept and flagged.
    /// With `clientID`, a batch already stored under it is returned instead.
    public func addPoints(
        _ drafts: [PatrolPointDraft], to id: UUID, clientID: UUID? = nil, now: Date = Date(), in scope: Scope
    ) async throws -> [PatrolPoint] {
        let patrol = try await get(id, in: scope)
        if let clientID {
            let stored = try await storedPoints(of: id, clientID: clientID, in: scope)
            if !stored.isEmpty { return stored }
        }
        guard !drafts.isEmpty else { throw StoreError(.invalid, "patrol.no_points", field: "points") }
        guard drafts.count <= Self.maxPoints else { throw StoreError(.invalid, "patrol.too_many_points", [String(Self.maxPoints)], field: "points") }
        for d in drafts {
            guard d.point.isValid else { throw StoreError(.invalid, "case.bad_point", field: "points") }
            _ = try step(.addPoint, on: patrol, at: d.at, now: now)
        }
        let area = try await UnitRepository(db).get(patrol.unitID, in: scope).area
        struct Row: Encodable {
            var id: UUID, patrol_id: UUID, client_id: UUID?, lon: Double, lat: Double, recorded_at: Date, outside: Bool
        }
        let rows = drafts.map { d in
            Row(
                id: UUID(), patrol_id: id, client_id: clientID, lon: d.point.lon, lat: d.point.lat, recorded_at: d.at,
                outside: area.map { !$0.contains(d.point) } ?? false)
        }
        try await sql.insert(into: "patrol_points").models(rows, nilEncodingStrategy: .asNil).run()
        return rows.map { PatrolPoint(id: $0.id, lon: $0.lon, lat: $0.lat, recordedAt: $0.recorded_at, outside: $0.outside) }
    }

    /// The points stored under a batch's `clientID`, none when it was not sent before.
    public func storedPoints(of id: UUID, clientID: UUID, in scope: Scope) async throws -> [PatrolPoint] {
        _ = try await get(id, in: scope)
        return try await sql.raw(
            "SELECT \(unsafeRaw: PatrolPoint.columns) FROM patrol_points WHERE patrol_id = \(bind: id) AND client_id = \(bind: clientID) ORDER BY recorded_at, id"
        ).all(decoding: PatrolPoint.self)
    }

    public func points(of id: UUID) async throws -> [PatrolPoint] {
        try await sql.raw("SELECT \(unsafeRaw: PatrolPoint.columns) FROM patrol_points WHERE patrol_id = \(bind: id) ORDER BY recorded_at, id")
            .all(decoding: PatrolPoint.self)
    }

    // MARK: Findings

    /// Records a finding on a patrol under way. A component named must be of the register in
    /// scope, in the patrol's grid or near the point; a state given that differs from the
    /// register's is written to the component with its history, in the same transaction.
    /// Returns the finding and the state change made, if any.
    public func addFinding(
        _ draft: FindingDraft, to id: UUID, clientID: UUID? = nil, by actor: CaseActor, at now: Date, in scope: Scope
    ) async throws -> (finding: PatrolFinding, change: ComponentStateChange?, created: Bool) {
        let patrol = try await get(id, in: scope)
        if let clientID, let existing = try await finding(clientID: clientID, in: scope) {
            guard existing.patrolID == id else { throw StoreError(.conflict, "patrol.client_id_taken", field: "client_id") }
            return (existing, nil, false)
        }
        let at = draft.at ?? now
        _ = try step(.addFinding, on: patrol, at: at, now: now)
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError(.invalid, "patrol.text_required", field: "text") }
        guard text.count <= Self.maxText else { throw StoreError(.invalid, "log.too_long", [String(Self.maxText)], field: "text") }
        guard !draft.categoryKey.trimmingSpaces().isEmpty else { throw StoreError(.invalid, "case.category_required", field: "category") }
        struct Category: Decodable { var key: String; var active: Bool; var on_spot: Bool }
        guard
            let category = try await sql.raw("SELECT key, active, on_spot FROM case_categories WHERE key = \(bind: draft.categoryKey.trimmingSpaces())")
                .first(decoding: Category.self), category.active
        else { throw StoreError(.invalid, "case.unknown_category", field: "category") }
        if let p = draft.point, !p.isValid { throw StoreError(.invalid, "case.bad_point", field: "location") }
        let address = draft.address?.trimmingSpaces().trimmedOrNil
        if (address?.count ?? 0) > CaseRepository.maxShort { throw StoreError(.invalid, "case.too_long", [String(CaseRepository.maxShort)], field: "address") }
        if draft.onSpot && !category.on_spot { throw StoreError(.invalid, "case.on_spot_not_allowed", field: "on_spot") }
        let photo = try draft.photo.map { try CaseRepository.checkPhotos([$0]) }?.first
        var givenState: ComponentState?
        if let raw = draft.componentState?.trimmingSpaces().trimmedOrNil {
            guard let known = ComponentState(rawValue: raw) else { throw StoreError(.invalid, "patrol.bad_component_state", field: "component_state") }
            givenState = known
        }
        let state = givenState
        var found: ComponentRow?
        if let cid = draft.componentID {
            found = try await self.component(cid, near: draft.point, grid: patrol.unitID, in: scope)
        } else if state != nil {
            throw StoreError(.invalid, "patrol.component_required", field: "component")
        }
        let component = found
        let area = try await UnitRepository(db).get(patrol.unitID, in: scope).area
        let findingID = UUID()
        let outside = draft.point.map { p in area.map { !$0.contains(p) } ?? false } ?? false
        var change: ComponentStateChange?
        if let component, let state, state.rawValue != component.state {
            change = ComponentStateChange(
                componentID: component.id, from: ComponentState(rawValue: component.state), to: state, changedAt: at, changedBy: actor.name, findingID: findingID)
        }
        let stateChange = change
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.raw(
                """
                INSERT INTO patrol_findings (id, client_id, patrol_id, unit_id, lon, lat, address, outside, recorded_at, text, category_key, component_id, \
                component_state, on_spot, photo, photo_name, recorded_by_id, recorded_by) VALUES (\(bind: findingID), \(bind: clientID), \(bind: id), \
                \(bind: patrol.unitID), \(bind: draft.point?.lon), \(bind: draft.point?.lat), \(bind: address), \(bind: outside), \(bind: at), \(bind: text), \
                \(bind: category.key), \(bind: component?.id), \(bind: state?.rawValue), \(bind: draft.onSpot), \(bind: photo?.bytes), \(bind: photo?.name), \
                \(bind: actor.id), \(bind: actor.name))
                """
            ).run()
            if let c = stateChange { try await Self.write(c, from: component?.state ?? "", by: actor, on: sql) }
        }
        return (try await getFinding(findingID, in: scope), change, true)
    }

    static func write(_ c: ComponentStateChange, from: String, by actor: CaseActor, note: String? = nil, on sql: any SQLDatabase) async throws {
        // Conditional on the state read, so two workers changing the same component do not lose either change in the history.
        let changed = try await sql.raw(
            "UPDATE components SET state = \(bind: c.to.rawValue) WHERE id = \(bind: c.componentID) AND state = \(bind: from) RETURNING id"
        ).all()
        guard !changed.isEmpty else { throw StoreError(.conflict, "patrol.component_changed") }
        try await sql.raw(
            """
            INSERT INTO component_state_changes (id, component_id, from_state, to_state, changed_at, changed_by_id, changed_by, finding_id, note) \
            VALUES (\(bind: UUID()), \(bind: c.componentID), \(bind: from), \(bind: c.to.rawValue), \(bind: c.changedAt), \(bind: actor.id), \
            \(bind: actor.name), \(bind: c.findingID), \(bind: note))
            """
        ).run()
    }

    /// A component a finding may name: in scope, and in the patrol's grid or near the point.
    func component(_ id: UUID, near point: GeoPoint?, grid: UUID, in scope: Scope) async throws -> ComponentRow {
        guard
            let c = try await sql.raw("SELECT \(unsafeRaw: ComponentRow.columns) FROM components WHERE id = \(bind: id) AND \(scope.condition("unit_id"))")
                .first(decoding: ComponentRow.self)
        else { throw StoreError(.invalid, "patrol.unknown_component", field: "component") }
        let near = point.map { GeoArea.haversine(from: $0, to: GeoPoint(lon: c.lon, lat: c.lat)) <= Self.componentReachMeters } ?? false
        guard c.unitID == grid || near else { throw StoreError(.invalid, "patrol.unknown_component", field: "component") }
        return c
    }

    /// Components a finding at `point` may name: those of the grid, nearest first when there is a point.
    public func components(for patrol: Patrol, near point: GeoPoint?, in scope: Scope) async throws -> [ComponentRow] {
        let all = try await PlaceRepository(db).components(inGrid: patrol.unitID, in: scope)
        guard let point else { return all }
        return all.sorted { GeoArea.haversine(from: point, to: GeoPoint(lon: $0.lon, lat: $0.lat)) < GeoArea.haversine(from: point, to: GeoPoint(lon: $1.lon, lat: $1.lat)) }
    }

    /// The state history of a component in scope, newest first; a component outside it is missing.
    public func history(ofComponent id: UUID, in scope: Scope) async throws -> [ComponentStateChange] {
        guard try await sql.raw("SELECT id FROM components WHERE id = \(bind: id) AND \(scope.condition("unit_id"))").first() != nil else {
            throw StoreError.notFound("component")
        }
        return try await sql.raw(
            """
            SELECT h.component_id, h.from_state, h.to_state, h.changed_at, h.changed_by, h.finding_id FROM component_state_changes h \
            JOIN components c ON c.id = h.component_id WHERE h.component_id = \(bind: id) AND \(scope.condition("c.unit_id")) ORDER BY h.changed_at DESC
            """
        ).all(decoding: ComponentStateChange.self)
    }

    func finding(clientID: UUID, in scope: Scope) async throws -> PatrolFinding? {
        guard let f = try await sql.raw("\(unsafeRaw: PatrolFinding.select) WHERE f.client_id = \(bind: clientID)").first(decoding: PatrolFinding.self) else {
            return nil
        }
        guard try await findFinding(f.id, in: scope) != nil else { throw StoreError(.conflict, "patrol.client_id_taken", field: "client_id") }
        return f
    }

    public func findFinding(_ id: UUID, in scope: Scope) async throws -> PatrolFinding? {
        try await sql.raw("\(unsafeRaw: PatrolFinding.select) WHERE f.id = \(bind: id) AND \(scope.condition("f.unit_id"))").first(decoding: PatrolFinding.self)
    }

    public func getFinding(_ id: UUID, in scope: Scope) async throws -> PatrolFinding {
        guard let f = try await findFinding(id, in: scope) else { throw StoreError.notFound("finding") }
        return f
    }

    public func findings(of id: UUID) async throws -> [PatrolFinding] {
        try await sql.raw("\(unsafeRaw: PatrolFinding.select) WHERE f.patrol_id = \(bind: id) ORDER BY f.recorded_at, f.id").all(decoding: PatrolFinding.self)
    }

    /// The finding's photo, if it has one, as sent.
    public func photo(ofFinding id: UUID, in scope: Scope) async throws -> AttachmentUpload? {
        struct Row: Decodable { var photo: Data?; var photo_name: String? }
        let row = try await sql.raw("SELECT photo, photo_name FROM patrol_findings WHERE id = \(bind: id) AND \(scope.condition("unit_id"))")
            .first(decoding: Row.self)
        guard let row else { throw StoreError.notFound("finding") }
        return row.photo.map { AttachmentUpload(name: row.photo_name ?? "photo", bytes: $0) }
    }

    // MARK: Into a case

    /// Takes a finding for its case in one conditional write, so two presses make one case; the
    /// finding reads as taken (a blank tracking code) until `recordCase` or `release`.
    public func claim(_ id: UUID, in scope: Scope) async throws -> PatrolFinding {
        let f = try await getFinding(id, in: scope)
        guard f.trackingCode == nil else { throw StoreError(.conflict, "patrol.already_case") }
        let taken = try await sql.raw(
            "UPDATE patrol_findings SET tracking_code = \(bind: "") WHERE id = \(bind: id) AND tracking_code IS NULL RETURNING id"
        ).all()
        guard !taken.isEmpty else { throw StoreError(.conflict, "patrol.already_case") }
        return f
    }

    public func release(_ id: UUID) async throws {
        try await sql.raw("UPDATE patrol_findings SET tracking_code = NULL WHERE id = \(bind: id) AND case_id IS NULL").run()
    }

    public func recordCase(_ id: UUID, _ row: CaseRow, in scope: Scope) async throws -> PatrolFinding {
        try await sql.raw(
            "UPDATE patrol_findings SET case_id = \(bind: row.id), tracking_code = \(bind: row.trackingCode) WHERE id = \(bind: id) AND case_id IS NULL"
        ).run()
        return try await getFinding(id, in: scope)
    }
}

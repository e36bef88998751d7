import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Offline phones on the server: their registration, the copy they keep of their grids (a full
/// copy, then the changes after a cursor), the receipts that make each queued write take effect
/// once, and the conflicts recorded when an offline change meets a newer one.
public struct SyncRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// Case states the phone no longer lists: the case is done with (or folded into another).
    static let finishedCaseStates = [CaseState.closed, .calledBack, .rejected, .merged].map(\.rawValue)

    /// Changes read per request; a phone with more to fetch asks again.
    public static let pageSize = 5000

    // MARK: Devices

    /// Registers a device for an account and returns it with its signing key (base64), which the
    /// phone keeps to sign a rescue export. Only the encrypted key is stored.
    public func register(account: UUID, unit: UUID?, label: String, appVersion: String, now: Date) async throws -> (SyncDevice, key: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let key = Data(bytes).base64EncodedString()
        let device = SyncDevice(
            id: UUID(), accountID: account, unitID: unit, label: String(label.prefix(80)), appVersion: String(appVersion.prefix(40)), appliedSeq: 0,
            registeredAt: now, lastSeenAt: now, retiredAt: nil)
        try await sql.raw(
            """
            INSERT INTO sync_devices (id, account_id, unit_id, label, app_version, signing_key, applied_seq, registered_at, last_seen_at) VALUES \
            (\(bind: device.id), \(bind: account), \(bind: unit), \(bind: device.label), \(bind: device.appVersion), \(bind: cipher.encrypt(key)), 0, \
            \(bind: now), \(bind: now))
            """
        ).run()
        return (device, key)
    }

    /// The account's device, registered and not retired; nil for anyone else's.
    public func device(_ id: UUID, account: UUID) async throws -> SyncDevice? {
        try await sql.raw(
            "SELECT \(unsafeRaw: SyncDevice.columns) FROM sync_devices WHERE id = \(bind: id) AND account_id = \(bind: account) AND retired_at IS NULL"
        ).first(decoding: SyncDevice.self)
    }

    /// Any device, retired or not (a rescue file may come from a phone that was lost).
    public func anyDevice(_ id: UUID) async throws -> SyncDevice? {
        try await sql.raw("SELECT \(unsafeRaw: SyncDevice.columns) FROM sync_devices WHERE id = \(bind: id)").first(decoding: SyncDevice.self)
    }

    public func signingKey(of id: UUID) async throws -> Data? {
        guard let stored = try await sql.raw("SELECT signing_key FROM sync_devices WHERE id = \(bind: id)").first()?.decode(column: "signing_key", as: String.self)
        else { return nil }
        do { return Data(base64Encoded: try cipher.decrypt(stored)) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
    }

    public func touch(_ id: UUID, appVersion: String, now: Date) async throws {
        try await sql.raw(
            "UPDATE sync_devices SET last_seen_at = \(bind: now), app_version = \(bind: String(appVersion.prefix(40))) WHERE id = \(bind: id)"
        ).run()
    }

    /// Log-out: the device stops syncing; its receipts stay (they answer replays of its writes).
    public func retire(_ id: UUID, now: Date) async throws {
        try await sql.raw("UPDATE sync_devices SET retired_at = \(bind: now) WHERE id = \(bind: id) AND retired_at IS NULL").run()
    }

    /// Devices of the scope that have not synced since `before`, the longest silent first. Browsers
    /// may delete a site's storage after seven days unused, so a supervisor calls the worker first.
    public func silent(since before: Date, in scope: Scope) async throws -> [SilentDevice] {
        struct Row: Decodable {
            var id: UUID
            var account_id: UUID
            var unit_id: UUID?
            var label: String
            var app_version: String
            var applied_seq: Int64
            var registered_at: Date
            var last_seen_at: Date
            var display_name: String
            var unit_name: String?
            var held: Int
        }
        let rows = try await sql.raw(
            """
            SELECT d.id, d.account_id, d.unit_id, d.label, d.app_version, d.applied_seq, d.registered_at, d.last_seen_at, a.display_name, \
            u.name AS unit_name, (SELECT COUNT(*) FROM sync_receipts r WHERE r.device_id = d.id AND r.status = 'held') AS held \
            FROM sync_devices d JOIN accounts a ON a.id = d.account_id LEFT JOIN units u ON u.id = d.unit_id \
            WHERE d.retired_at IS NULL AND d.last_seen_at < \(bind: before) AND \(scope.condition("d.unit_id")) \
            ORDER BY d.last_seen_at, d.id LIMIT 500
            """
        ).all(decoding: Row.self)
        return rows.map {
            SilentDevice(
                device: SyncDevice(
                    id: $0.id, accountID: $0.account_id, unitID: $0.unit_id, label: $0.label, appVersion: $0.app_version, appliedSeq: $0.applied_seq,
                    registeredAt: $0.registered_at, lastSeenAt: $0.last_seen_at, retiredAt: nil), accountName: $0.display_name, unitName: $0.unit_name,
                held: $0.held)
        }
    }

    // MARK: Receipts

    struct StoredReceipt: Decodable {
        var client_id: String
        var device_id: UUID
        var device_seq: Int64
        var kind: String
        var status: String
        var body: String?
        var result: String
    }

    func decode(_ r: StoredReceipt) throws -> SyncReceipt {
        let body = try r.body.map { stored in
            do { return try cipher.decrypt(stored) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
        }
        return SyncReceipt(
            clientID: r.client_id, deviceID: r.device_id, deviceSeq: r.device_seq, kind: r.kind, status: SyncReceiptStatus(rawValue: r.status) ?? .held,
            body: body, result: try JSONDecoder().decode(SyncResult.self, from: Data(r.result.utf8)))
    }

    public func receipt(_ clientID: String) async throws -> SyncReceipt? {
        try await sql.raw("SELECT client_id, device_id, device_seq, kind, status, body, result FROM sync_receipts WHERE client_id = \(bind: clientID)")
            .first(decoding: StoredReceipt.self).map(decode)
    }

    /// Keeps a write until its turn comes. Its body is encrypted: it may hold ID numbers and phones.
    /// Returns false when the client id was already taken (by this or a concurrent request).
    public func hold(clientID: String, device: UUID, seq: Int64, kind: String, body: String, now: Date) async throws -> Bool {
        let result = try Self.json(SyncResult(clientId: clientID, status: .held))
        do {
            try await sql.raw(
                """
                INSERT INTO sync_receipts (client_id, device_id, device_seq, kind, status, body, result, created_at, updated_at) VALUES \
                (\(bind: clientID), \(bind: device), \(bind: seq), \(bind: kind), 'held', \(bind: cipher.encrypt(body)), \(bind: result), \(bind: now), \(bind: now))
                """
            ).run()
            return true
        } catch {
            if try await receipt(clientID) != nil { return false }
            throw error
        }
    }

    /// The held writes of a device, in device order.
    public func held(device: UUID) async throws -> [SyncReceipt] {
        try await sql.raw(
            """
            SELECT client_id, device_id, device_seq, kind, status, body, result FROM sync_receipts \
            WHERE device_id = \(bind: device) AND status = 'held' ORDER BY device_seq LIMIT 1000
            """
        ).all(decoding: StoredReceipt.self).map(decode)
    }

    /// Takes the device's turn `seq` (compare-and-set on the applied number), to be called inside
    /// the transaction that applies the write: two requests never apply the same turn.
    public static func takeTurn(device: UUID, seq: Int64, on tx: any Database) async throws -> Bool {
        let rows = try await tx.sql.raw(
            "UPDATE sync_devices SET applied_seq = \(bind: seq) WHERE id = \(bind: device) AND applied_seq = \(bind: seq - 1) RETURNING id"
        ).all()
        return !rows.isEmpty
    }

    /// Records a write's result and drops its body.
    public static func settle(_ result: SyncResult, on tx: any Database, now: Date) async throws {
        try await tx.sql.raw(
            """
            UPDATE sync_receipts SET status = \(bind: result.status.rawValue), result = \(bind: try json(result)), body = NULL, updated_at = \(bind: now) \
            WHERE client_id = \(bind: result.clientId)
            """
        ).run()
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    // MARK: Versions

    /// The record's version: the last sequence number the change log gave it (0 if none since sync began).
    public func version(of id: UUID) async throws -> Int64 {
        try await sql.raw("SELECT MAX(seq) AS v FROM sync_changes WHERE row_id = \(bind: id)").first()?.decode(column: "v", as: Int64?.self) ?? 0
    }

    func versions(_ ids: [UUID]) async throws -> [UUID: Int64] {
        struct Row: Decodable {
            var row_id: UUID
            var v: Int64
        }
        var all: [UUID: Int64] = [:]
        for chunk in ids.chunks(of: 500) {
            for r in try await sql.raw("SELECT row_id, MAX(seq) AS v FROM sync_changes WHERE row_id IN (\(binds: Array(chunk))) GROUP BY row_id").all(
                decoding: Row.self)
            {
                all[r.row_id] = r.v
            }
        }
        return all
    }

    public func latestSeq() async throws -> Int64 {
        try await sql.raw("SELECT MAX(seq) AS s FROM sync_changes").first()?.decode(column: "s", as: Int64?.self) ?? 0
    }

    // MARK: The phone's copy

    /// The copy of the grids under `unitID` (in scope): everything when `cursor` is 0, otherwise what
    /// changed after it, `pageSize` changes at most. The cursor is read before the rows, so a change
    /// made while they are read comes again in the next page rather than being missed.
    public func page(under unitID: UUID, after cursor: Int64, role: Role, today: SimpleDate, in scope: Scope) async throws -> SyncPage {
        let sql = self.sql.bulk  // a grid's first copy is thousands of rows
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        let area: SQLQueryString = "IN (SELECT id FROM units WHERE \(Scope.under("path", unit.path)))"
        var ids: [String: Set<UUID>]? = nil
        var next = try await latestSeq()
        var more = false
        if cursor > 0 {
            struct Change: Decodable {
                var seq: Int64
                var kind: String
                var row_id: UUID
            }
            let changes = try await sql.raw(
                """
                SELECT seq, kind, row_id FROM sync_changes WHERE seq > \(bind: cursor) AND unit_id \(area) AND \(scope.condition("unit_id")) \
                ORDER BY seq LIMIT \(count: Self.pageSize)
                """
            ).all(decoding: Change.self)
            more = changes.count == Self.pageSize
            next = more ? changes.last!.seq : max(next, cursor)
            var found: [String: Set<UUID>] = [:]
            for c in changes { found[c.kind, default: []].insert(c.row_id) }
            ids = found
        }
        func only(_ kind: String, _ column: String) -> SQLQueryString? {
            guard let ids else { return "" }
            guard let set = ids[kind], !set.isEmpty else { return nil }
            return " AND \(unsafeRaw: column) IN (\(binds: Array(set)))"
        }
        let inArea: SQLQueryString = "\(scope.condition("unit_id")) AND unit_id \(area)"

        var buildings: [SyncBuilding] = []
        if let filter = only("building", "id") {
            let rows = try await sql.raw("SELECT \(unsafeRaw: BuildingRow.columns) FROM buildings WHERE \(inArea)\(filter) ORDER BY code").all(
                decoding: BuildingRow.self)
            let v = try await versions(rows.map(\.id))
            buildings = rows.map { SyncBuilding(id: $0.id, v: v[$0.id] ?? 0, name: $0.name, address: $0.address, gridId: $0.unitID, lon: $0.lon, lat: $0.lat) }
        }
        var households: [SyncHousehold] = []
        if let filter = only("household", "id") {
            let rows = try await sql.raw("SELECT \(unsafeRaw: HouseholdRow.columns) FROM households WHERE \(inArea)\(filter) ORDER BY number").all(
                decoding: HouseholdRow.self)
            let v = try await versions(rows.map(\.id))
            let wanted = Set(rows.map(\.id))
            let facts = try await VisitRepository(db, cipher: cipher).facts(under: unitID, in: scope).filter { wanted.contains($0.householdID) }
            var due: [UUID: VisitDue] = [:]
            for f in facts { due[f.householdID] = VisitCoverage.status(of: f, on: today) }
            households = rows.map { h in
                let d = due[h.id]
                return SyncHousehold(
                    id: h.id, v: v[h.id] ?? 0, number: h.number, gridId: h.unitID, buildingId: h.buildingID, room: h.room, address: h.address,
                    lastVisit: d?.facts.lastVisit?.description, status: d?.status, dueBy: d?.dueBy.description)
            }
        }
        var residents: [SyncResident] = []
        if let filter = only("resident", "id") {
            let people = ResidentRepository(db, cipher: cipher)
            let rows = try people.decrypted(
                try await sql.raw("SELECT \(unsafeRaw: ResidentRow.columns) FROM residents WHERE \(inArea)\(filter) ORDER BY id").all(decoding: ResidentRow.self))
            let v = try await versions(rows.map(\.id))
            let tags = try await people.tags(of: rows.map(\.id))
            residents = rows.map { r in
                let view = ResidentView(r, tags: tags[r.id] ?? [], householdNumber: nil, role: role, reveal: false, today: today)
                return SyncResident(
                    id: r.id, v: v[r.id] ?? 0, name: view.name, idNumber: view.idNumber, phone: view.phone, sex: view.sex, age: view.age,
                    householdId: view.householdID, relation: view.relation, tags: view.tags)
            }
        }
        var needs: [SyncNeed] = []
        if let filter = only("need", "n.id") {
            let rows = try await sql.raw(
                "\(unsafeRaw: ResidentNeed.select) WHERE n.state = 'open' AND \(scope.condition("n.unit_id")) AND n.unit_id \(area)\(filter) ORDER BY n.recorded_at"
            ).all(decoding: ResidentNeed.self)
            let v = try await versions(rows.map(\.id))
            needs = rows.map { SyncNeed(id: $0.id, v: v[$0.id] ?? 0, gridId: $0.unitID, text: $0.text, householdNumber: $0.householdNumber, recordedAt: $0.recordedAt) }
        }
        var cases: [SyncCase] = []
        if let filter = only("case", "id") {
            struct Row: Decodable {
                var id: UUID
                var tracking_code: String
                var title: String
                var state: String
                var address: String?
                var unit_id: UUID?
                var resolve_by: Date
            }
            let rows = try await sql.raw(
                """
                SELECT id, tracking_code, title, state, address, unit_id, resolve_by FROM cases WHERE \(scope.caseCondition()) AND unit_id \(area) \
                AND state NOT IN (\(binds: Self.finishedCaseStates))\(filter) ORDER BY resolve_by, id
                """
            ).all(decoding: Row.self)
            let v = try await versions(rows.map(\.id))
            cases = rows.compactMap { r in
                CaseState(rawValue: r.state).map {
                    SyncCase(
                        id: r.id, v: v[r.id] ?? 0, trackingCode: r.tracking_code, title: r.title, state: $0, address: r.address, gridId: r.unit_id,
                        resolveBy: r.resolve_by)
                }
            }
        }
        var removed: [String: [UUID]] = [:]
        if let ids {
            let kept: [String: Set<UUID>] = [
                "building": Set(buildings.map(\.id)), "household": Set(households.map(\.id)), "resident": Set(residents.map(\.id)), "need": Set(needs.map(\.id)),
                "case": Set(cases.map(\.id)),
            ]
            for (kind, set) in ids {
                let gone = set.subtracting(kept[kind] ?? [])
                if !gone.isEmpty { removed[kind] = gone.sorted { $0.uuidString < $1.uuidString } }
            }
        }
        return SyncPage(
            cursor: next, more: more, full: ids == nil, buildings: buildings, households: households, residents: residents, needs: needs, cases: cases,
            removed: removed)
    }
}

import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// A case checked and ready to write: everything decided (grid, department, deadlines, tracking
/// code, first event) except the commit. `CaseRepository.store` writes one or many of these in one
/// transaction, which lets `IntakeBatcher` commit a burst of reports together.
public struct PreparedCase: Sendable {
    /// The case as the caller sees it (reporter phone in clear).
    public var row: CaseRow
    /// The case as stored (reporter phone encrypted).
    var sealed: CaseRow
    var event: CaseEvent
    var actor: CaseActor
    /// Photos sent with the report, written with the first event.
    public var attachments: [CheckedAttachment] = []
    /// The report form's one-time token, recorded with the case (see `CaseSubmissions`).
    public var submission: String?
    /// The audit entry for the report, written in the same transaction as the case.
    public var audit: AuditEntry?
    /// Limits the report counts against (per address, per API key), checked and counted on commit.
    public var limits: [RateLimit] = []
    /// The station whose window took the case (`case_stations`), if any.
    var stationID: UUID?

    /// New tracking and public codes, after a commit found one of them taken (`CaseCodesTaken`).
    public mutating func redrawCodes() {
        row.trackingCode = TrackingCode.make()
        row.publicCode = PublicCode.make()
        sealed.trackingCode = row.trackingCode
        sealed.publicCode = row.publicCode
    }
}

/// A batch not written because a case's tracking or public code was found taken as it was
/// committed; `caseIDs` are those cases. Intake draws them new codes and sends them again.
public struct CaseCodesTaken: Error, Sendable, Equatable {
    public var caseIDs: Set<UUID>
}

extension CaseRepository {
    /// Opens a case: grid from the point, department by routing, deadlines from the category,
    /// a tracking code and the `report` event, all in one transaction. Returns only after commit.
    public func intake(
        _ draft: CaseIntake, actor: CaseActor, at now: Date, locator: GridLocator? = nil,
        working: WorkingCalendar? = nil
    ) async throws -> CaseRow {
        let prepared = try await prepare(draft, actor: actor, at: now, locator: locator, working: working)
        try await store([prepared])
        return prepared.row
    }

    /// Checks a draft and decides everything about the new case without writing anything.
    /// `checkCodes: false` draws the case's codes without asking whether they are free: the commit
    /// checks them for the whole batch at once (`write`) and throws `CaseCodesTaken` for any that are
    /// not — for a caller that then redraws and resubmits, as web intake does (`Request.openCase`).
    public func prepare(
        _ draft: CaseIntake, actor: CaseActor, at now: Date, locator: GridLocator? = nil,
        working: WorkingCalendar? = nil, checkCodes: Bool = true
    ) async throws -> PreparedCase {
        guard !draft.categoryKey.trimmingSpaces().isEmpty else { throw StoreError(.invalid, "case.category_required", field: "category") }
        var read = draft.category.flatMap { $0.key == draft.categoryKey ? $0 : nil }
        if read == nil { read = try await category(draft.categoryKey) }
        guard let category = read else { throw StoreError(.invalid, "case.unknown_category", field: "category") }
        guard category.active else { throw StoreError(.invalid, "case.category_inactive", field: "category") }
        let description = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty else { throw StoreError(.invalid, "case.description_required", field: "description") }
        guard description.count <= Self.maxDescription else { throw StoreError(.invalid, "case.too_long", [String(Self.maxDescription)], field: "description") }
        var title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { title = String(description.prefix(30)) }
        guard title.count <= Self.maxTitle else { throw StoreError(.invalid, "case.too_long", [String(Self.maxTitle)], field: "title") }
        let address = draft.address?.trimmingSpaces().trimmedOrNil
        let name = draft.reporterName?.trimmingSpaces().trimmedOrNil
        for (field, value) in [("address", address), ("reporter_name", name)] where (value?.count ?? 0) > Self.maxShort {
            throw StoreError(.invalid, "case.too_long", [String(Self.maxShort)], field: field)
        }
        var phone: String?
        if let raw = draft.reporterPhone?.trimmingSpaces().trimmedOrNil {
            do { phone = try Phone.normalize(raw) } catch { throw StoreError(.invalid, "case.bad_phone", field: "phone") }
        }
        var email: String?
        if let raw = draft.reporterEmail?.trimmingSpaces().trimmedOrNil {
            guard let valid = EmailAddress.normalize(raw) else { throw StoreError(.invalid, "case.bad_email", field: "email") }
            email = valid
        }
        if let p = draft.point, !p.isValid { throw StoreError(.invalid, "case.bad_point", field: "location") }
        let photos = try Self.checkPhotos(draft.attachments)

        var grid: UnitRow?
        if let p = draft.point {
            var located = locator
            if located == nil { located = try await GridLocator.load(db) }
            if let id = located?.grid(for: p, kind: "case") { grid = try await UnitRepository(db).find(id, in: .everything) }
        }
        if grid == nil, let id = draft.gridID {
            grid = try await UnitRepository(db).find(id, in: .everything)
            guard grid?.level == .grid else { throw StoreError(.invalid, "case.bad_grid", field: "grid") }
        }
        // No point and no grid: the address names a building (a hotline caller's "幸福路12号3单元502"), whose grid it is.
        var point = draft.point
        if grid == nil, point == nil, let address, let building = try await building(matching: address) {
            point = building.point
            if let unit = building.unitID { grid = try await UnitRepository(db).find(unit, in: .everything) }
        }
        let department = try await route(category, grid: grid)
        let deadlines = CaseDeadlines(
            reportedAt: now, limits: category.limits, warnFraction: category.warnFraction, working: try await calendar(for: category.limits, working))
        let id = UUID()
        let codes = checkCodes ? try await freshCodes() : (tracking: TrackingCode.make(), public: PublicCode.make())
        let level: UnitLevel = grid == nil ? .district : .grid
        let opening = CaseMachine.report(id: id.uuidString, level: level, by: actor.role, at: now)
        let row = CaseRow(
            id: id, trackingCode: codes.tracking, publicCode: codes.public, categoryKey: category.key, state: opening.snapshot.state, level: level,
            unitID: grid?.id, departmentKey: department, channel: draft.channel, title: title, description: description,
            lon: point?.lon, lat: point?.lat, address: address, reporterName: name, reporterPhone: phone,
            reportedAt: now, respondedAt: nil, closedAt: nil,
            respondBy: deadlines.respondBy, respondWarnAt: deadlines.respondWarnAt,
            resolveBy: deadlines.resolveBy, resolveWarnAt: deadlines.resolveWarnAt,
            reworkCount: 0, reopenCount: 0, supervisionCount: 0, outcome: nil, rating: nil, mergedInto: nil,
            suspendedSince: nil, suspendedUntil: nil, stateBeforeSuspension: nil, suspensions: "[]", version: 1, reporterEmail: email)
        var sealed = row
        sealed.reporterPhone = phone.map(cipher.encrypt)
        sealed.reporterPhoneHash = phone.map(cipher.lookupHash)
        sealed.reporterEmail = email.map(cipher.encrypt)
        return PreparedCase(
            row: row, sealed: sealed, event: opening.event, actor: actor, attachments: photos, submission: draft.submission, stationID: draft.stationID)
    }

    /// Writes prepared cases and their first events in one transaction: all of them or none.
    public func store(_ batch: [PreparedCase]) async throws {
        try await Self.store(batch, on: db)
    }

    /// With `chain`, the cases' audit entries are appended in the same transaction. A used-up rate
    /// limit throws `RateLimitExceeded` and writes nothing (the batcher then retries each case alone).
    public static func store(_ batch: [PreparedCase], on db: any Database, chain: AuditChain? = nil) async throws {
        guard !batch.isEmpty else { return }
        try await db.transaction { tx in try await write(batch, in: tx.sql, chain: chain) }
    }

    /// `store`'s statements, inside a transaction the caller has begun (`IntakeWriter`'s, or `store`'s own).
    public static func write(_ batch: [PreparedCase], in sql: any SQLDatabase, chain: AuditChain? = nil) async throws {
        guard !batch.isEmpty else { return }
        // One count per limit, of all the batch's cases under it (an Open311 key's batch of 30 was 30 statements).
        var hits: [String: (limit: RateLimit, cost: Int, at: Date)] = [:]
        for p in batch {
            for l in p.limits {
                let seen = hits[l.key]
                hits[l.key] = (l, (seen?.cost ?? 0) + 1, max(seen?.at ?? p.row.reportedAt, p.row.reportedAt))
            }
        }
        for (key, h) in hits.sorted(by: { $0.key < $1.key })
        where try await RateLimiter.count(key, cost: h.cost, window: h.limit.window, now: h.at, on: sql) > h.limit.limit {
            throw RateLimitExceeded(key: key)
        }
        let taken = try await casesWithTakenCodes(batch, on: sql)
        guard taken.isEmpty else { throw CaseCodesTaken(caseIDs: taken) }
        try await sql.insert(into: "cases").models(batch.map(\.sealed), nilEncodingStrategy: .asNil).run()
        let events = batch.map { eventRow($0.event, caseID: $0.row.id, seq: 1, actor: $0.actor) }
        try await sql.insert(into: "case_events").models(events, nilEncodingStrategy: .asNil).run()
        try await insertAttachments(batch.flatMap { p in p.attachments.map { ($0, p.row.id, 1, p.row.reportedAt) } }, on: sql)
        try await insertSubmissions(batch, on: sql)
        for p in batch {
            if let station = p.stationID {
                try await sql.raw("INSERT INTO case_stations (case_id, station_id) VALUES (\(bind: p.row.id), \(bind: station))").run()
            }
        }
        try await MeasureRollup.recordIntake(batch, on: sql)
        let entries = batch.compactMap(\.audit)
        if !entries.isEmpty {
            guard let chain else { throw StoreError(.invalid, "audit.no_chain") }
            try await AuditLog.append(entries, chain: chain, on: sql)
        }
    }
}

extension CaseRepository {
    /// A tracking code and a public code no case has yet, checked in one statement. Each code is one of 31^7 (2.8 × 10^10),
    /// so with a million cases (a district's year) one in some tens of thousands would repeat: those are drawn again.
    /// Two lookups joined by UNION ALL, not one `WHERE … OR …`: with statistics gathered while `cases` was nearly empty,
    /// SQLite planned the OR as a scan of every case (9,000 rows in the intake benchmark, a million in a district's year).
    func freshCodes() async throws -> (tracking: String, public: String) {
        for _ in 0..<8 {
            let tracking = TrackingCode.make(), publicCode = PublicCode.make()
            if try await sql.raw(Self.codesTaken(tracking: [tracking], public: [publicCode])).first() == nil { return (tracking, publicCode) }
        }
        throw StoreError(.conflict, "case.code_exhausted")
    }

    /// The cases of `batch` whose tracking or public code another case has, in one statement for the
    /// batch (`codesTaken`).
    static func casesWithTakenCodes(_ batch: [PreparedCase], on sql: any SQLDatabase) async throws -> Set<UUID> {
        let rows = try await sql.raw(codesTaken(tracking: batch.map(\.row.trackingCode), public: batch.map(\.row.publicCode))).all()
        let codes = Set(try rows.map { try $0.decode(column: "code", as: String.self) })
        guard !codes.isEmpty else { return [] }
        return Set(batch.filter { codes.contains($0.row.trackingCode) || codes.contains($0.row.publicCode) }.map(\.row.id))
    }

    /// The codes among `tracking` and `public` that cases have already: an index search per code (one
    /// case's two codes in `prepare`, a whole batch's in `write`).
    static func codesTaken(tracking: [String], public publicCodes: [String]) -> SQLQueryString {
        """
        SELECT tracking_code AS code FROM cases WHERE tracking_code IN (\(binds: tracking)) \
        UNION ALL SELECT public_code AS code FROM cases WHERE public_code IN (\(binds: publicCodes))
        """
    }

    /// The building whose address is the longest leading part of `address` ("幸福路12号" in
    /// "幸福路12号3单元502室"), found through the address index; nil when none is, or when the best
    /// match is shared by buildings in different grids.
    func building(matching address: String) async throws -> (point: GeoPoint, unitID: UUID?)? {
        let text = address.trimmingSpaces()
        guard text.count >= 4 else { return nil }
        let prefixes = (4...min(text.count, Self.maxShort)).map { String(text.prefix($0)) }
        struct Row: Decodable { var address: String; var unit_id: UUID?; var lon: Double; var lat: Double }
        let rows = try await sql.raw("SELECT address, unit_id, lon, lat FROM buildings WHERE address IN (\(binds: prefixes))")
            .all(decoding: Row.self)
        guard let longest = rows.map(\.address.count).max() else { return nil }
        let best = rows.filter { $0.address.count == longest }
        guard Set(best.map(\.unit_id)).count == 1, let first = best.first else { return nil }
        return (GeoPoint(lon: first.lon, lat: first.lat), first.unit_id)
    }
}

extension PreparedCase {
    /// A prepared case that is never meant for a database: for exercising batch writers.
    public static func forTesting(title: String, at time: Date = Date(timeIntervalSince1970: 0)) -> PreparedCase {
        let id = UUID()
        let opening = CaseMachine.report(id: id.uuidString, by: .operator_, at: time)
        let row = CaseRow(
            id: id, trackingCode: TrackingCode.make(), publicCode: PublicCode.make(), categoryKey: "test", state: .reported, level: .grid, unitID: nil, departmentKey: nil,
            channel: .hotline, title: title, description: title, lon: nil, lat: nil, address: nil, reporterName: nil, reporterPhone: nil,
            reportedAt: time, respondedAt: nil, closedAt: nil, respondBy: time, respondWarnAt: time, resolveBy: time, resolveWarnAt: time,
            reworkCount: 0, reopenCount: 0, supervisionCount: 0, outcome: nil, rating: nil, mergedInto: nil,
            suspendedSince: nil, suspendedUntil: nil, stateBeforeSuspension: nil, suspensions: "[]", version: 1)
        return PreparedCase(row: row, sealed: row, event: opening.event, actor: CaseActor(id: nil, name: "test", role: .operator_))
    }
}

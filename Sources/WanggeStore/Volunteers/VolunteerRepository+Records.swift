import FluentKit
import Foundation
import SQLKit
import WanggeCore

extension VolunteerRepository {
    /// Records the hours of a checked-in volunteer for an activity the scope organised, once, and
    /// posts the points the published rule gives for them. The hours record is keyed by activity
    /// and volunteer, so two organisers pressing at once cannot record it twice.
    public func recordHours(
        of volunteerID: UUID, at activityID: UUID, hours: String, by who: String, at now: Date, in scope: Scope
    ) async throws -> VolunteerRecord {
        try await db.transaction { tx in
            try await StoreSetup.takeWriteLock(on: tx.sql)
            let repo = VolunteerRepository(tx)
            let activity = try await repo.organised(activityID, in: scope)
            let state = try await repo.signup(of: volunteerID, to: activity.id)
            let recorded = try await repo.hoursRecord(of: volunteerID, at: activity.id) != nil
            let minutes = try Self.checked { () throws(OpennessProblem) -> Int in
                try ActivitySteps.recordHours(state, recorded: recorded)
                return try VolunteerHours.recorded(hours, span: activity.slot.minutes)
            }
            let id = UUID()
            // Two organisers pressing at once both pass the check above on PostgreSQL: the key decides.
            let inserted = try await tx.sql.raw(
                """
                INSERT INTO volunteer_records (id, volunteer_id, unit_id, activity_id, kind, day, minutes, text, hours_key, recorded_by, recorded_at) \
                VALUES (\(bind: id), \(bind: volunteerID), \(bind: activity.unitID), \(bind: activity.id), \(bind: VolunteerRecordKind.hours.rawValue), \
                \(bind: activity.slot.day), \(bind: minutes), \(bind: activity.title), \(bind: "\(activity.id.uuidString):\(volunteerID.uuidString)"), \
                \(bind: who), \(bind: now)) ON CONFLICT (hours_key) DO NOTHING RETURNING id
                """
            ).all()
            guard !inserted.isEmpty else { throw StoreError(.invalid, "volunteer.hours_recorded", field: "hours") }
            let rule = PointsRule.current
            _ = try await repo.post(volunteerID, kind: "earned", record: id, note: activity.title, by: who, at: now) { _ in rule.points(forMinutes: minutes) }
            return try await repo.record(id)
        }
    }

    func hoursRecord(of volunteerID: UUID, at activityID: UUID) async throws -> VolunteerRecord? {
        try await sql.raw(
            "\(unsafeRaw: VolunteerRecord.select) WHERE r.activity_id = \(bind: activityID) AND r.volunteer_id = \(bind: volunteerID) AND r.kind = 'hours'"
        ).first(decoding: VolunteerRecord.self)
    }

    func record(_ id: UUID) async throws -> VolunteerRecord {
        guard let r = try await sql.raw("\(unsafeRaw: VolunteerRecord.select) WHERE r.id = \(bind: id)").first(decoding: VolunteerRecord.self) else {
            throw StoreError.notFound("record")
        }
        return r
    }

    /// Corrects an activity's hours to `hours` in all, with a reason: a new record of the
    /// difference pointing at the hours record, and the points difference posted (a loss taking at
    /// most the balance). Only the organiser corrects what it recorded.
    public func correct(_ recordID: UUID, to hours: String, reason: String, by who: String, at now: Date, in scope: Scope) async throws -> VolunteerRecord {
        try await db.transaction { tx in
            try await StoreSetup.takeWriteLock(on: tx.sql)
            let repo = VolunteerRepository(tx)
            guard
                let original = try await tx.sql.raw(
                    "\(unsafeRaw: VolunteerRecord.select) WHERE r.id = \(bind: recordID) AND r.kind = 'hours' AND \(scope.condition("r.unit_id"))"
                ).first(decoding: VolunteerRecord.self), let activityID = original.activityID
            else { throw StoreError.notFound("record") }
            let activity = try await repo.organised(activityID, in: scope)
            let current = try await repo.activityMinutes(of: original.volunteerID, at: activityID)
            let (minutes, why) = try Self.checked { () throws(OpennessProblem) -> (Int, String) in
                (try VolunteerHours.recorded(hours, span: activity.slot.minutes, allowZero: true), try VolunteerRules.reason(reason))
            }
            guard minutes != current else { throw StoreError(.invalid, "volunteer.no_change", field: "hours") }
            let id = UUID()
            try await tx.sql.raw(
                """
                INSERT INTO volunteer_records (id, volunteer_id, unit_id, activity_id, kind, day, minutes, text, corrects_id, recorded_by, recorded_at) \
                VALUES (\(bind: id), \(bind: original.volunteerID), \(bind: original.unitID), \(bind: activityID), \
                \(bind: VolunteerRecordKind.correction.rawValue), \(bind: original.day), \(bind: minutes - current), \(bind: why), \(bind: original.id), \
                \(bind: who), \(bind: now))
                """
            ).run()
            let change = PointsRule.current.change(from: current, to: minutes)
            if change != 0 {
                _ = try await repo.post(original.volunteerID, kind: "correction", record: id, note: why, by: who, at: now) { balance in
                    PointsLedgerRule.correction(change, balance: balance)
                }
            }
            return try await repo.record(id)
        }
    }

    func activityMinutes(of volunteerID: UUID, at activityID: UUID) async throws -> Int {
        struct N: Decodable { var n: Int? }
        return try await sql.raw(
            """
            SELECT CAST(SUM(minutes) AS BIGINT) AS n FROM volunteer_records WHERE volunteer_id = \(bind: volunteerID) \
            AND activity_id = \(bind: activityID) AND kind IN ('hours', 'correction')
            """
        ).first(decoding: N.self)?.n ?? 0
    }

    /// Records training, an award or an evaluation of a volunteer of the scope's own communities;
    /// their community is the unit that records it.
    public func addNote(
        _ kind: VolunteerRecordKind, of volunteerID: UUID, day: String, text: String, grade: String?, today: String, by who: String, at now: Date,
        in scope: Scope
    ) async throws -> VolunteerRecord {
        guard [.training, .award, .evaluation].contains(kind) else { throw StoreError(.invalid, "party.bad_kind", field: "kind") }
        let volunteer = try await own(volunteerID, in: scope)
        let (d, body) = try Self.checked { () throws(OpennessProblem) in try VolunteerRules.note(kind: kind, day: day, text: text, grade: grade, today: today) }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO volunteer_records (id, volunteer_id, unit_id, kind, day, minutes, text, recorded_by, recorded_at) \
            VALUES (\(bind: id), \(bind: volunteer.id), \(bind: volunteer.unitID), \(bind: kind.rawValue), \(bind: d), 0, \(bind: body), \(bind: who), \(bind: now))
            """
        ).run()
        return try await record(id)
    }

    /// A volunteer's whole record, newest first, as every unit recorded it.
    public func records(of volunteerID: UUID, in scope: Scope) async throws -> [VolunteerRecord] {
        let v = try await get(volunteerID, in: scope)
        return try await sql.raw("\(unsafeRaw: VolunteerRecord.select) WHERE r.volunteer_id = \(bind: v.id) ORDER BY r.day DESC, r.recorded_at DESC, r.id")
            .all(decoding: VolunteerRecord.self)
    }

    // MARK: Points ledger

    /// Appends one entry to a volunteer's ledger. The volunteer's row is written first
    /// (`ledger_seq + 1`): on PostgreSQL that holds the row until commit, on SQLite the write lock,
    /// so the balance read next is the last one and a second writer waits for it; `delta` gets
    /// that balance and may refuse. The (volunteer, seq) key is unique besides.
    func post(
        _ volunteerID: UUID, kind: String, record: UUID?, note: String, by who: String, at now: Date, delta: @escaping @Sendable (Int) throws -> Int
    ) async throws -> PointsEntry {
        try await db.transaction { tx in
            try await StoreSetup.takeWriteLock(on: tx.sql)
            struct Seq: Decodable { var ledger_seq: Int }
            guard
                let seq = try await tx.sql.raw("UPDATE volunteers SET ledger_seq = ledger_seq + 1 WHERE id = \(bind: volunteerID) RETURNING ledger_seq")
                    .first(decoding: Seq.self)?.ledger_seq
            else { throw StoreError.notFound("volunteer") }
            struct Balance: Decodable { var balance: Int }
            let balance =
                try await tx.sql.raw("SELECT balance FROM volunteer_points WHERE volunteer_id = \(bind: volunteerID) AND seq = \(bind: seq - 1)")
                .first(decoding: Balance.self)?.balance ?? 0
            let d = try delta(balance)
            let entry = PointsEntry(
                seq: seq, delta: d, balance: balance + d, kind: kind, note: note, ruleVersion: PointsRule.current.version, recordedBy: who, recordedAt: now)
            try await tx.sql.raw(
                """
                INSERT INTO volunteer_points (id, volunteer_id, seq, delta, balance, kind, record_id, note, rule_version, recorded_by, recorded_at) \
                VALUES (\(bind: UUID()), \(bind: volunteerID), \(bind: seq), \(bind: d), \(bind: entry.balance), \(bind: kind), \(bind: record), \
                \(bind: note), \(bind: entry.ruleVersion), \(bind: who), \(bind: now))
                """
            ).run()
            return entry
        }
    }

    /// Redeems points of a volunteer of the scope's own communities for `what`: refused, with
    /// nothing written, when the balance does not cover them, however many redeem at once.
    public func redeem(_ volunteerID: UUID, points raw: String, for what: String, by who: String, at now: Date, in scope: Scope) async throws -> PointsEntry {
        let volunteer = try await own(volunteerID, in: scope)
        let (points, note) = try Self.checked { () throws(OpennessProblem) -> (Int, String) in
            (try PointsLedgerRule.redemption(raw), try VolunteerRules.text(what, field: "what", max: 100))
        }
        return try await post(volunteer.id, kind: "redeemed", record: nil, note: note, by: who, at: now) { balance in
            _ = try Self.checked { () throws(OpennessProblem) in try PointsLedgerRule.redeem(points, from: balance) }
            return -points
        }
    }

    /// A volunteer's ledger, newest first.
    public func ledger(of volunteerID: UUID, limit: Int = 200, in scope: Scope) async throws -> [PointsEntry] {
        let v = try await get(volunteerID, in: scope)
        return try await sql.raw(
            """
            SELECT seq, delta, balance, kind, note, rule_version, recorded_by, recorded_at FROM volunteer_points \
            WHERE volunteer_id = \(bind: v.id) ORDER BY seq DESC LIMIT \(count: limit)
            """
        ).all(decoding: PointsEntry.self)
    }

    // MARK: Certificates

    /// Issues a certificate (志愿服务记录证明) of the hours the community `issuerID` recorded for the
    /// volunteer, activity by activity ("谁记录谁证明": no other unit's hours), with a fresh code.
    public func issueCertificate(of volunteerID: UUID, by issuerID: UUID, who: String, at now: Date, in scope: Scope) async throws -> VolunteerCertificate {
        let issuer = try await community(issuerID, in: scope)
        let volunteer = try await get(volunteerID, in: scope)
        struct Line: Decodable { var title: String; var starts_at: String; var minutes: Int }
        let lines = try await sql.raw(
            """
            SELECT a.title, a.starts_at, CAST(SUM(r.minutes) AS BIGINT) AS minutes FROM volunteer_records r JOIN volunteer_activities a ON a.id = r.activity_id \
            WHERE r.volunteer_id = \(bind: volunteer.id) AND r.unit_id = \(bind: issuer.id) AND r.kind IN ('hours', 'correction') \
            GROUP BY a.id, a.title, a.starts_at ORDER BY a.starts_at, a.title
            """
        ).all(decoding: Line.self).filter { $0.minutes > 0 }.map { VolunteerCertificate.Line(title: $0.title, day: String($0.starts_at.prefix(10)), minutes: $0.minutes) }
        guard !lines.isEmpty else { throw StoreError(.invalid, "volunteer.nothing_to_certify", [issuer.name], field: "unit") }
        let cert = VolunteerCertificate(
            id: UUID(), code: CertificateCode.make(), volunteerID: volunteer.id, unitID: issuer.id, name: volunteer.name, unitName: issuer.name,
            totalMinutes: lines.reduce(0) { $0 + $1.minutes }, lines: lines, issuedBy: who, issuedAt: now)
        let json = String(decoding: try JSONEncoder().encode(lines), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO volunteer_certificates (id, code, volunteer_id, unit_id, name, unit_name, total_minutes, lines, issued_by, issued_at) \
            VALUES (\(bind: cert.id), \(bind: cert.code), \(bind: cert.volunteerID), \(bind: cert.unitID), \(bind: cert.name), \(bind: cert.unitName), \
            \(bind: cert.totalMinutes), \(bind: json), \(bind: who), \(bind: now))
            """
        ).run()
        return cert
    }

    /// A certificate for staff: issued by one of the scope's communities, or of one of its volunteers.
    public func certificate(_ id: UUID, in scope: Scope) async throws -> VolunteerCertificate {
        guard
            let c = try await sql.raw(
                """
                \(unsafeRaw: VolunteerCertificate.select) WHERE id = \(bind: id) AND (\(scope.condition("unit_id")) OR \
                volunteer_id IN (SELECT id FROM volunteers WHERE \(scope.condition("unit_id"))))
                """
            ).first(decoding: VolunteerCertificate.Stored.self)?.row
        else { throw StoreError.notFound("certificate") }
        return c
    }

    public func certificates(of volunteerID: UUID, in scope: Scope) async throws -> [VolunteerCertificate] {
        let v = try await get(volunteerID, in: scope)
        return try await sql.raw("\(unsafeRaw: VolunteerCertificate.select) WHERE volunteer_id = \(bind: v.id) ORDER BY issued_at DESC, id")
            .all(decoding: VolunteerCertificate.Stored.self).map(\.row)
    }

    /// A certificate by its code, for anyone holding the paper (public: no scope).
    public func verify(_ raw: String) async throws -> VolunteerCertificate? {
        guard let code = CertificateCode.normalize(raw) else { return nil }
        return try await sql.raw("\(unsafeRaw: VolunteerCertificate.select) WHERE code = \(bind: code)").first(decoding: VolunteerCertificate.Stored.self)?.row
    }
}

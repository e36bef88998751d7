import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Keeps a community's volunteer service: teams, volunteers, activities with sign-up and check-in,
/// and the record of each volunteer. Following "谁组织谁记录、谁记录谁证明", hours of an activity are
/// recorded only by the scope that holds its organising community, and the record is appended to,
/// never changed. Everything is read through the caller's scope: outside it is 404. A shared
/// activity is visible to the communities of its organiser's street.
public struct VolunteerRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    static func checked<T>(_ body: () throws(OpennessProblem) -> T) throws -> T {
        do { return try body() } catch { throw StoreError(.invalid, error.messageKey, error.args, field: error.field) }
    }

    /// The community `unitID`, which must be in the scope.
    public func community(_ unitID: UUID, in scope: Scope) async throws -> UnitRow {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        guard unit.level == .community else { throw StoreError(.invalid, "volunteer.community_only", field: "unit") }
        return unit
    }

    /// The path of the street a community belongs to: what it shares activities and venues with.
    func areaPath(of community: UnitRow) async throws -> String {
        guard let parent = community.parentID else { return community.path }
        return try await UnitRepository(db).get(parent, in: .everything).path
    }

    /// Rows shared across the street `column` names (its path) that the scope may see: the scope
    /// inside that street, or the street inside the scope.
    static func sharedCondition(_ column: String, _ scope: Scope) -> SQLQueryString {
        guard let prefix = scope.pathPrefix else { return "1 = 1" }
        return "(\(bind: prefix) LIKE (\(unsafeRaw: column) || '%') OR \(unsafeRaw: column) LIKE \(bind: prefix + "%"))"
    }

    // MARK: Teams and volunteers

    public func addTeam(name: String, leader: String, to unitID: UUID, by who: String, at now: Date, in scope: Scope) async throws -> VolunteerTeam {
        let unit = try await community(unitID, in: scope)
        let (n, l) = try Self.checked { () throws(OpennessProblem) in try VolunteerRules.team(name: name, leader: leader) }
        let team = VolunteerTeam(id: UUID(), unitID: unit.id, name: n, leader: l, members: 0)
        try await sql.raw(
            """
            INSERT INTO volunteer_teams (id, unit_id, name, leader, created_by, created_at) \
            VALUES (\(bind: team.id), \(bind: unit.id), \(bind: n), \(bind: l), \(bind: who), \(bind: now))
            """
        ).run()
        return team
    }

    public func teams(of unitID: UUID, in scope: Scope) async throws -> [VolunteerTeam] {
        let unit = try await community(unitID, in: scope)
        return try await sql.raw(
            """
            SELECT t.id, t.unit_id, t.name, t.leader, (SELECT COUNT(*) FROM volunteers v WHERE v.team_id = t.id) AS members \
            FROM volunteer_teams t WHERE t.unit_id = \(bind: unit.id) ORDER BY t.name, t.id
            """
        ).all(decoding: VolunteerTeam.self)
    }

    /// Who a new volunteer is: a resident found in the community's register by their whole ID
    /// number, or an outsider by name and phone.
    public enum Person: Sendable {
        case resident(idNumber: String)
        case outsider(name: String, phone: String)
    }

    /// Adds a volunteer to a team of the community. A resident is looked up in the community's
    /// register (`people`, the register's repository) and linked; a resident already a volunteer
    /// of the community is refused.
    public func addVolunteer(
        _ person: Person, team teamID: UUID, to unitID: UUID, people: ResidentRepository, by who: String, at now: Date, in scope: Scope
    ) async throws -> UUID {
        let unit = try await community(unitID, in: scope)
        struct T: Decodable { var id: UUID }
        guard
            try await sql.raw("SELECT id FROM volunteer_teams WHERE id = \(bind: teamID) AND unit_id = \(bind: unit.id)").first(decoding: T.self)
                != nil
        else { throw StoreError(.invalid, "volunteer.bad_team", field: "team") }
        var residentID: UUID?
        let name: String
        var phone: String?
        switch person {
        case .resident(let idNumber):
            let number = idNumber.trimmingSpaces().uppercased()
            guard !number.isEmpty else { throw StoreError(.invalid, "party.required", field: "id_number") }
            let found = try await people.search(number, limit: 2, in: .subtree(of: unit)).rows.filter { $0.idNumber?.uppercased() == number }
            guard let resident = found.first, found.count == 1 else { throw StoreError(.invalid, "volunteer.no_resident", field: "id_number") }
            guard
                try await sql.raw("SELECT id FROM volunteers WHERE unit_id = \(bind: unit.id) AND resident_id = \(bind: resident.id)")
                    .first(decoding: T.self) == nil
            else { throw StoreError(.invalid, "volunteer.already_volunteer", field: "id_number") }
            (residentID, name) = (resident.id, resident.name)
        case .outsider(let n, let p):
            (name, phone) = try Self.checked { () throws(OpennessProblem) in try VolunteerRules.outsider(name: n, phone: p) }
        }
        let id = UUID()
        // The same resident added twice at once: the (community, resident) key keeps one.
        let inserted = try await sql.raw(
            """
            INSERT INTO volunteers (id, unit_id, team_id, resident_id, name, phone, ledger_seq, created_by, created_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: teamID), \(bind: residentID), \(bind: name), \(bind: phone), 0, \(bind: who), \(bind: now)) \
            ON CONFLICT (unit_id, resident_id) DO NOTHING RETURNING id
            """
        ).all()
        guard !inserted.isEmpty else { throw StoreError(.invalid, "volunteer.already_volunteer", field: "id_number") }
        return id
    }

    public func volunteers(of unitID: UUID, in scope: Scope) async throws -> [Volunteer] {
        let unit = try await community(unitID, in: scope)
        return try await sql.raw("\(unsafeRaw: Volunteer.select) WHERE v.unit_id = \(bind: unit.id) ORDER BY t.name, v.name, v.id")
            .all(decoding: Volunteer.self)
    }

    /// A volunteer the scope may see: one of its communities', or one who signed up to an activity
    /// one of its communities organised (whose hours it records and certifies).
    public func find(_ id: UUID, in scope: Scope) async throws -> Volunteer? {
        try await sql.raw(
            """
            \(unsafeRaw: Volunteer.select) WHERE v.id = \(bind: id) AND (\(scope.condition("v.unit_id")) OR EXISTS (SELECT 1 FROM volunteer_signups s \
            JOIN volunteer_activities a ON a.id = s.activity_id WHERE s.volunteer_id = v.id AND \(scope.condition("a.unit_id"))))
            """
        ).first(decoding: Volunteer.self)
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> Volunteer {
        guard let v = try await find(id, in: scope) else { throw StoreError.notFound("volunteer") }
        return v
    }

    /// A volunteer of one of the scope's own communities (their team's community keeps them).
    public func own(_ id: UUID, in scope: Scope) async throws -> Volunteer {
        let v = try await get(id, in: scope)
        guard scope.contains(path: try await UnitRepository(db).get(v.unitID, in: .everything).path) else { throw StoreError.notFound("volunteer") }
        return v
    }

    // MARK: Activities

    public func addActivity(
        title: String, place: String, day: String, start: String, end: String, capacity: String, shared: Bool, to unitID: UUID, by who: String,
        at now: Date, in scope: Scope
    ) async throws -> UUID {
        let unit = try await community(unitID, in: scope)
        let (t, p, slot, c) = try Self.checked { () throws(OpennessProblem) in
            try VolunteerRules.activity(title: title, place: place, day: day, start: start, end: end, capacity: capacity)
        }
        let id = UUID()
        let area = try await areaPath(of: unit)
        try await sql.raw(
            """
            INSERT INTO volunteer_activities (id, unit_id, area_path, title, place, starts_at, ends_at, capacity, taken, shared, created_by, created_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: area), \(bind: t), \(bind: p), \(bind: slot.startKey), \
            \(bind: slot.endKey), \(bind: c), 0, \(bind: shared), \(bind: who), \(bind: now))
            """
        ).run()
        return id
    }

    /// Activities the scope sees: its own communities', and the shared ones of its street.
    static func visible(_ scope: Scope) -> SQLQueryString {
        "(\(scope.condition("a.unit_id")) OR (a.shared = \(bind: true) AND \(sharedCondition("a.area_path", scope))))"
    }

    public func findActivity(_ id: UUID, in scope: Scope) async throws -> VolunteerActivity? {
        try await sql.raw("\(unsafeRaw: VolunteerActivity.select) WHERE a.id = \(bind: id) AND \(Self.visible(scope))")
            .first(decoding: VolunteerActivity.Stored.self)?.row
    }

    public func activity(_ id: UUID, in scope: Scope) async throws -> VolunteerActivity {
        guard let a = try await findActivity(id, in: scope) else { throw StoreError.notFound("activity") }
        return a
    }

    /// An activity the scope organised: only its organiser checks in and records ("谁组织谁记录").
    public func organised(_ id: UUID, in scope: Scope) async throws -> VolunteerActivity {
        guard
            let a = try await sql.raw("\(unsafeRaw: VolunteerActivity.select) WHERE a.id = \(bind: id) AND \(scope.condition("a.unit_id"))")
                .first(decoding: VolunteerActivity.Stored.self)?.row
        else { throw StoreError.notFound("activity") }
        return a
    }

    /// The activities a community sees from `from` (a day) on: its own and the shared ones of its street, by time.
    public func activities(for unitID: UUID, from day: String, limit: Int = 100, in scope: Scope) async throws -> [VolunteerActivity] {
        let unit = try await community(unitID, in: scope)
        let area = try await areaPath(of: unit)
        return try await sql.raw(
            """
            \(unsafeRaw: VolunteerActivity.select) WHERE a.starts_at >= \(bind: day) AND (a.unit_id = \(bind: unit.id) OR \
            (a.shared = \(bind: true) AND a.area_path = \(bind: area))) ORDER BY a.starts_at, a.id LIMIT \(count: limit)
            """
        ).all(decoding: VolunteerActivity.Stored.self).map(\.row)
    }

    /// Signs a volunteer of the scope up to an activity it sees. The place is taken by one
    /// conditional write, so two sign-ups for the last place cannot both get it.
    public func signUp(_ volunteerID: UUID, to activityID: UUID, by who: String, at now: Date, in scope: Scope) async throws {
        try await db.transaction { tx in
            let repo = VolunteerRepository(tx)
            try await StoreSetup.takeWriteLock(on: tx.sql)
            let activity = try await repo.activity(activityID, in: scope)
            let volunteer = try await repo.own(volunteerID, in: scope)
            if activity.unitID != volunteer.unitID {
                let home = try await UnitRepository(tx).get(volunteer.unitID, in: .everything)
                guard activity.shared, home.path.hasPrefix(activity.areaPath) else { throw StoreError(.invalid, "volunteer.not_shared", field: "volunteer") }
            }
            let already = try await repo.signup(of: volunteer.id, to: activity.id) != nil
            try Self.checked { () throws(OpennessProblem) in try ActivitySteps.signUp(taken: activity.taken, capacity: activity.capacity, already: already) }
            let taken = try await tx.sql.raw(
                "UPDATE volunteer_activities SET taken = taken + 1 WHERE id = \(bind: activity.id) AND taken < capacity RETURNING id"
            ).all()
            guard !taken.isEmpty else { throw StoreError(.invalid, "volunteer.full", [String(activity.capacity)], field: "volunteer") }
            // Two sign-ups of one volunteer at once both pass the check above on PostgreSQL (nothing
            // holds them apart until the activity's row): the unique key decides, and the loser is
            // told why instead of failing on the key (its place taken above is rolled back).
            let inserted = try await tx.sql.raw(
                """
                INSERT INTO volunteer_signups (id, activity_id, volunteer_id, state, signed_up_by, signed_up_at) \
                VALUES (\(bind: UUID()), \(bind: activity.id), \(bind: volunteer.id), \(bind: SignupState.signedUp.rawValue), \(bind: who), \(bind: now)) \
                ON CONFLICT (activity_id, volunteer_id) DO NOTHING RETURNING id
                """
            ).all()
            guard !inserted.isEmpty else { throw StoreError(.invalid, "volunteer.already_signed_up", field: "volunteer") }
        }
    }

    struct StateRow: Decodable { var state: String }

    func signup(of volunteerID: UUID, to activityID: UUID) async throws -> SignupState? {
        try await sql.raw("SELECT state FROM volunteer_signups WHERE activity_id = \(bind: activityID) AND volunteer_id = \(bind: volunteerID)")
            .first(decoding: StateRow.self).flatMap { SignupState(rawValue: $0.state) }
    }

    /// Checks a signed-up volunteer in, on the activity's day, by its organiser.
    public func checkIn(_ volunteerID: UUID, to activityID: UUID, today: String, at now: Date, in scope: Scope) async throws {
        let activity = try await organised(activityID, in: scope)
        let state = try await signup(of: volunteerID, to: activity.id)
        let next = try Self.checked { () throws(OpennessProblem) in try ActivitySteps.checkIn(state, day: activity.slot.day, today: today) }
        try await sql.raw(
            """
            UPDATE volunteer_signups SET state = \(bind: next.rawValue), checked_in_at = \(bind: now) \
            WHERE activity_id = \(bind: activity.id) AND volunteer_id = \(bind: volunteerID) AND state = \(bind: SignupState.signedUp.rawValue)
            """
        ).run()
    }

    /// An activity's sign-ups with each one's recorded hours (after corrections).
    public func signups(of activityID: UUID, in scope: Scope) async throws -> [ActivitySignup] {
        let activity = try await activity(activityID, in: scope)
        return try await sql.raw(
            """
            SELECT s.id, s.volunteer_id, v.name, u.name AS unit_name, s.state, s.checked_in_at, \
            (SELECT r.id FROM volunteer_records r WHERE r.activity_id = s.activity_id AND r.volunteer_id = s.volunteer_id AND r.kind = 'hours') AS hours_record_id, \
            CAST(COALESCE((SELECT SUM(r.minutes) FROM volunteer_records r WHERE r.activity_id = s.activity_id AND r.volunteer_id = s.volunteer_id \
            AND r.kind IN ('hours', 'correction')), 0) AS BIGINT) AS minutes \
            FROM volunteer_signups s JOIN volunteers v ON v.id = s.volunteer_id JOIN units u ON u.id = v.unit_id \
            JOIN volunteer_activities a ON a.id = s.activity_id \
            WHERE s.activity_id = \(bind: activity.id) AND (\(scope.condition("v.unit_id")) OR \(scope.condition("a.unit_id"))) \
            ORDER BY v.name, s.id
            """
        ).all(decoding: ActivitySignup.self)
    }
}

extension VolunteerRepository {
    /// The volunteers of the scope who may still sign up to an activity: of its organiser's
    /// community, or for a shared one of any community of its street; not signed up already.
    public func candidates(for activityID: UUID, in scope: Scope) async throws -> [Volunteer] {
        let activity = try await activity(activityID, in: scope)
        return try await sql.raw(
            """
            \(unsafeRaw: Volunteer.select) JOIN volunteer_activities a ON a.id = \(bind: activity.id) \
            WHERE \(scope.condition("v.unit_id")) AND (v.unit_id = a.unit_id OR (a.shared = \(bind: true) AND u.path LIKE (a.area_path || '%'))) \
            AND NOT EXISTS (SELECT 1 FROM volunteer_signups s WHERE s.activity_id = a.id AND s.volunteer_id = v.id) \
            ORDER BY u.name, v.name, v.id LIMIT 300
            """
        ).all(decoding: Volunteer.self)
    }
}

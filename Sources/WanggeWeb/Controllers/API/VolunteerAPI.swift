import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units/{id}/volunteer-teams`, `/units/{id}/volunteers`, `/units/{id}/volunteer-activities`,
/// `/volunteer-activities/{id}` with its `signups` and `hours`, and `/volunteers/{id}/points`: a
/// community's volunteer service as the pages keep it. Phones are masked (the page's gate shows one
/// whole); reads and writes are scoped in storage (outside is 404); each write is audited in its
/// transaction, as the page's.
enum VolunteerAPI {
    /// An activity with its time and how many places are taken.
    struct Activity: Content {
        var id: UUID
        var unitId: UUID
        var unitName: String
        var title: String
        var place: String
        var day: String
        var start: String
        var end: String
        var capacity: Int
        var taken: Int
        var shared: Bool

        init(_ a: VolunteerActivity) {
            (id, unitId, unitName, title, place) = (a.id, a.unitID, a.unitName, a.title, a.place)
            (day, start, end) = (a.slot.day, DaySlot.clock(a.slot.start), DaySlot.clock(a.slot.end))
            (capacity, taken, shared) = (a.capacity, a.taken, a.shared)
        }
    }

    struct ActivityDetail: Content {
        var activity: Activity
        var signups: [ActivitySignup]
    }

    struct Points: Content {
        var volunteerId: UUID
        var balance: Int
        var minutes: Int
        var ledger: [PointsEntry]
    }

    struct SignUpBody: Content { var volunteer: UUID }

    struct HoursBody: Content {
        var volunteer: UUID
        var hours: Double
    }

    static func masked(_ v: Volunteer) -> Volunteer {
        var out = v
        out.phone = v.phone.map(Mask.phone)
        return out
    }

    static func detail(_ repo: VolunteerRepository, _ id: UUID, in scope: Scope) async throws -> ActivityDetail {
        ActivityDetail(activity: Activity(try await repo.activity(id, in: scope)), signups: try await repo.signups(of: id, in: scope))
    }

    /// A write on an activity for one volunteer, audited as the page's (`volunteer.sign_up`, `volunteer.hours`).
    static func write<T: Sendable>(
        _ req: Request, _ action: String, volunteer: UUID, hours: String? = nil,
        _ change: @escaping @Sendable (VolunteerRepository, UUID, Scope) async throws -> (T, record: UUID?)
    ) async throws -> T {
        let v = try req.requireOpenness(\.keepsVolunteers)
        let activityID = try req.id()
        let scope = v.scope
        return try await req.audited(action, object: "volunteer") { db in
            try await change(VolunteerRepository(db), activityID, scope)
        } entry: { done in
            (volunteer.uuidString, AuditDetail(["activity": activityID.uuidString, "record": done.record?.uuidString, "hours": hours]).text)
        }.0
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "volunteer-teams") { req async throws -> [VolunteerTeam] in
            let v = try VolunteerController.reader(req)
            return try await VolunteerRepository(req.db).teams(of: try req.id(), in: v.scope)
        }
        api.get("units", ":id", "volunteers") { req async throws -> [Volunteer] in
            let v = try VolunteerController.reader(req)
            let (limit, offset) = try req.pageWindow(default: 100)
            return try await VolunteerRepository(req.db).volunteers(of: try req.id(), limit: limit, offset: offset, in: v.scope).map(masked)
        }
        api.get("units", ":id", "volunteer-activities") { req async throws -> [Activity] in
            let v = try VolunteerController.reader(req)
            var from = OpennessController.today(req)
            if let raw = req.query[String.self, at: "from"], !raw.isEmpty {
                guard raw.count == 10, SimpleDate(iso: raw) != nil else { throw BadParameter("from", expected: "YYYY-MM-DD") }
                from = raw
            }
            let limit = try req.queryInteger("limit", in: 1...200, default: 100)
            return try await VolunteerRepository(req.db).activities(for: try req.id(), from: from, limit: limit, in: v.scope).map(Activity.init)
        }
        api.get("volunteer-activities", ":id") { req async throws -> ActivityDetail in
            let v = try VolunteerController.reader(req)
            return try await detail(VolunteerRepository(req.db), try req.id(), in: v.scope)
        }
        api.post("volunteer-activities", ":id", "signups") { req async throws -> Response in
            _ = try req.requireOpenness(\.keepsVolunteers)
            let body = try req.content.decode(SignUpBody.self)
            let (now, who) = (req.now, try req.requireViewer().account.displayName)
            let done = try await write(req, "volunteer.sign_up", volunteer: body.volunteer) { repo, activity, scope in
                try await repo.signUp(body.volunteer, to: activity, by: who, at: now, in: scope)
                return (try await detail(repo, activity, in: scope), record: nil)
            }
            return try await done.encodeResponse(status: .created, for: req)
        }
        api.post("volunteer-activities", ":id", "hours") { req async throws -> Response in
            _ = try req.requireOpenness(\.keepsVolunteers)
            let body = try req.content.decode(HoursBody.self)
            let (now, who, hours) = (req.now, try req.requireViewer().account.displayName, String(body.hours))
            let record = try await write(req, "volunteer.hours", volunteer: body.volunteer, hours: hours) { repo, activity, scope in
                let r = try await repo.recordHours(of: body.volunteer, at: activity, hours: hours, by: who, at: now, in: scope)
                return (r, record: r.id)
            }
            return try await record.encodeResponse(status: .created, for: req)
        }
        api.get("volunteers", ":id", "points") { req async throws -> Points in
            let v = try VolunteerController.reader(req)
            let limit = try req.queryInteger("limit", in: 1...200, default: 100)
            let repo = VolunteerRepository(req.db)
            let person = try await repo.get(try req.id(), in: v.scope)
            return Points(volunteerId: person.id, balance: person.points, minutes: person.minutes, ledger: try await repo.ledger(of: person.id, limit: limit, in: v.scope))
        }
    }
}

extension VolunteerTeam: Content {}
extension Volunteer: Content {}
extension ActivitySignup: Content {}
extension VolunteerRecord: Content {}
extension PointsEntry: Content {}

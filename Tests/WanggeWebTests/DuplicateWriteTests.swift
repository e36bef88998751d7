import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// The same write sent several times at once (a double tap, two staff on one screen): exactly one
/// counts, the others get a clear 422 or 409, never a 500 from a unique key the database enforces.
@Suite("Duplicate writes at the same moment: one counts, the rest a clear refusal, never 500", .serialized)
struct DuplicateWriteTests {
    /// How many copies race: on SQLite writers wait for the write lock in the driver's thread pool, so
    /// two (as `CaseReplayTests`) keep the test's own pool from starving; PostgreSQL takes six.
    static func copies(_ kind: TestDatabase) -> Int { kind == .sqlite ? 2 : 6 }

    /// The statuses expected of `n` copies: one `first`, the rest `rest`.
    static func expected(_ n: Int, _ first: UInt, _ rest: UInt) -> [UInt] { ([first] + Array(repeating: rest, count: n - 1)).sorted() }

    /// `n` copies of one call made at once from copies of the browser; their statuses and bodies.
    static func atOnce(_ n: Int, _ browser: Browser, _ call: @escaping @Sendable (inout Browser) async throws -> TestingHTTPResponse) async throws -> [(HTTPStatus, String)] {
        try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
            for _ in 0..<n {
                group.addTask {
                    var b = browser
                    let res = try await call(&b)
                    return (res.status, res.body.string)
                }
            }
            var all: [(HTTPStatus, String)] = []
            for try await r in group { all.append(r) }
            return all
        }
    }

    static func count(_ app: Application, _ sql: SQLQueryString) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw(sql).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// A community with a team, two outsiders and an activity today with room for five.
    static func activity(_ app: Application) async throws -> (activity: UUID, volunteers: [UUID]) {
        let (community, _, _) = try await OpennessWebTests.places(app)
        let repo = VolunteerRepository(app.db)
        let now = app.clock.now()
        let team = try await repo.addTeam(name: "红领之家", leader: "王丽", to: community.id, by: "x", at: now, in: .everything)
        var volunteers: [UUID] = []
        for (name, phone) in [("李明", "13812345678"), ("赵云", "13900001111")] {
            volunteers.append(
                try await repo.addVolunteer(
                    .outsider(name: name, phone: phone), team: team.id, to: community.id, people: ResidentRepository(app.db, cipher: app.keys.cipher), by: "x",
                    at: now, in: .everything))
        }
        let activity = try await repo.addActivity(
            title: "楼道清扫", place: "3 号楼", day: SimpleDate(now).description, start: "09:00", end: "11:00", capacity: "5", shared: false, to: community.id,
            by: "x", at: now, in: .everything)
        return (activity, volunteers)
    }

    @Test("sign-ups of one volunteer at once, on the page and by the API: one counts, the rest 422 with the reason", arguments: TestDatabase.enabled)
    func signUp(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (activity, people) = try await Self.activity(app)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.volunteerActivity(activity).path)
            // MUT
            let n = Self.copies(kind)
            let page = try await Self.atOnce(n, op) { b in try await b.post(SiteURL.volunteerSignUp(activity).path, form: ["volunteer": people[0].uuidString]) }
            let api = try await Self.atOnce(n, op) { b in
                try await b.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"\#(people[1].uuidString)"}"#)
            }
            // validate
            #expect(page.map(\.0.code).sorted() == Self.expected(n, 303, 422), "\(page)")
            #expect(page.filter { $0.0 == .unprocessableEntity }.allSatisfy { $0.1.contains(L10n.t("volunteer.already_signed_up")) })
            #expect(api.map(\.0.code).sorted() == Self.expected(n, 201, 422), "\(api)")
            #expect(api.filter { $0.0 == .unprocessableEntity }.allSatisfy { $0.1.contains("\"field\":\"volunteer\"") })
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM volunteer_signups WHERE activity_id = \(bind: activity)") == 2)
            #expect(try await Self.count(app, "SELECT taken AS n FROM volunteer_activities WHERE id = \(bind: activity)") == 2)
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'volunteer.sign_up'") == 2)
        }
    }

    @Test("hours recorded several times at once by the API: one record and one points entry, the rest 422", arguments: TestDatabase.enabled)
    func hours(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (activity, people) = try await Self.activity(app)
            let repo = VolunteerRepository(app.db)
            let (now, today) = (app.clock.now(), SimpleDate(app.clock.now()).description)
            try await repo.signUp(people[0], to: activity, by: "x", at: now, in: .everything)
            try await repo.checkIn(people[0], to: activity, today: today, at: now, in: .everything)
            let op = try await Browser.login(app, as: "operator")
            // MUT
            let n = Self.copies(kind)
            let answers = try await Self.atOnce(n, op) { b in
                try await b.api(.POST, "/api/v1/volunteer-activities/\(activity)/hours", json: #"{"volunteer":"\#(people[0].uuidString)","hours":2}"#)
            }
            // validate
            #expect(answers.map(\.0.code).sorted() == Self.expected(n, 201, 422), "\(answers)")
            #expect(answers.filter { $0.0 == .unprocessableEntity }.allSatisfy { $0.1.contains(L10n.t("volunteer.hours_recorded")) })
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM volunteer_records WHERE activity_id = \(bind: activity)") == 1)
            // 2 hours: 4 half hours × 5 + 2 = 22 points, once.
            #expect(try await repo.get(people[0], in: .everything).points == 22)
        }
    }

    @Test("a resident registering and checking in at the same moment keeps both times; twice at once is one line", arguments: TestDatabase.enabled)
    func attendance(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, _) = try await OpennessWebTests.places(app)
            let now = app.clock.now()
            let today = SimpleDate(now).description
            _ = try await CouncilRepository(app.db).name("幸福议事会", of: community.id, at: now, in: .everything)
            let meeting = try await CouncilRepository(app.db).schedule(
                CouncilMeetingDraft(title: "停车议事", agenda: "车位划线", heldOn: today, startsAt: "19:00", place: "党群服务站"), for: community.id, code: "ABCD2345",
                at: now, in: .everything)
            let people = try await CouncilWebTests.people(app, of: community)
            let (a, b) = (people[0].claim, people[1].claim)
            let repo = ParticipationRepository(app.db, cipher: app.keys.cipher)
            // MUT
            async let registered = repo.register(a, for: meeting, at: now)
            async let checkedIn = repo.checkIn(a, code: "ABCD2345", at: meeting, today: today, now: now)
            async let first = repo.register(b, for: meeting, at: now)
            async let second = repo.register(b, for: meeting, at: now)
            let outcomes = try await [registered, checkedIn, first, second]
            // validate
            #expect(outcomes.filter { if case .refused = $0 { true } else { false } }.isEmpty)
            let m = try await CouncilRepository(app.db).meeting(meeting.id, in: .everything)
            #expect(m.registered == 2 && m.checkedIn == 1)
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM meeting_attendance WHERE meeting_id = \(bind: meeting.id)") == 2)
        }
    }

    @Test("two providers claim one pooled order at once by the API: one 200, the other refused; binding one account twice at once is one binding", arguments: TestDatabase.enabled)
    func claim(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let f = try await MarketAPITests.market(app, mode: "claim")
            let repo = MarketRepository(app.db, cipher: app.keys.cipher)
            let desk = MarketStepActor(role: .market, name: "受理员")
            _ = try await repo.approve(f.order, chosen: nil, note: nil, in: .everything, by: desk, at: app.clock.now())
            let department = try await Browser.login(app, as: "department"), police = try await Browser.login(app, as: "police")
            _ = try await AccountRepository(app.db).create(
                username: "repairs", displayName: "维修店", passwordHash: "-", role: .department, unitID: nil, mustChangePassword: false)
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/market/setup")
            // MUT
            async let a = Self.atOnce(1, department) { b in try await b.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"claim"}"#) }
            async let b = Self.atOnce(1, police) { b in try await b.api(.POST, "/api/v1/market/orders/\(f.order)/steps", json: #"{"action":"claim"}"#) }
            let claims = try await a + b
            let binds = try await Self.atOnce(Self.copies(kind), op) { b in try await b.post("/market/providers/\(f.providers[0])/accounts", form: ["username": "repairs"]) }
            // validate
            // The loser is refused: 409 when both read the pooled order (the versioned write decides), or
            // 404 when the winner committed first (the order is no longer in the pool it may see).
            let codes = claims.map(\.0.code).sorted()
            #expect(codes == [200, 404] || codes == [200, 409])
            let order = try await repo.get(f.order, as: .staff(.everything))
            #expect(order.state == .taken && f.providers.contains(order.providerID ?? UUID()))
            #expect(binds.allSatisfy { $0.0 == .seeOther })
            #expect(try await Self.count(app, "SELECT COUNT(*) AS n FROM market_provider_accounts a JOIN accounts u ON u.id = a.account_id WHERE u.username = 'repairs'") == 1)
        }
    }
}

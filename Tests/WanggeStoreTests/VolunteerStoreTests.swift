import FluentKit
import Foundation
import Testing
import WanggeCore
import WanggeStore
import WanggeTestSupport

@Suite("Volunteers in storage: sign-up, check-in, hours and corrections, the points ledger, certificates and venue bookings")
struct VolunteerStoreTests {
    /// 2026-11-27 12:00 in China.
    static let t0 = Date(timeIntervalSince1970: 1_795_752_000)
    static let today = "2026-11-27"

    struct Setup {
        var first: UnitRow
        var second: UnitRow
        var otherStreet: UnitRow
        var team: VolunteerTeam
    }

    /// Two communities of one street (the demo has one a street at this size: a second is made),
    /// a community of another street, and a team in the first.
    static func setup(_ db: any Database) async throws -> Setup {
        let units = UnitRepository(db)
        let communities = try await units.all(in: .everything, level: .community).sorted { $0.code < $1.code }
        let first = communities[0]
        let second = try await units.create(
            parentID: first.parentID, level: .community, code: String(first.code.dropLast(3)) + "098", name: "共建社区", boundary: nil, actor: "测试",
            in: .everything, at: t0)
        let team = try await VolunteerRepository(db).addTeam(name: "红领之家", leader: "王丽", to: first.id, by: "测试", at: t0, in: .subtree(of: first))
        return Setup(first: first, second: second, otherStreet: communities[1], team: team)
    }

    static func outsider(_ db: any Database, _ s: Setup, _ name: String, _ phone: String) async throws -> UUID {
        try await VolunteerRepository(db).addVolunteer(
            .outsider(name: name, phone: phone), team: s.team.id, to: s.first.id, people: ResidentRepository(db, cipher: TestDatabase.keys.cipher), by: "测试",
            at: t0, in: .subtree(of: s.first))
    }

    /// Retries an operation that found the connection pool busy (many tasks at once on one pool).
    static func waitingForConnection<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = Date().addingTimeInterval(300)
        while true {
            do { return try await body() } catch  where "\(error)".contains("connectionRequestTimeout") && Date() < deadline { continue }
        }
    }

    @Test("a resident found by ID number and an outsider; places, check-in, hours once, a correction; points and a certificate hand-counted; scope 404", arguments: TestDatabase.enabled)
    func record(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let s = try await Self.setup(db)
            let repo = VolunteerRepository(db)
            let scope = Scope.subtree(of: s.first)
            let people = ResidentRepository(db, cipher: TestDatabase.keys.cipher)
            let resident = try #require(try await people.search(nil, limit: 50, in: scope).rows.first { $0.idNumber != nil && $0.anonymisedAt == nil })
            // MUT
            let wang = try await repo.addVolunteer(
                .resident(idNumber: resident.idNumber!.lowercased()), team: s.team.id, to: s.first.id, people: people, by: "测试", at: Self.t0, in: scope)
            let again = await Fixture.storeError {
                try await repo.addVolunteer(.resident(idNumber: resident.idNumber!), team: s.team.id, to: s.first.id, people: people, by: "x", at: Self.t0, in: scope)
            }
            let li = try await Self.outsider(db, s, "李明", "138 1234 5678")
            let zhao = try await Self.outsider(db, s, "赵云", "13900001111")
            // A 09:00–11:45 activity with two places: 2 h 45 min credits 2.5 hours at most.
            let activity = try await repo.addActivity(
                title: "楼道清扫", place: "3 号楼", day: Self.today, start: "09:00", end: "11:45", capacity: "2", shared: false, to: s.first.id, by: "测试",
                at: Self.t0, in: scope)
            try await repo.signUp(wang, to: activity, by: "测试", at: Self.t0, in: scope)
            try await repo.signUp(li, to: activity, by: "测试", at: Self.t0, in: scope)
            let full = await Fixture.storeError { try await repo.signUp(zhao, to: activity, by: "测试", at: Self.t0, in: scope) }
            let beforeCheckIn = await Fixture.storeError { try await repo.recordHours(of: li, at: activity, hours: "1", by: "x", at: Self.t0, in: scope) }
            try await repo.checkIn(wang, to: activity, today: Self.today, at: Self.t0, in: scope)
            try await repo.checkIn(li, to: activity, today: Self.today, at: Self.t0, in: scope)
            let hours = try await repo.recordHours(of: wang, at: activity, hours: "2.5", by: "测试", at: Self.t0, in: scope)
            _ = try await repo.recordHours(of: li, at: activity, hours: "2", by: "测试", at: Self.t0, in: scope)
            let twice = await Fixture.storeError { try await repo.recordHours(of: wang, at: activity, hours: "1", by: "x", at: Self.t0, in: scope) }
            let tooLong = await Fixture.storeError { try await repo.correct(hours.id, to: "3", reason: "补录", by: "x", at: Self.t0, in: scope) }
            let correction = try await repo.correct(hours.id, to: "1.5", reason: "提前离开", by: "测试", at: Self.t0, in: scope)
            _ = try await repo.addNote(.training, of: wang, day: "2026-11-20", text: "应急救护培训", grade: nil, today: Self.today, by: "测试", at: Self.t0, in: scope)
            let evaluation = try await repo.addNote(.evaluation, of: wang, day: Self.today, text: "", grade: "excellent", today: Self.today, by: "测试", at: Self.t0, in: scope)
            let certificate = try await repo.issueCertificate(of: wang, by: s.first.id, who: "测试", at: Self.t0, in: scope)
            // validate
            #expect(again?.field == "id_number" && full?.key == "volunteer.full" && beforeCheckIn?.key == "volunteer.not_checked_in")
            #expect(twice?.key == "volunteer.hours_recorded" && tooLong?.key == "volunteer.hours_over_span")
            #expect(correction.kind == .correction && correction.minutes == -60 && correction.correctsID == hours.id)
            #expect(evaluation.text == "excellent")
            let volunteers = try await repo.volunteers(of: s.first.id, in: scope)
            #expect(Set(volunteers.map(\.name)) == [resident.name, "李明", "赵云"])
            let w = try #require(volunteers.first { $0.id == wang })
            #expect(w.residentID == resident.id && w.phone == nil)
            // 王: 2.5 h = 5 half hours × 5 + 2 = 27 points, corrected to 1.5 h = 3 × 5 + 2 = 17 (−10); 90 minutes in all.
            #expect(w.minutes == 90 && w.points == 17)
            let ledger = try await repo.ledger(of: wang, in: scope)
            #expect(ledger.map(\.delta) == [-10, 27] && ledger.map(\.balance) == [17, 27] && ledger.map(\.seq) == [2, 1])
            // 李: 2 h = 4 × 5 + 2 = 22.
            #expect(volunteers.first { $0.id == li }?.points == 22)
            let records = try await repo.records(of: wang, in: scope)
            #expect(records.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.correction, .evaluation, .hours, .training])
            #expect(certificate.totalMinutes == 90 && certificate.lines == [.init(title: "楼道清扫", day: Self.today, minutes: 90)])
            #expect(certificate.name == resident.name && certificate.unitName == s.first.name)
            let verified = try await repo.verify(CertificateCode.display(certificate.code).lowercased())
            #expect(verified?.id == certificate.id)
            let malformed = try await repo.verify("not a code")
            #expect(malformed == nil)
            // The neighbouring community recorded nothing for this volunteer: it does not even see them.
            let nothing = await Fixture.storeError { try await repo.issueCertificate(of: wang, by: s.second.id, who: "x", at: Self.t0, in: .subtree(of: s.second)) }
            #expect(nothing?.kind == .notFound)
            // Outside the scope: the volunteer, the activity and the certificate look missing.
            let foreign = Scope.subtree(of: s.otherStreet)
            let a = await Fixture.storeError { try await repo.get(wang, in: foreign) }
            let b = await Fixture.storeError { try await repo.activity(activity, in: foreign) }
            let c = await Fixture.storeError { try await repo.certificate(certificate.id, in: foreign) }
            let d = await Fixture.storeError { try await repo.redeem(wang, points: "1", for: "x", by: "x", at: Self.t0, in: foreign) }
            #expect([a, b, c, d].map { $0?.kind } == [.notFound, .notFound, .notFound, .notFound])
        }
    }

    @Test("a shared activity takes the street's volunteers; only the organiser records their hours and certifies them", arguments: TestDatabase.enabled)
    func shared(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let s = try await Self.setup(db)
            let repo = VolunteerRepository(db)
            let (mine, organiser) = (Scope.subtree(of: s.first), Scope.subtree(of: s.second))
            let li = try await Self.outsider(db, s, "李明", "13812345678")
            let open = try await repo.addActivity(
                title: "共建清河", place: "河堤", day: Self.today, start: "14:00", end: "16:00", capacity: "10", shared: true, to: s.second.id, by: "x",
                at: Self.t0, in: organiser)
            let closed = try await repo.addActivity(
                title: "内部会议", place: "活动室", day: Self.today, start: "14:00", end: "15:00", capacity: "10", shared: false, to: s.second.id, by: "x",
                at: Self.t0, in: organiser)
            // MUT
            try await repo.signUp(li, to: open, by: "x", at: Self.t0, in: mine)
            let notShared = await Fixture.storeError { try await repo.signUp(li, to: closed, by: "x", at: Self.t0, in: mine) }
            let notOrganiser = await Fixture.storeError { try await repo.checkIn(li, to: open, today: Self.today, at: Self.t0, in: mine) }
            try await repo.checkIn(li, to: open, today: Self.today, at: Self.t0, in: organiser)
            _ = try await repo.recordHours(of: li, at: open, hours: "2", by: "x", at: Self.t0, in: organiser)
            let certificate = try await repo.issueCertificate(of: li, by: s.second.id, who: "x", at: Self.t0, in: organiser)
            let fromMine = await Fixture.storeError { try await repo.issueCertificate(of: li, by: s.first.id, who: "x", at: Self.t0, in: mine) }
            // validate
            #expect(notShared?.kind == .notFound && notOrganiser?.kind == .notFound)
            #expect(certificate.unitName == s.second.name && certificate.totalMinutes == 120)
            #expect(fromMine?.key == "volunteer.nothing_to_certify")
            let seen = try await repo.activities(for: s.first.id, from: Self.today, in: mine).map(\.title)
            #expect(seen == ["共建清河"])
            let signups = try await repo.signups(of: open, in: organiser)
            #expect(signups.map(\.minutes) == [120] && signups.map(\.state) == [.checkedIn])
        }
    }

    @Test("concurrent redemptions never overdraw: of ten 5-point redemptions from 27 exactly five pass", arguments: TestDatabase.enabled)
    func redemptionRace(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let s = try await Self.setup(db)
            let repo = VolunteerRepository(db)
            let scope = Scope.subtree(of: s.first)
            let li = try await Self.outsider(db, s, "李明", "13812345678")
            let activity = try await repo.addActivity(
                title: "敬老", place: "养老驿站", day: Self.today, start: "09:00", end: "12:00", capacity: "5", shared: false, to: s.first.id, by: "x",
                at: Self.t0, in: scope)
            try await repo.signUp(li, to: activity, by: "x", at: Self.t0, in: scope)
            try await repo.checkIn(li, to: activity, today: Self.today, at: Self.t0, in: scope)
            _ = try await repo.recordHours(of: li, at: activity, hours: "2.5", by: "x", at: Self.t0, in: scope)
            // MUT
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 1...10 {
                    group.addTask {
                        do {
                            _ = try await Self.waitingForConnection { try await repo.redeem(li, points: "5", for: "洗衣液", by: "x", at: Self.t0, in: scope) }
                            return true
                        } catch let e as StoreError where e.key == "volunteer.insufficient_points" { return false }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // validate
            #expect(outcomes.filter { $0 }.count == 5)
            let ledger = try await repo.ledger(of: li, in: scope)
            #expect(ledger.map(\.seq) == Array((1...6).reversed()))
            #expect(ledger.first?.balance == 2 && ledger.allSatisfy { $0.balance >= 0 })
            let balance = try await repo.get(li, in: scope).points
            #expect(balance == 2)
        }
    }

    @Test("concurrent bookings of one time: exactly one passes; meeting at the boundary is no overlap", arguments: TestDatabase.enabled)
    func bookingRace(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // setup
            let s = try await Self.setup(db)
            let venues = VenueRepository(db)
            let venue = try await venues.add(name: "党群服务站活动室", place: "1 号楼一层", to: s.first.id, by: "x", at: Self.t0, in: .subtree(of: s.first))
            let street = Scope.subtree(of: try await UnitRepository(db).get(try #require(s.first.parentID), in: .everything))
            // MUT
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<8 {
                    let unit = n % 2 == 0 ? s.first.id : s.second.id
                    group.addTask {
                        do {
                            _ = try await Self.waitingForConnection {
                                try await venues.book(venue.id, for: unit, title: "活动 \(n)", day: "2026-12-01", start: "09:00", end: "10:00", by: "x", at: Self.t0, in: street)
                            }
                            return true
                        } catch let e as StoreError where e.key == "venue.overlap" { return false }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let after = try await venues.book(
                venue.id, for: s.second.id, title: "合唱排练", day: "2026-12-01", start: "10:00", end: "11:00", by: "x", at: Self.t0, in: .subtree(of: s.second))
            let overlap = await Fixture.storeError {
                try await venues.book(venue.id, for: s.first.id, title: "x", day: "2026-12-01", start: "10:45", end: "11:15", by: "x", at: Self.t0, in: street)
            }
            let foreign = await Fixture.storeError {
                try await venues.book(venue.id, for: s.otherStreet.id, title: "x", day: "2026-12-02", start: "10:00", end: "11:00", by: "x", at: Self.t0, in: .subtree(of: s.otherStreet))
            }
            // validate
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(after.slot.text == "2026-12-01 10:00–11:00")
            #expect(overlap?.key == "venue.overlap" && overlap?.field == "start" && overlap?.args.first == "2026-12-01 10:00–11:00")
            #expect(foreign?.kind == .notFound)
            let calendar = try await venues.calendar(for: s.second.id, from: "2026-12-01", through: "2026-12-14", in: .subtree(of: s.second))
            #expect(calendar.count == 2 && calendar.map(\.slot.start) == [540, 600])
            // Only the community that booked cancels; then the time is free again.
            let notTheirs = await Fixture.storeError { try await venues.cancel(after.id, by: "x", at: Self.t0, in: .subtree(of: s.first)) }
            _ = try await venues.cancel(after.id, by: "x", at: Self.t0, in: .subtree(of: s.second))
            let twice = await Fixture.storeError { try await venues.cancel(after.id, by: "x", at: Self.t0, in: .subtree(of: s.second)) }
            let freed = try await venues.book(
                venue.id, for: s.first.id, title: "书法班", day: "2026-12-01", start: "10:45", end: "11:15", by: "x", at: Self.t0, in: street)
            #expect(notTheirs?.kind == .notFound && twice?.kind == .notFound && freed.slot.start == 645)
            let now = try await venues.calendar(for: s.second.id, from: "2026-12-01", through: "2026-12-14", in: .subtree(of: s.second))
            #expect(now.map(\.slot.start) == [540, 645])
        }
    }

    @Test("the demo: two teams, hours with a correction, points earned and redeemed, a certificate, a booked venue", arguments: TestDatabase.enabled)
    func demo(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            // MUT
            let made = try await DemoLoader(db, cipher: TestDatabase.keys.cipher).loadVolunteers(now: Self.t0)
            // validate
            let community = try #require(try await UnitRepository(db).all(in: .everything, level: .community).sorted { $0.code < $1.code }.first)
            let repo = VolunteerRepository(db)
            let teams = try await repo.teams(of: community.id, in: .everything)
            let volunteers = try await repo.volunteers(of: community.id, in: .everything)
            #expect(made > 0 && teams.count == 2 && volunteers.count == 5)
            // 李明: 2 h (4 × 5 + 2 = 22) and 2.5 h (5 × 5 + 2 = 27), 20 redeemed.
            let li = try #require(volunteers.first { $0.name == "李明" })
            #expect(li.minutes == 270 && li.points == 29)
            let certificates = try await repo.certificates(of: li.id, in: .everything)
            #expect(certificates.map(\.totalMinutes) == [270])
            let bookings = try await VenueRepository(db).calendar(for: community.id, from: "2026-11-27", through: "2026-12-10", in: .everything)
            #expect(bookings.count == 4)
        }
    }
}

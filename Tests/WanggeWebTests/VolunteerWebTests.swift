import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Volunteers on the web: a community's staff run an activity to a certificate a stranger can check; venues; fields named; scope 404")
struct VolunteerWebTests {
    @Test("team, volunteer, activity, sign-up, check-in, hours, points, certificate and its public check; a venue booked once", arguments: TestDatabase.enabled)
    func flow(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, other) = try await OpennessWebTests.places(app)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.volunteers(community.id).path)
            let today = SimpleDate(app.clock.now()).description
            let repo = VolunteerRepository(app.db)
            // MUT
            let team = try await op.post(SiteURL.volunteerTeams(community.id).path, form: ["name": "红领之家", "leader": "王丽"])
            let teamID = try #require(try await repo.teams(of: community.id, in: .everything).first?.id).uuidString
            let badPhone = try await op.post(SiteURL.volunteerPeople(community.id).path, form: ["team": teamID, "name": "李明", "phone": "12"])
            for (name, phone) in [("李明", "13812345678"), ("赵云", "13900001111")] {
                _ = try await op.post(SiteURL.volunteerPeople(community.id).path, form: ["team": teamID, "name": name, "phone": phone])
            }
            let people = try await repo.volunteers(of: community.id, in: .everything)
            let li = try #require(people.first { $0.name == "李明" }).id, zhao = try #require(people.first { $0.name == "赵云" }).id
            let activity = try await op.post(
                SiteURL.volunteerActivities(community.id).path,
                form: ["title": "楼道清扫", "place": "3 号楼", "day": today, "start": "09:00", "end": "11:00", "capacity": "1"])
            let activityID = try #require(try await repo.activities(for: community.id, from: today, in: .everything).first?.id)
            let signUp = try await op.post(SiteURL.volunteerSignUp(activityID).path, form: ["volunteer": li.uuidString])
            let full = try await op.post(SiteURL.volunteerSignUp(activityID).path, form: ["volunteer": zhao.uuidString])
            let checkIn = try await op.post(SiteURL.volunteerCheckIn(activityID).path, form: ["volunteer": li.uuidString])
            let hours = try await op.post(SiteURL.volunteerHours(activityID).path, form: ["volunteer": li.uuidString, "hours": "2"])
            let overdraw = try await op.post(SiteURL.volunteerRedeem(li).path, form: ["points": "30", "what": "洗衣液"])
            let redeem = try await op.post(SiteURL.volunteerRedeem(li).path, form: ["points": "10", "what": "洗衣液"])
            let certify = try await op.post(SiteURL.volunteerCertify(li).path, form: ["unit": community.id.uuidString])
            let venue = try await op.post(SiteURL.venues(community.id).path, form: ["name": "党群服务站活动室", "place": "1 号楼一层"])
            let venueID = try #require(try await VenueRepository(app.db).venues(for: community.id, in: .everything).first?.id).uuidString
            let booking = ["venue": venueID, "title": "合唱排练", "day": today, "start": "14:00", "end": "15:00"]
            let booked = try await op.post(SiteURL.venueBookings(community.id).path, form: booking)
            let overlap = try await op.post(SiteURL.venueBookings(community.id).path, form: booking.merging(["start": "14:30", "end": "15:30"]) { $1 })
            let elsewhere = try await op.get(SiteURL.volunteers(other.id).path)
            let elsewhereVolunteer = try await op.post(SiteURL.volunteerTeams(other.id).path, form: ["name": "x", "leader": "y"])
            // validate
            #expect([team, activity, signUp, checkIn, hours, redeem, certify, venue, booked].map(\.status) == Array(repeating: .seeOther, count: 9))
            #expect(badPhone.status == .unprocessableEntity && badPhone.body.string.contains(L10n.t("volunteer.bad_phone")))
            #expect(full.status == .unprocessableEntity && full.body.string.contains(L10n.t("volunteer.full", 1)))
            #expect(overdraw.status == .unprocessableEntity && overdraw.body.string.contains(L10n.t("volunteer.insufficient_points", 22)))
            #expect(overlap.status == .unprocessableEntity && overlap.body.string.contains("该时段已被预约"))
            #expect(elsewhere.status == .notFound && elsewhereVolunteer.status == .notFound)
            // 2 hours: 4 half hours × 5 + 2 = 22 points, 10 redeemed.
            let page = try await op.get(SiteURL.volunteer(li).path)
            #expect(page.body.string.contains(L10n.t("volunteer.totals", "2", 12)))
            #expect(page.body.string.contains("138****5678") && !page.body.string.contains("13812345678"))
            let certificatePath = try #require(certify.headers.first(name: .location))
            let certificate = try await op.get(certificatePath)
            let code = try #require(try await repo.certificates(of: li, in: .everything).first?.code)
            #expect(certificate.body.string.contains(CertificateCode.display(code)) && certificate.body.string.contains(L10n.t("volunteer.certificate_body", "李明", "2")))
            // Anyone holding the paper checks it: the name, the unit and the hours, nothing personal.
            var stranger = Browser(app)
            let check = try await stranger.get(SiteURL.certificateVerify(code: CertificateCode.display(code).lowercased()).path)
            let wrong = try await stranger.get(SiteURL.certificateVerify(code: "2345-6789-AB").path)
            #expect(check.status == .ok && check.body.string.contains(L10n.t("volunteer.verified", "李明", community.name, today, "2")))
            #expect(OpennessWebTests.personalData(in: check.body.string).isEmpty)
            #expect(wrong.status == .notFound && wrong.body.string.contains(L10n.t("volunteer.not_verified")))
            let calendar = try await op.get(SiteURL.venues(community.id).path)
            #expect(calendar.body.string.contains("14:00–15:00 党群服务站活动室 · 合唱排练"))
            let bookingID = try #require(
                try await VenueRepository(app.db).calendar(for: community.id, from: today, through: today, in: .everything).first?.id)
            let cancelled = try await op.post(SiteURL.venueBookingCancel(bookingID).path, form: ["unit": community.id.uuidString])
            let rebooked = try await op.post(SiteURL.venueBookings(community.id).path, form: booking.merging(["start": "14:30", "end": "15:30"]) { $1 })
            #expect(cancelled.status == .seeOther && rebooked.status == .seeOther)
            let audited = try await OpennessWebTests.actions(app, object: "volunteer")
            #expect(
                audited == [
                    "venue.add", "venue.book", "venue.book", "venue.cancel", "volunteer.activity_add", "volunteer.add", "volunteer.add", "volunteer.certify", "volunteer.check_in",
                    "volunteer.hours", "volunteer.redeem", "volunteer.sign_up", "volunteer.team_add",
                ])
        }
    }

    @Test("an outsider's phone is masked until shown through the gate with a reason (audited); a correction is a new record; a grid worker sees no community's volunteers", arguments: TestDatabase.enabled)
    func revealAndCorrect(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            let (community, _, _) = try await OpennessWebTests.places(app)
            let repo = VolunteerRepository(app.db)
            let now = app.clock.now()
            let today = SimpleDate(now).description
            let team = try await repo.addTeam(name: "红领之家", leader: "王丽", to: community.id, by: "x", at: now, in: .everything)
            let li = try await repo.addVolunteer(
                .outsider(name: "李明", phone: "13812345678"), team: team.id, to: community.id, people: ResidentRepository(app.db, cipher: app.keys.cipher),
                by: "x", at: now, in: .everything)
            let activity = try await repo.addActivity(
                title: "楼道清扫", place: "3 号楼", day: today, start: "09:00", end: "11:00", capacity: "5", shared: false, to: community.id, by: "x", at: now,
                in: .everything)
            try await repo.signUp(li, to: activity, by: "x", at: now, in: .everything)
            try await repo.checkIn(li, to: activity, today: today, at: now, in: .everything)
            let hours = try await repo.recordHours(of: li, at: activity, hours: "2", by: "x", at: now, in: .everything)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.volunteer(li).path)
            // MUT
            let noReason = try await op.post(SiteURL.volunteerReveal(li).path, form: ["reason": ""])
            let shown = try await op.post(SiteURL.volunteerReveal(li).path, form: ["reason": "通知活动变更"])
            let again = try await op.get(SiteURL.volunteer(li).path)
            let noChange = try await op.post(SiteURL.volunteerCorrect(hours.id).path, form: ["activity": activity.uuidString, "hours": "2", "reason": "核对"])
            let corrected = try await op.post(SiteURL.volunteerCorrect(hours.id).path, form: ["activity": activity.uuidString, "hours": "1.5", "reason": "提前离开"])
            var worker = try await Browser.login(app, as: "gridworker")
            let workerPage = try await worker.get(SiteURL.volunteer(li).path)
            // validate
            #expect(noReason.status == .unprocessableEntity && !noReason.body.string.contains("13812345678"))
            #expect(shown.status == .ok && shown.body.string.contains("13812345678"))
            #expect(again.body.string.contains("138****5678") && !again.body.string.contains("13812345678"))
            #expect(noChange.status == .unprocessableEntity && noChange.body.string.contains(L10n.t("volunteer.no_change")))
            #expect(corrected.status == .seeOther && workerPage.status == .notFound)
            let records = try await repo.records(of: li, in: .everything)
            #expect(records.map(\.minutes).sorted() == [-30, 120] && records.first { $0.kind == .correction }?.correctsID == hours.id)
            let sql = app.db as! any SQLDatabase
            let unmasks = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'unmask' AND object_type = 'volunteer' AND outcome = 'ok'").first()?
                .decode(column: "n", as: Int.self)
            #expect(unmasks == 1)
        }
    }
}

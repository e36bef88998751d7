import Foundation
import WanggeCore

extension DemoLoader {
    /// Volunteer service in the first street: two teams in its first community (two residents of
    /// the register and three outsiders), a team in the second; activities last week with hours
    /// recorded, one corrected, points earned and redeemed, a certificate issued; one today with
    /// sign-ups to check in; a shared one next week; and a venue with bookings from both communities.
    public func loadVolunteers(now: Date) async throws -> Int {
        let units = UnitRepository(db)
        guard let street = try await units.all(in: .everything, level: .street).sorted(by: { $0.code < $1.code }).first else { return 0 }
        let communities = try await units.children(of: street.id, in: .everything).filter { $0.level == .community }.sorted { $0.code < $1.code }
        guard let home = communities.first else { return 0 }
        let repo = VolunteerRepository(db)
        let people = ResidentRepository(db, cipher: cipher)
        let by = "演示数据"
        func day(_ offset: Int) -> String { SimpleDate(now.addingTimeInterval(Double(offset) * 86_400)).description }
        var made = 0
        let red = try await repo.addTeam(name: "红领之家志愿服务队", leader: "王丽", to: home.id, by: by, at: now, in: .everything)
        let young = try await repo.addTeam(name: "萤火虫青年志愿队", leader: "陈晨", to: home.id, by: by, at: now, in: .everything)
        var volunteers: [UUID] = []
        let residents = try await people.search(nil, limit: 20, in: .subtree(of: home)).rows.filter { $0.idNumber != nil && $0.anonymisedAt == nil }.prefix(2)
        for r in residents {
            volunteers.append(try await repo.addVolunteer(.resident(idNumber: r.idNumber!), team: red.id, to: home.id, people: people, by: by, at: now, in: .everything))
        }
        for (name, phone, team) in [("李明", "13812345678", red.id), ("周晓雨", "13911112222", young.id), ("孙浩然", "13722223333", young.id)] {
            volunteers.append(try await repo.addVolunteer(.outsider(name: name, phone: phone), team: team, to: home.id, people: people, by: by, at: now, in: .everything))
        }
        made += 2 + volunteers.count
        var neighbours: [UUID] = []
        if communities.count > 1 {
            let team = try await repo.addTeam(name: "唐都大妈志愿队", leader: "刘芳", to: communities[1].id, by: by, at: now, in: .everything)
            for (name, phone) in [("刘芳", "13633334444"), ("何静", "13544445555")] {
                neighbours.append(
                    try await repo.addVolunteer(
                        .outsider(name: name, phone: phone), team: team.id, to: communities[1].id, people: people, by: by, at: now, in: .everything))
            }
            made += 3
        }
        // Last week: the stairwell clean-up (2 h) and the shared lunch for the elderly (2.5 h).
        let past: [(String, String, Int, String, String, Bool, [UUID], String)] = [
            ("楼道清扫", "3 号楼", -7, "09:00", "11:00", false, Array(volunteers.prefix(4)), "2"),
            ("敬老助餐", "社区养老驿站", -3, "10:00", "12:30", true, Array(volunteers.suffix(3)) + neighbours, "2.5"),
        ]
        for (title, place, offset, start, end, shared, who, hours) in past {
            let id = try await repo.addActivity(
                title: title, place: place, day: day(offset), start: start, end: end, capacity: "20", shared: shared, to: home.id, by: by, at: now, in: .everything)
            for v in who {
                try await repo.signUp(v, to: id, by: by, at: now, in: .everything)
                try await repo.checkIn(v, to: id, today: day(offset), at: now, in: .everything)
                _ = try await repo.recordHours(of: v, at: id, hours: hours, by: by, at: now, in: .everything)
            }
            made += 1 + who.count
        }
        // One stayed an hour less than recorded: the correction is a record of its own.
        if let first = volunteers.first,
            let record = try await repo.records(of: first, in: .everything).first(where: { $0.kind == .hours && $0.activityTitle == "楼道清扫" })
        {
            _ = try await repo.correct(record.id, to: "1", reason: "提前一小时离开，按签退时间更正", by: by, at: now, in: .everything)
            made += 1
        }
        if volunteers.count > 2 {
            let li = volunteers[2]
            _ = try await repo.addNote(.training, of: li, day: day(-10), text: "应急救护培训（4 学时）", grade: nil, today: day(0), by: by, at: now, in: .everything)
            _ = try await repo.addNote(.award, of: li, day: day(-2), text: "十佳社区志愿者", grade: nil, today: day(0), by: by, at: now, in: .everything)
            _ = try await repo.addNote(.evaluation, of: li, day: day(-2), text: "服务热情，按时到岗", grade: "excellent", today: day(0), by: by, at: now, in: .everything)
            _ = try await repo.redeem(li, points: "20", for: "洗衣液一瓶", by: by, at: now, in: .everything)
            _ = try await repo.issueCertificate(of: li, by: home.id, who: by, at: now, in: .everything)
            made += 5
        }
        // Today: the waste-sorting stall, signed up and waiting for check-in; next week: shared anti-fraud talk.
        let todays = try await repo.addActivity(
            title: "垃圾分类宣传", place: "小区南门", day: day(0), start: "09:00", end: "11:30", capacity: "6", shared: false, to: home.id, by: by, at: now,
            in: .everything)
        for v in volunteers.prefix(3) { try await repo.signUp(v, to: todays, by: by, at: now, in: .everything) }
        try await repo.checkIn(volunteers[0], to: todays, today: day(0), at: now, in: .everything)
        let talk = try await repo.addActivity(
            title: "反诈宣传进楼栋", place: "党群服务站", day: day(5), start: "14:00", end: "16:00", capacity: "10", shared: true, to: home.id, by: by, at: now,
            in: .everything)
        for v in neighbours.prefix(1) { try await repo.signUp(v, to: talk, by: by, at: now, in: .everything) }
        made += 2
        // A venue of the first community, booked by both.
        let venues = VenueRepository(db)
        let room = try await venues.add(name: "党群服务站活动室", place: "社区服务中心一层", to: home.id, by: by, at: now, in: .everything)
        _ = try await venues.add(name: "社区书画室", place: "社区服务中心二层", to: home.id, by: by, at: now, in: .everything)
        let other = communities.count > 1 ? communities[1].id : home.id
        for (unit, title, offset, start, end) in [
            (home.id, "书法兴趣班", 1, "09:00", "11:00"), (other, "合唱排练", 1, "14:00", "16:00"), (home.id, "反诈宣传进楼栋", 5, "14:00", "16:00"),
            (other, "居民议事会", 3, "19:00", "21:00"),
        ] {
            _ = try await venues.book(room.id, for: unit, title: title, day: day(offset), start: start, end: end, by: by, at: now, in: .everything)
        }
        return made + 6
    }
}

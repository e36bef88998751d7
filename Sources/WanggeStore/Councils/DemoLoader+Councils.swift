import Foundation
import WanggeCore

extension DemoLoader {
    /// In the first community: its residents' council with members, a past meeting with its
    /// attendance and minutes, a coming one, and proposals in each state a resident will meet —
    /// votes in the open poll cast by residents of the register, as the public form would.
    public func loadCouncils(now: Date) async throws -> Int {
        let units = try await UnitRepository(db).all(in: .everything)
        guard let community = units.filter({ $0.level == .community }).min(by: { $0.code < $1.code }) else { return 0 }
        let councils = CouncilRepository(db)
        _ = try await councils.name("\(community.name)居民议事会", of: community.id, at: now, in: .everything)
        let members: [(String, String)] = [
            ("王建国", "召集人（社区党委书记）"), ("李秀兰", "副召集人（居委会主任）"), ("张卫东", "居民代表（1 号楼）"), ("陈桂芳", "居民代表（3 号楼）"),
            ("刘志强", "物业服务企业代表"), ("赵敏", "驻区单位代表"), ("孙立新", "楼门长代表"),
        ]
        // A second apart, so the list keeps this order (convenor first).
        for (i, (name, role)) in members.enumerated() {
            _ = try await councils.addMember(CouncilMemberDraft(name: name, role: role), to: community.id, at: now.addingTimeInterval(Double(i)), in: .everything)
        }
        var rng = SystemRandomNumberGenerator()
        let past = try await councils.schedule(
            CouncilMeetingDraft(
                title: "第四季度居民议事会", agenda: "一、5 号楼北侧电动自行车充电棚选址\n二、小区东门早晚高峰停车秩序\n三、居民提议事项受理情况通报", heldOn: day(now, minus: 12),
                startsAt: "19:00", place: "社区党群服务中心二楼会议室"), for: community.id, code: CouncilMeetingDraft.checkinCode(using: &rng), at: now, in: .everything)
        let next = try await councils.schedule(
            CouncilMeetingDraft(
                title: "十二月居民议事会", agenda: "一、楼道堆物清理方案\n二、老年食堂试运营意见征集", heldOn: day(now, minus: -9), startsAt: "19:00",
                place: "社区党群服务中心二楼会议室"), for: community.id, code: CouncilMeetingDraft.checkinCode(using: &rng), at: now, in: .everything)
        // Residents of the register who came to the past meeting and vote in the open poll.
        let people = try await ResidentRepository(db, cipher: cipher).search(nil, limit: 40, in: .subtree(of: community)).rows
            .filter { $0.idNumber != nil && $0.phone != nil && $0.householdID != nil && $0.anonymisedAt == nil }
        // Registered over the days before; checked in at the door from 18:40 on the meeting's day.
        let held = SimpleDate(now.addingTimeInterval(-12 * 86_400))
        let doors = ChinaTime.calendar.date(from: DateComponents(year: held.year, month: held.month, day: held.day, hour: 18, minute: 40)) ?? now
        for (i, r) in people.prefix(18).enumerated() {
            if i < 14 {
                let at = now.addingTimeInterval(Double(-15 * 86_400 + i * 3_600))
                _ = try await ParticipationRepository.attend(r.id, meeting: past.id, column: "registered_at", at: at, on: sql)
            }
            if i >= 2 {
                _ = try await ParticipationRepository.attend(r.id, meeting: past.id, column: "checked_in_at", at: doors.addingTimeInterval(Double(i * 60)), on: sql)
            }
        }
        let proposals = ProposalRepository(db)
        let demoLimit = RateLimit(key: "demo-council", limit: 1_000, window: 60)
        func submit(_ title: String, _ body: String, _ ago: Int) async throws -> CouncilProposal {
            try await proposals.submit(
                title: title, body: body, proposer: nil, to: community, at: now.addingTimeInterval(Double(-ago) * 86_400), limit: demoLimit)
        }
        let staff = "社区议事会秘书"
        // Adopted by the council's vote and carried out.
        let shed = try await submit("5 号楼北侧建电动自行车充电棚", "楼里经常有人从窗户拉线给电瓶车充电，很危险，希望在楼北侧建一个集中充电棚。", 30)
        _ = try await proposals.apply(.accept(meeting: past.id), to: shed.id, by: staff, on: day(now, minus: 25), at: now, in: .everything)
        _ = try await proposals.apply(
            .decide(.councilVote(MeetingVote(eligible: 7, present: 6, approve: 5, oppose: 0, abstain: 1)), reasons: "消除飞线充电隐患，选址不影响采光和通行，费用由社区公益金列支。"),
            to: shed.id, by: staff, on: day(now, minus: 12), at: now, in: .everything)
        _ = try await proposals.apply(.followUp(note: "方案已报街道审核通过，施工单位进场。"), to: shed.id, by: staff, on: day(now, minus: 6), at: now, in: .everything)
        _ = try await proposals.apply(.complete(note: "充电棚已建成投用，共 40 个充电口，按次扫码计费。"), to: shed.id, by: staff, on: day(now, minus: 1), at: now, in: .everything)
        // On the next meeting's agenda, with a poll by household open.
        let canteen = try await submit("开办社区老年食堂", "小区老人多，子女白天上班，希望社区能办一个老年食堂，提供午餐。", 8)
        _ = try await proposals.apply(.accept(meeting: next.id), to: canteen.id, by: staff, on: day(now, minus: 6), at: now, in: .everything)
        _ = try await proposals.apply(.openPoll(.household), to: canteen.id, by: staff, on: day(now, minus: 5), at: now, in: .everything)
        let poll = try await proposals.get(canteen.id, in: .everything)
        let participation = ParticipationRepository(db, cipher: cipher)
        let numbers = try await householdNumbers(Array(Set(people.compactMap(\.householdID))))
        for (i, r) in people.prefix(12).enumerated() {
            guard let id = r.idNumber, let phone = r.phone, let h = r.householdID, let number = numbers[h] else { continue }
            let choice: Ballot.Choice = i % 5 == 4 ? .oppose : i % 7 == 6 ? .abstain : .approve
            _ = try await participation.vote(ParticipantClaim(idNumber: id, phone: phone, household: number), choice: choice, on: poll, at: now)
        }
        // Handed to a department, and one declined.
        let gate = try await submit("东门早晚高峰车辆乱停", "东门口早上七点半到八点半车辆乱停，孩子上学很危险，希望有人管一管。", 20)
        _ = try await proposals.apply(.accept(meeting: past.id), to: gate.id, by: staff, on: day(now, minus: 18), at: now, in: .everything)
        // The hand-over opens a case in the community's first grid, as the operator's form does.
        let firstGrid = units.filter { $0.parentID == community.id && $0.level == .grid }.min { $0.code < $1.code }
        let handOver = try await CaseRepository(db, cipher: cipher).prepare(
            CaseIntake(categoryKey: "street_order.car_parking", channel: .mailbox, title: gate.title, description: gate.body, gridID: firstGrid?.id),
            actor: CaseActor(id: nil, name: staff, role: .operator_), at: now)
        _ = try await proposals.apply(
            .decide(.departmentCase(department: "区交通支队"), reasons: "属于道路交通管理事项，由交通支队在东门设置临时禁停标志并早晚巡查，物业配合疏导。"),
            to: gate.id, by: staff, on: day(now, minus: 12), at: now, in: .everything, handOver: handOver)
        // Minutes once the meeting's business is recorded: a meeting with minutes takes no more proposals.
        _ = try await councils.recordMinutes(
            "应到委员 7 人，实到 6 人，列席居民 16 人。\n一、充电棚选址：经讨论同意建在 5 号楼北侧绿地边，距楼体 6 米以上，方案报街道审核。\n二、东门停车：建议物业早晚高峰安排专人疏导，下次会议通报效果。\n三、通报本季度受理居民提议 3 件，已办结 1 件。",
            of: past.id, today: day(now, minus: 0), at: now, in: .everything)
        let square = try await submit("广场舞音响太吵", "晚上广场舞音响声音太大，影响休息。", 4)
        _ = try await proposals.apply(
            .decline(reason: "已有《小区文明公约》第七条约定 21 时后不得使用扩音设备，由物业按公约劝导，无需议事会另行议定；如劝导无效请通过网格二维码上报。"),
            to: square.id, by: staff, on: day(now, minus: 3), at: now, in: .everything)
        _ = try await submit("增设快递柜", "小区只有一个快递柜，经常满，希望再增设一组。", 1)
        return members.count + 2 + 5
    }

    func householdNumbers(_ ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { var id: UUID; var number: String }
        let rows = try await sql.raw("SELECT id, number FROM households WHERE id IN (\(binds: ids))").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.number) })
    }
}

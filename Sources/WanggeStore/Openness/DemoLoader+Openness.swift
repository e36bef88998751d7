import Foundation
import WanggeCore

extension DemoLoader {
    /// Power lists for every community and street, the four lists for every community, and in the
    /// first community a few tasks, decisions and notices in each state the workflows know.
    public func loadOpenness(now: Date) async throws -> Int {
        let units = try await UnitRepository(db).all(in: .everything)
        let powers = PowerListRepository(db)
        let lists = FourListRepository(db)
        var made = 0
        for unit in units where unit.level == .community || unit.level == .street {
            for draft in unit.level == .community ? DemoOpenness.communityPowers : DemoOpenness.streetPowers {
                _ = try await powers.save(draft, to: unit.id, by: "演示数据", at: now, in: .everything)
                made += 1
            }
            if unit.level == .community {
                try await lists.add(DemoOpenness.fourLists, to: unit.id, in: .everything)
                made += DemoOpenness.fourLists.count
            }
        }
        guard let community = units.filter({ $0.level == .community }).min(by: { $0.code < $1.code }) else { return made }
        made += try await loadTasks(community, now: now)
        made += try await loadDecisions(community, now: now)
        made += try await loadNotices(community, now: now)
        return made
    }

    func day(_ now: Date, minus days: Int) -> String { SimpleDate(now.addingTimeInterval(Double(-days) * 86_400)).description }

    func loadTasks(_ community: UnitRow, now: Date) async throws -> Int {
        let lists = FourListRepository(db)
        let items = try await lists.items(of: community.id, in: .everything)
        func item(_ title: String) -> UUID? { items.first { $0.title.hasPrefix(title) }?.id }
        let tasks: [(String, String, String, String?, AdmissionDecision?)] = [
            ("区民政局", "高龄津贴年度资格认证", "组织辖区 80 岁以上老人完成年度资格认证，12 月 20 日前报送名单。", "协助做好老年人高龄津贴申报", .admit(basis: nil)),
            ("区卫健委", "冬季病媒生物防制入户宣传", "入户发放防制宣传材料并登记重点场所。", "协助开展爱国卫生和病媒防制", .admit(basis: nil)),
            ("区统计局", "规模以下服务业抽样调查数据采集", "对抽中的 40 家商户采集月度营业数据。", "各类专项统计调查数据采集", .buyAsService(note: "由区统计局委托第三方调查机构实施，社区协助联系商户")),
            ("区商务局", "年度招商引资任务分解", "社区完成两家企业签约落户。", "招商引资和经济指标任务", .refuse(reason: "属于社区工作负面清单，招商引资不得下达给社区")),
            ("区城管委", "拆除违法建设前期取证", "对辖区三处违建拍照取证并送达告知书。", "行政执法和拆除违法建筑的执法工作", .refuse(reason: "行政执法由城管执法队依法实施，社区可协助提供线索")),
            ("区文旅局", "文明社区创建台账", "按创建标准整理 12 类台账资料。", nil, .refuse(reason: "清单外事项且无法律法规依据；创建达标类项目已清理")),
            ("区人社局", "灵活就业人员摸底登记", "登记辖区灵活就业人员就业意愿和技能需求。", nil, nil),
            ("区住建委", "老旧小区加装电梯意愿征集", "征集各楼栋居民加装电梯意愿并汇总。", nil, .admit(basis: "《城市居民委员会组织法》第三条（反映居民意见和要求）；区老旧小区综合整治实施方案")),
        ]
        for (i, t) in tasks.enumerated() {
            let actor = CaseActor(id: nil, name: t.0, role: .department)
            let at = now.addingTimeInterval(Double(-(tasks.count - i)) * 86_400)
            let task = try await lists.submit(
                TaskDraft(title: t.1, detail: t.2, listItemID: t.3.flatMap(item)), to: community.id, department: t.0, by: actor, at: at, in: .everything)
            if let decision = t.4 {
                _ = try await lists.review(task.id, listItemID: task.listItemID, decision: decision, by: "街道社区办", at: at.addingTimeInterval(7200), in: .everything)
            }
        }
        return tasks.count
    }

    func loadDecisions(_ community: UnitRow, now: Date) async throws -> Int {
        let repo = DecisionRepository(db)
        let powers = try await PowerListRepository(db).items(of: community.id, in: .everything)
        func power(_ title: String) -> UUID? { powers.first { $0.title == title }?.id }
        // A renovation run through all six steps.
        let lift = try await repo.propose(
            title: "3 号楼外墙保温和屋面防水改造", proposal: "3 号楼外墙保温层脱落、顶层漏水，拟使用社区公益金 18.6 万元改造，三家比选确定施工单位。",
            powerItemID: power("小额工程项目建设"), to: community.id, on: day(now, minus: 60), at: now, in: .everything)
        let steps: [(DecisionStep, Int)] = [
            (.consult(note: "两委联席会议一致同意提交党员大会审议，资金来源为社区公益金。"), 55),
            (.partyMeeting(MeetingVote(eligible: 42, present: 31, approve: 27, oppose: 2, abstain: 2)), 50),
            (.residentsMeeting(.representatives, MeetingVote(eligible: 35, present: 29, approve: 24, oppose: 3, abstain: 2)), 45),
            (.publishResolution(text: "同意使用社区公益金 18.6 万元实施 3 号楼外墙保温和屋面防水改造，经三家比选由本区某建筑公司施工，公示 7 天无异议。"), 44),
            (.publishResult(text: "工程已于 11 月竣工验收，实际结算 17.9 万元，结余 0.7 万元退回公益金，验收报告和结算清单张贴于公开栏。"), 5),
        ]
        for (step, ago) in steps { _ = try await repo.apply(step, to: lift.id, on: day(now, minus: ago), at: now, in: .everything) }
        // A lease stopped by the party members' meeting: a quorum, but not a majority.
        let lease = try await repo.propose(
            title: "社区临街闲置用房对外出租", proposal: "临街两间闲置用房拟以每年 6 万元出租给连锁便利店，租期五年。",
            powerItemID: power("集体资产资源租赁发包"), to: community.id, on: day(now, minus: 30), at: now, in: .everything)
        _ = try await repo.apply(.consult(note: "两委商议后提交党员大会，部分委员建议改为公开竞价。"), to: lease.id, on: day(now, minus: 28), at: now, in: .everything)
        _ = try await repo.apply(
            .partyMeeting(MeetingVote(eligible: 42, present: 28, approve: 14, oppose: 10, abstain: 4)), to: lease.id, on: day(now, minus: 25), at: now, in: .everything)
        // One under way, and one with no power item named (flagged on the community's page).
        let park = try await repo.propose(
            title: "小区非机动车充电棚建设", proposal: "在 5 号楼北侧建设电动自行车集中充电棚，解决飞线充电隐患。",
            powerItemID: power("小额工程项目建设"), to: community.id, on: day(now, minus: 6), at: now, in: .everything)
        _ = try await repo.apply(.consult(note: "两委同意，建议先征求 5 号楼居民意见。"), to: park.id, on: day(now, minus: 4), at: now, in: .everything)
        _ = try await repo.propose(
            title: "社区活动室夜间开放管理办法", proposal: "活动室每日开放至 21 时，由志愿者轮流值守。", powerItemID: nil, to: community.id, on: day(now, minus: 2), at: now,
            in: .everything)
        return 4
    }

    func loadNotices(_ community: UnitRow, now: Date) async throws -> Int {
        let repo = NoticeRepository(db)
        let csv = "\u{FEFF}项目,收入（元）,支出（元）\n社区公益金,186000,179000\n党组织服务群众经费,50000,43200\n"
        _ = try await repo.publish(
            title: "第三季度社区财务收支公开", body: "现将本社区第三季度财务收支情况公开如下，明细见附件。如有疑问请于公开期内向社区监督委员会反映。",
            publishOn: day(now, minus: 10), expiresOn: day(now, minus: -20), attachment: NoticeAttachment(name: "第三季度财务收支.csv", contentType: "text/csv; charset=utf-8", data: Data(csv.utf8)),
            to: community.id, by: "演示数据", at: now, in: .everything)
        _ = try await repo.publish(
            title: "最低生活保障拟享受对象公示", body: "经入户调查和民主评议，拟新增最低生活保障对象 2 户，公示期 7 天。公示期内如有异议请向社区或街道民政科反映。",
            publishOn: day(now, minus: 3), expiresOn: day(now, minus: -4), attachment: nil, to: community.id, by: "演示数据", at: now, in: .everything)
        _ = try await repo.publish(
            title: "冬季供暖报修电话", body: "供暖期内室温不达标或管道漏水，请拨打热力公司报修电话，或通过网格二维码上报。", publishOn: day(now, minus: 20), expiresOn: nil, attachment: nil,
            to: community.id, by: "演示数据", at: now, in: .everything)
        _ = try await repo.publish(
            title: "国庆假期值班安排（已过期）", body: "国庆假期社区每日 9 时至 17 时有人值班。", publishOn: day(now, minus: 70), expiresOn: day(now, minus: 55), attachment: nil,
            to: community.id, by: "演示数据", at: now, in: .everything)
        return 4
    }
}

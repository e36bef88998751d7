import FluentKit
import Foundation
import SQLKit
import WanggeCore

extension DemoLoader {
    /// In the first community: a notice to one building, posted on its board with some households
    /// having opened their links, and a notice to the community's empty-nest elderly. Every text message
    /// the demo's notices queued is taken as delivered: a demo server has no SMS gateway, and one
    /// configured later must not text the made-up numbers of the demo register.
    public func loadTargetedNotices(now: Date) async throws -> Int {
        guard let community = try await UnitRepository(db).all(in: .everything, level: .community).min(by: { $0.code < $1.code }) else { return 0 }
        let reach = NoticeReachRepository(db)
        guard let building = try await reach.buildings(under: community, limit: 1).first else { return 0 }
        let notices = NoticeRepository(db)
        let water = try await notices.publish(
            title: "\(building.name)停水通知", body: "因二次供水水箱清洗消毒，\(building.name)明日 9 时至 15 时停水，请提前储水。给您带来不便，敬请谅解。",
            publishOn: day(now, minus: 1), expiresOn: day(now, minus: -1), attachment: nil, to: community.id, by: "演示数据", at: now,
            target: NoticeTarget(audience: .buildings, buildingIDs: [building.id]), in: .everything)
        let checkup = try await notices.publish(
            title: "空巢老人冬季免费健康体检", body: "社区卫生服务站本周三、周四上午为辖区空巢老人免费体检（血压、血糖、心电图），行动不便的可预约上门。",
            publishOn: day(now, minus: 2), expiresOn: day(now, minus: -5), attachment: nil, to: community.id, by: "演示数据", at: now,
            target: NoticeTarget(audience: .careGroup, careTag: "empty_nester"), in: .everything)
        try await sql.raw(
            """
            UPDATE notice_households SET state = 'sent', attempts = 1, sent_at = \(bind: now), next_attempt_at = \(bind: now) \
            WHERE state = 'queued' AND notice_id IN (SELECT id FROM notices WHERE created_by = '演示数据')
            """
        ).run()
        try await reach.markPosted(water.id, building: building.id, by: "演示数据", at: now, in: .everything)
        // Every third household texted opened its link.
        let tokens = try await sql.raw(
            "SELECT token, notice_id FROM notice_households WHERE notice_id IN (\(bind: water.id), \(bind: checkup.id)) AND channel IS NOT NULL ORDER BY notice_id, household_id"
        ).all().map { try $0.decode(column: "token", as: String.self) }
        for (i, token) in tokens.enumerated() where i % 3 == 0 { try await reach.recordOpened(token: token, at: now) }
        return 2
    }
}

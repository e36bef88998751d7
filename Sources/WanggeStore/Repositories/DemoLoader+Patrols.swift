import FluentKit
import Foundation
import SQLKit
import WanggeCore

extension DemoLoader {
    /// A few patrols in the first grids (by code) of a loaded district, the same every run: each
    /// grid's worker walked a loop inside the grid yesterday and found two things — a broken
    /// component, whose state in the register changes with its history, and rubbish piled up —
    /// and in the first grid a patrol is under way today. Written straight to the tables, without
    /// audit entries: no one did this. Returns how many patrols.
    @discardableResult
    public func loadPatrols(now: Date, grids count: Int = 3) async throws -> Int {
        let grids = try await UnitRepository(db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }.prefix(count)
        let repo = PatrolRepository(db)
        var made = 0
        for (index, grid) in grids.enumerated() {
            guard let area = grid.area else { continue }
            let worker = CaseActor(id: nil, name: "\(grid.name)网格员", role: .gridWorker)
            let day = ChinaTime.calendar.startOfDay(for: now)
            let yesterday = day.addingTimeInterval(-86_400 + 9 * 3600 + Double(index) * 600)
            let loop = Self.loop(in: area, points: 12)
            guard !loop.isEmpty else { continue }
            let (walked, _) = try await repo.start(in: grid.id, by: worker, at: yesterday, scope: .everything)
            let drafts = loop.enumerated().map { i, p in PatrolPointDraft(p, at: yesterday.addingTimeInterval(Double(i) * 300)) }
            _ = try await repo.addPoints(drafts, to: walked.id, in: .everything)
            let components = try await PlaceRepository(db).components(inGrid: grid.id, in: .everything).filter { $0.state == ComponentState.ok.rawValue }
            if let broken = components.first(where: { $0.subtype == "路灯" || $0.subtype.hasSuffix("井盖") }) ?? components.first {
                let category = broken.subtype == "路灯" ? "component.public_utility.street_light" : "component.public_utility.manhole_cover"
                _ = try await repo.addFinding(
                    FindingDraft(
                        text: "\(broken.subtype)\(broken.code)损坏，已设置警示", categoryKey: category, point: GeoPoint(lon: broken.lon, lat: broken.lat),
                        componentID: broken.id, componentState: ComponentState.damaged.rawValue, at: drafts[3].at),
                    to: walked.id, by: worker, at: drafts[3].at, in: .everything)
            }
            _ = try await repo.addFinding(
                FindingDraft(
                    text: "路边垃圾堆放，已现场清理", categoryKey: "city_appearance.exposed_garbage", point: loop[7], onSpot: true, at: drafts[7].at),
                to: walked.id, by: worker, at: drafts[7].at, in: .everything)
            _ = try await repo.end(walked.id, at: drafts[drafts.count - 1].at, in: .everything)
            made += 1
            if index == 0 {
                // Half past eight this morning, or an hour ago when the demo is made earlier than that.
                let start = min(day.addingTimeInterval(8.5 * 3600), now.addingTimeInterval(-3600))
                let (today, _) = try await repo.start(in: grid.id, by: worker, at: start, scope: .everything)
                _ = try await repo.addPoints(
                    loop.prefix(4).enumerated().map { i, p in PatrolPointDraft(p, at: start.addingTimeInterval(Double(i) * 300)) }, to: today.id, in: .everything)
                made += 1
            }
        }
        return made
    }

    /// `points` points on a loop around the middle of `area` (a ring at 60 % of the way from its
    /// interior point to the edge of its box), those inside the area.
    static func loop(in area: GeoArea, points: Int) -> [GeoPoint] {
        guard let centre = area.interiorPoint else { return [] }
        let box = area.bbox
        let rx = (box.maxLon - box.minLon) * 0.3, ry = (box.maxLat - box.minLat) * 0.3
        return (0..<points).map { i in
            let a = Double(i) / Double(points) * 2 * .pi
            return GeoPoint(lon: centre.lon + rx * cos(a), lat: centre.lat + ry * sin(a))
        }.filter(area.contains)
    }

    /// A handful of worked examples of the catalogue's services, written without personal data
    /// and published, so the library and the public catalogue are not empty. Returns how many.
    @discardableResult
    public func loadExamples(now: Date) async throws -> Int {
        let examples: [(service: String, title: String, text: String, keywords: [String], outcome: CaseOutcome)] = [
            (
                "retirement_certification", "行动不便老人退休资格认证上门代办",
                "居民王某年满六十岁，腿脚不便无法到社保窗口。代办员上门核对身份证和户口簿原件，代为填写申请表并拍照留存，次日送社保所受理，十个工作日内办结，结果送达老人家中。",
                ["退休", "上门", "社保"], .solved
            ),
            (
                "residence_permit", "外来务工人员居住证代办",
                "租户李某来社区登记居住信息后咨询居住证。代办员核对租赁合同和居住登记，告知需本人到派出所采集照片，约定时间陪同办理，材料一次备齐，当场受理。",
                ["居住证", "租户", "派出所"], .solved
            ),
            (
                "serious_illness_aid", "大病救助申请材料不全的处理",
                "居民张某家属申请大病救助，首次提交缺少出院小结和费用清单。代办员列出材料清单，协助到医院调取，补齐后报街道民政科审核，按规定拨付救助金。",
                ["大病救助", "补材料", "民政"], .solved
            ),
            (
                "rent_subsidy", "廉租房货币补贴不符合条件的说明",
                "居民刘某申请廉租房货币补贴，经核查家庭人均收入超过当年标准。代办员向其说明政策条件和计算方法，告知可申请的其他住房保障途径，居民表示理解。",
                ["廉租房", "补贴", "收入标准"], .unsolvable
            ),
            (
                "unemployment_card", "失业登记和失业证办理",
                "居民赵某离职后咨询失业证。代办员说明需本人持解除劳动合同证明到社区劳动保障站登记，协助填表并预约就业培训，当日办结。",
                ["失业证", "就业", "培训"], .solved
            ),
        ]
        let repo = ServiceExampleRepository(db)
        let services = Set(try await ServiceCatalogueRepository(db).all().map(\.key))
        let actor = CaseActor(id: nil, name: "代办员", role: .gridWorker)
        var made = 0
        for (i, e) in examples.enumerated() where services.contains(e.service) {
            _ = try await repo.save(
                ExampleDraft(title: e.title, text: e.text, serviceKey: e.service, outcome: e.outcome.rawValue, keywords: e.keywords, published: true),
                from: nil, by: actor, at: now.addingTimeInterval(-Double(examples.count - i) * 86_400))
            made += 1
        }
        return made
    }
}

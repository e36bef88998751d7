import Foundation
import WanggeCore

extension DemoLoader {
    /// For every grid: its party branch, one in-service member and one sunk cadre registered to
    /// it, and a few activities of theirs this month and last.
    public func loadParty(now: Date) async throws -> Int {
        let grids = try await UnitRepository(db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
        let repo = PartyRepository(db)
        let today = SimpleDate(now)
        func day(_ back: Int) -> String { SimpleDate(now.addingTimeInterval(Double(-back) * 86_400)).description }
        let people = [("李强", "区财政局"), ("孙浩", "区人民医院"), ("周婷", "区教育局"), ("吴刚", "区住建委"), ("郑洁", "区市场监管局"), ("冯涛", "区税务局")]
        let cadres = [("赵敏", "街道办事处"), ("钱伟", "区委组织部"), ("何静", "区民政局"), ("吕东", "区城管委")]
        var made = 0
        for (i, grid) in grids.enumerated() {
            _ = try await repo.addOrg(kind: "branch", name: "\(grid.name)党支部", secretary: ["王丽", "陈红", "刘洋"][i % 3], to: grid.id, at: now, in: .everything)
            let member = people[i % people.count], cadre = cadres[i % cadres.count]
            let a = try await repo.register(
                kind: "in_service", name: member.0, workplace: member.1, on: day(60), to: grid.id, today: today.description, at: now, in: .everything)
            let b = try await repo.register(
                kind: "sunk_cadre", name: cadre.0, workplace: cadre.1, on: day(50), to: grid.id, today: today.description, at: now, in: .everything)
            for (who, back, activity, hours) in [
                (a, 2, "入户走访独居老人", "2"), (a, 9, "楼道杂物清理", "1.5"), (b, 3, "矛盾纠纷调解", "3"), (b, 35, "防汛值守", "4"),
            ] {
                _ = try await repo.recordService(of: who, day: day(back), activity: activity, hours: hours, today: today.description, by: "演示数据", at: now, in: .everything)
            }
            // The grid's first household as its 党员中心户, looking after the next four.
            struct H: Decodable { var number: String }
            let numbers = try await sql.raw("SELECT number FROM households WHERE unit_id = \(bind: grid.id) ORDER BY number LIMIT 5").all(decoding: H.self).map(\.number)
            if numbers.count >= 2 {
                _ = try await repo.setCentral(
                    member: ["李建华", "王秀英", "张国强", "刘桂兰", "陈志明"][i % 5], household: numbers[0], neighbours: numbers.dropFirst().joined(separator: ","), in: grid.id,
                    by: "演示数据", at: now, in: .everything)
                made += 1
            }
            made += 7
        }
        return made
    }
}

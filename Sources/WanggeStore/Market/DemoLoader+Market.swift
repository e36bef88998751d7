import Foundation
import WanggeCore

extension DemoLoader {
    /// For every community: a property company, a volunteer team and a merchant, three service items
    /// (one per dispatch mode), and orders from its first grid in each state of the loop. The demo
    /// `department` account works for the first community's property company.
    public func loadMarket(now: Date) async throws -> Int {
        let communities = try await UnitRepository(db).all(in: .everything, level: .community).sorted { $0.code < $1.code }
        let grids = try await UnitRepository(db).all(in: .everything, level: .grid).sorted { $0.code < $1.code }
        let repo = MarketRepository(db, cipher: cipher)
        let desk = MarketStepActor(role: .market, name: "社区服务超市")
        var made = 0
        for (n, community) in communities.enumerated() {
            guard let grid = grids.first(where: { $0.parentID == community.id }) else { continue }
            let brand = ["安泰", "鑫诚", "嘉和", "恒信"][n % 4]
            let property = try await repo.addProvider(MarketProviderDraft(name: "\(brand)物业服务有限公司", kind: "property", phone: "029-8765432\(n % 10)"), to: community.id, at: now, in: .everything)
            let team = try await repo.addProvider(MarketProviderDraft(name: "\(community.name)红领之家志愿服务队", kind: "volunteer"), to: community.id, at: now, in: .everything)
            let shop = try await repo.addProvider(MarketProviderDraft(name: "\(community.name)便民维修店", kind: "merchant", phone: "13991234\(String(format: "%03d", n))"), to: community.id, at: now, in: .everything)
            let drain = try await repo.addItem(
                MarketItemDraft(name: "疏通下水道", price: "50", priceUnit: "次", mode: "assigned", acceptHours: "2", providers: [property.id, shop.id]), to: community.id, in: .everything)
            let appliance = try await repo.addItem(
                MarketItemDraft(name: "家电清洗", price: "80", priceUnit: "台", mode: "round_robin", acceptHours: "4", providers: [property.id, shop.id]), to: community.id, in: .everything)
            let escort = try await repo.addItem(
                MarketItemDraft(name: "助老陪诊", price: "0", priceUnit: "次", mode: "claim", acceptHours: "24", providers: [team.id, property.id]), to: community.id, in: .everything)
            made += 6
            func order(_ item: MarketItem, _ who: String, _ phone: String, _ address: String, hoursAgo: Double) async throws -> MarketOrder {
                made += 1
                return try await repo.place(
                    MarketOrderDraft(itemID: item.id, contactName: who, contactPhone: phone, address: address, note: nil), in: grid, orderedBy: nil,
                    at: now.addingTimeInterval(-hoursAgo * 3600))
            }
            func at(_ hoursAgo: Double) -> Date { now.addingTimeInterval(-hoursAgo * 3600) }
            func by(_ p: MarketProvider) -> MarketStepActor { MarketStepActor(role: .provider, name: p.name, provider: p.id) }
            // Awaiting review.
            _ = try await order(drain, "王秀兰", "13812340001", "1号楼2单元301", hoursAgo: 1)
            // Offered to the property company, not yet taken.
            let offered = try await order(appliance, "张建国", "13812340002", "3号楼1单元502", hoursAgo: 1.5)
            _ = try await repo.approve(offered.id, chosen: nil, note: nil, in: .everything, by: desk, at: at(1))
            // In the pool.
            let pooled = try await order(escort, "李淑芬", "13812340003", "5号楼3单元201", hoursAgo: 3)
            _ = try await repo.approve(pooled.id, chosen: nil, note: nil, in: .everything, by: desk, at: at(2.5))
            // Taken and being worked on.
            let taken = try await order(drain, "赵明", "13812340004", "2号楼1单元101", hoursAgo: 6)
            _ = try await repo.approve(taken.id, chosen: property.id, note: nil, in: .everything, by: desk, at: at(5.5))
            _ = try await repo.step(.take, on: taken.id, as: .staff(.everything), by: by(property), at: at(5))
            // Done and rated, one of each grade, last week.
            for (i, rating) in MarketRating.allCases.enumerated() {
                let done = try await order(drain, ["陈玉兰", "周国华", "吴桂英"][i], "1381234001\(i)", "\(i + 4)号楼1单元\(i + 1)01", hoursAgo: Double(150 + i * 20))
                let p = i == 1 ? shop : property
                _ = try await repo.approve(done.id, chosen: p.id, note: nil, in: .everything, by: desk, at: at(Double(149 + i * 20)))
                _ = try await repo.step(.take, on: done.id, as: .staff(.everything), by: by(p), at: at(Double(148 + i * 20) - (i == 2 ? 3 : 0)))
                _ = try await repo.step(.complete(note: "已完成"), on: done.id, as: .staff(.everything), by: by(p), at: at(Double(140 + i * 20)))
                _ = try await repo.step(.rate(rating, note: nil), on: done.id, as: .staff(.everything), by: MarketStepActor(role: .resident, name: "居民"), at: at(Double(130 + i * 20)))
            }
            // Done, waiting for the resident's rating.
            let unrated = try await order(escort, "孙秀英", "13812340021", "6号楼2单元402", hoursAgo: 30)
            _ = try await repo.approve(unrated.id, chosen: nil, note: nil, in: .everything, by: desk, at: at(29))
            _ = try await repo.step(.claim(provider: team.id), on: unrated.id, as: .staff(.everything), by: by(team), at: at(28))
            _ = try await repo.step(.complete(note: "已陪同就诊"), on: unrated.id, as: .staff(.everything), by: by(team), at: at(20))
            if n == 0, try await AccountRepository(db).find(username: "department") != nil {
                _ = try await repo.bindAccount("department", to: property.id, in: .everything)
            }
        }
        return made
    }
}

/// A home visit of the demo district.
public struct DemoVisit: Sendable, Hashable {
    public let householdNumber: String
    public let day: SimpleDate
    public let seen: String
}

/// A care archive of the demo district.
public struct DemoCare: Sendable, Hashable {
    public let residentCode: String
    public let frequency: CareFrequency
    public let needs: String
    public let homeCare: String
    public let health: String
    public let contactName: String
    public let contactRelation: String
    public let contactPhone: String
}

/// Home visits over the last year and care archives of some elders, from the seed alone: most
/// households were visited in the previous half-year, fewer so far in the current one (more the
/// later in the half-year `today` is), and care households more often, so coverage shows real
/// partial numbers.
public enum DemoVisits {
    static let seen = [
        "家中整洁，老人身体尚可", "了解家庭成员情况，无新增变动", "宣传防诈骗知识，发放联系卡", "住户反映楼道灯不亮，已记录", "子女在外地工作，老人独自在家",
        "家庭和睦，无困难诉求", "核对户籍信息，电话有效", "提醒冬季用电用气安全",
    ]

    public static func visits(for p: DemoGridPopulation, config: DemoConfig) -> [DemoVisit] {
        let today = config.today
        let current = VisitCoverage.halfYear(containing: today)
        let previous = VisitCoverage.previousHalfYear(before: today)
        let elapsed = today.dayNumber - current.start.dayNumber
        let length = current.end.dayNumber - current.start.dayNumber + 1
        let currentChance = 0.15 + 0.6 * Double(elapsed) / Double(length)
        let homes = Dictionary(p.residents.compactMap { r in r.householdNumber.map { (r.code, $0) } }, uniquingKeysWith: { a, _ in a })
        var careEvery: [String: CareFrequency] = [:]
        for c in care(for: p, config: config) {
            guard let home = homes[c.residentCode] else { continue }
            careEvery[home] = min(careEvery[home] ?? c.frequency, c.frequency)
        }
        var out: [DemoVisit] = []
        for h in p.households {
            var rng = DemoRNG(seed: config.seed, key: h.number, part: "visits")
            func visit(from start: SimpleDate, to end: SimpleDate) {
                let last = min(end, today)
                guard last >= start else { return }
                let day = start.adding(days: rng.int(below: last.dayNumber - start.dayNumber + 1))
                out.append(DemoVisit(householdNumber: h.number, day: day, seen: rng.pick(seen)))
            }
            if rng.chance(0.85) { visit(from: previous.start, to: previous.end) }
            if rng.chance(currentChance) { visit(from: current.start, to: today) }
            // A household with a care person is also visited at its frequency over the last eight
            // intervals, a visit now and then missed.
            if let every = careEvery[h.number] {
                var day = today.adding(days: -8 * every.days)
                while day <= today {
                    if rng.chance(0.85) { out.append(DemoVisit(householdNumber: h.number, day: day, seen: rng.pick(careSeen))) }
                    day = day.adding(days: every.days - rng.int(below: max(1, every.days / 3)))
                }
            }
        }
        return out
    }

    static let careSeen = ["老人精神状态良好，按时服药", "帮老人代购生活用品", "陪同老人到社区卫生站量血压", "检查家中燃气和用电安全"]

    public static func care(for p: DemoGridPopulation, config: DemoConfig) -> [DemoCare] {
        var out: [DemoCare] = []
        for r in p.residents where r.householdNumber != nil {
            let age = r.birthDate.age(on: config.today)
            let disabled = r.tagKeys.contains("disabled")
            guard age >= 75 || disabled else { continue }
            var rng = DemoRNG(seed: config.seed, key: r.code, part: "care")
            guard rng.chance(disabled ? 0.5 : 0.35) else { continue }
            let frequency: CareFrequency = age >= 85 ? .weekly : disabled ? .fortnightly : .monthly
            out.append(
                DemoCare(
                    residentCode: r.code, frequency: frequency, needs: rng.pick(["需要上门送药", "希望有人陪同就医", "需要代购生活用品", "想参加社区老年活动"]),
                    homeCare: rng.pick(["子女每周探望一次", "由老伴照顾", "已申请居家养老服务", "邻居帮忙照看"]),
                    health: rng.pick(["高血压，按时服药", "行动不便，需拄拐", "糖尿病，定期复查", "身体尚可"]),
                    contactName: rng.pick(["王", "李", "张", "刘", "陈"]) + rng.pick(["建国", "秀英", "丽", "强", "敏"]),
                    contactRelation: rng.pick(["儿子", "女儿", "侄子", "邻居"]), contactPhone: "139" + String(10_000_000 + rng.int(below: 89_999_999))))
        }
        return out
    }
}

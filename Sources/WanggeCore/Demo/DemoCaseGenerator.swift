import Foundation

/// What the generator knows about one source: its grid, people, buildings and categories.
struct DemoCaseContext {
    let source: DemoCaseSource
    let seed: UInt64
    /// The grid's ordinal, or the grid count for the district: the high part of every case ordinal.
    let ordinal: Int
    let settings: DemoCaseSettings
    let departments: [String: String]
    let topics: [DemoCaseTopic]
    let homes: [DemoBuilding]
    let shops: [DemoBuilding]
    let all: [DemoBuilding]
    let box: GeoBox?
    /// The grid's grid workers (A post first).
    let workers: [String]
    let streetCode: String?
    /// The levels above the grid, for the sweeper's escalations (none for district cases).
    let levelsAbove: [UnitLevel]

    init?(source: DemoCaseSource, plan: DemoPlan, settings: DemoCaseSettings, departments: [String: String]) {
        self.source = source
        self.seed = plan.config.seed
        self.settings = settings
        self.departments = departments
        let usable = DemoCaseTopics.all.filter { settings.categories[$0.category] != nil }
        switch source {
        case .district:
            ordinal = plan.gridCount
            topics = usable.filter(\.districtWide)
            homes = []
            shops = []
            all = []
            box = nil
            workers = []
            streetCode = nil
            levelsAbove = []
        case .grid(let code):
            guard let context = plan.contexts[code], let grid = plan.unit(code) else { return nil }
            ordinal = context.ordinal
            topics = usable
            let buildings = DemoDistrict.buildings(ofGrid: code, plan: plan).filter { $0.gridCode != nil }
            homes = buildings.filter { $0.kind == "residential" }
            shops = buildings.filter { $0.kind == "shop" }
            all = buildings
            box = grid.box
            let team = plan.staff(ofGrid: code)
            let named = team.filter { $0.kindKey == "grid_worker_a" } + team.filter { $0.kindKey == "grid_worker_b" }
            workers = (named.isEmpty ? Array(team.prefix(1)) : named).map(\.name)
            var chain: [DemoUnit] = []
            var parent = grid.parentCode
            while let p = parent, let unit = plan.unit(p) {
                chain.append(unit)
                parent = unit.parentCode
            }
            streetCode = chain.first { $0.level == .street }?.code
            levelsAbove = chain.map(\.level)
        }
        guard !topics.isEmpty else { return nil }
    }

    /// The channel a report of `topic` arrives by (C1). Services come to the window and the hotline;
    /// Open311 carries only public-space problems; the window is shut on days off.
    func channel(for topic: DemoCaseTopic, workday: Bool, rng: inout DemoRNG) -> CaseChannel {
        if source == .district { return rng.chance(0.6) ? .hotline : .mailbox }
        if rng.chance(topic.patrol) { return .gridWorker }
        let isService = topic.category.hasPrefix("service.")
        let publicSpace = !isService && !topic.category.hasPrefix("appeal.")
        let channels: [CaseChannel] = [.hotline, .qr, .open311, .mailbox, .window]
        let weights = isService ? [0.3, 0.15, 0, 0.05, 0.5] : [0.45, 0.3, publicSpace ? 0.1 : 0, 0.07, 0.08]
        let picked = channels[rng.weighted(weights)]
        return picked == .window && !workday ? .hotline : picked
    }

    /// Reports by hour of day (China time) for each channel: patrols in working hours, hotline
    /// peaks mid-morning and mid-afternoon, phones in the evening, few reports at night.
    static func hours(_ channel: CaseChannel) -> [Double] {
        switch channel {
        case .gridWorker: [0, 0, 0, 0, 0, 0, 0, 1, 6, 9, 9, 7, 2, 3, 8, 9, 8, 5, 1, 0, 0, 0, 0, 0]
        case .hotline: [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 7, 9, 9, 7, 5, 6, 8, 8, 7, 5, 4, 5, 4, 3, 2, 1]
        case .qr, .open311: [1, 0.5, 0.2, 0.2, 0.2, 0.5, 1.5, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 6, 7, 7, 6, 4, 2]
        case .window: [0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 9, 8, 0, 2, 8, 8, 7, 3, 0, 0, 0, 0, 0, 0]
        case .mailbox: [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 5, 3]
        }
    }
}

/// Draws one source's cases day by day and runs each through its life.
struct DemoCaseGenerator {
    let context: DemoCaseContext
    var cases: [DemoCase] = []
    /// The latest case of each category, a merge target for a second report of the same thing.
    var latest: [String: (id: UUID, at: Date)] = [:]
    /// Counts the cases left waiting, so each waiting stage gets its share in turn.
    var stalls: Int

    init(context: DemoCaseContext) {
        self.context = context
        // Neighbouring grids start their turns two stages apart, so a few grids already cover every stage.
        stalls = context.ordinal * 2 % DemoCaseLife.Stage.allCases.count
    }

    /// Case ordinals: grid, day (modulo 4096) and place in the day, below 31⁷ for every grid count
    /// the demo allows, so codes made from them never repeat.
    static func ordinal(source: Int, day: Int, index: Int) -> Int {
        ((source * 4096) + (day & 4095)) * 1024 + index
    }

    mutating func generate(day: Int, count: Int) {
        guard count > 0 else { return }
        var rng = DemoRNG(seed: context.seed, key: context.source.key, part: "cases/\(day)")
        let start = DemoCaseDays.start(ofDay: day)
        let date = DemoText.date(fromDayNumber: day)
        let festival = DemoCaseDays.isFestival(date)
        let workday = context.settings.working.isWorkday(date)
        let weights = context.topics.map { $0.weight * $0.season.factor(month: date.month, day: date.day, festival: festival) }
        guard weights.contains(where: { $0 > 0 }) else { return }
        var drafts: [(topic: Int, channel: CaseChannel, at: Date)] = []
        for _ in 0..<min(count, 1023) {
            let topic = rng.weighted(weights)
            let channel = context.channel(for: context.topics[topic], workday: workday, rng: &rng)
            let hour = rng.weighted(DemoCaseContext.hours(channel))
            let second = hour * 3600 + (channel == .window && hour == 13 ? 1800 + rng.int(below: 1800) : rng.int(below: 3600))
            drafts.append((topic, channel, start.addingTimeInterval(Double(second))))
        }
        drafts.sort { $0.at < $1.at }
        for (index, draft) in drafts.enumerated() where draft.at < context.settings.now {
            let ordinal = Self.ordinal(source: context.ordinal, day: day, index: index)
            let key = context.ordinal << 26 | day << 10 | index
            cases.append(make(ordinal: ordinal, key: key, topic: context.topics[draft.topic], channel: draft.channel, at: draft.at, rng: &rng))
        }
    }

    /// `ordinal` makes the codes; `key` (grid, whole day number, place in the day) the ids, which
    /// then sort as the cases are written.
    mutating func make(ordinal: Int, key: Int, topic: DemoCaseTopic, channel: CaseChannel, at reportedAt: Date, rng: inout DemoRNG) -> DemoCase {
        let id = DemoCaseCodes.id(key, seed: context.seed)
        let category = context.settings.categories[topic.category]!
        let department = context.departments[topic.category] ?? CaseCategory.seedByKey[topic.category]?.department ?? "street_governance"

        // Where: a building of the grid fitting the topic, the point a few metres from it.
        var point: GeoPoint?
        var address: String?
        var place = ""
        if let box = context.box, !context.all.isEmpty {
            let pool =
                switch topic.place {
                case .home: context.homes.isEmpty ? context.all : context.homes
                case .shop: context.shops.isEmpty ? context.all : context.shops
                case .outside: context.all
                }
            let building = rng.pick(pool)
            place = building.name
            address = building.address
            if topic.place == .home && building.kind == "residential" && rng.chance(0.6) {
                let unitText = "\(rng.int(in: 1...3))单元"
                place += unitText
                address! += unitText
            }
            let jitter = 0.00006
            point = GeoPoint(
                lon: min(max(building.point.lon + rng.double(in: -jitter...jitter), box.minLon + 1e-6), box.maxLon - 1e-6),
                lat: min(max(building.point.lat + rng.double(in: -jitter...jitter), box.minLat + 1e-6), box.maxLat - 1e-6))
        }
        let title = rng.pick(topic.titles)
        var description = rng.pick(topic.details).replacing("{p}", with: place.isEmpty ? "本区" : place)
        if place.isEmpty { description = description.replacing("住在本区,", with: "") }

        let reporter = Self.reporter(channel, rng: &rng)
        let worker: DemoCaseActor? = context.source.gridCode.flatMap { code in
            context.workers.isEmpty ? nil : .gridStaff(gridCode: code, name: context.workers[rng.chance(0.8) ? 0 : rng.int(below: context.workers.count)])
        }
        let reportedBy: DemoCaseActor =
            switch channel {
            case .gridWorker: worker ?? .districtOperator
            case .qr, .open311: .reporter
            case .hotline, .window, .mailbox: context.source == .district ? .districtOperator : .streetOperator(streetCode: context.streetCode ?? "")
            }
        var life = DemoCaseLife(
            id: id, reportedAt: reportedAt, by: reportedBy, level: context.source == .district ? .district : .grid,
            category: category, settings: context.settings, levelsAbove: context.levelsAbove)
        let age = context.settings.now.timeIntervalSince(reportedAt)
        var stall: DemoCaseLife.Stage?
        // A backlog, as every centre has: many of the last days' cases, a few older ones still open.
        if rng.chance(age < 3 * 86_400 ? 0.6 : age < 14 * 86_400 ? 0.12 : age < 60 * 86_400 ? 0.015 : 0) {
            stall = DemoCaseLife.Stage.allCases[stalls % DemoCaseLife.Stage.allCases.count]
        }
        // Most cases whose limit is nearly used up are still being worked on: the 预警 queue.
        let now = context.settings.now
        if life.deadlines.resolveWarnAt <= now && now < life.deadlines.resolveBy && rng.chance(0.7) {
            stall = [.accepted, .dispatched, .signedFor, .handled][ordinal % 4]
        }
        var mergeInto: UUID?
        if channel != .gridWorker, let previous = latest[topic.category], reportedAt.timeIntervalSince(previous.at) < 72 * 3600, rng.chance(0.3) {
            mergeInto = previous.id
        }
        let script = DemoCaseScript(
            topic: topic, channel: channel, department: department, worker: worker,
            streetCode: context.streetCode, hasReporter: channel != .gridWorker, onSpot: category.onSpot,
            stall: stall, mergeInto: mergeInto)
        script.run(&life, rng: &rng)
        // The next case left waiting waits at the next stage, once this one has reached its own.
        if life.waited { stalls += 1 }
        if life.snapshot.state != .merged && life.snapshot.state != .rejected { latest[topic.category] = (id, reportedAt) }

        return DemoCase(
            id: id, key: key, seed: context.seed, trackingCode: DemoCaseCodes.tracking(ordinal, seed: context.seed),
            publicCode: String(PublicCode.prefix) + DemoCaseCodes.tracking(ordinal, seed: context.seed ^ 0x5055_424C_4943),
            categoryKey: topic.category, channel: channel, gridCode: context.source.gridCode, title: title,
            description: description, point: point, address: address, reporterName: reporter.name, reporterPhone: reporter.phone,
            snapshot: life.snapshot, deadlines: life.deadlines, suspensions: life.suspensions,
            respondAlerts: life.respondAlerts, resolveAlerts: life.resolveAlerts, nextSweepAt: life.nextSweepAt,
            timeline: life.steps)
    }

    /// Who the reporter says they are: callers often give only a surname (王女士), QR and Open311
    /// reporters may stay anonymous; a grid worker's own patrol report has no reporter.
    static func reporter(_ channel: CaseChannel, rng: inout DemoRNG) -> (name: String?, phone: String?) {
        let sex: ResidentID.Sex = rng.chance(0.55) ? .female : .male
        let full = DemoNames.person(sex, &rng)
        let polite = DemoNames.surname(&rng) + (sex == .female ? "女士" : "先生")
        let phone = DemoNames.mobile(&rng)
        switch channel {
        case .gridWorker: return (nil, nil)
        case .hotline: return (rng.chance(0.8) ? polite : full, phone)
        case .window: return (full, phone)
        case .qr: return (rng.chance(0.2) ? nil : rng.chance(0.6) ? full : polite, rng.chance(0.85) ? phone : nil)
        case .open311: return (rng.chance(0.4) ? nil : full, rng.chance(0.5) ? phone : nil)
        case .mailbox: return (rng.chance(0.3) ? nil : full, rng.chance(0.6) ? phone : nil)
        }
    }
}

/// Case ids and codes from ordinals: unique by construction, deterministic from the seed, and
/// scattered so neighbouring cases do not get neighbouring codes.
enum DemoCaseCodes {
    static let space: UInt64 = 27_512_614_111  // 31⁷

    /// A case id (`seq` 0) or the id of its timeline step `seq`: the case's key in the first six bytes,
    /// so ids grow in the order cases are written and the indexes on them fill at their end (a
    /// million random keys would scatter writes over the whole index), the step in the next two
    /// (version 8, RFC 9562's custom layout), the rest drawn from the seed.
    static func id(_ key: Int, seq: Int = 0, seed: UInt64) -> UUID {
        var state = seed ^ DemoRNG.fnv1a("case-id") ^ (UInt64(key) &* 0x9E37_79B9_7F4A_7C15)
        let tail = DemoRNG.splitMix(&state)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: UInt64(key) >> (8 * (5 - i))) }
        bytes[6] = 0x80 | UInt8(truncatingIfNeeded: seq >> 8) & 0x0F
        bytes[7] = UInt8(truncatingIfNeeded: seq)
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: tail >> (8 * (i - 8))) }
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// A tracking code: the ordinal through a keyed permutation of 0..<31⁷ (affine steps with digit
    /// reversals between them, each a bijection), then the check character.
    static func tracking(_ ordinal: Int, seed: UInt64) -> String {
        var state = seed ^ DemoRNG.fnv1a("case-code")
        var x = UInt64(ordinal) % space
        for round in 0..<3 {
            var a = DemoRNG.splitMix(&state) % space
            if a % 31 == 0 { a += 1 }
            let b = DemoRNG.splitMix(&state) % space
            let product = a.multipliedFullWidth(by: x)
            x = (space.dividingFullWidth((product.high, product.low)).remainder + b) % space
            if round < 2 { x = reversedDigits(x) }
        }
        var values = [Int](repeating: 0, count: TrackingCode.length - 1)
        for i in stride(from: values.count - 1, through: 0, by: -1) {
            values[i] = Int(x % 31)
            x /= 31
        }
        return TrackingCode.make(values: values)
    }

    static func reversedDigits(_ value: UInt64) -> UInt64 {
        var x = value, y: UInt64 = 0
        for _ in 0..<(TrackingCode.length - 1) {
            y = y * 31 + x % 31
            x /= 31
        }
        return y
    }
}

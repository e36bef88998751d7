/// Residents of one grid (B1): families that fit together, valid ID numbers and care tags.
struct DemoPeople {
    let gridCode: String
    let today: SimpleDate
    let countyCode: String
    let ordinal: Int
    let gridCount: Int
    private var usedIDs: Set<UInt64> = []
    private var residents: [DemoResident] = []

    /// One resident in `unregisteredEvery` has no household yet (demo gap for B5, on purpose).
    static let unregisteredEvery = 400
    /// Share of floating households that are overseas families (≈0.3 % of all residents).
    static let overseasShareOfFloating = 0.014
    /// (day within the birth year × 500 + sequence/2) slots per region, year of age and sex.
    static let slotsPerYear = 365 * 500

    init(gridCode: String, config: DemoConfig, ordinal: Int, gridCount: Int) {
        self.gridCode = gridCode
        self.today = config.today
        self.countyCode = config.countyCode
        self.ordinal = ordinal
        self.gridCount = gridCount
    }

    /// A household member before names, IDs and tags are settled.
    struct Member {
        var relation: String
        var sex: ResidentID.Sex
        var age: Int
        /// Whose surname the member carries: 0 the head's, 1 the spouse's, nil their own.
        var surnameFrom: Int?
    }

    mutating func residents(of households: [DemoHousehold], rng: inout DemoRNG) -> [DemoResident] {
        residents.reserveCapacity(households.count * 9 / 4 + 8)
        for household in households {
            let members = Self.compose(&rng)
            let floating = household.kind == "floating"
            let overseas = floating && rng.chance(Self.overseasShareOfFloating)
            let region = floating ? rng.pick(DemoNames.floatingRegions) : countyCode
            let lowIncome = !floating && rng.chance(0.026)
            let emptyNest = members.allSatisfy { $0.age >= 60 }
            let parentsAway = members.contains { $0.relation == "grandchild" } && rng.chance(0.12)
            var surnames: [String] = []
            for m in members {
                let surname = m.surnameFrom.flatMap { $0 < surnames.count ? surnames[$0] : nil } ?? DemoNames.surname(&rng)
                surnames.append(surname)
                let name =
                    overseas
                    ? (m.sex == .male ? rng.pick(DemoNames.foreignMale) : rng.pick(DemoNames.foreignFemale))
                    : surname + DemoNames.given(m.sex, &rng)
                var tags = Self.personalTags(m, residence: overseas ? "overseas" : household.kind, rng: &rng)
                if lowIncome { tags.insert("low_income") }
                if emptyNest { tags.insert("empty_nester") }
                if parentsAway && m.relation == "grandchild" && m.age < 18 { tags.insert("minor_left_behind") }
                append(
                    m, name: name, region: overseas ? nil : region, household: household.number,
                    residence: overseas ? "overseas" : household.kind, tags: tags, rng: &rng)
            }
        }
        let extra = residents.count / Self.unregisteredEvery + (rng.chance(Double(residents.count % Self.unregisteredEvery) / Double(Self.unregisteredEvery)) ? 1 : 0)
        for _ in 0..<extra {
            let m = Member(relation: "other", sex: rng.chance(0.55) ? .male : .female, age: rng.int(in: 18...45), surnameFrom: nil)
            let tags = Self.personalTags(m, residence: "floating", rng: &rng)
            append(
                m, name: DemoNames.person(m.sex, &rng), region: rng.pick(DemoNames.floatingRegions), household: nil,
                residence: "floating", tags: tags, rng: &rng)
        }
        return residents
    }

    private mutating func append(
        _ m: Member, name: String, region: String?, household: String?, residence: String,
        tags: Set<String>, rng: inout DemoRNG
    ) {
        let (birth, id) = identity(age: m.age, sex: m.sex, region: region, rng: &rng)
        let phoneShare = m.age >= 80 ? 0.7 : m.age >= 18 ? 0.96 : m.age >= 14 ? 0.6 : 0.03
        residents.append(
            DemoResident(
                code: gridCode + "-R" + DemoText.digits(residents.count + 1, width: 4), name: name, sex: m.sex, birthDate: birth,
                idNumber: id, documentNumber: region == nil ? "P" + DemoText.digits(rng.int(below: 100_000_000), width: 8) : nil,
                phone: rng.chance(phoneShare) ? DemoNames.mobile(&rng) : nil, householdNumber: household,
                relation: m.relation, residenceType: residence, tagKeys: DemoResident.tagKeys.filter(tags.contains)))
    }

    /// A birth date giving exactly `age` on `today`, and an ID number unique in the district:
    /// grid `ordinal` only uses slots ≡ ordinal (mod gridCount), so grids never collide
    /// even when generated separately, and `usedIDs` rules out repeats inside the grid.
    private mutating func identity(age: Int, sex: ResidentID.Sex, region: String?, rng: inout DemoRNG) -> (SimpleDate, String?) {
        let latest = DemoText.dayNumber(today, yearsEarlier: age)
        let slotsForGrid = Swift.max(1, (Self.slotsPerYear - ordinal + gridCount - 1) / gridCount)
        var day = latest, seq = 0
        for attempt in 0..<12 {
            let slot = (ordinal + gridCount * rng.int(below: slotsForGrid)) % Self.slotsPerYear
            day = latest - slot / 500
            seq = (slot % 500) * 2 + (sex == .male ? 1 : 0)
            let key = UInt64(bitPattern: Int64(day)) << 20 | UInt64(seq) << 8 | UInt64(region.map(Self.regionIndex) ?? 0)
            if usedIDs.insert(key).inserted || attempt == 11 { break }
        }
        let birth = DemoText.date(fromDayNumber: day)
        guard let region else { return (birth, nil) }
        var body = region.utf8.map { $0 }
        body += DemoText.digits(birth.year, width: 4).utf8
        body += [UInt8(48 + birth.month / 10), UInt8(48 + birth.month % 10), UInt8(48 + birth.day / 10), UInt8(48 + birth.day % 10)]
        body += [UInt8(48 + seq / 100), UInt8(48 + seq / 10 % 10), UInt8(48 + seq % 10)]
        let first17 = String(decoding: body, as: UTF8.self)
        return (birth, first17 + String(ResidentID.checkCharacter(for: first17)!))
    }

    private static func regionIndex(_ region: String) -> Int {
        (DemoNames.floatingRegions.firstIndex(of: region) ?? 254) + 1
    }

    /// Tags that belong to the person rather than the household.
    static func personalTags(_ m: Member, residence: String, rng: inout DemoRNG) -> Set<String> {
        var tags: Set<String> = []
        if m.age >= 60 { tags.insert("elderly60") }
        guard residence != "overseas" else { return tags }
        if rng.chance(m.age >= 60 ? 0.045 : 0.012) { tags.insert("disabled") }
        if rng.chance(m.age >= 60 ? 0.88 : m.age >= 55 ? 0.35 : 0) { tags.insert("retired") }
        if (20...70).contains(m.age), rng.chance(m.sex == .male ? 0.0017 : 0.0003) { tags.insert("released_prisoner") }
        if m.age >= 20, rng.chance(m.sex == .male ? 0.019 : 0.002) { tags.insert("veteran") }
        return tags
    }

    /// Household sizes 1–4 (28/33/25/14 %, mean 2.25) and the family shapes that go with them.
    static func compose(_ rng: inout DemoRNG) -> [Member] {
        switch rng.weighted([28, 33, 25, 14]) {
        case 0:
            let age = [rng.int(in: 25...39), rng.int(in: 40...59), rng.int(in: 60...85)][rng.weighted([40, 25, 35])]
            return [head(age, maleShare: 0.5, &rng)]
        case 1:
            switch rng.weighted([70, 12, 12, 6]) {
            case 0:
                let h = head([rng.int(in: 25...35), rng.int(in: 36...59), rng.int(in: 60...85)][rng.weighted([30, 25, 45])], &rng)
                return [h, spouse(of: h, &rng)]
            case 1:
                let h = head(rng.int(in: 35...60), maleShare: 0.35, &rng)
                return [h, child(of: [h], surnameFrom: 0, &rng)]
            case 2:
                let h = head(rng.int(in: 28...58), &rng)
                return [h, parent(of: h, &rng)]
            default:
                let h = head(rng.int(in: 25...70), &rng)
                let age = Swift.max(18, h.age + rng.int(in: -8...8))
                return [h, Member(relation: "sibling", sex: rng.chance(0.5) ? .male : .female, age: age, surnameFrom: 0)]
            }
        case 2:
            switch rng.weighted([76, 14, 5, 5]) {
            case 0:
                let h = head(rng.int(in: 28...58), &rng), s = spouse(of: h, &rng)
                return [h, s, child(of: [h, s], surnameFrom: fatherIndex(h), &rng)]
            case 1:
                let h = head(rng.int(in: 30...58), &rng)
                return [h, spouse(of: h, &rng), parent(of: h, &rng)]
            case 2:
                let h = head(rng.int(in: 52...75), &rng), s = spouse(of: h, &rng)
                let age = rng.int(in: 0...Swift.min(17, Swift.min(h.age, s.age) - 42))
                return [h, s, Member(relation: "grandchild", sex: rng.chance(0.51) ? .male : .female, age: age, surnameFrom: fatherIndex(h))]
            default:
                let h = head(rng.int(in: 38...60), maleShare: 0.35, &rng)
                return [h, child(of: [h], surnameFrom: 0, &rng), child(of: [h], surnameFrom: 0, &rng)]
            }
        default:
            let h = head(rng.int(in: 30...55), &rng), s = spouse(of: h, &rng)
            let first = child(of: [h, s], surnameFrom: fatherIndex(h), &rng)
            switch rng.weighted([50, 40, 10]) {
            case 0: return [h, s, first, child(of: [h, s], surnameFrom: fatherIndex(h), &rng)]
            case 1: return [h, s, first, parent(of: h, &rng)]
            default: return [h, s, first, Member(relation: "other", sex: rng.chance(0.3) ? .male : .female, age: rng.int(in: 30...65), surnameFrom: nil)]
            }
        }
    }

    static func head(_ age: Int, maleShare: Double = 0.65, _ rng: inout DemoRNG) -> Member {
        Member(relation: "head", sex: rng.chance(maleShare) ? .male : .female, age: age, surnameFrom: nil)
    }

    /// Husbands tend to be a little older; no spouse is under 22.
    static func spouse(of h: Member, _ rng: inout DemoRNG) -> Member {
        let gap = rng.int(in: -2...6)
        let age = Swift.min(95, Swift.max(22, h.sex == .male ? h.age - gap : h.age + gap))
        return Member(relation: "spouse", sex: h.sex == .male ? .female : .male, age: age, surnameFrom: nil)
    }

    /// At least 20 years younger than every parent given, and at most 35.
    static func child(of parents: [Member], surnameFrom: Int, _ rng: inout DemoRNG) -> Member {
        let youngest = parents.map(\.age).min()!
        let age = rng.int(in: 0...Swift.max(0, Swift.min(35, youngest - 20)))
        return Member(relation: "child", sex: rng.chance(0.51) ? .male : .female, age: age, surnameFrom: surnameFrom)
    }

    /// The head's father keeps the head's surname; a mother has her own.
    static func parent(of h: Member, _ rng: inout DemoRNG) -> Member {
        let male = rng.chance(0.4)
        let age = Swift.min(95, h.age + rng.int(in: 22...32))
        return Member(relation: "parent", sex: male ? .male : .female, age: age, surnameFrom: male ? 0 : nil)
    }

    /// Children carry the father's surname: the head's if he is the husband, else the spouse's.
    static func fatherIndex(_ h: Member) -> Int { h.sex == .male ? 0 : 1 }
}

/// What the demo district generator is asked for. Everything it makes follows from these
/// values alone, so a seed names a whole district.
public struct DemoConfig: Sendable, Hashable, Codable {
    public var seed: UInt64
    /// The target number of grids; the generator rounds it to streets × communities × grids.
    public var grids: Int
    /// A GB/T 2260 county code (6 digits).
    public var countyCode: String
    public var districtName: String
    /// The district's north-west corner, where numbering starts (west→east, north→south).
    public var origin: GeoPoint
    /// Ages, the 60+ tag and birth dates are all measured on this day, never on the clock.
    public var today: SimpleDate

    public init(
        seed: UInt64 = 2026, grids: Int = 12, countyCode: String = "110199",
        districtName: String = "示范区", origin: GeoPoint = GeoPoint(lon: 116.80, lat: 40.30),
        today: SimpleDate
    ) {
        self.seed = seed
        self.grids = grids
        self.countyCode = countyCode
        self.districtName = districtName
        self.origin = origin
        self.today = today
    }
}

/// One node of the unit tree: district, street/town, community/village or grid.
public struct DemoUnit: Sendable, Hashable, Codable {
    public let code: String
    public let parentCode: String?
    public let level: UnitLevel
    public let name: String
    public let boundary: GeoPolygon
    /// The same rectangle as `boundary`, kept because every demo unit is a rectangle.
    public let box: GeoBox
}

/// One member of a grid team. A police officer who covers several grids appears once per
/// grid with the same `personCode`, name and phone.
public struct DemoStaff: Sendable, Hashable, Codable {
    public let personCode: String
    public let name: String
    public let sex: ResidentID.Sex
    public let phone: String
    /// One of `DemoStaff.kindKeys`.
    public let kindKey: String
    public let gridCode: String
    /// The 2–3 buildings a proxy agent covers; empty for everyone else.
    public let buildingCodes: [String]

    /// 网格员A岗, 网格员B岗, 代办员, 驻片民警, 物业, 医疗, 护林员, 保洁员, 志愿者.
    public static let kindKeys = [
        "grid_worker_a", "grid_worker_b", "proxy_agent", "police", "property",
        "medical", "forest_ranger", "cleaner", "volunteer",
    ]
}

/// The cheap part of a demo district: the unit tree and the grid teams.
public struct DemoPlan: Sendable {
    public let config: DemoConfig
    /// District first, then each street followed by its communities, each followed by its grids.
    public let units: [DemoUnit]
    public let staff: [DemoStaff]
    let unitIndex: [String: Int]
    let contexts: [String: DemoGridContext]

    public var district: DemoUnit { units[0] }
    public var grids: [DemoUnit] { units.filter { $0.level == .grid } }
    public var gridCount: Int { contexts.count }

    public func unit(_ code: String) -> DemoUnit? {
        unitIndex[code].map { units[$0] }
    }

    public func staff(ofGrid gridCode: String) -> [DemoStaff] {
        staff.filter { $0.gridCode == gridCode }
    }
}

/// A building, a shop along the street or a public building.
public struct DemoBuilding: Sendable, Hashable, Codable {
    /// Grid code + "-B" + two digits.
    public let code: String
    /// Nil for the rare building that no grid covers yet (see `DemoDistrict.population`).
    public let gridCode: String?
    /// "幸福路12号院3号楼", "幸福路18号", "幸福里社区卫生服务站".
    public let name: String
    public let address: String
    /// "residential", "shop" or "public".
    public let kind: String
    public let floors: Int
    public let units: Int
    public let point: GeoPoint
}

public struct DemoHousehold: Sendable, Hashable, Codable {
    /// 户号: grid code + four digits, unique in the district.
    public let number: String
    public let buildingCode: String
    /// "2单元502".
    public let room: String
    /// "示范区东湖街道幸福里社区 幸福路12号院3号楼2单元502".
    public let address: String
    /// "registered" (户籍户) or "floating" (流动户).
    public let kind: String
}

public struct DemoResident: Sendable, Hashable, Codable {
    /// Grid code + "-R" + four digits; the only key an overseas resident without ID has.
    public let code: String
    public let name: String
    public let sex: ResidentID.Sex
    public let birthDate: SimpleDate
    /// A valid GB 11643 number; nil for overseas residents.
    public let idNumber: String?
    /// Passport-like "P" + 8 digits for overseas residents.
    public let documentNumber: String?
    public let phone: String?
    /// Nil for the few newly arrived residents not yet registered to a household.
    public let householdNumber: String?
    /// "head", "spouse", "child", "parent", "grandchild", "sibling" or "other".
    public let relation: String
    /// "registered", "floating" or "overseas".
    public let residenceType: String
    /// Keys from `DemoResident.tagKeys`.
    public let tagKeys: [String]

    public static let tagKeys = [
        "elderly60", "disabled", "retired", "released_prisoner", "low_income",
        "empty_nester", "veteran", "minor_left_behind",
    ]
}

/// A public facility (部件, GB/T 30428.2).
public struct DemoComponent: Sendable, Hashable, Codable {
    public let code: String
    /// One of `DemoComponent.classKeys`.
    public let classKey: String
    /// The facility in Chinese: "雨水井盖", "路灯", "垃圾桶" …
    public let subtype: String
    /// "ok", "damaged", "missing" or "occupied".
    public let state: String
    public let point: GeoPoint

    public static let classKeys = [
        "public_utility", "road_traffic", "city_appearance", "greening",
        "housing_land", "other",
    ]
}

public struct DemoOrganisation: Sendable, Hashable, Codable {
    public let code: String
    public let name: String
    /// "social", "business", "property" or "party".
    public let kind: String
    public let address: String
    public let point: GeoPoint
    public let contactName: String
    public let contactPhone: String
}

/// Everything that lives in one grid (人·地·事·物·组织, B1–B4).
public struct DemoGridPopulation: Sendable, Hashable, Codable {
    public let gridCode: String
    public let buildings: [DemoBuilding]
    public let households: [DemoHousehold]
    public let residents: [DemoResident]
    public let components: [DemoComponent]
    public let organisations: [DemoOrganisation]
}

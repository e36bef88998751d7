/// A department cases are dispatched to. The list below seeds an editable table; keys are stable.
public struct CaseDepartment: Sendable, Hashable, Codable {
    public var key: String
    public var nameZh: String
    public var nameEn: String

    public init(key: String, nameZh: String, nameEn: String) {
        self.key = key
        self.nameZh = nameZh
        self.nameEn = nameEn
    }

    public static let seed: [CaseDepartment] = [
        .init(key: "urban_management", nameZh: "城管执法", nameEn: "Urban management enforcement"),
        .init(key: "sanitation", nameZh: "环卫", nameEn: "Sanitation"),
        .init(key: "housing", nameZh: "住建", nameEn: "Housing and construction"),
        .init(key: "municipal", nameZh: "市政", nameEn: "Municipal works"),
        .init(key: "transport", nameZh: "交通", nameEn: "Transport"),
        .init(key: "police", nameZh: "公安", nameEn: "Police"),
        .init(key: "civil_affairs", nameZh: "民政", nameEn: "Civil affairs"),
        .init(key: "human_resources", nameZh: "人社", nameEn: "Human resources and social security"),
        .init(key: "health", nameZh: "卫健", nameEn: "Health"),
        .init(key: "market_regulation", nameZh: "市场监管", nameEn: "Market regulation"),
        .init(key: "emergency", nameZh: "应急", nameEn: "Emergency management"),
        .init(key: "street_governance", nameZh: "街道综治", nameEn: "Street comprehensive governance"),
        .init(key: "residents_committee", nameZh: "社区居委会", nameEn: "Residents' committee"),
        .init(key: "property", nameZh: "物业", nameEn: "Property management"),
    ]
}

/// What a category is about, for the screens that list them apart.
public enum CaseKind: String, Sendable, Codable, CaseIterable {
    case event  // 事件 (GB/T 30428.2)
    case component  // 部件 problems
    case service  // 代办服务
    case appeal  // 纠纷调解与咨询求助

    public var nameKey: String { "case.kind.\(rawValue)" }
}

/// A node of the category tree (C2). The seed below fills an editable table: keys are stable,
/// the rest may be changed per district. A child's key starts with its parent's key and a dot.
public struct CaseCategory: Sendable, Hashable, Codable {
    public var key: String
    public var parentKey: String?
    public var kind: CaseKind
    public var nameZh: String
    public var nameEn: String
    /// The department a case of this category goes to unless a routing rule says otherwise.
    public var department: String
    public var limits: CaseLimits
    /// 较难和复杂问题: resolve within 72 hours instead of 24.
    public var isComplex: Bool

    public init(
        key: String, parentKey: String?, kind: CaseKind, nameZh: String, nameEn: String,
        department: String, limits: CaseLimits, isComplex: Bool
    ) {
        self.key = key
        self.parentKey = parentKey
        self.kind = kind
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.department = department
        self.limits = limits
        self.isComplex = isComplex
    }

    /// The seed tree, parents before children.
    public static let seed: [CaseCategory] = SeedTree.build()

    /// The seed indexed by key.
    public static let seedByKey: [String: CaseCategory] = Dictionary(uniqueKeysWithValues: seed.map { ($0.key, $0) })

    /// The parent key of a seeded category, for duplicate scoring.
    public static func seedParent(of key: String) -> String? { seedByKey[key]?.parentKey }

    /// `key` and every category below it, given each category's parent: a class finds its items.
    public static func subtree(of key: String, parents: [(key: String, parent: String?)]) -> [String] {
        var children: [String: [String]] = [:]
        for p in parents { if let parent = p.parent { children[parent, default: []].append(p.key) } }
        var found = [key], next = 0
        while next < found.count {
            found += children[found[next]] ?? []
            next += 1
        }
        return found
    }
}

/// The seed written compactly: a class with its own department, then its children as
/// (key, Chinese, English, department or nil for the class's, complex?).
private enum SeedTree {
    typealias Child = (key: String, zh: String, en: String, department: String?, complex: Bool)

    /// Emergencies must be answered at once; resolving is the usual 24 hours.
    static let urgent = CaseLimits(respondHours: 0.5, resolveHours: 24)
    /// Proxy services run through offices, so their limits count office hours.
    static let office = CaseLimits(respondHours: 2, resolveHours: 24, counting: .working)
    static let officeComplex = CaseLimits(respondHours: 2, resolveHours: 72, counting: .working)

    static func build() -> [CaseCategory] {
        var all: [CaseCategory] = []
        func group(
            _ key: String, _ zh: String, _ en: String, kind: CaseKind, department: String,
            parent: String? = nil, limits: CaseLimits? = nil, complexLimits: CaseLimits? = nil, _ children: [Child]
        ) {
            let simple = limits ?? .general
            let hard = complexLimits ?? CaseLimits(respondHours: simple.respondHours, resolveHours: 72, counting: simple.counting)
            all.append(
                CaseCategory(
                    key: key, parentKey: parent, kind: kind, nameZh: zh, nameEn: en,
                    department: department, limits: simple, isComplex: false))
            for c in children {
                all.append(
                    CaseCategory(
                        key: "\(key).\(c.key)", parentKey: key, kind: kind, nameZh: c.zh, nameEn: c.en,
                        department: c.department ?? department,
                        limits: c.complex ? hard : simple, isComplex: c.complex))
            }
        }

        // 事件, GB/T 30428.2 classes.
        group(
            "city_appearance", "市容环境", "City appearance", kind: .event, department: "urban_management",
            [
                ("illegal_structure", "私搭乱建", "Illegal structure", nil, true),
                ("exposed_garbage", "暴露垃圾", "Exposed garbage", "sanitation", false),
                ("accumulated_waste", "积存垃圾渣土", "Accumulated refuse and muck", "sanitation", false),
                ("dirty_road", "道路不洁", "Dirty road", "sanitation", false),
                ("dirty_water", "水域不洁", "Dirty waterway", "municipal", false),
                ("dirty_green", "绿地脏乱", "Untidy green space", "sanitation", false),
                ("abandoned_vehicle", "废弃车辆", "Abandoned vehicle", "police", false),
                ("abandoned_furniture", "废弃家具", "Abandoned furniture", "sanitation", false),
                ("burning_waste", "焚烧垃圾树叶", "Burning rubbish or leaves", nil, false),
                ("cooking_fumes", "餐饮油烟污染", "Restaurant cooking fumes", nil, false),
                ("animal_carcass", "动物尸体", "Animal carcass", "sanitation", false),
            ])
        group(
            "advertising", "宣传广告", "Advertising", kind: .event, department: "urban_management",
            [
                ("illegal_flyer", "非法小广告", "Illegal small advertisements", nil, false),
                ("illegal_posting", "违章张贴悬挂广告", "Unauthorised posters and banners", nil, false),
                ("roadside_billboard", "占道广告牌", "Billboard obstructing the road", nil, false),
                ("street_leafleting", "街头散发广告", "Handing out leaflets in the street", nil, false),
                ("damaged_signboard", "广告招牌破损", "Damaged shop sign", nil, false),
            ])
        group(
            "construction", "施工管理", "Construction", kind: .event, department: "housing",
            [
                ("construction_noise", "施工扰民", "Construction disturbing residents", nil, false),
                ("site_dust", "工地扬尘", "Construction site dust", nil, false),
                ("road_occupation", "施工占道", "Construction occupying the road", "urban_management", false),
                ("road_spill", "道路遗撒", "Spillage from trucks", "urban_management", false),
                ("unpermitted_digging", "无证掘路", "Digging the road without a permit", "municipal", false),
                ("construction_waste", "施工废弃料", "Construction waste left behind", "urban_management", false),
            ])
        group(
            "emergency", "突发事件", "Emergencies", kind: .event, department: "emergency", limits: urgent,
            [
                ("road_collapse", "道路塌陷", "Road collapse", "municipal", true),
                ("water_main_burst", "自来水管破裂", "Burst water main", "municipal", false),
                ("gas_leak", "燃气管道泄漏", "Gas pipe leak", nil, false),
                ("sewer_blocked", "下水道堵塞或破损", "Blocked or broken sewer", "municipal", false),
                ("road_flooding", "道路积水", "Flooded road", "municipal", false),
                ("road_ice", "道路积雪结冰", "Snow or ice on the road", "sanitation", false),
                ("fire", "火灾", "Fire", nil, false),
                ("fallen_cable", "架空线缆脱落", "Fallen overhead cable", "municipal", false),
            ])
        group(
            "street_order", "街面秩序", "Street order", kind: .event, department: "urban_management",
            [
                ("unlicensed_vendor", "无照经营游商", "Unlicensed street vendor", nil, false),
                ("roadside_stall", "占道经营", "Trading on the road", nil, false),
                ("outside_shop_trading", "店外经营", "Trading outside the shop", nil, false),
                ("open_air_barbecue", "露天烧烤", "Open-air barbecue", nil, false),
                ("piled_goods", "乱堆物堆料", "Goods and materials piled up", nil, false),
                ("street_drying", "沿街晾挂", "Laundry hung along the street", nil, false),
                ("car_parking", "机动车乱停放", "Cars parked illegally", "transport", false),
                ("bike_parking", "非机动车乱停放", "Bicycles parked in the way", nil, false),
                ("begging", "乞讨卖艺", "Begging and busking", "civil_affairs", false),
            ])
        group(
            "extended", "扩展事件", "Other events", kind: .event, department: "street_governance",
            [
                ("noise", "噪声扰民", "Noise disturbing residents", "police", false),
                ("fire_lane_blocked", "消防通道堵塞", "Fire lane blocked", "emergency", false),
                ("flying_wire_charging", "电动车飞线充电", "E-bike charging by trailing cable", "property", false),
                ("dog_keeping", "违规养犬", "Dogs kept against the rules", "police", false),
                ("group_rental", "群租房", "Overcrowded rental flat", "housing", true),
                ("falling_object_risk", "高空坠物隐患", "Risk of falling objects", "property", false),
                ("unlicensed_clinic", "非法行医", "Unlicensed medical practice", "health", true),
                ("food_safety", "食品安全隐患", "Food safety hazard", "market_regulation", false),
            ])

        // 部件 problems, under the component classes of the register.
        group("component", "部件问题", "Component problems", kind: .component, department: "municipal", [])
        group(
            "component.public_utility", "公用设施", "Public utilities", kind: .component, department: "municipal", parent: "component",
            [
                ("manhole_cover", "井盖破损丢失", "Manhole cover broken or missing", nil, false),
                ("street_light", "路灯损坏", "Street light out", nil, false),
                ("hydrant", "消防栓损坏", "Damaged fire hydrant", "emergency", false),
                ("public_toilet", "公厕损坏", "Public toilet damaged", "sanitation", false),
                ("litter_bin", "垃圾箱损坏", "Litter bin damaged", "sanitation", false),
            ])
        group(
            "component.road_traffic", "道路交通", "Roads and traffic", kind: .component, department: "transport", parent: "component",
            [
                ("traffic_signal", "交通信号灯损坏", "Traffic light broken", nil, false),
                ("road_sign", "交通标志损坏", "Road sign damaged", nil, false),
                ("guardrail", "护栏损坏", "Guardrail damaged", "municipal", false),
                ("bus_shelter", "公交站亭损坏", "Bus shelter damaged", nil, false),
                ("pavement", "人行道板破损", "Broken paving", "municipal", false),
            ])
        group(
            "component.city_appearance", "市容环境设施", "City appearance facilities", kind: .component, department: "urban_management", parent: "component",
            [
                ("kiosk", "报刊亭损坏", "Kiosk damaged", nil, false),
                ("outdoor_screen", "户外显示屏故障", "Outdoor screen faulty", nil, false),
            ])
        group(
            "component.greening", "园林绿化", "Landscaping", kind: .component, department: "municipal", parent: "component",
            [
                ("fallen_tree", "树木倒伏", "Fallen tree", nil, false),
                ("damaged_green", "绿地损坏", "Damaged green space", nil, false),
            ])
        group(
            "component.housing_land", "房屋土地", "Housing and land", kind: .component, department: "housing", parent: "component",
            [
                ("dangerous_building", "危房隐患", "Dangerous building", nil, true),
                ("corridor_light", "楼道灯损坏", "Stairwell light out", "property", false),
                ("lift_fault", "电梯故障", "Lift out of order", "property", false),
            ])
        group(
            "component.other", "其他设施", "Other facilities", kind: .component, department: "residents_committee", parent: "component",
            [
                ("fitness_equipment", "健身器材损坏", "Fitness equipment damaged", nil, false)
            ])

        // 代办服务: the services a street office does on residents' behalf, and their neighbours.
        group(
            "service", "代办服务", "Proxy services", kind: .service, department: "residents_committee",
            limits: office, complexLimits: officeComplex,
            [
                ("residence_permit", "暂住证（居住证）", "Residence permit", "police", false),
                ("unemployment_card", "失业证", "Unemployment registration", "human_resources", false),
                ("retirement_certification", "退休资格认证", "Retirement eligibility certification", "human_resources", false),
                ("serious_illness_aid", "大病救助", "Serious illness assistance", "civil_affairs", true),
                ("rent_subsidy", "廉租房货币补贴", "Low-rent housing cash subsidy", "housing", true),
                ("rent_allocation", "廉租房实物配租", "Low-rent housing allocation", "housing", true),
                ("minimum_living", "低保申请", "Minimum living allowance", "civil_affairs", true),
                ("elderly_allowance", "高龄津贴", "Old-age allowance", "civil_affairs", false),
                ("disability_card", "残疾人证", "Disability certificate", "civil_affairs", false),
                ("birth_registration", "生育登记", "Birth registration", "health", false),
                ("medical_insurance", "医保办理", "Medical insurance enrolment", "human_resources", false),
            ])

        // 纠纷调解与咨询求助 ("有需求纠纷调解的,有失物找寻的,有政策咨询的").
        group(
            "appeal", "纠纷与咨询", "Disputes and inquiries", kind: .appeal, department: "residents_committee",
            [
                ("lost_property", "失物找寻", "Lost property", "police", false),
                ("policy_inquiry", "政策咨询", "Policy inquiry", nil, false),
                ("help", "求助", "Request for help", nil, false),
                ("complaint", "投诉", "Complaint", "street_governance", false),
                ("suggestion", "建议", "Suggestion", "street_governance", false),
            ])
        group(
            "appeal.mediation", "纠纷调解", "Dispute mediation", kind: .appeal, department: "street_governance", parent: "appeal",
            [
                ("neighbour", "邻里纠纷", "Dispute between neighbours", "residents_committee", false),
                ("family", "家庭矛盾", "Family dispute", "residents_committee", false),
                ("property_service", "物业纠纷", "Dispute with the property company", nil, true),
                ("labour", "劳资纠纷", "Wage dispute", "human_resources", true),
            ])
        return all
    }
}

/// When in the year a kind of report comes in.
enum DemoSeason: Sendable {
    case steady
    /// The summer rains (June to August): flooded roads, blocked drains, fallen trees.
    case rain
    /// April to October: outdoor eating, noise with windows open, green spaces in use.
    case warm
    /// December to February: snow and ice.
    case ice
    /// The heating season, 15 November to 15 March in the north.
    case heating
    /// Autumn leaves and spring clearing: burning in the open.
    case leaves
    /// Around the Spring Festival and National Day: posters, fireworks, rubbish after gatherings.
    case festival

    /// How much more (or less) often than on average, in `month` (1…12) on `day`, `festival` true
    /// in the week of a holiday.
    func factor(month: Int, day: Int, festival: Bool) -> Double {
        switch self {
        case .steady: return 1
        case .rain: return [0.2, 0.2, 0.3, 0.5, 1.0, 2.2, 3.4, 2.8, 1.2, 0.5, 0.3, 0.2][month - 1]
        case .warm: return [0.3, 0.3, 0.6, 1.1, 1.5, 1.7, 1.8, 1.8, 1.5, 1.0, 0.5, 0.3][month - 1]
        case .ice: return [3.0, 2.0, 0.4, 0, 0, 0, 0, 0, 0, 0, 0.5, 2.5][month - 1]
        case .heating:
            switch (month, day) {
            case (11, 15...), (12, _), (1, _), (2, _), (3, ...15): return month == 11 || month == 12 ? 3.0 : 2.2
            default: return 0
            }
        case .leaves: return [0.3, 0.3, 1.2, 1.2, 0.5, 0.2, 0.2, 0.2, 0.5, 2.0, 2.5, 0.8][month - 1]
        case .festival: return festival ? 4 : 0.8
        }
    }
}

/// Where a report is placed in its grid.
enum DemoPlace: Sendable {
    /// A residential building, often a flat in it.
    case home
    /// A shop along the street.
    case shop
    /// Outside, by any building of the grid.
    case outside
}

/// One kind of thing residents and grid workers report: its category, how common it is, when,
/// where, who tends to report it, and the words used. Demo data on purpose, in the register of
/// real 12345 and 数字城管 records.
struct DemoCaseTopic: Sendable {
    let category: String
    /// Relative frequency: about this many cases per grid and year at an average time of year.
    let weight: Double
    let season: DemoSeason
    let place: DemoPlace
    /// The share a grid worker finds on patrol; the rest comes from residents.
    let patrol: Double
    let titles: [String]
    /// What the reporter says; "{p}" is the place.
    let details: [String]
    /// What the department reports it did.
    let done: [String]
    /// Also reported to the district without a place (letters, calls about policy).
    var districtWide = false
}

enum DemoCaseTopics {
    static let all: [DemoCaseTopic] = environment + street + facilities + services + appeals

    private typealias T = DemoCaseTopic

    static let environment: [DemoCaseTopic] = [
        T(
            category: "city_appearance.exposed_garbage", weight: 110, season: .festival, place: .outside, patrol: 0.6,
            titles: ["垃圾桶满溢", "路边暴露垃圾", "楼下垃圾无人清运"],
            details: ["{p}垃圾桶已满,垃圾散落在地面,气味较大", "{p}路边堆有生活垃圾,影响环境", "{p}楼下垃圾两天没人清运了"],
            done: ["已安排保洁人员清运,现场已清理干净", "垃圾已清运,已加密该点位清运频次"]),
        T(
            category: "city_appearance.accumulated_waste", weight: 40, season: .steady, place: .outside, patrol: 0.55,
            titles: ["装修渣土堆放", "积存垃圾未清"], details: ["{p}有装修渣土堆放多日,无人清理", "{p}角落积存垃圾较多"],
            done: ["已联系业主限期清运,渣土已清走", "已组织清运,现场恢复整洁"]),
        T(
            category: "city_appearance.dirty_road", weight: 45, season: .leaves, place: .outside, patrol: 0.6,
            titles: ["路面不洁", "道路油污"], details: ["{p}路面有大片油污和落叶", "{p}道路清扫不及时,路面脏"],
            done: ["已安排清扫保洁,路面已清洁", "已冲洗路面油污"]),
        T(
            category: "city_appearance.dirty_green", weight: 20, season: .warm, place: .outside, patrol: 0.6,
            titles: ["绿地内有垃圾"], details: ["{p}绿地里有塑料袋、饮料瓶等杂物"], done: ["已清理绿地内杂物"]),
        T(
            category: "city_appearance.abandoned_vehicle", weight: 12, season: .steady, place: .outside, patrol: 0.5,
            titles: ["僵尸车长期占用车位", "废弃自行车堆放"], details: ["{p}有一辆落满灰尘的轿车停放半年以上", "{p}废弃自行车堆了一片"],
            done: ["已张贴告知单,逾期未挪已拖移", "已联系车主挪走车辆"]),
        T(
            category: "city_appearance.abandoned_furniture", weight: 25, season: .steady, place: .home, patrol: 0.5,
            titles: ["楼道旁丢弃旧家具", "废旧沙发占道"], details: ["{p}门口扔了旧沙发和床垫", "{p}旁边堆放废弃家具"],
            done: ["大件垃圾已清运", "已联系物业清走旧家具"]),
        T(
            category: "city_appearance.burning_waste", weight: 6, season: .leaves, place: .outside, patrol: 0.5,
            titles: ["有人焚烧树叶"], details: ["{p}有人在空地焚烧树叶,烟很大"], done: ["已制止焚烧行为并进行教育,明火已扑灭"]),
        T(
            category: "city_appearance.cooking_fumes", weight: 14, season: .warm, place: .shop, patrol: 0.1,
            titles: ["餐馆油烟扰民"], details: ["{p}的饭馆油烟直排,熏到楼上住户"], done: ["已责令商户安装油烟净化设备并定期清洗"]),
        T(
            category: "city_appearance.illegal_structure", weight: 10, season: .warm, place: .home, patrol: 0.5,
            titles: ["一层住户私搭棚子", "楼顶私建房屋"], details: ["{p}一层住户在院内私搭彩钢板棚子", "{p}楼顶有人搭建房屋"],
            done: ["已下达限期拆除通知,违建已拆除", "已立案查处,当事人已自行拆除"]),
        T(
            category: "city_appearance.animal_carcass", weight: 2, season: .warm, place: .outside, patrol: 0.5,
            titles: ["路边有动物尸体"], details: ["{p}路边有一只死猫"], done: ["已清理并消毒"]),
        T(
            category: "city_appearance.dirty_water", weight: 2, season: .warm, place: .outside, patrol: 0.6,
            titles: ["河沟水面漂浮垃圾"], details: ["{p}附近河沟水面有漂浮物,有异味"], done: ["已打捞水面漂浮物"]),
        T(
            category: "construction.construction_noise", weight: 18, season: .warm, place: .home, patrol: 0.05,
            titles: ["夜间施工扰民", "装修噪音扰民"], details: ["{p}附近工地晚上十点以后还在施工", "{p}有住户中午和周末装修电钻声很大"],
            done: ["已责令夜间停止施工,工地已整改", "已上门劝导,装修时间已调整"]),
        T(
            category: "construction.site_dust", weight: 8, season: .warm, place: .outside, patrol: 0.4,
            titles: ["工地扬尘"], details: ["{p}附近工地裸土未苫盖,刮风时扬尘严重"], done: ["已督促工地苫盖裸土、洒水降尘"]),
        T(
            category: "construction.road_spill", weight: 6, season: .steady, place: .outside, patrol: 0.6,
            titles: ["渣土车遗撒"], details: ["{p}路面有渣土车遗撒的泥土"], done: ["已清扫路面,对运输单位进行处罚"]),
        T(
            category: "construction.construction_waste", weight: 8, season: .steady, place: .outside, patrol: 0.6,
            titles: ["施工废料未清"], details: ["{p}管线施工完毕后废料未清理"], done: ["已通知施工单位清运废料"]),
        T(
            category: "construction.road_occupation", weight: 5, season: .warm, place: .outside, patrol: 0.7,
            titles: ["施工占用人行道"], details: ["{p}施工围挡占用人行道,行人只能走机动车道"], done: ["已责令施工单位收缩围挡,留出通道"]),
        T(
            category: "construction.unpermitted_digging", weight: 2, season: .steady, place: .outside, patrol: 0.7,
            titles: ["无证掘路"], details: ["{p}有人开挖路面,未见施工许可公示"], done: ["已核查并责令停工补办手续"]),
    ]

    static let street: [DemoCaseTopic] = [
        T(
            category: "advertising.illegal_flyer", weight: 70, season: .steady, place: .outside, patrol: 0.85,
            titles: ["楼道小广告", "墙面喷涂小广告"], details: ["{p}楼道墙上贴满开锁、通下水道小广告", "{p}墙面被喷涂办证电话"],
            done: ["已清除小广告", "已铲除并粉刷墙面"]),
        T(
            category: "advertising.illegal_posting", weight: 20, season: .festival, place: .shop, patrol: 0.8,
            titles: ["违规悬挂横幅"], details: ["{p}商户在门前悬挂促销横幅"], done: ["已责令商户拆除横幅"]),
        T(
            category: "advertising.roadside_billboard", weight: 8, season: .steady, place: .shop, patrol: 0.8,
            titles: ["占道摆放广告牌"], details: ["{p}商户把广告牌摆在人行道上"], done: ["已要求商户收回广告牌"]),
        T(
            category: "advertising.damaged_signboard", weight: 5, season: .rain, place: .shop, patrol: 0.6,
            titles: ["招牌破损有坠落危险"], details: ["{p}商铺招牌松动,一角已脱落"], done: ["已督促商户拆除并更换招牌"]),
        T(
            category: "advertising.street_leafleting", weight: 5, season: .steady, place: .outside, patrol: 0.7,
            titles: ["街头散发广告"], details: ["{p}有人在路口散发健身卡传单"], done: ["已劝离散发人员"]),
        T(
            category: "street_order.unlicensed_vendor", weight: 25, season: .warm, place: .outside, patrol: 0.7,
            titles: ["流动摊贩占道", "三轮车卖水果"], details: ["{p}门口有流动摊贩摆摊", "{p}路边有三轮车卖水果堵住路口"],
            done: ["已劝离摊贩,将加强巡查", "已劝导至便民市场经营"]),
        T(
            category: "street_order.roadside_stall", weight: 25, season: .warm, place: .outside, patrol: 0.75,
            titles: ["占道经营"], details: ["{p}早市摊位占用机动车道"], done: ["已规范摊位,恢复道路通行"]),
        T(
            category: "street_order.outside_shop_trading", weight: 35, season: .warm, place: .shop, patrol: 0.8,
            titles: ["店外经营", "商户出店摆卖"], details: ["{p}商户把货架摆到店外人行道上", "{p}饭馆在门外摆桌"],
            done: ["已责令商户退店经营", "已教育商户,物品已收回店内"]),
        T(
            category: "street_order.open_air_barbecue", weight: 10, season: .warm, place: .shop, patrol: 0.4,
            titles: ["露天烧烤油烟大"], details: ["{p}烧烤店晚上在门外露天烧烤,烟味很大"], done: ["已取缔露天烧烤,商户已签承诺书"]),
        T(
            category: "street_order.piled_goods", weight: 45, season: .steady, place: .home, patrol: 0.7,
            titles: ["楼道堆放杂物", "公共区域堆物"], details: ["{p}楼道里堆放纸箱和杂物", "{p}单元门口堆满杂物"],
            done: ["已督促住户清理杂物", "已联合物业清理楼道堆物"]),
        T(
            category: "street_order.street_drying", weight: 8, season: .warm, place: .outside, patrol: 0.8,
            titles: ["沿街晾晒衣物"], details: ["{p}临街护栏上晾晒衣物"], done: ["已劝导收回晾晒物品"]),
        T(
            category: "street_order.car_parking", weight: 40, season: .festival, place: .outside, patrol: 0.4,
            titles: ["车辆乱停堵路", "机动车占用消防车道"], details: ["{p}门口车辆乱停,早上出不去", "{p}小区路口有车辆违停"],
            done: ["已联系车主挪车,交通已恢复", "已张贴违停告知单"]),
        T(
            category: "street_order.bike_parking", weight: 30, season: .warm, place: .outside, patrol: 0.7,
            titles: ["共享单车乱停放"], details: ["{p}路口共享单车堆成一片,挡住盲道"], done: ["已联系运营企业清运整理"]),
        T(
            category: "street_order.begging", weight: 2, season: .festival, place: .outside, patrol: 0.6,
            titles: ["路口有人乞讨"], details: ["{p}路口有老人乞讨,天冷无处可去"], done: ["已联系救助站接回救助"]),
        T(
            category: "extended.noise", weight: 30, season: .festival, place: .home, patrol: 0.05,
            titles: ["广场舞音响扰民", "楼上噪音", "燃放烟花爆竹"], details: ["{p}楼下广场舞音响很大,晚上九点多还在放", "{p}楼上每天深夜有噪音", "{p}有人在禁放区燃放烟花爆竹"],
            done: ["已与舞队沟通,音量降低并调整时间", "已上门调解,对方承诺注意", "已现场制止并教育"]),
        T(
            category: "extended.fire_lane_blocked", weight: 20, season: .steady, place: .home, patrol: 0.7,
            titles: ["消防通道被占"], details: ["{p}消防通道停满私家车"], done: ["已清理消防通道,施划禁停标线"]),
        T(
            category: "extended.flying_wire_charging", weight: 35, season: .warm, place: .home, patrol: 0.75,
            titles: ["电动车飞线充电", "楼道内给电动车充电"], details: ["{p}有住户从窗户拉线给电动车充电", "{p}楼道里停放电动车充电"],
            done: ["已拆除飞线,引导到集中充电桩充电", "已上门宣传并劝导整改"]),
        T(
            category: "extended.dog_keeping", weight: 10, season: .warm, place: .home, patrol: 0.2,
            titles: ["遛狗不拴绳"], details: ["{p}有人遛大型犬不拴绳,吓到孩子"], done: ["已对养犬人进行教育,登记犬只信息"]),
        T(
            category: "extended.group_rental", weight: 4, season: .steady, place: .home, patrol: 0.4,
            titles: ["疑似群租房"], details: ["{p}一套房住了十多个人,进出频繁"], done: ["已联合派出所检查,群租已整改"]),
        T(
            category: "extended.falling_object_risk", weight: 8, season: .rain, place: .home, patrol: 0.5,
            titles: ["外墙瓷砖脱落"], details: ["{p}外墙瓷砖松动,有脱落危险"], done: ["已设置警示区域并修复外墙"]),
        T(
            category: "extended.unlicensed_clinic", weight: 1, season: .steady, place: .shop, patrol: 0.3,
            titles: ["疑似无证诊所"], details: ["{p}有一家门店给人输液,没有挂牌"], done: ["已联合卫健部门查处"]),
        T(
            category: "extended.food_safety", weight: 4, season: .warm, place: .shop, patrol: 0.3,
            titles: ["超市销售过期食品"], details: ["{p}超市货架上有过期牛奶"], done: ["已下架过期食品,对商户立案处理"]),
    ]

    static let facilities: [DemoCaseTopic] = [
        T(
            category: "emergency.sewer_blocked", weight: 25, season: .rain, place: .home, patrol: 0.3,
            titles: ["下水道堵塞返水", "污水井冒水"], details: ["{p}楼下下水道堵塞,污水返到路面", "{p}污水井往外冒水"],
            done: ["已疏通管道,恢复排水", "已抽排积水并疏通"]),
        T(
            category: "emergency.road_flooding", weight: 12, season: .rain, place: .outside, patrol: 0.5,
            titles: ["道路积水"], details: ["{p}路口积水没过脚踝,车辆无法通行"], done: ["已调派抽水泵排水,雨水箅子已清掏"]),
        T(
            category: "emergency.water_main_burst", weight: 4, season: .ice, place: .outside, patrol: 0.4,
            titles: ["自来水管爆裂"], details: ["{p}地面往外冒水,疑似自来水管破裂"], done: ["已关阀抢修,恢复供水"]),
        T(
            category: "emergency.road_ice", weight: 8, season: .ice, place: .outside, patrol: 0.5,
            titles: ["路面结冰"], details: ["{p}路面结冰,老人出行容易滑倒"], done: ["已铲冰除雪并撒融雪剂"]),
        T(
            category: "emergency.gas_leak", weight: 1, season: .heating, place: .home, patrol: 0.2,
            titles: ["楼道有燃气味"], details: ["{p}楼道里有明显燃气味"], done: ["燃气公司已到场检修,阀门漏点已处理"]),
        T(
            category: "emergency.fire", weight: 1, season: .festival, place: .outside, patrol: 0.3,
            titles: ["垃圾堆着火"], details: ["{p}垃圾堆冒烟起火"], done: ["明火已扑灭,现场已清理"]),
        T(
            category: "emergency.road_collapse", weight: 1, season: .rain, place: .outside, patrol: 0.6,
            titles: ["路面塌陷"], details: ["{p}路面出现塌陷坑"], done: ["已设置围挡并完成回填修复"]),
        T(
            category: "emergency.fallen_cable", weight: 3, season: .rain, place: .outside, patrol: 0.6,
            titles: ["线缆脱落垂地"], details: ["{p}架空线缆脱落,垂到人行道上"], done: ["已通知产权单位重新架设线缆"]),
        T(
            category: "component.public_utility.manhole_cover", weight: 15, season: .steady, place: .outside, patrol: 0.75,
            titles: ["井盖破损", "井盖缺失"], details: ["{p}路面井盖破损,有安全隐患", "{p}人行道上井盖丢失"],
            done: ["已更换井盖", "已设置警示并补装井盖"]),
        T(
            category: "component.public_utility.street_light", weight: 25, season: .ice, place: .outside, patrol: 0.5,
            titles: ["路灯不亮"], details: ["{p}路段路灯晚上不亮,一片漆黑"], done: ["已更换灯具,路灯恢复照明"]),
        T(
            category: "component.public_utility.hydrant", weight: 2, season: .steady, place: .outside, patrol: 0.8,
            titles: ["消防栓漏水"], details: ["{p}消防栓漏水"], done: ["已维修消防栓"]),
        T(
            category: "component.public_utility.public_toilet", weight: 4, season: .warm, place: .outside, patrol: 0.5,
            titles: ["公厕设施损坏"], details: ["{p}附近公厕水龙头坏了"], done: ["已维修公厕设施"]),
        T(
            category: "component.public_utility.litter_bin", weight: 12, season: .steady, place: .outside, patrol: 0.8,
            titles: ["果皮箱损坏"], details: ["{p}路边果皮箱盖子坏了"], done: ["已更换果皮箱"]),
        T(
            category: "component.road_traffic.traffic_signal", weight: 3, season: .steady, place: .outside, patrol: 0.5,
            titles: ["信号灯故障"], details: ["{p}路口信号灯一直黄闪"], done: ["已修复信号灯"]),
        T(
            category: "component.road_traffic.road_sign", weight: 4, season: .steady, place: .outside, patrol: 0.8,
            titles: ["交通标志牌歪倒"], details: ["{p}路口交通标志牌被撞歪"], done: ["已扶正加固标志牌"]),
        T(
            category: "component.road_traffic.guardrail", weight: 4, season: .steady, place: .outside, patrol: 0.8,
            titles: ["护栏损坏"], details: ["{p}道路护栏被撞断"], done: ["已更换护栏"]),
        T(
            category: "component.road_traffic.bus_shelter", weight: 2, season: .steady, place: .outside, patrol: 0.7,
            titles: ["公交站亭玻璃破碎"], details: ["{p}公交站亭玻璃碎了"], done: ["已更换站亭玻璃"]),
        T(
            category: "component.road_traffic.pavement", weight: 15, season: .steady, place: .outside, patrol: 0.7,
            titles: ["人行道板破损"], details: ["{p}人行道板松动翘起,容易绊倒"], done: ["已重新铺装人行道板"]),
        T(
            category: "component.city_appearance.kiosk", weight: 1, season: .steady, place: .outside, patrol: 0.8,
            titles: ["报刊亭破损"], details: ["{p}报刊亭外壁破损"], done: ["已维修报刊亭"]),
        T(
            category: "component.city_appearance.outdoor_screen", weight: 1, season: .steady, place: .shop, patrol: 0.8,
            titles: ["户外显示屏黑屏"], details: ["{p}户外显示屏半边黑屏"], done: ["已督促产权单位维修"]),
        T(
            category: "component.greening.fallen_tree", weight: 6, season: .rain, place: .outside, patrol: 0.5,
            titles: ["树木倒伏"], details: ["{p}大风刮倒一棵树,压住了路"], done: ["已清理倒伏树木,恢复通行"]),
        T(
            category: "component.greening.damaged_green", weight: 8, season: .warm, place: .outside, patrol: 0.7,
            titles: ["绿地被毁种菜"], details: ["{p}有人毁绿种菜"], done: ["已恢复绿地并补植"]),
        T(
            category: "component.housing_land.dangerous_building", weight: 1, season: .rain, place: .home, patrol: 0.4,
            titles: ["房屋墙体开裂"], details: ["{p}墙体出现裂缝,担心有危险"], done: ["已组织房屋安全鉴定,采取加固措施"]),
        T(
            category: "component.housing_land.corridor_light", weight: 40, season: .ice, place: .home, patrol: 0.3,
            titles: ["楼道灯不亮", "单元门禁损坏"], details: ["{p}楼道灯坏了好几层,晚上看不见", "{p}单元门禁坏了关不上"],
            done: ["物业已更换楼道灯", "物业已维修门禁"]),
        T(
            category: "component.housing_land.lift_fault", weight: 30, season: .steady, place: .home, patrol: 0.15,
            titles: ["电梯故障", "电梯经常停运"], details: ["{p}电梯停运,楼里老人上下楼困难", "{p}电梯经常困人"],
            done: ["维保单位已修复电梯并完成安全检查", "已更换故障部件,电梯恢复运行"]),
        T(
            category: "component.other.fitness_equipment", weight: 6, season: .warm, place: .outside, patrol: 0.6,
            titles: ["健身器材损坏"], details: ["{p}小广场健身器材扶手断了"], done: ["已维修健身器材"]),
    ]

    static let services: [DemoCaseTopic] = [
        T(
            category: "service.residence_permit", weight: 10, season: .steady, place: .home, patrol: 0.25,
            titles: ["代办居住证"], details: ["住在{p},想办理居住证,请帮忙代办"], done: ["材料已齐,居住证已办结送达"],
            districtWide: true),
        T(
            category: "service.unemployment_card", weight: 3, season: .steady, place: .home, patrol: 0.25,
            titles: ["办理失业登记"], details: ["{p}居民刚失业,需要办理失业登记"], done: ["已办理失业登记"]),
        T(
            category: "service.retirement_certification", weight: 6, season: .steady, place: .home, patrol: 0.3,
            titles: ["退休资格认证"], details: ["{p}老人行动不便,需要上门办理退休资格认证"], done: ["已上门完成认证"]),
        T(
            category: "service.serious_illness_aid", weight: 2, season: .steady, place: .home, patrol: 0.3,
            titles: ["大病救助申请"], details: ["{p}居民患重病,家庭困难,申请大病救助"], done: ["救助申请已审批,救助金已发放"]),
        T(
            category: "service.rent_subsidy", weight: 2, season: .steady, place: .home, patrol: 0.2,
            titles: ["廉租房补贴申请"], details: ["{p}居民咨询并申请廉租房货币补贴"], done: ["申请材料已报送,审核通过"], districtWide: true),
        T(
            category: "service.rent_allocation", weight: 1, season: .steady, place: .home, patrol: 0.2,
            titles: ["廉租房实物配租"], details: ["{p}居民申请廉租房实物配租"], done: ["已纳入轮候名单并告知居民"]),
        T(
            category: "service.minimum_living", weight: 3, season: .steady, place: .home, patrol: 0.3,
            titles: ["低保申请"], details: ["{p}居民家庭收入低,申请低保"], done: ["已完成入户调查,低保申请已审批"]),
        T(
            category: "service.elderly_allowance", weight: 8, season: .steady, place: .home, patrol: 0.35,
            titles: ["高龄津贴办理"], details: ["{p}老人满八十周岁,申请高龄津贴"], done: ["高龄津贴已办理"]),
        T(
            category: "service.disability_card", weight: 2, season: .steady, place: .home, patrol: 0.3,
            titles: ["办理残疾人证"], details: ["{p}居民需要办理残疾人证"], done: ["已协助完成评定,残疾人证已发放"]),
        T(
            category: "service.birth_registration", weight: 3, season: .steady, place: .home, patrol: 0.2,
            titles: ["生育登记"], details: ["{p}居民咨询办理生育登记"], done: ["生育登记已办理"]),
        T(
            category: "service.medical_insurance", weight: 8, season: .steady, place: .home, patrol: 0.2,
            titles: ["城乡居民医保参保"], details: ["{p}居民需要办理医保参保"], done: ["已办理参保缴费"], districtWide: true),
    ]

    static let appeals: [DemoCaseTopic] = [
        T(
            category: "appeal.complaint", weight: 40, season: .heating, place: .home, patrol: 0.05,
            titles: ["暖气不热", "家中室温不达标"], details: ["{p}家里暖气不热,室温只有十五六度", "{p}供暖以来室温一直不达标"],
            done: ["供热单位已上门排气、调节阀门,室温已达标", "已督促供热单位检修管线"]),
        T(
            category: "appeal.complaint", weight: 12, season: .steady, place: .home, patrol: 0.05,
            titles: ["投诉物业服务", "投诉商户"], details: ["{p}物业服务差,保洁不到位", "{p}附近商户营业到深夜很吵"],
            done: ["已约谈物业公司,服务已改进", "已协调商户调整营业时间"], districtWide: true),
        T(
            category: "appeal.mediation.property_service", weight: 12, season: .heating, place: .home, patrol: 0.1,
            titles: ["物业费与供暖纠纷", "物业收费争议"], details: ["{p}业主与物业因供暖费发生争执", "{p}物业多收停车费"],
            done: ["经调解,双方达成一致", "已组织业主和物业座谈,问题已解决"]),
        T(
            category: "appeal.mediation.neighbour", weight: 14, season: .steady, place: .home, patrol: 0.2,
            titles: ["楼上漏水", "邻里纠纷"], details: ["{p}楼上漏水渗到我家天花板,沟通不成", "{p}邻居长期在楼道堆物,引发争吵"],
            done: ["经网格员和居委会调解,楼上已维修防水", "经调解,双方握手言和"]),
        T(
            category: "appeal.mediation.family", weight: 3, season: .festival, place: .home, patrol: 0.3,
            titles: ["家庭矛盾调解"], details: ["{p}一户家庭因赡养老人问题发生矛盾"], done: ["已上门调解,家庭成员达成赡养协议"]),
        T(
            category: "appeal.mediation.labour", weight: 3, season: .festival, place: .shop, patrol: 0.1,
            titles: ["拖欠工资"], details: ["在{p}的店里打工,老板拖欠两个月工资"], done: ["经劳动监察介入,工资已结清"]),
        T(
            category: "appeal.policy_inquiry", weight: 20, season: .steady, place: .home, patrol: 0.1,
            titles: ["咨询养老政策", "咨询老旧小区改造"], details: ["{p}居民咨询居家养老服务补贴政策", "{p}居民咨询老旧小区改造什么时候开始"],
            done: ["已电话答复政策内容", "已告知改造计划和时间安排"], districtWide: true),
        T(
            category: "appeal.help", weight: 10, season: .ice, place: .home, patrol: 0.3,
            titles: ["独居老人求助"], details: ["{p}独居老人家中水管坏了,请求帮助"], done: ["网格员和志愿者已上门帮助维修"]),
        T(
            category: "appeal.lost_property", weight: 4, season: .steady, place: .outside, patrol: 0.1,
            titles: ["钱包丢失"], details: ["在{p}附近丢了钱包"], done: ["已联系派出所,失物已找回"]),
        T(
            category: "appeal.suggestion", weight: 6, season: .steady, place: .outside, patrol: 0.1,
            titles: ["建议增设充电桩", "建议增加休息座椅"], details: ["建议在{p}增设电动车充电桩", "建议在{p}增设休息座椅"],
            done: ["建议已采纳,纳入年度实事项目", "已转相关部门研究"], districtWide: true),
    ]

    /// Why an operator refuses a case (不予受理).
    static let rejectReasons = [
        "反映问题不属于本平台受理范围,已告知居民向相关单位反映", "经核实为重复反映,已告知居民办理进度",
        "反映内容不清、无法联系上报人核实", "属于民事纠纷,已告知居民通过诉讼途径解决",
    ]
    static let suspendReasons = ["需协调产权单位确认责任主体", "涉及资金审批,待审批后实施", "需等待天气条件允许施工", "待业主委员会表决"]
    static let unsolvableReasons = ["涉及历史遗留问题,暂不具备解决条件,已向居民解释", "产权不清,无法实施,已向居民说明并提供法律途径"]
    static let reworkReasons = ["现场核查问题仍未解决", "处理不彻底,居民反映仍有问题"]
    static let escalateReasons = ["涉及多个部门,需上级协调", "网格内无法解决,请上级协调"]
    static let leaderNotes = ["请加快办理进度,按时反馈", "居民反映强烈,请尽快处理"]
    static let wrongDepartmentReason = "经核实不属于本单位职责,请重新派遣"
    static let verifyNotes = ["现场核查,问题已解决", "已回访现场,处理到位"]
    static let suspendResumeNote = "条件具备,恢复办理"
    static let reopenReason = "居民对处理结果不满意,重新办理"
    static let phoneCallbackNote = "电话回访"
}

/// Public facilities (B3) and organisations (B4) of one grid.
enum DemoFacilities {
    /// Subtypes per class of GB/T 30428.2 部件, with how common each class is in a grid.
    static let classes: [(key: String, weight: Double, subtypes: [String])] = [
        ("public_utility", 35, ["污水井盖", "雨水井盖", "电力井盖", "通信井盖", "路灯", "消防栓", "变压器", "燃气调压箱"]),
        ("road_traffic", 15, ["交通标志", "交通信号灯", "护栏", "公交站", "停车场", "隔离墩"]),
        ("city_appearance", 20, ["垃圾桶", "公厕", "广告牌", "报刊亭", "垃圾分类站", "公共座椅"]),
        ("greening", 20, ["行道树", "绿地", "花坛", "古树名木"]),
        ("housing_land", 5, ["宣传栏", "人防工事", "地下通道"]),
        ("other", 5, ["监控电子眼", "无障碍设施", "健身器材"]),
    ]
    static let classWeights = classes.map(\.weight)
    static let states = ["ok", "damaged", "missing", "occupied"]
    static let stateWeights: [Double] = [90, 6, 2, 2]

    static func components(gridCode: String, box: GeoBox, rng: inout DemoRNG) -> [DemoComponent] {
        (0..<rng.int(in: 10...30)).map { i in
            let c = classes[rng.weighted(classWeights)]
            let fx = rng.double(in: 0.03...0.97), fy = rng.double(in: 0.03...0.97)
            return DemoComponent(
                code: gridCode + "-C" + DemoText.digits(i + 1, width: 2), classKey: c.key,
                subtype: rng.pick(c.subtypes), state: states[rng.weighted(stateWeights)],
                point: GeoPoint(
                    lon: box.minLon + (box.maxLon - box.minLon) * fx,
                    lat: box.maxLat - (box.maxLat - box.minLat) * fy))
        }
    }

    /// A party branch per grid, a property company per compound, a business per shop front,
    /// and in a community's first grid one social organisation.
    static func organisations(site: DemoSite, rng: inout DemoRNG) -> [DemoOrganisation] {
        var result: [DemoOrganisation] = []
        func add(_ name: String, _ kind: String, _ address: String, _ point: GeoPoint) {
            let sex: ResidentID.Sex = rng.chance(0.55) ? .male : .female
            result.append(
                DemoOrganisation(
                    code: site.gridCode + "-O" + DemoText.digits(result.count + 1, width: 2),
                    name: name, kind: kind, address: address, point: point,
                    contactName: DemoNames.person(sex, &rng), contactPhone: DemoNames.mobile(&rng)))
        }
        let context = site.context
        let office = site.buildings.first { $0.kind == "public" } ?? site.buildings[0]
        add(context.gridName + "党支部", "party", office.address, office.point)
        for compound in site.compounds {
            let first = site.buildings[compound.buildingIndices[0]]
            let brand = rng.pick(DemoNames.propertyBrands)
            add(
                brand + "物业服务有限公司" + site.mainRoad + "\(compound.number)号院项目部", "property",
                context.addressPrefix + site.mainRoad + "\(compound.number)号院", first.point)
        }
        for shop in site.buildings where shop.kind == "shop" {
            add(rng.pick(DemoNames.shopBrands) + rng.pick(DemoNames.shopTypes), "business", shop.address, shop.point)
        }
        if site.gridCode.hasSuffix("001") {
            add(context.communityName + rng.pick(DemoNames.socialKinds), "social", office.address, office.point)
        }
        return result
    }
}

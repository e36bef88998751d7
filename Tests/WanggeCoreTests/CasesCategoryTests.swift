import Testing
@testable import WanggeCore

@Suite struct CaseCategoryTests {
    static let all = CaseCategory.seed

    @Test func keysAreUniqueAndTheTreeHangsTogether() {
        var seen: Set<String> = []
        for c in Self.all {
            #expect(seen.insert(c.key).inserted, "duplicate key \(c.key)")
            #expect(c.key.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_" || $0 == ".") }, "\(c.key)")
            if let parent = c.parentKey {
                #expect(seen.contains(parent), "\(c.key): parent \(parent) missing or listed later")
                #expect(c.key.hasPrefix(parent + "."), "\(c.key) does not extend \(parent)")
                #expect(CaseCategory.seedByKey[parent]?.kind == c.kind, "\(c.key) differs in kind from its parent")
            } else {
                #expect(!c.key.contains("."), "root \(c.key)")
            }
        }
        #expect(CaseCategory.seedByKey.count == Self.all.count)
        #expect(CaseCategory.seedParent(of: "city_appearance.exposed_garbage") == "city_appearance")
        #expect(CaseCategory.seedParent(of: "component.public_utility.manhole_cover") == "component.public_utility")
        #expect(CaseCategory.seedParent(of: "nothing") == nil)
    }

    @Test func everyCategoryHasADepartmentNamesAndLimits() {
        let departments = Set(CaseDepartment.seed.map(\.key))
        #expect(departments.count == CaseDepartment.seed.count && departments.count == 14)
        for d in CaseDepartment.seed { #expect(!d.nameZh.isEmpty && !d.nameEn.isEmpty && d.nameZh != d.nameEn) }
        for c in Self.all {
            #expect(departments.contains(c.department), "\(c.key): unknown department \(c.department)")
            #expect(!c.nameZh.isEmpty && !c.nameEn.isEmpty && c.nameZh != c.nameEn, "\(c.key)")
            #expect(c.limits.respondHours > 0 && c.limits.respondHours <= 2, "\(c.key)")
            #expect(c.limits.resolveHours == (c.isComplex ? 72 : 24), "\(c.key)")
        }
        for kind in CaseKind.allCases { #expect(Self.all.contains { $0.kind == kind }) }
        #expect(Self.all.filter(\.isComplex).count >= 5)
        #expect(Set(Self.all.map(\.department)) == departments, "a seeded department that no category uses")
    }

    @Test func theSeedNamesTheClassesAndKindsOfTheSources() {
        let names = Set(Self.all.map(\.nameZh))
        let expected = [
            "市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "扩展事件",
            "暴露垃圾", "积存垃圾渣土", "道路不洁", "非法小广告", "违章张贴悬挂广告", "施工扰民", "施工占道",
            "道路塌陷", "火灾", "占道经营", "无照经营游商", "乱堆物堆料", "露天烧烤",
            "失业证", "退休资格认证", "大病救助", "廉租房货币补贴", "廉租房实物配租",
            "纠纷调解", "失物找寻", "政策咨询", "求助", "投诉", "建议", "部件问题",
        ]
        for name in expected { #expect(names.contains(name), "\(name) missing") }
        #expect(Self.all.contains { $0.nameZh.hasPrefix("暂住证") })
        let componentClasses = Self.all.filter { $0.parentKey == "component" }.map { String($0.key.dropFirst("component.".count)) }
        #expect(Set(componentClasses) == ["public_utility", "road_traffic", "city_appearance", "greening", "housing_land", "other"])
    }

    @Test func overridesWhereTheyMatter() {
        let fire = CaseCategory.seedByKey["emergency.fire"]!
        #expect(fire.limits.respondHours == 0.5 && fire.department == "emergency")
        let collapse = CaseCategory.seedByKey["emergency.road_collapse"]!
        #expect(collapse.isComplex && collapse.limits == CaseLimits(respondHours: 0.5, resolveHours: 72))
        let permit = CaseCategory.seedByKey["service.residence_permit"]!
        #expect(permit.limits.counting == .working && permit.department == "police")
        #expect(CaseCategory.seedByKey["service.rent_allocation"]!.limits == CaseLimits(resolveHours: 72, counting: .working))
        #expect(CaseCategory.seedByKey["city_appearance.exposed_garbage"]!.limits == .general)
    }
}

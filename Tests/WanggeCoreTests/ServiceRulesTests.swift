import Testing
import WanggeCore

@Suite("Proxy service catalogue: modes, the starting list, the rules of an entry")
struct ServiceRulesTests {
    @Test("the three ways of handling a matter, each named in both languages")
    func modes() {
        #expect(ServiceMode.allCases.map(\.rawValue) == ["full_proxy", "assist", "explain"])
        #expect(ServiceMode.allCases.map { L10n.t($0.nameKey) } == ["全程代办", "协办", "说明程序"])
        #expect(ServiceMode.allCases.allSatisfy { L10n.has($0.nameKey) && L10n.has("\($0.nameKey).help") })
    }

    @Test("the starting catalogue names the street's services, uses every mode and passes its own rules")
    func seed() {
        let names = ServiceCatalogueSeed.entries.map(\.service.nameZh).joined(separator: "|")
        for wanted in ["暂住证", "失业证", "退休资格认证", "大病救助", "廉租房货币补贴", "廉租房实物配租", "最低生活保障"] {
            #expect(names.contains(wanted), "\(wanted) is in the catalogue")
        }
        #expect(Set(ServiceCatalogueSeed.entries.map(\.mode)) == Set(ServiceMode.allCases))
        #expect(Set(ServiceCatalogueSeed.entries.map(\.key)).count == ServiceCatalogueSeed.entries.count)
        for e in ServiceCatalogueSeed.entries {
            #expect(ServiceRules.problems(e.service).isEmpty, "\(e.service.nameZh)")
        }
    }

    @Test("an entry needs a name, a known mode, materials, an office and a limit of 1–365 working days")
    func rules() {
        let good = ServiceDraft(nameZh: "失业证办理", mode: "full_proxy", materials: ["身份证"], steps: [], office: "劳动保障所", limitDays: 5)
        #expect(ServiceRules.problems(good).isEmpty)
        var bad = good
        bad.nameZh = " "
        bad.mode = "maybe"
        bad.materials = []
        bad.office = ""
        bad.limitDays = 0
        #expect(Set(ServiceRules.problems(bad).map(\.field)) == ["name_zh", "mode", "materials", "office", "limit_days"])
        bad = good
        bad.limitDays = nil
        bad.steps = Array(repeating: "一步", count: ServiceRules.maxLines + 1)
        bad.materials = [String(repeating: "材", count: ServiceRules.maxLine + 1)]
        #expect(ServiceRules.problems(bad).map(\.key).sorted() == ["service.days_number", "service.line_too_long", "service.too_many_lines"])
        #expect(ServiceDraft.lines("  身份证 \r\n\n　户口簿\n") == ["身份证", "户口簿"])
    }
}

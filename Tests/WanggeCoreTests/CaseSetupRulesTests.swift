import Testing
@testable import WanggeCore

@Suite("Case setup rules: time limits, keys, the subtree of a category")
struct CaseSetupRulesTests {
    @Test("limits are numbers above 0 and at most 720 hours, responding no later than resolving")
    func limits() {
        #expect(CaseSetupRules.limitProblems(respond: 2, resolve: 24).isEmpty)
        #expect(CaseSetupRules.limitProblems(respond: 0.5, resolve: 720).isEmpty)
        #expect(CaseSetupRules.limitProblems(respond: 24, resolve: 24).isEmpty)
        #expect(CaseSetupRules.limitProblems(respond: 0, resolve: 24).map(\.field) == ["respond_hours"])
        #expect(CaseSetupRules.limitProblems(respond: -1, resolve: 721).map(\.field) == ["respond_hours", "resolve_hours"])
        #expect(CaseSetupRules.limitProblems(respond: nil, resolve: .nan).map(\.key) == ["case.setup.hours_number", "case.setup.hours_number"])
        #expect(CaseSetupRules.limitProblems(respond: 30, resolve: 24) == [.init(field: "respond_hours", key: "case.setup.respond_after_resolve", args: ["30", "24"])])
        #expect(CaseSetupRules.limitProblems(respond: 800, resolve: 24).count == 1, "no order complaint on top of a range one")
    }

    @Test("keys: a child's starts with its parent's; given, checked, or generated")
    func keys() {
        let existing: Set = ["city_appearance", "city_appearance.c1", "city_appearance.dirty_road"]
        #expect(CaseSetupRules.categoryKey(parent: "city_appearance", segment: "graffiti", existing: existing) == .success("city_appearance.graffiti"))
        #expect(CaseSetupRules.categoryKey(parent: "city_appearance", segment: "", existing: existing) == .success("city_appearance.c2"))
        #expect(CaseSetupRules.categoryKey(parent: nil, segment: "", existing: existing) == .success("c1"))
        #expect(
            CaseSetupRules.categoryKey(parent: "city_appearance", segment: "dirty_road", existing: existing)
                == .failure(.init(field: "key", key: "case.setup.duplicate_key", args: ["city_appearance.dirty_road"])))
        for bad in ["Graffiti", "1st", "a.b", "涂鸦", "a b", String(repeating: "a", count: 41)] {
            #expect(!CaseSetupRules.isValidSegment(bad), "\(bad)")
        }
        #expect(CaseSetupRules.departmentKey("", existing: ["dept_1"]) == .success("dept_2"))
        #expect(CaseSetupRules.departmentKey("police", existing: ["police"]) == .failure(.init(field: "key", key: "case.setup.duplicate_key", args: ["police"])))
    }

    @Test("names and the subtree")
    func namesAndSubtree() {
        #expect(CaseSetupRules.nameProblems(zh: "", en: "").map(\.key) == ["field.required"])
        #expect(CaseSetupRules.nameProblems(zh: String(repeating: "名", count: 51), en: "").map(\.key) == ["field.too_long"])
        let parents: [String: String?] = ["a": nil, "a.b": "a", "a.b.c": "a.b", "a.d": "a", "e": nil]
        #expect(CaseSetupRules.descendants(of: "a", parents: parents) == ["a.b", "a.b.c", "a.d"])
        #expect(CaseSetupRules.descendants(of: "e", parents: parents).isEmpty)
        #expect(CaseSetupRules.hours(0.5) == "0.5" && CaseSetupRules.hours(24) == "24")
    }

    @Test("every mailbox kind opens a seeded category of disputes and inquiries")
    func mailboxKinds() {
        for kind in MailboxKind.allCases {
            #expect(CaseCategory.seedByKey[kind.categoryKey]?.kind == .appeal, "\(kind)")
        }
    }
}

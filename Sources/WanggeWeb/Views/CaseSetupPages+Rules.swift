import Foundation
import WanggeCore
import WanggeStore

/// The department list and the routing rules (category × unit → department).
extension CaseSetupPages {
    /// What the department forms hold, as typed.
    struct DepartmentValues {
        var key = ""
        var nameZh = ""
        var nameEn = ""
    }

    static func departments(
        _ rows: [DepartmentRow], values: DepartmentValues, problems: Problems, renaming: String?,
        csrf: String, notice: String?
    ) -> HTML {
        let table = HTML.table(
            ["case.setup.field.key", "case.setup.field.name_zh", "case.setup.field.name_en", ""],
            rows.map { d in
                // The row whose rename was refused keeps what was typed and shows why.
                let own = renaming == d.key ? problems : [:]
                let zh = renaming == d.key ? values.nameZh : d.nameZh, en = renaming == d.key ? values.nameEn : d.nameEn
                let form = "rename-\(d.key)"
                return [
                    el("span", ["class": "code"], .text(d.key)),
                    input("name_zh", zh, own, extra: [("form", form), ("required", "required"), ("aria-label", L10n.t("case.setup.field.name_zh"))])
                        + (own["name_zh"].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty),
                    input("name_en", en, own, extra: [("form", form), ("aria-label", L10n.t("case.setup.field.name_en"))])
                        + (own["name_en"].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty),
                    el(
                        "form", ["method": "post", "action": SiteURL.caseSetupDepartment(d.key).path, "id": form, "class": "inline"],
                        [
                            hidden(csrf), el("button", ["type": "submit"], .t("case.setup.rename")),
                        ]),
                ]
            })
        let adding = renaming == nil ? problems : [:]
        return [
            tabs(.caseSetupDepartments, district: true),
            noticeLine(notice),
            renaming == nil ? .empty : summary(problems),
            table,
            el("h2", .t("case.setup.add_department")),
            el(
                "form", ["method": "post", "action": SiteURL.caseSetupDepartments.path, "class": "card"],
                [
                    summary(adding),
                    hidden(csrf),
                    field("key", input("key", values.key, adding, max: CaseSetupRules.maxSegment), adding, help: "case.setup.department_key_help"),
                    field("name_zh", input("name_zh", renaming == nil ? values.nameZh : "", adding, extra: [("required", "required")]), adding),
                    field("name_en", input("name_en", renaming == nil ? values.nameEn : "", adding), adding),
                    el("button", ["type": "submit"], .t("case.setup.add_department")),
                ]),
        ]
    }

    /// What the rule form holds, as chosen.
    struct RuleValues {
        var category = ""
        var unit = ""
        var department = ""
    }

    static func unitLabel(_ u: UnitRow, top: Int) -> String {
        indent(max(0, u.ancestorIDs.count - top)) + "\(L10n.t(u.level.nameKey)) · \(u.name)"
    }

    static func rulesTable(_ rules: [RoutingRuleRow], categories: [CategoryRow], departments: [DepartmentRow], units: [UUID: UnitRow], csrf: String) -> HTML {
        guard !rules.isEmpty else { return el("p", .t("case.setup.no_rules")) }
        let categoryNames = Dictionary(uniqueKeysWithValues: categories.map { ($0.key, $0.nameZh) })
        let departmentNames = Dictionary(uniqueKeysWithValues: departments.map { ($0.key, $0.nameZh) })
        return HTML.table(
            ["case.setup.field.category", "case.setup.field.unit", "case.setup.field.department", ""],
            rules.map { r in
                let unit = units[r.unitID]
                return [
                    HTML.link(SiteURL.caseSetupCategory(r.categoryKey).path, categoryNames[r.categoryKey] ?? r.categoryKey),
                    .text(unit.map { "\(L10n.t($0.level.nameKey)) · \($0.name)" } ?? r.unitID.uuidString),
                    .text(departmentNames[r.departmentKey] ?? r.departmentKey),
                    el(
                        "form", ["method": "post", "action": SiteURL.caseSetupRouteDelete(r.id).path, "class": "inline"],
                        [
                            hidden(csrf), el("button", ["type": "submit", "class": "link"], .t("case.setup.delete")),
                        ]),
                ]
            })
    }

    static func routes(
        _ rules: [RoutingRuleRow], categories: [CategoryRow], departments: [DepartmentRow], units: [UnitRow],
        district: Bool, values: RuleValues, problems: Problems, csrf: String, notice: String?
    ) -> HTML {
        let top = units.map(\.ancestorIDs.count).min() ?? 0
        let routable = units.filter { $0.level <= .grid }
        return [
            tabs(.caseSetupRoutes, district: district),
            noticeLine(notice),
            el("p", ["class": "meta"], .t("case.setup.rules_help")),
            rulesTable(rules, categories: categories, departments: departments, units: Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) }), csrf: csrf),
            el("h2", .t("case.setup.add_rule")),
            el(
                "form", ["method": "post", "action": SiteURL.caseSetupRoutes.path, "class": "card"],
                [
                    summary(problems),
                    hidden(csrf),
                    field("category", el("select", ["name": "category", "required": "required"], categoryOptions(categories, selected: values.category)), problems),
                    field(
                        "unit",
                        el(
                            "select", ["name": "unit", "required": "required"],
                            options(routable.map { ($0.id.uuidString, unitLabel($0, top: top)) }, selected: values.unit)), problems),
                    field("department", el("select", ["name": "department", "required": "required"], departmentOptions(departments, selected: values.department)), problems),
                    el("button", ["type": "submit"], .t("case.setup.add_rule")),
                ]),
        ]
    }
}

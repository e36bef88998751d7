import Foundation
import WanggeCore
import WanggeStore

/// The case setup screens (C2): the category tree with its departments and time limits, one
/// category's form, the department list and the routing rules (CaseSetupPages+Rules.swift).
/// Problems come back beside their fields and, named, at the top of the form.
enum CaseSetupPages {
    /// What a category form holds, as typed, so a refused form comes back as it was sent.
    struct CategoryValues {
        var parent = ""
        var key = ""
        var kind = CaseKind.event.rawValue
        var nameZh = ""
        var nameEn = ""
        var department = ""
        var respond = "2"
        var resolve = "24"
        var counting = HourCounting.clock.rawValue
        var complex = false
        var onSpot = false
        var warn = "80"

        init() {}

        init(_ c: CategoryRow) {
            key = c.key
            kind = c.kind.rawValue
            nameZh = c.nameZh
            nameEn = c.nameEn
            department = c.departmentKey
            respond = CaseSetupRules.hours(c.respondHours)
            resolve = CaseSetupRules.hours(c.resolveHours)
            counting = c.counting.rawValue
            complex = c.complex
            onSpot = c.onSpot
            warn = String(c.warnPercent)
        }
    }

    /// Problems by field, several joined.
    typealias Problems = [String: String]

    static func problems(_ failure: ValidationFailure) -> Problems {
        var out: Problems = [:]
        for p in failure.problems { out[p.field] = out[p.field].map { $0 + "；" + p.message() } ?? p.message() }
        return out
    }

    static func tabs(_ current: SiteURL, district: Bool) -> HTML {
        let all: [(SiteURL, String)] =
            (district
                ? [(.caseSetupCategories, "case.setup.categories"), (.caseSetupDepartments, "case.setup.departments"), (.caseSetupCalendar(), "calendar.tab")]
                : [])
            + [(.caseSetupRoutes, "case.setup.routes")]
        return el(
            "nav", ["class": "pager"],
            all.map { url, key in
                url.path == current.path ? el("strong", .t(key)) : HTML.link(url.path, L10n.t(key))
            })
    }

    static func noticeLine(_ text: String?) -> HTML { text.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty }

    /// The problems named at the top of a form: "办结时限（小时）: 须大于 0 且不超过 720 小时".
    static func summary(_ problems: Problems) -> HTML {
        guard !problems.isEmpty else { return .empty }
        return el(
            "div", ["class": "alert", "role": "alert"],
            [
                el("p", .t("case.setup.fix_fields")),
                el("ul", problems.sorted { $0.key < $1.key }.map { field, message in el("li", .text("\(label(field)): \(message)")) }),
            ])
    }

    static func label(_ field: String) -> String {
        L10n.has("case.setup.field.\(field)") ? L10n.t("case.setup.field.\(field)") : field
    }

    /// A labelled control with its problem beside it.
    static func field(_ name: String, _ control: HTML, _ problems: Problems, label key: String? = nil, help: String? = nil) -> HTML {
        el(
            "label", ["class": "field"],
            [
                .text(key.map { L10n.t($0) } ?? label(name)), control,
                help.map { el("span", ["class": "meta"], .t($0)) } ?? .empty,
                problems[name].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty,
            ])
    }

    static func input(_ name: String, _ value: String, _ problems: Problems, max: Int = 50, extra: [(key: String, value: String?)] = []) -> HTML {
        element("input", [("name", name), ("value", value), ("maxlength", String(max)), ("aria-invalid", problems[name] == nil ? nil : "true")] + extra, [])
    }

    static func hidden(_ csrf: String) -> HTML { el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]) }

    static func options(_ items: [(value: String, label: String)], selected: String) -> [HTML] {
        items.map { el("option", ["value": $0.value, "selected": $0.value == selected ? "selected" : nil], .text($0.label)) }
    }

    static func indent(_ depth: Int) -> String { String(repeating: "　", count: depth) + (depth > 0 ? "└ " : "") }

    static func departmentOptions(_ departments: [DepartmentRow], selected: String) -> [HTML] {
        options(departments.map { ($0.key, $0.nameZh) }, selected: selected)
    }

    static func categoryOptions(_ categories: [CategoryRow], selected: String) -> [HTML] {
        options(
            CategoryRow.treeOrder(categories).map { c, depth in
                (c.key, indent(depth) + c.nameZh + (c.active ? "" : "（\(L10n.t("case.setup.inactive"))）"))
            }, selected: selected)
    }

    static func hours(_ h: Double) -> String { L10n.t("case.setup.hours", CaseSetupRules.hours(h)) }

    static func activeButton(_ c: CategoryRow, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.caseSetupCategoryActive(c.key).path, "class": "inline"],
            [
                hidden(csrf),
                el("input", ["type": "hidden", "name": "active", "value": c.active ? "0" : "1"]),
                el("button", ["type": "submit", "class": "link"], .t(c.active ? "case.setup.deactivate" : "case.setup.activate")),
            ])
    }

    static func status(_ c: CategoryRow) -> HTML {
        c.active ? .t("case.setup.active") : el("span", ["class": "flag"], .t("case.setup.inactive"))
    }

    // MARK: The tree

    static func categories(
        _ rows: [CategoryRow], departments: [DepartmentRow], values: CategoryValues, problems: Problems,
        csrf: String, notice: String?
    ) -> HTML {
        let names = Dictionary(uniqueKeysWithValues: departments.map { ($0.key, $0.nameZh) })
        let table = HTML.table(
            [
                "case.setup.field.name", "case.setup.field.key", "case.setup.field.kind", "case.setup.field.department", "case.setup.field.respond_hours",
                "case.setup.field.resolve_hours", "case.setup.field.counting", "case.setup.field.complex", "case.setup.field.active", "",
            ],
            CategoryRow.treeOrder(rows).map { c, depth in
                [
                    .text(indent(depth)) + HTML.link(SiteURL.caseSetupCategory(c.key).path, c.nameZh),
                    el("span", ["class": "code"], .text(c.key)),
                    .t(c.kind.nameKey),
                    .text(names[c.departmentKey] ?? c.departmentKey),
                    .text(hours(c.respondHours)),
                    .text(hours(c.resolveHours)),
                    .t(c.counting.nameKey),
                    .t(c.complex ? "case.setup.yes" : "case.setup.no"),
                    status(c),
                    activeButton(c, csrf: csrf),
                ]
            })
        return [
            tabs(.caseSetupCategories, district: true),
            noticeLine(notice),
            table,
            el("h2", .t("case.setup.add_category")),
            categoryForm(
                action: SiteURL.caseSetupCategories.path, adding: true, categories: rows, departments: departments,
                values: values, problems: problems, csrf: csrf),
        ]
    }

    /// The form to add a category (with parent, key and kind) or edit one (without them).
    static func categoryForm(
        action: String, adding: Bool, categories: [CategoryRow], departments: [DepartmentRow],
        values v: CategoryValues, problems: Problems, csrf: String
    ) -> HTML {
        var fields: [HTML] = [summary(problems), hidden(csrf)]
        if adding {
            let parents = [el("option", ["value": ""], .t("case.setup.top_level"))] + categoryOptions(categories.filter(\.active), selected: v.parent)
            fields += [
                field("parent", el("select", ["name": "parent"], parents), problems),
                field("key", input("key", v.key, problems, max: CaseSetupRules.maxSegment), problems, help: "case.setup.key_help"),
                field(
                    "kind", el("select", ["name": "kind"], options(CaseKind.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: v.kind)),
                    problems, help: "case.setup.kind_help"),
            ]
        }
        let number: [(key: String, value: String?)] = [("inputmode", "decimal"), ("required", "required")]
        fields += [
            field("name_zh", input("name_zh", v.nameZh, problems, extra: [("required", "required")]), problems),
            field("name_en", input("name_en", v.nameEn, problems), problems),
            field("department", el("select", ["name": "department"], departmentOptions(departments, selected: v.department)), problems),
            field("respond_hours", input("respond_hours", v.respond, problems, max: 10, extra: number), problems),
            field("resolve_hours", input("resolve_hours", v.resolve, problems, max: 10, extra: number), problems),
            field("counting", el("select", ["name": "counting"], options(HourCounting.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: v.counting)), problems),
            field("warn_percent", input("warn_percent", v.warn, problems, max: 3, extra: [("type", "number"), ("min", "50"), ("max", "95")]), problems),
            el(
                "label", ["class": "check"],
                [
                    element("input", [("type", "checkbox"), ("name", "complex"), ("value", "1"), ("checked", v.complex ? "checked" : nil)], []),
                    .t("case.setup.field.complex"),
                ]),
            el(
                "label", ["class": "check"],
                [
                    element("input", [("type", "checkbox"), ("name", "on_spot"), ("value", "1"), ("checked", v.onSpot ? "checked" : nil)], []),
                    .t("case.setup.field.on_spot"),
                ]),
            el("button", ["type": "submit"], .t(adding ? "case.setup.add_category" : "case.setup.save")),
        ]
        return el("form", ["method": "post", "action": action, "class": "card"], fields)
    }

    // MARK: One category

    static func category(
        _ c: CategoryRow, categories: [CategoryRow], departments: [DepartmentRow], rules: [RoutingRuleRow],
        units: [UUID: UnitRow], values: CategoryValues, problems: Problems, csrf: String, notice: String?
    ) -> HTML {
        let parent = c.parentKey.flatMap { key in categories.first { $0.key == key } }
        return [
            tabs(.caseSetupCategory(c.key), district: true),
            noticeLine(notice),
            CasePages.facts([
                ("case.setup.field.key", el("span", ["class": "code"], .text(c.key))),
                ("case.setup.field.parent", parent.map { HTML.link(SiteURL.caseSetupCategory($0.key).path, $0.nameZh) } ?? .t("case.setup.top_level")),
                ("case.setup.field.kind", .t(c.kind.nameKey)),
                ("case.setup.field.active", status(c) + .text(" ") + activeButton(c, csrf: csrf)),
            ]),
            el("p", ["class": "meta"], .t("case.setup.deactivate_help")),
            categoryForm(
                action: SiteURL.caseSetupCategory(c.key).path, adding: false, categories: categories, departments: departments,
                values: values, problems: problems, csrf: csrf),
            el("h2", .t("case.setup.rules_of_category")),
            rulesTable(rules.filter { $0.categoryKey == c.key }, categories: categories, departments: departments, units: units, csrf: csrf),
            el("p", HTML.link(SiteURL.caseSetupCategories.path, L10n.t("case.setup.back"))),
        ]
    }
}

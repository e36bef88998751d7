import Foundation
import WanggeCore
import WanggeStore

/// The proxy service catalogue: the public page (a phone first: one card a service) and the setup
/// list and form. Field problems come back beside their fields as on the case setup pages.
enum ServiceCataloguePages {
    /// What a service form holds, as typed.
    struct Values {
        var key = ""
        var nameZh = ""
        var nameEn = ""
        var mode = ServiceMode.fullProxy.rawValue
        var materials = ""
        var steps = ""
        var office = ""
        var limitDays = ""
        var category = ""

        init() {}

        init(key: String, nameZh: String, nameEn: String, mode: String, materials: String, steps: String, office: String, limitDays: String, category: String) {
            (self.key, self.nameZh, self.nameEn, self.mode) = (key, nameZh, nameEn, mode)
            (self.materials, self.steps, self.office, self.limitDays, self.category) = (materials, steps, office, limitDays, category)
        }

        init(_ s: ProxyServiceRow) {
            self.init(
                key: s.key, nameZh: s.nameZh, nameEn: s.nameEn, mode: s.mode.rawValue, materials: s.materials.joined(separator: "\n"),
                steps: s.steps.joined(separator: "\n"), office: s.office, limitDays: String(s.limitDays), category: s.categoryKey ?? "")
        }
    }

    static func modeBadge(_ mode: ServiceMode) -> HTML {
        el("span", ["class": "badge mode-\(mode.rawValue)"], .t(mode.nameKey))
    }

    // MARK: Public

    static func catalogue(_ services: [ProxyServiceRow], examples: [String: [ServiceExample]] = [:]) -> HTML {
        guard !services.isEmpty else { return el("p", .t("service.none")) }
        let sections: [HTML] = ServiceMode.allCases.compactMap { mode in
            let these = services.filter { $0.mode == mode }
            guard !these.isEmpty else { return nil }
            return el(
                "section", ["class": "services"],
                [el("h2", [modeBadge(mode)]), el("p", ["class": "meta"], .t("\(mode.nameKey).help"))] + these.map { serviceCard($0, examples: examples[$0.key] ?? []) })
        }
        return HTML([el("p", ["class": "principle"], .t("service.principle")), el("p", ["class": "meta"], .t("service.catalogue_intro"))] + sections)
    }

    static func serviceCard(_ s: ProxyServiceRow, examples: [ServiceExample] = []) -> HTML {
        el(
            "article", ["class": "card service", "id": s.key],
            [
                el("h3", .text(s.nameZh)),
                el(
                    "dl", ["class": "service-facts"],
                    [
                        el("div", [el("dt", .t("service.office")), el("dd", .text(s.office))]),
                        el("div", [el("dt", .t("service.limit")), el("dd", .t("service.days", s.limitDays))]),
                    ]),
                el("h4", .t("service.materials")),
                el("ul", ["class": "checklist"], s.materials.map { el("li", .text($0)) }),
                s.steps.isEmpty ? .empty : el("h4", .t("service.steps")),
                s.steps.isEmpty ? .empty : el("ol", s.steps.map { el("li", .text($0)) }),
                ExamplePages.publicList(examples),
            ])
    }

    /// On a service request's case page: what the resident must hand over, and how the matter runs.
    static func checklist(_ service: ProxyServiceRow?) -> HTML {
        guard let s = service else { return .empty }
        return el(
            "section", ["class": "card service-checklist"],
            [
                el("h2", [.t("service.checklist", s.nameZh), .text(" "), modeBadge(s.mode)]),
                el("p", ["class": "meta"], .t("service.checklist_help", L10n.t("\(s.mode.nameKey).help"), s.office, s.limitDays)),
                el("ul", ["class": "checklist"], s.materials.map { el("li", .text($0)) }),
                s.steps.isEmpty ? .empty : el("ol", s.steps.map { el("li", .text($0)) }),
            ])
    }

    // MARK: Setup

    static func setup(_ rows: [ProxyServiceRow], categories: [CategoryRow], values: Values, problems: CaseSetupPages.Problems, csrf: String, notice: String?) -> HTML {
        let table = HTML.table(
            ["service.field.name_zh", "service.field.mode", "service.field.office", "service.field.limit_days", "case.setup.field.active"],
            rows.map { s in
                [
                    HTML.link(SiteURL.serviceSetupItem(s.key).path, s.nameZh), modeBadge(s.mode), .text(s.office), .t("service.days", s.limitDays),
                    s.active ? .t("case.setup.active") : el("span", ["class": "flag"], .t("service.inactive")),
                ]
            })
        return [
            CaseSetupPages.noticeLine(notice),
            el("p", ["class": "meta"], [.t("service.setup_intro", SiteURL.services.path), HTML.link(SiteURL.services.path, L10n.t("service.public_link"))]),
            table,
            el("h2", .t("service.add")),
            form(action: SiteURL.serviceSetup.path, adding: true, categories: categories, values: values, problems: problems, csrf: csrf),
        ]
    }

    static func item(_ s: ProxyServiceRow, categories: [CategoryRow], values: Values, problems: CaseSetupPages.Problems, csrf: String, notice: String?) -> HTML {
        [
            CaseSetupPages.noticeLine(notice),
            CasePages.facts([
                ("service.field.key", el("span", ["class": "code"], .text(s.key))),
                ("case.setup.field.active", (s.active ? .t("case.setup.active") : el("span", ["class": "flag"], .t("service.inactive"))) + .text(" ") + activeButton(s, csrf: csrf)),
            ]),
            form(action: SiteURL.serviceSetupItem(s.key).path, adding: false, categories: categories, values: values, problems: problems, csrf: csrf),
            el("p", HTML.link(SiteURL.serviceSetup.path, L10n.t("service.back"))),
        ]
    }

    static func activeButton(_ s: ProxyServiceRow, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.serviceSetupActive(s.key).path, "class": "inline"],
            [
                CaseSetupPages.hidden(csrf),
                el("input", ["type": "hidden", "name": "active", "value": s.active ? "0" : "1"]),
                el("button", ["type": "submit", "class": "link"], .t(s.active ? "service.deactivate" : "service.activate")),
            ])
    }

    static func field(_ name: String, _ control: HTML, _ problems: CaseSetupPages.Problems, help: String? = nil) -> HTML {
        CaseSetupPages.field(name, control, problems, label: "service.field.\(name)", help: help)
    }

    static func textarea(_ name: String, _ value: String, _ problems: CaseSetupPages.Problems) -> HTML {
        element("textarea", [("name", name), ("rows", "5"), ("maxlength", "3000"), ("aria-invalid", problems[name] == nil ? nil : "true")], [.text(value)])
    }

    static func form(action: String, adding: Bool, categories: [CategoryRow], values v: Values, problems: CaseSetupPages.Problems, csrf: String) -> HTML {
        let summary = CaseSetupPages.summary(problems.reduce(into: [:]) { out, p in out[L10n.t("service.field.\(p.key)")] = p.value })
        var fields: [HTML] = [summary, CaseSetupPages.hidden(csrf)]
        if adding { fields.append(field("key", CaseSetupPages.input("key", v.key, problems, max: CaseSetupRules.maxSegment), problems, help: "case.setup.key_help")) }
        fields += [
            field("name_zh", CaseSetupPages.input("name_zh", v.nameZh, problems, extra: [("required", "required")]), problems),
            field("name_en", CaseSetupPages.input("name_en", v.nameEn, problems), problems),
            field(
                "mode", el("select", ["name": "mode"], CaseSetupPages.options(ServiceMode.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: v.mode)),
                problems),
            field("materials", textarea("materials", v.materials, problems), problems, help: "service.lines_help"),
            field("steps", textarea("steps", v.steps, problems), problems, help: "service.lines_help"),
            field("office", CaseSetupPages.input("office", v.office, problems, max: ServiceRules.maxOffice, extra: [("required", "required")]), problems),
            field("limit_days", CaseSetupPages.input("limit_days", v.limitDays, problems, max: 4, extra: [("inputmode", "numeric"), ("required", "required")]), problems),
            field(
                "category",
                el("select", ["name": "category"], CaseSetupPages.options([("", L10n.t("service.no_category"))] + categories.map { ($0.key, $0.nameZh) }, selected: v.category)),
                problems),
            el("button", ["type": "submit"], .t(adding ? "service.add" : "service.save")),
        ]
        return el("form", ["method": "post", "action": action, "class": "card"], fields)
    }
}

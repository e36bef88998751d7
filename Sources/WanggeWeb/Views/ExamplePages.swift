import Foundation
import WanggeCore
import WanggeStore

/// The library of worked examples (服务案例): the staff list with its search, the form where a
/// closed case is written up, an example's page, and the short cards the public catalogue shows.
enum ExamplePages {
    /// What the example form holds, as typed.
    struct Values {
        var caseID = ""
        var title = ""
        var text = ""
        var service = ""
        var outcome = CaseOutcome.solved.rawValue
        var keywords = ""
        var published = false
    }

    static func outcomeBadge(_ o: CaseOutcome) -> HTML {
        el("span", ["class": o == .solved ? "badge ok" : "badge"], .t("example.outcome.\(o.rawValue)"))
    }

    static func library(_ rows: [ServiceExample], search: ExampleSearch, services: [ProxyServiceRow], canSave: Bool, notice: String?, error: String?) -> HTML {
        let serviceOptions = [("", L10n.t("example.any_service"))] + services.map { ($0.key, $0.nameZh) }
        let outcomes = [("", L10n.t("example.any_outcome"))] + ServiceExampleRepository.outcomes.map { ($0.rawValue, L10n.t("example.outcome.\($0.rawValue)")) }
        return [
            LogPages.notices(notice, error),
            el("p", ["class": "meta"], .t("example.intro")),
            el(
                "form", ["method": "get", "action": SiteURL.examples().path, "class": "search"],
                [
                    el("label", [.t("example.service"), el("select", ["name": "service"], CaseSetupPages.options(serviceOptions, selected: search.service ?? ""))]),
                    el("label", [.t("log.words"), el("input", ["type": "search", "name": "q", "value": search.q, "maxlength": "50"])]),
                    el("label", [.t("example.outcome"), el("select", ["name": "outcome"], CaseSetupPages.options(outcomes, selected: search.outcome ?? ""))]),
                    el("button", ["type": "submit"], .t("log.search")),
                ]),
            canSave
                ? el(
                    "form", ["method": "get", "action": SiteURL.exampleNew().path, "class": "search"],
                    [
                        el("label", [.t("example.from_code"), el("input", ["name": "code", "maxlength": "9", "required": "required", "autocomplete": "off"])]),
                        el("button", ["type": "submit", "class": "secondary"], .t("example.write_up")),
                    ])
                : .empty,
            rows.isEmpty ? el("p", .t("example.none")) : el("div", ["class": "log-entries"], rows.map(card)),
        ]
    }

    static func card(_ e: ServiceExample) -> HTML {
        el(
            "article", ["class": "card log-entry"],
            [
                el(
                    "p", ["class": "meta"],
                    [
                        outcomeBadge(e.outcome), e.serviceName.map { el("span", ["class": "badge"], .text($0)) } ?? .empty,
                        e.published ? el("span", ["class": "badge ok"], .t("example.is_published")) : .empty,
                    ]),
                el("h3", HTML.link(SiteURL.example(e.id).path, e.title)),
                el("p", ["class": "log-text"], .text(String(e.text.prefix(120)) + (e.text.count > 120 ? "…" : ""))),
                e.keywords.isEmpty ? .empty : el("p", ["class": "meta"], e.keywords.map { el("span", ["class": "chip"], .text($0)) }),
            ])
    }

    static func form(
        _ v: Values, caseRow: CaseRow?, services: [ProxyServiceRow], problems: CaseSetupPages.Problems, csrf: String, error: String?
    ) -> HTML {
        let serviceOptions = [("", L10n.t("example.no_service"))] + services.map { ($0.key, $0.nameZh) }
        let outcomes = ServiceExampleRepository.outcomes.map { ($0.rawValue, L10n.t("example.outcome.\($0.rawValue)")) }
        func field(_ name: String, _ key: String, _ control: HTML) -> HTML { CaseSetupPages.field(name, control, problems, label: key) }
        return [
            LogPages.notices(nil, error),
            caseRow.map { c in el("p", ["class": "meta"], [.t("example.source"), .text(" "), HTML.link(SiteURL.caseDetail(c.id).path, TrackingCode.display(c.trackingCode))]) }
                ?? .empty,
            v.caseID.isEmpty
                ? .empty
                : el(
                    "form", ["method": "post", "action": SiteURL.exampleNew().path, "class": "card"],
                    [
                        CaseSetupPages.hidden(csrf),
                        el("input", ["type": "hidden", "name": "case", "value": v.caseID]),
                        el("p", ["class": "alert", "role": "note"], .t("example.check")),
                        field("title", "example.title", CaseSetupPages.input("title", v.title, problems, max: ServiceExampleRepository.maxTitle)),
                        field(
                            "text", "example.text",
                            element(
                                "textarea", [("name", "text"), ("rows", "10"), ("maxlength", String(ServiceExampleRepository.maxText)), ("required", "required")],
                                [.text(v.text)])),
                        field("service", "example.service", el("select", ["name": "service"], CaseSetupPages.options(serviceOptions, selected: v.service))),
                        field("outcome", "example.outcome", el("select", ["name": "outcome"], CaseSetupPages.options(outcomes, selected: v.outcome))),
                        field("keywords", "example.keywords", CaseSetupPages.input("keywords", v.keywords, problems, max: 200)),
                        el(
                            "label", ["class": "check"],
                            [el("input", ["type": "checkbox", "name": "published", "value": "1", "checked": v.published ? "checked" : nil]), .t("example.publish_now")]),
                        el("button", ["type": "submit"], .t("example.save")),
                    ]),
            el("p", ["class": "actions"], [HTML.link(SiteURL.examples().path, L10n.t("example.library"))]),
        ]
    }

    static func detail(_ e: ServiceExample, canPublish: Bool, csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            el(
                "p", ["class": "meta"],
                [
                    outcomeBadge(e.outcome), e.serviceName.map { el("span", ["class": "badge"], .text($0)) } ?? .empty,
                    el("span", ["class": e.published ? "badge ok" : "badge"], .t(e.published ? "example.is_published" : "example.not_published")),
                    .text(" · " + L10n.t("example.saved_by", e.savedBy, ChinaTime.formatMinutes(e.savedAt))),
                ]),
            el("div", ["class": "card"], e.text.split(separator: "\n").map { el("p", .text(String($0))) }),
            e.keywords.isEmpty ? .empty : el("p", ["class": "meta"], e.keywords.map { el("span", ["class": "chip"], .text($0)) }),
            canPublish
                ? el(
                    "form", ["method": "post", "action": SiteURL.examplePublish(e.id).path, "class": "inline"],
                    [
                        CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "published", "value": e.published ? "0" : "1"]),
                        el("button", ["type": "submit", "class": "secondary"], .t(e.published ? "example.unpublish" : "example.publish")),
                    ])
                : .empty,
            el("p", ["class": "actions"], [HTML.link(SiteURL.examples().path, L10n.t("example.library"))]),
        ]
    }

    /// On a closed case's page: its worked example, or the way to write one.
    static func caseSection(_ c: CaseRow, example: ServiceExample?, canSave: Bool) -> HTML {
        if let example { return el("p", ["class": "actions"], [.t("example.case_has"), .text(" "), HTML.link(SiteURL.example(example.id).path, example.title)]) }
        guard canSave, [.closed, .calledBack].contains(c.state), [.solved, .unsolvable].contains(c.outcome) else { return .empty }
        return el("p", ["class": "actions"], HTML.link(SiteURL.exampleNew(caseID: c.id).path, L10n.t("example.write_up"), cls: "button secondary"))
    }

    /// On the public catalogue, under a service: what was done for others asking the same.
    static func publicList(_ examples: [ServiceExample]) -> HTML {
        guard !examples.isEmpty else { return .empty }
        return el(
            "details", ["class": "examples"],
            [
                el("summary", .t("example.public_heading", examples.count)),
                HTML(
                    examples.prefix(5).map { e in
                        el("div", ["class": "example"], [el("h4", [outcomeBadge(e.outcome), .text(" " + e.title)]), el("p", .text(e.text))])
                    }),
            ])
    }
}

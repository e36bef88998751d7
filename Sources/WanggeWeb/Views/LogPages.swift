import Foundation
import WanggeCore
import WanggeStore

/// The social log (社情日志) and the needs log (居民需求日志) of a grid, or of a community rolled
/// up from its grids. Phone first: one card an entry, forms one field a line.
enum LogPages {
    /// What a log or need form holds, as typed, and what was wrong with it.
    struct Form {
        var values: [String: String] = [:]
        var problems: CaseSetupPages.Problems = [:]

        func value(_ name: String) -> String { values[name] ?? "" }
    }

    static func notices(_ notice: String?, _ error: String?) -> HTML {
        [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
        ]
    }

    static func field(_ name: String, _ label: String, _ control: HTML, _ form: Form) -> HTML {
        CaseSetupPages.field(name, control, form.problems, label: label)
    }

    static func textarea(_ name: String, _ form: Form, max: Int) -> HTML {
        element(
            "textarea", [("name", name), ("rows", "4"), ("maxlength", String(max)), ("required", "required"), ("aria-invalid", form.problems[name] == nil ? nil : "true")],
            [.text(form.value(name))])
    }

    // MARK: Social log

    static func socialLog(
        unit: UnitRow, entries: [SocialLogEntry], search: SocialLogSearch, more: UUID?, canWrite: Bool, form: Form, today: String, csrf: String,
        notice: String?
    ) -> HTML {
        [
            notices(notice, nil),
            el("p", ["class": "meta"], .t("log.intro")),
            canWrite && unit.level == .grid ? entryForm(unit, form: form, today: today, csrf: csrf) : .empty,
            searchForm(unit, search),
            entries.isEmpty ? el("p", .t("log.none")) : el("div", ["class": "log-entries"], entries.map { entryCard($0, rollUp: unit.level != .grid) }),
            more.map { el("p", HTML.link(SiteURL.socialLog(unit.id, search: search, after: $0).path, L10n.t("log.more"), cls: "button secondary")) } ?? .empty,
            el("p", ["class": "actions"], [HTML.link(SiteURL.needs(unit.id).path, L10n.t("need.nav"), cls: "button secondary"), HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
        ]
    }

    static func entryForm(_ unit: UnitRow, form: Form, today: String, csrf: String) -> HTML {
        let categories = [("", L10n.t("log.category_none"))] + SocialLogCategory.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        return el(
            "form", ["method": "post", "action": SiteURL.socialLog(unit.id).path, "class": "card"],
            [
                el("h2", .t("log.add")),
                CaseSetupPages.hidden(csrf),
                field("day", L10n.t("log.day"), element("input", [("type", "date"), ("name", "day"), ("value", form.values["day"] ?? today), ("max", today)], []), form),
                field("category", L10n.t("log.category"), el("select", ["name": "category"], CaseSetupPages.options(categories, selected: form.value("category"))), form),
                field("place", L10n.t("log.place"), CaseSetupPages.input("place", form.value("place"), form.problems, max: SocialLogRepository.maxPlace), form),
                field("text", L10n.t("log.text"), textarea("text", form, max: SocialLogRepository.maxText), form),
                el("button", ["type": "submit"], .t("log.save")),
            ])
    }

    static func searchForm(_ unit: UnitRow, _ s: SocialLogSearch) -> HTML {
        el(
            "form", ["method": "get", "action": SiteURL.socialLog(unit.id).path, "class": "search"],
            [
                el("label", [.t("log.words"), el("input", ["type": "search", "name": "q", "value": s.q, "maxlength": String(SocialLogFilter.maxWords)])]),
                el("label", [.t("log.from"), el("input", ["type": "date", "name": "from", "value": s.from])]),
                el("label", [.t("log.to"), el("input", ["type": "date", "name": "to", "value": s.to])]),
                el("button", ["type": "submit"], .t("log.search")),
            ])
    }

    static func entryCard(_ e: SocialLogEntry, rollUp: Bool) -> HTML {
        el(
            "article", ["class": "card log-entry"],
            [
                el(
                    "p", ["class": "meta"],
                    [
                        el("time", ["datetime": e.day], .text(e.day)),
                        e.category.map { el("span", ["class": "badge"], .t($0.nameKey)) } ?? .empty,
                        rollUp ? el("span", ["class": "badge"], .text(e.unitName)) : .empty,
                        e.place.map { el("span", .text($0)) } ?? .empty,
                    ]),
                el("p", ["class": "log-text"], .text(e.text)),
                el("p", ["class": "meta"], [.t("log.author"), .text("：\(e.authorName)")]),
            ])
    }

    // MARK: Needs log

    static func needs(
        unit: UnitRow, needs: [ResidentNeed], state: NeedState?, more: UUID?, canWrite: Bool, form: Form, csrf: String, notice: String?
    ) -> HTML {
        let filters: [HTML] =
            [HTML.link(SiteURL.needs(unit.id).path, L10n.t("need.all"), cls: state == nil ? "current" : nil)]
            + NeedState.allCases.map { s in HTML.link(SiteURL.needs(unit.id, state: s.rawValue).path, L10n.t(s.nameKey), cls: state == s ? "current" : nil) }
        return [
            notices(notice, nil),
            el("p", ["class": "meta"], .t("need.intro")),
            canWrite && unit.level == .grid ? needForm(unit, form: form, csrf: csrf) : .empty,
            el("nav", ["class": "pager"], filters),
            needs.isEmpty ? el("p", .t("need.none")) : el("div", ["class": "needs"], needs.map { needCard($0, rollUp: unit.level != .grid) }),
            more.map { el("p", HTML.link(SiteURL.needs(unit.id, state: state?.rawValue, after: $0).path, L10n.t("need.more"), cls: "button secondary")) } ?? .empty,
            el("p", ["class": "actions"], [HTML.link(SiteURL.socialLog(unit.id).path, L10n.t("log.nav"), cls: "button secondary"), HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
        ]
    }

    static func needForm(_ unit: UnitRow, form: Form, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.needs(unit.id).path, "class": "card"],
            [
                el("h2", .t("need.add")),
                CaseSetupPages.hidden(csrf),
                field("household", L10n.t("need.household"), CaseSetupPages.input("household", form.value("household"), form.problems), form),
                field("text", L10n.t("need.what"), textarea("text", form, max: NeedRepository.maxText), form),
                el("button", ["type": "submit"], .t("need.add")),
            ])
    }

    static func stateBadge(_ s: NeedState) -> HTML { el("span", ["class": "badge need-\(s.rawValue)"], .t(s.nameKey)) }

    static func needCard(_ n: ResidentNeed, rollUp: Bool) -> HTML {
        el(
            "article", ["class": "card need"],
            [
                el(
                    "p", ["class": "meta"],
                    [
                        stateBadge(n.state), rollUp ? el("span", ["class": "badge"], .text(n.unitName)) : .empty,
                        n.householdNumber.map { el("span", ["class": "code"], .text($0)) } ?? .empty,
                        n.trackingCode.map { el("span", ["class": "code"], .text(TrackingCode.display($0))) } ?? .empty,
                    ]),
                el("p", HTML.link(SiteURL.need(n.id).path, n.text)),
                el("p", ["class": "meta"], .text("\(n.recordedBy) · \(ChinaTime.formatMinutes(n.recordedAt))")),
            ])
    }

    static func need(
        _ n: ResidentNeed, canResolve: Bool, canEscalate: Bool, categories: [CategoryRow], form: Form, csrf: String, notice: String?, error: String?
    ) -> HTML {
        var facts: [(String, HTML)] = [
            ("need.state", stateBadge(n.state)),
            ("log.grid", HTML.link(SiteURL.needs(n.unitID).path, n.unitName)),
            ("need.recorded_by", .text("\(n.recordedBy) · \(ChinaTime.formatMinutes(n.recordedAt))")),
        ]
        if let number = n.householdNumber, let id = n.householdID { facts.insert(("need.household", HTML.link(SiteURL.household(id).path, number)), at: 1) }
        if let code = n.trackingCode, let id = n.caseID { facts.append(("need.case", HTML.link(SiteURL.caseDetail(id).path, TrackingCode.display(code)))) }
        if let by = n.resolvedBy, let at = n.resolvedAt { facts.append(("need.resolved_by", .text("\(by) · \(ChinaTime.formatMinutes(at))"))) }
        if let how = n.resolution { facts.append(("need.resolution", .text(how))) }
        let allowed = NeedMachine.allowed(in: n.state)
        return [
            notices(notice, error),
            el("article", ["class": "card need"], [el("p", ["class": "log-text"], .text(n.text)), el("dl", ["class": "facts"], facts.map { el("div", [el("dt", .t($0.0)), el("dd", $0.1)]) })]),
            canResolve && allowed.contains(.resolve)
                ? el(
                    "form", ["method": "post", "action": SiteURL.needResolve(n.id).path, "class": "card"],
                    [
                        el("h2", .t("need.action.resolve")), CaseSetupPages.hidden(csrf),
                        field("note", L10n.t("need.resolution"), textarea("note", form, max: NeedRepository.maxText), form),
                        el("button", ["type": "submit"], .t("need.action.resolve")),
                    ]) : .empty,
            canEscalate && allowed.contains(.escalate)
                ? el(
                    "form", ["method": "post", "action": SiteURL.needToCase(n.id).path, "class": "card"],
                    [
                        el("h2", .t("need.action.escalate")), el("p", ["class": "meta"], .t("need.escalate_help")), CaseSetupPages.hidden(csrf),
                        field(
                            "category", L10n.t("need.category"),
                            el("select", ["name": "category", "required": "required"], CaseSetupPages.options(categories.map { ($0.key, $0.nameZh) }, selected: form.value("category"))), form),
                        el("button", ["type": "submit", "class": "secondary"], .t("need.action.escalate")),
                    ]) : .empty,
        ]
    }
}

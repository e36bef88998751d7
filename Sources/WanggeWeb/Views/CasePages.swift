import Foundation
import WanggeCore
import WanggeStore

/// Names the case screens look up: categories, departments and grids.
struct CaseNames {
    var categories: [String: CategoryRow]
    var departments: [String: DepartmentRow]
    var grids: [UUID: UnitRow]
    /// Categories and departments in their screens' order (pickers).
    var categoryOrder: [CategoryRow] = []
    var departmentOrder: [DepartmentRow] = []

    func category(_ key: String) -> String { categories[key]?.nameZh ?? key }
    func department(_ key: String?) -> String { key.map { departments[$0]?.nameZh ?? $0 } ?? "—" }
    func grid(_ id: UUID?) -> String { id.flatMap { grids[$0]?.name } ?? L10n.t("case.no_grid") }
}

/// The staff's case screens: queues, the case page with its timeline and action forms, the entry form.
enum CasePages {
    static func time(_ d: Date?) -> String { d.map(AuditPage.time) ?? "—" }

    /// A limit's flag, labelled with the status's own name or with `label`.
    static func flag(_ status: LimitStatus, label: String? = nil) -> HTML {
        status == .onTime ? .empty : el("span", ["class": status == .overdue ? "flag" : "badge"], .t(label ?? status.nameKey))
    }

    /// One flag for a case in a list: the more urgent of its two limits, saying which it is
    /// (办结超时 before 响应超时 before the warnings) — never two flags side by side.
    static func listFlag(response: LimitStatus, resolution: LimitStatus) -> HTML {
        for (status, limit) in [
            (LimitStatus.overdue, (resolution, "resolve")), (.overdue, (response, "respond")),
            (.warning, (resolution, "resolve")), (.warning, (response, "respond")),
        ] where limit.0 == status {
            return flag(status, label: "case.limit.\(limit.1)_\(status.rawValue)")
        }
        return .empty
    }

    /// What the case list shows: the tabs with their counts (none for 全部), the current tab, the
    /// search (全部 only) and one page of cases.
    struct CaseList {
        var tab: CaseListTab
        var tabs: [(CaseListTab, Int?)]
        var search: CaseSearch
        var page: CasePage
        var units: [UnitRow] = []
        /// A department account's own departments; nil offers every department.
        var departmentChoices: [String]?
        var continued = false
    }

    static func queues(_ list: CaseList, names: CaseNames, now: Date, canEnter: Bool, canConfigure: Bool = false) -> HTML {
        let nav = el(
            "nav", ["class": "pager tabs"],
            list.tabs.map { tab, n in
                let label = L10n.t(tab.nameKey) + (n.map { " (\($0))" } ?? "")
                return tab == list.tab ? el("strong", .text(label)) : HTML.link(SiteURL.cases(queue: tab.rawValue).path, label)
            })
        let rows = list.page.rows
        let table: HTML =
            rows.isEmpty
            ? el("p", .t(list.continued ? "cases.no_more" : "cases.empty"))
            : HTML.table(
                ["case.field.code", "case.field.title", "case.field.category", "case.field.state", "case.field.grid", "case.field.reported_at", "case.field.resolve_by"],
                rows.map { r in
                    let status = r.limitStatus(now: now)
                    return [
                        HTML.link(SiteURL.caseDetail(r.id).path, TrackingCode.display(r.trackingCode), cls: "code"), .text(r.title),
                        .text(names.category(r.categoryKey)), .t(r.state.nameKey), .text(names.grid(r.unitID)),
                        .text(time(r.reportedAt)), .text(time(r.resolveBy)) + .text(" ") + listFlag(response: status.response, resolution: status.resolution),
                    ]
                })
        var pager: [HTML] = []
        if list.continued { pager.append(HTML.link(SiteURL.cases(queue: list.tab.rawValue, search: list.tab == .all ? list.search : CaseSearch()).path, L10n.t("cases.first_page"))) }
        if let next = list.page.next {
            pager.append(
                HTML.link(SiteURL.cases(queue: list.tab.rawValue, search: list.tab == .all ? list.search : CaseSearch(), after: next).path, L10n.t("cases.next_page")))
        }
        let links = [
            canEnter ? HTML.link(SiteURL.caseNew.path, L10n.t("cases.new"), cls: "badge") : nil,
            canConfigure ? HTML.link(SiteURL.caseSetupRoutes.path, L10n.t("nav.case_setup"), cls: "badge") : nil,
        ].compactMap { $0 }
        var parts: [HTML] = [links.isEmpty ? .empty : el("p", ["class": "actions"], links), nav]
        if list.tab == .all {
            parts.append(searchForm(list, names: names))
            if let total = list.page.total {
                parts.append(el("p", ["class": "muted"], .t(list.page.totalIsAtLeast ? "cases.found_more" : "cases.found", total)))
            }
        }
        parts.append(table)
        if !pager.isEmpty { parts.append(el("nav", ["class": "pager"], pager)) }
        return HTML(parts)
    }

    /// The search form of 全部: every filter the list knows, each keeping what was chosen.
    static func searchForm(_ list: CaseList, names: CaseNames) -> HTML {
        let s = list.search
        let states = CaseState.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        let categories = names.categoryOrder.map { c in
            (c.key, (c.parentKey == nil ? "" : "　") + c.nameZh)
        }
        let departments = (list.departmentChoices ?? names.departmentOrder.map(\.key)).map { ($0, names.department($0)) }
        let units = list.units.map { u in
            (u.id.uuidString, String(repeating: "　", count: max(0, u.level.depth - 1)) + u.name)
        }
        let channels = CaseChannel.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        return el(
            "form", ["method": "get", "action": SiteURL.cases().path, "class": "card filters"],
            [
                el("input", ["type": "hidden", "name": "queue", "value": "all"]),
                el("div", ["class": "wide"], SearchForm.text("cases.search.text", "q", s.q, type: "search", maxLength: CaseFilter.maxText)),
                SearchForm.choice("case.field.state", "state", s.state, states),
                SearchForm.choice("case.field.category", "category", s.category, categories),
                SearchForm.choice("cases.search.unit", "unit", s.unit, units),
                SearchForm.choice("case.field.department", "department", s.department, departments),
                SearchForm.choice("case.field.channel", "channel", s.channel, channels),
                // The cases behind a dashboard number: those a counter of the measures counts.
                SearchForm.choice("cases.search.counted", "counted", s.counted, Tally.perCase.map { ($0.rawValue, L10n.t($0.nameKey)) }),
                SearchForm.text("audit.from", "from", s.from, type: "date"),
                SearchForm.text("audit.to", "to", s.to, type: "date"),
                el(
                    "label", ["class": "check"],
                    [el("input", ["type": "checkbox", "name": "overdue", "value": "1", "checked": s.overdue?.trimmedOrNil == nil ? nil : "checked"]), .t("cases.search.overdue")]),
                el(
                    "label", ["class": "check"],
                    [el("input", ["type": "checkbox", "name": "sent", "value": "1", "checked": s.sent?.trimmedOrNil == nil ? nil : "checked"]), .t("cases.search.sent")]),
                el("p", ["class": "actions"], [el("button", ["type": "submit"], .t("audit.search")), HTML.link(SiteURL.cases(queue: "all").path, L10n.t("audit.reset"))]),
            ])
    }

    static func facts(_ items: [(String, HTML)]) -> HTML {
        el("dl", ["class": "facts"], items.map { k, v in el("div", [el("dt", .t(k)), el("dd", v)]) })
    }

    /// How the reporter's phone shows on the case page: masked, masked with the logged "show" form (a
    /// reason, then the full number to call back), or in full after it.
    enum PhoneView {
        case masked
        case revealable(problem: String?)
        case revealed
    }

    static func detail(
        _ r: CaseRow, timeline: [CaseEventRow], names: CaseNames, actions: [CaseActionKind], csrf: String, now: Date, notice: String?,
        photos: (Int) -> HTML = { _ in .empty }, phone: PhoneView = .masked, scrub: Bool = false
    ) -> HTML {
        // Free text may hold a number someone typed; a role that may not see numbers in full sees it scrubbed.
        func text(_ s: String) -> String { scrub ? PublicText.scrub(s) : s }
        let timeline = timeline.map { e -> CaseEventRow in
            var e = e
            e.note = e.note.map { text($0) }
            e.reason = e.reason.map { text($0) }
            return e
        }
        let status = r.limitStatus(now: now)
        var items: [(String, HTML)] = [
            ("case.field.code", el("span", ["class": "code"], .text(TrackingCode.display(r.trackingCode)))),
            ("case.field.state", .t(r.state.nameKey)),
            ("case.field.category", .text(names.category(r.categoryKey))),
            ("case.field.department", .text(names.department(r.departmentKey))),
            ("case.field.grid", .text(names.grid(r.unitID))),
            ("case.field.level", .t(r.level.nameKey)),
            ("case.field.channel", .t(r.channel.nameKey)),
            ("case.field.reported_at", .text(time(r.reportedAt))),
            ("case.field.respond_by", .text(time(r.respondBy) + " ") + flag(status.response)),
            ("case.field.resolve_by", .text(time(r.resolveBy) + " ") + flag(status.resolution)),
        ]
        if let a = r.address { items.append(("case.field.address", .text(a))) }
        if let n = r.reporterName { items.append(("case.field.reporter", .text(n))) }
        if let p = r.reporterPhone {
            switch phone {
            case .revealed:
                items.append(("case.field.phone", el("a", ["href": "tel:\(p)", "class": "button"], .text(p))))
            case .masked:
                items.append(("case.field.phone", .text(Mask.phone(p))))
            case .revealable(let problem):
                items.append(
                    (
                        "case.field.phone",
                        [
                            .text(Mask.phone(p)),
                            el(
                                "form", ["method": "post", "action": SiteURL.caseReveal(r.id).path, "class": "inline"],
                                [
                                    el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                    problem.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                                    RightsPages.reasonField("case.reveal_reason"),
                                    el("button", ["type": "submit", "class": "small"], .t("case.reveal")),
                                ]),
                        ]
                    ))
            }
        }
        if let e = r.reporterEmail { items.append(("case.reporter_email", .text(Mask.email(e)))) }
        if let o = r.outcome { items.append(("case.field.outcome", .t(o.nameKey))) }
        if let rating = r.rating { items.append(("case.field.rating", .t(rating.nameKey))) }
        var map = HTML.empty
        if let p = r.point {
            let shapes = r.unitID.flatMap { names.grids[$0] }.flatMap { g in g.area.map { [MapSVG.Shape(area: $0, label: g.name, url: nil, value: 0)] } } ?? []
            map = MapSVG.render(shapes: shapes, dots: [MapSVG.Dot(point: p, title: r.title, cls: "shop")], legend: L10n.t("case.map"))
        }
        return [
            notice.map { el("p", ["class": "ok"], .text($0)) } ?? .empty,
            facts(items),
            el("p", .text(text(r.description))),
            map,
            el("h2", .t("case.timeline")),
            timelineTable(timeline, names: names, staff: true, photos: photos),
            el("h2", .t("case.actions")),
            actions.isEmpty ? el("p", .t("case.no_actions")) : el("div", ["class": "actions"], actions.map { actionForm($0, r, names: names, csrf: csrf) }),
            actions.isEmpty ? .empty : CasePhotoViews.script,
        ]
    }

    /// `photos` gives what to show of a step's photos by its seq: thumbnails for staff, a count for residents.
    static func timelineTable(_ events: [CaseEventRow], names: CaseNames, staff: Bool, photos: (Int) -> HTML = { _ in .empty }) -> HTML {
        HTML.table(
            ["case.field.when", "case.field.step", "case.field.state", "case.field.actor", "case.field.note"],
            events.map { e in
                let who =
                    staff
                    ? "\(e.actorName) · \(L10n.t(e.actorRole.nameKey))"
                    : L10n.t(e.actorRole == .resident ? "track.you" : e.actorRole == .system ? e.actorRole.nameKey : "track.staff")
                let detail = [e.departmentKey.map { names.department($0) }, e.rating.map { L10n.t($0.nameKey) }, e.reason, e.note].compactMap { $0 }
                return [.text(time(e.at)), .t(e.action.nameKey), .t(e.toState.nameKey), .text(who), .text(detail.joined(separator: " · ")) + photos(e.seq)]
            })
    }

    static let needsReason: Set<CaseActionKind> = [.reject, .returnForRework, .sendBack, .escalate, .suspend, .reopen, .markUnsolvable]

    static func actionForm(_ kind: CaseActionKind, _ r: CaseRow, names: CaseNames, csrf: String) -> HTML {
        var fields: [HTML] = [
            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
            el("input", ["type": "hidden", "name": "action", "value": kind.rawValue]),
            el("input", ["type": "hidden", "name": "version", "value": String(r.version)]),
        ]
        switch kind {
        case .dispatch:
            fields.append(
                el(
                    "label",
                    [
                        .t("case.field.department"),
                        el(
                            "select", ["name": "department", "required": "required"],
                            names.departments.values.sorted { $0.key < $1.key }.map { d in
                                el("option", ["value": d.key, "selected": d.key == r.departmentKey ? "selected" : nil], .text(d.nameZh))
                            }),
                    ]))
        case .escalate:
            fields.append(
                el(
                    "label",
                    [
                        .t("case.field.to_level"),
                        el(
                            "select", ["name": "level"],
                            [UnitLevel.district, .street, .community].filter { $0 < r.level }.map { el("option", ["value": $0.rawValue], .t($0.nameKey)) }),
                    ]))
        case .callback:
            fields.append(
                el(
                    "label",
                    [
                        .t("case.field.rating"),
                        el(
                            "select", ["name": "rating"],
                            Satisfaction.allCases.map { el("option", ["value": $0.rawValue], .t($0.nameKey)) }),
                    ]))
        default: break
        }
        if needsReason.contains(kind) {
            fields.append(el("label", [.t("case.field.reason"), el("input", ["name": "reason", "required": "required", "maxlength": "500"])]))
        } else {
            fields.append(el("label", [.t("case.field.note"), el("input", ["name": "note", "maxlength": "500"])]))
        }
        if CasePhotoViews.steps.contains(kind) { fields.append(CasePhotoViews.input()) }
        fields.append(el("button", ["type": "submit"], .t(kind.nameKey)))
        return el("form", ["method": "post", "action": SiteURL.caseAct(r.id).path, "enctype": "multipart/form-data", "class": "card"], fields)
    }

    /// The category choice, grouped under the top-level classes, deeper ones indented. Categories
    /// out of use are left out (taking one out of use takes those below it too).
    /// The whole category tree; with `placeholder`, it starts at "请选择" so nothing is chosen for the user.
    static func categorySelect(_ categories: [CategoryRow], selected: String?, placeholder: Bool = false) -> HTML {
        var groups: [(root: CategoryRow, items: [(row: CategoryRow, depth: Int)])] = []
        for (c, depth) in CategoryRow.treeOrder(categories.filter(\.active)) {
            if depth == 0 || groups.isEmpty { groups.append((c, [])) } else { groups[groups.count - 1].items.append((c, depth)) }
        }
        let first = placeholder ? [el("option", ["value": "", "selected": selected == nil ? "selected" : nil], .t("picker.choose_category"))] : []
        return el(
            "select", ["name": "category", "required": "required", "aria-label": L10n.t("case.field.category")],
            first
                + groups.map { root, items in
                    el(
                        "optgroup", ["label": root.nameZh],
                        (items.isEmpty ? [(root, 1)] : items).map { c, depth in
                            el("option", ["value": c.key, "selected": c.key == selected ? "selected" : nil], .text(CaseSetupPages.indent(depth - 1) + c.nameZh))
                        })
                })
    }

    static func entryForm(
        categories: [CategoryRow], common: [CategoryRow] = [], channels: [CaseChannel], stations: [StationRow] = [], csrf: String, submission: String
    ) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.caseNew.path, "enctype": "multipart/form-data", "class": "card"],
            [
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                ReportSubmission.hiddenField(submission),
                el("label", [.t("case.field.channel"), el("select", ["name": "channel"], channels.map { el("option", ["value": $0.rawValue], .t($0.nameKey)) })]),
                channels.contains(.window) ? StationPages.caseStationPicker(stations) : .empty,
                ReportPickers.category(categories, common: common, selected: nil),
                el("label", [.t("case.field.title"), el("input", ["name": "title", "maxlength": "100"])]),
                el("label", [.t("case.field.description"), el("textarea", ["name": "description", "required": "required", "maxlength": "2000", "rows": "4"])]),
                ReportPickers.location(
                    mapURL: SiteURL.caseNewMap.path, suggestURL: SiteURL.caseNewAddresses().path, addresses: [], values: ReportPickers.Values()),
                el("label", [.t("case.field.reporter"), el("input", ["name": "reporter_name", "maxlength": "200"])]),
                el("label", [.t("case.field.phone"), el("input", ["name": "phone", "type": "tel", "maxlength": "20"])]),
                CasePhotoViews.input(),
                el("button", ["type": "submit"], .t("cases.new")),
            ]) + CasePhotoViews.script + ReportPickers.scripts
    }
}

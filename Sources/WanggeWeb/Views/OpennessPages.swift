import Foundation
import WanggeCore
import WanggeStore

/// Staff pages of openness: a unit's power list and its items, a community's task admission, its
/// major decisions and its notices. Phone first: one card an item, forms one field a line.
enum OpennessPages {
    typealias Form = LogPages.Form

    static func field(_ name: String, _ key: String, _ control: HTML, _ form: Form) -> HTML {
        CaseSetupPages.field(name, control, form.problems, label: L10n.t(key))
    }

    static func input(_ name: String, _ form: Form, max: Int = 100, type: String = "text", required: Bool = false) -> HTML {
        element(
            "input",
            [
                ("type", type), ("name", name), ("value", form.value(name)), ("maxlength", type == "text" ? String(max) : nil),
                ("required", required ? "required" : nil), ("aria-invalid", form.problems[name] == nil ? nil : "true"),
            ], [])
    }

    static func textarea(_ name: String, _ form: Form, rows: Int = 3, max: Int = 2000, required: Bool = false) -> HTML {
        element(
            "textarea",
            [("name", name), ("rows", String(rows)), ("maxlength", String(max)), ("required", required ? "required" : nil), ("aria-invalid", form.problems[name] == nil ? nil : "true")],
            [.text(form.value(name))])
    }

    /// The links between a unit's openness pages and its public page.
    static func nav(_ unit: UnitRow) -> HTML {
        var links: [HTML] = [HTML.link(SiteURL.powers(unit.id).path, L10n.t("power.nav"))]
        if unit.level == .community {
            links += [
                HTML.link(SiteURL.tasks(unit.id).path, L10n.t("admission.nav")), HTML.link(SiteURL.decisions(unit.id).path, L10n.t("decision.nav")),
                HTML.link(SiteURL.council(unit.id).path, L10n.t("council.nav")),
            ]
        } else if unit.level == .street || unit.level == .district {
            links.append(HTML.link(SiteURL.tasks(unit.id).path, L10n.t("admission.nav")))
        }
        links += [
            HTML.link(SiteURL.notices(unit.id).path, L10n.t("notice.title")), HTML.link(SiteURL.stations(unit.id).path, L10n.t("station.nav")),
            HTML.link(SiteURL.portal(unit.code).path, L10n.t("portal.nav")),
            HTML.link(SiteURL.unit(unit.id).path, unit.name),
        ]
        return el("nav", ["class": "pager"], links)
    }

    // MARK: Power list

    static func powers(
        unit: UnitRow, items: [PowerItemRow], catalogue: [PowerItemRow], untagged: [MajorDecision], canEdit: Bool, form: Form, csrf: String, notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, nil),
            nav(unit),
            el("p", ["class": "meta"], .t("power.intro")),
            unit.level == .community ? untaggedSection(unit, untagged) : .empty,
            items.isEmpty ? el("p", .t("power.none")) : byCategory(items),
            catalogue.isEmpty ? .empty : el("section", [el("h2", .t("power.catalogue")), byCategory(catalogue)]),
            canEdit ? powerForm(action: SiteURL.powers(unit.id).path, heading: "power.add", form: form, csrf: csrf) : .empty,
        ]
    }

    static func untaggedSection(_ unit: UnitRow, _ untagged: [MajorDecision]) -> HTML {
        guard !untagged.isEmpty else { return el("p", ["class": "ok"], .t("power.untagged_none")) }
        return el(
            "section", ["class": "card alert-card"],
            [
                el("h2", .t("power.untagged")), el("p", ["class": "meta"], .t("power.untagged_help")),
                el("ul", untagged.map { el("li", HTML.link(SiteURL.decisions(unit.id).path + "#d-\($0.id.uuidString)", $0.title)) }),
            ])
    }

    /// Items under a heading per category (with its count), in the categories' order; `items`
    /// draws the items of one category.
    static func grouped(_ rows: [PowerItemRow], _ items: ([PowerItemRow]) -> [HTML]) -> HTML {
        HTML(
            PowerCategory.allCases.compactMap { c -> HTML? in
                let inCategory = rows.filter { $0.category == c }
                guard !inCategory.isEmpty else { return nil }
                return el(
                    "section", ["class": "power-category"],
                    [el("h3", [.t(c.nameKey), .text(" "), el("span", ["class": "badge"], .t("fourlist.count", inCategory.count))])] + items(inCategory))
            })
    }

    static func byCategory(_ rows: [PowerItemRow]) -> HTML {
        grouped(rows) { items in
            [el("ul", ["class": "power-items"], items.map { el("li", [HTML.link(SiteURL.power($0.id).path, $0.title), .text(" · "), .text($0.responsibleRole)]) })]
        }
    }

    static func facts(_ item: PowerItemRow) -> HTML {
        let rows: [(String, HTML)] = [
            ("power.category", .t(item.category.nameKey)),
            ("power.legal_basis", .text(item.legalBasis)),
            ("power.responsible_role", .text(item.responsibleRole)),
            ("power.materials", .text(item.materials.isEmpty ? "—" : item.materials)),
            ("power.time_limit", item.timeLimitDays.map { .t("power.days", $0) } ?? .t("power.no_limit")),
            ("power.risk_points", .text(item.riskPoints.isEmpty ? "—" : item.riskPoints)),
        ]
        return el("dl", ["class": "facts"], rows.map { el("div", [el("dt", .t($0.0)), el("dd", $0.1)]) })
    }

    static func flowChart(_ item: PowerItemRow) -> HTML {
        el(
            "figure", ["class": "flow-chart"],
            [
                FlowChartSVG.svg(title: L10n.t("power.flow_chart", item.title), steps: item.steps),
                el("figcaption", HTML.link(SiteURL.powerFlow(item.id).path, L10n.t("power.flow_chart", item.title))),
            ])
    }

    static func power(_ item: PowerItemRow, unit: UnitRow, canEdit: Bool, form: Form, csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            nav(unit),
            el("article", ["class": "card"], [facts(item), flowChart(item)]),
            canEdit
                ? [
                    powerForm(action: SiteURL.power(item.id).path, heading: "power.edit", form: form, csrf: csrf),
                    el(
                        "form", ["method": "post", "action": SiteURL.powerDelete(item.id).path, "class": "actions"],
                        [CaseSetupPages.hidden(csrf), el("button", ["type": "submit", "class": "secondary"], .t("power.delete"))]),
                ] : .empty,
        ]
    }

    static func powerForm(action: String, heading: String, form: Form, csrf: String) -> HTML {
        let categories = PowerCategory.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        return el(
            "form", ["method": "post", "action": action, "class": "card"],
            [
                el("h2", .t(heading)),
                CaseSetupPages.hidden(csrf),
                field("category", "power.category", el("select", ["name": "category"], CaseSetupPages.options(categories, selected: form.value("category"))), form),
                field("title", "power.item_title", input("title", form, max: PowerItemDraft.maxTitle, required: true), form),
                field("legal_basis", "power.legal_basis", textarea("legal_basis", form, rows: 2, required: true), form),
                field("responsible_role", "power.responsible_role", input("responsible_role", form, required: true), form),
                field("steps", "power.steps", textarea("steps", form, rows: 6, max: PowerItemDraft.maxSteps * (PowerItemDraft.maxStep + 1), required: true), form),
                field("materials", "power.materials", textarea("materials", form, rows: 2), form),
                field("time_limit_days", "power.time_limit_days", input("time_limit_days", form, type: "number"), form),
                field("risk_points", "power.risk_points", textarea("risk_points", form, rows: 3), form),
                el("button", ["type": "submit"], .t("power.save")),
            ])
    }

    // MARK: Task admission

    static func counts(_ c: AdmissionCounts) -> HTML {
        el("p", ["class": "admission-counts"], .t("admission.counts", c.admitted, c.refused, c.negative, c.purchase, c.submitted))
    }

    static func stateBadge(_ t: AdmissionTask) -> HTML {
        [
            el("span", ["class": "badge admission-\(t.state.rawValue)"], .t(t.state.nameKey)),
            t.negative ? el("span", ["class": "badge admission-negative"], .t("admission.negative_badge")) : .empty,
        ]
    }

    static func tasks(
        unit: UnitRow, counts c: AdmissionCounts, tasks: [AdmissionTask], queue: [AdmissionTask], items: [FourListItemRow], state: AdmissionState?,
        canSubmit: Bool, canReview: Bool, form: Form, csrf: String, notice: String?
    ) -> HTML {
        let filters: [HTML] =
            [HTML.link(SiteURL.tasks(unit.id).path, L10n.t("need.all"), cls: state == nil ? "current" : nil)]
            + AdmissionState.allCases.map { s in HTML.link(SiteURL.tasks(unit.id, state: s.rawValue).path, L10n.t(s.nameKey), cls: state == s ? "current" : nil) }
        return [
            LogPages.notices(notice, nil),
            nav(unit),
            el("p", ["class": "meta"], .t("admission.intro")),
            counts(c),
            el(
                "section", ["class": "card"],
                [
                    el("h2", .t("admission.queue")),
                    queue.isEmpty
                        ? el("p", .t("admission.queue_none"))
                        : el("ul", queue.map { t in el("li", [.text(t.title), .text(" · "), .text(t.department), unit.level == .community ? .empty : .text(" · \(t.unitName)")]) }),
                ]),
            canSubmit ? taskForm(unit, items: items, form: form, csrf: csrf) : .empty,
            el("nav", ["class": "pager"], filters),
            tasks.isEmpty ? el("p", .t("admission.none")) : el("div", ["class": "tasks"], tasks.map { taskCard($0, items: items, canReview: canReview, form: form, csrf: csrf) }),
        ]
    }

    static func itemOptions(_ items: [FourListItemRow], selected: String) -> [HTML] {
        [el("option", ["value": ""], .t("admission.matched_none"))]
            + FourList.allCases.map { list in
                el(
                    "optgroup", ["label": L10n.t(list.nameKey)],
                    CaseSetupPages.options(items.filter { $0.list == list }.map { ($0.id.uuidString, $0.title) }, selected: selected))
            }
    }

    static func taskForm(_ unit: UnitRow, items: [FourListItemRow], form: Form, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.tasks(unit.id).path, "class": "card"],
            [
                el("h2", .t("admission.submit")),
                CaseSetupPages.hidden(csrf),
                field("title", "admission.task_title", input("title", form, max: FourListRepository.maxTitle, required: true), form),
                field("detail", "admission.detail", textarea("detail", form), form),
                field("list_item", "admission.matched", el("select", ["name": "list_item"], itemOptions(items, selected: form.value("list_item"))), form),
                el("button", ["type": "submit"], .t("admission.submit")),
            ])
    }

    static func taskCard(_ t: AdmissionTask, items: [FourListItemRow], canReview: Bool, form: Form, csrf: String) -> HTML {
        let problem = form.problems["task:" + t.id.uuidString]
        var facts: [(String, HTML)] = [
            ("admission.department", .text(t.department)),
            ("admission.matched", t.list.map { l in [el("span", ["class": "badge"], .t(l.nameKey)), .text(" "), .text(t.listItemTitle ?? "")] } ?? .t("admission.matched_none")),
            ("admission.submitted_by", .text("\(t.submittedBy) · \(ChinaTime.formatMinutes(t.submittedAt))")),
        ]
        if let by = t.reviewedBy, let at = t.reviewedAt { facts.append(("admission.reviewed_by", .text("\(by) · \(ChinaTime.formatMinutes(at))"))) }
        if let basis = t.basis { facts.append(("fourlist.basis", .text(basis))) }
        if let reason = t.reason { facts.append(("admission.reason", .text(reason))) }
        return el(
            "article", ["class": "card task", "id": "t-\(t.id.uuidString)"],
            [
                el("p", ["class": "meta"], [stateBadge(t), el("span", ["class": "badge"], .text(t.unitName))]),
                el("h3", .text(t.title)),
                t.detail.isEmpty ? .empty : el("p", .text(t.detail)),
                el("dl", ["class": "facts"], facts.map { el("div", [el("dt", .t($0.0)), el("dd", $0.1)]) }),
                problem.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                canReview && t.state == .submitted ? reviewForm(t, items: items, form: form, csrf: csrf) : .empty,
            ])
    }

    static func reviewForm(_ t: AdmissionTask, items: [FourListItemRow], form: Form, csrf: String) -> HTML {
        // No decision is preselected: a task is admitted only by choosing to.
        let decisions = [("", L10n.t("admission.choose"))] + AdmissionActionKind.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
        return el(
            "form", ["method": "post", "action": SiteURL.taskReview(t.id).path, "class": "review"],
            [
                el("h4", .t("admission.review")),
                CaseSetupPages.hidden(csrf),
                field(
                    "list_item", "admission.matched",
                    el("select", ["name": "list_item"], itemOptions(items, selected: t.listItemID?.uuidString ?? "")), Form()),
                field("decision", "admission.review", el("select", ["name": "decision", "required": "required"], CaseSetupPages.options(decisions, selected: "")), Form()),
                field("basis", "admission.basis", input("basis", Form(), max: 200), Form()),
                field("reason", "admission.reason", textarea("reason", Form(), rows: 2, max: 500), Form()),
                el("button", ["type": "submit"], .t("admission.review")),
            ])
    }

    // MARK: Major decisions

    static func meeting(_ m: DecisionMeeting) -> HTML {
        el(
            "li",
            [
                el("strong", .t(m.kind.nameKey)), .text(" \(m.heldOn) · "),
                .t("decision.vote", m.vote.eligible, m.vote.present, m.vote.approve, m.vote.oppose, m.vote.abstain), .text(" · "),
                el("span", ["class": m.quorum ? "badge ok" : "badge alert"], .t(m.quorum ? "decision.quorum_met" : "decision.quorum_missed")), .text(" "),
                el("span", ["class": m.passed ? "badge ok" : "badge alert"], .t(m.passed ? "decision.passed" : "decision.failed")),
            ])
    }

    /// The six steps of 四议两公开 with the ones done marked, for the decision's card.
    static func stages(_ d: MajorDecision) -> HTML {
        let order: [DecisionStage] = [.proposed, .consulted, .partyReviewed, .resolved, .resolutionPublished, .resultPublished]
        let reached = d.stage == .rejected ? (d.meetings.count == 1 ? 2 : 3) : (order.firstIndex(of: d.stage) ?? 0) + 1
        return el(
            "ol", ["class": "stages"],
            order.enumerated().map { i, s in
                el("li", ["class": i < reached ? "done" : (d.stage == .rejected && i == reached ? "failed" : nil)], .t(s.nameKey))
            })
    }

    static func decisionCard(_ d: MajorDecision, scrub: Bool, step: HTML = .empty, problem: String? = nil) -> HTML {
        let text: (String) -> String = { scrub ? PublicText.scrub($0) : $0 }
        return el(
            "article", ["class": "card decision", "id": "d-\(d.id.uuidString)"],
            [
                el("p", ["class": "meta"], [el("span", ["class": d.stage == .rejected ? "badge alert" : "badge"], .t(d.stage.nameKey)), .text(" \(d.proposedOn)")]),
                el("h3", .text(text(d.title))),
                el("p", .text(text(d.proposal))),
                el(
                    "p", ["class": "meta"],
                    [
                        .t("decision.power_item"), .text("："),
                        d.powerItemID.map { HTML.link((scrub ? SiteURL.powerFlow($0) : SiteURL.power($0)).path, d.powerItemTitle ?? "") }
                            ?? el("span", ["class": "badge alert"], .t("power.untagged")),
                    ]),
                stages(d),
                d.consultation.map { el("p", [el("strong", .t("decision.consultation")), .text("：" + text($0))]) } ?? .empty,
                d.meetings.isEmpty ? .empty : el("ul", ["class": "meetings"], d.meetings.map(meeting)),
                d.resolution.map { el("p", [el("strong", .t("decision.resolution")), .text("：" + text($0))]) } ?? .empty,
                d.result.map { el("p", [el("strong", .t("decision.result")), .text("：" + text($0))]) } ?? .empty,
                problem.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                step,
            ])
    }

    static func decisions(
        unit: UnitRow, decisions: [MajorDecision], powers: [PowerItemRow], canRun: Bool, form: Form, today: String, csrf: String, notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, nil),
            nav(unit),
            canRun ? proposalForm(unit, powers: powers, form: form, csrf: csrf) : .empty,
            decisions.isEmpty
                ? el("p", .t("decision.none"))
                : HTML(
                    decisions.map { d in
                        decisionCard(
                            d, scrub: false, step: canRun ? stepForm(d, today: today, csrf: csrf) : .empty, problem: form.problems["decision:" + d.id.uuidString])
                    }),
        ]
    }

    static func proposalForm(_ unit: UnitRow, powers: [PowerItemRow], form: Form, csrf: String) -> HTML {
        let options = [("", L10n.t("decision.no_power_item"))] + powers.map { ($0.id.uuidString, "\(L10n.t($0.category.nameKey))：\($0.title)") }
        return el(
            "form", ["method": "post", "action": SiteURL.decisions(unit.id).path, "class": "card"],
            [
                el("h2", .t("decision.propose")),
                CaseSetupPages.hidden(csrf),
                field("title", "decision.item_title", input("title", form, max: 100, required: true), form),
                field("proposal", "decision.proposal", textarea("proposal", form), form),
                field("power_item", "decision.power_item", el("select", ["name": "power_item"], CaseSetupPages.options(options, selected: form.value("power_item"))), form),
                el("button", ["type": "submit"], .t("decision.propose")),
            ])
    }

    static func number(_ name: String, _ key: String) -> HTML {
        el("label", ["class": "field"], [el("span", .t(key)), el("input", ["type": "number", "name": name, "min": "0", "required": "required", "inputmode": "numeric"])])
    }

    static func stepForm(_ d: MajorDecision, today: String, csrf: String) -> HTML {
        var controls: [HTML] = []
        switch d.stage {
        case .proposed, .resolved, .resolutionPublished:
            let key = d.stage == .proposed ? "decision.consultation" : d.stage == .resolved ? "decision.resolution" : "decision.result"
            controls.append(el("label", ["class": "field"], [el("span", .t(key)), el("textarea", ["name": "text", "rows": "2", "maxlength": "2000", "required": "required"])]))
        case .consulted, .partyReviewed:
            if d.stage == .partyReviewed {
                let kinds = [MeetingKind.representatives, .residents].map { ($0.rawValue, L10n.t($0.nameKey)) }
                controls.append(el("label", ["class": "field"], [el("span", .t("decision.meeting_kind")), el("select", ["name": "kind"], CaseSetupPages.options(kinds, selected: ""))]))
            }
            controls.append(el("label", ["class": "field"], [el("span", .t("decision.held_on")), el("input", ["type": "date", "name": "held_on", "value": today, "max": today])]))
            controls += [
                number("eligible", "decision.eligible"), number("present", "decision.present"), number("approve", "decision.approve"),
                number("oppose", "decision.oppose"), number("abstain", "decision.abstain"),
            ]
        case .resultPublished, .rejected:
            return .empty
        }
        let next: DecisionStage =
            switch d.stage {
            case .proposed: .consulted
            case .consulted: .partyReviewed
            case .partyReviewed: .resolved
            case .resolved: .resolutionPublished
            default: .resultPublished
            }
        return el(
            "form", ["method": "post", "action": SiteURL.decisionStep(d.id).path, "class": "review"],
            [el("h4", .t("decision.record_step", L10n.t(next.nameKey))), CaseSetupPages.hidden(csrf)] + controls + [el("button", ["type": "submit"], .t("decision.record"))])
    }

    // MARK: Notices

    static func noticeCard(_ n: Notice, scrub: Bool) -> HTML {
        let text: (String) -> String = { scrub ? PublicText.scrub($0) : $0 }
        return el(
            "article", ["class": "card notice", "id": "n-\(n.id.uuidString)"],
            [
                el("h3", .text(text(n.title))),
                el(
                    "p", ["class": "meta"],
                    [.t("notice.published", n.publishOn), n.expiresOn.map { HTML([.text(" · "), .t("notice.expires", $0)]) } ?? .empty, .text(" · \(n.unitName)")]),
                el("p", ["class": "log-text"], .text(text(n.body))),
                n.attachmentName.map { el("p", [.t("notice.attachment"), .text("："), HTML.link(SiteURL.noticeAttachment(n.id).path, $0)]) } ?? .empty,
            ])
    }

    static func notices(unit: UnitRow, list: HTML, targets: HTML, canPublish: Bool, form: Form, today: String, csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            nav(unit),
            canPublish
                ? el(
                    "form", ["method": "post", "action": SiteURL.notices(unit.id).path, "class": "card", "enctype": "multipart/form-data"],
                    [
                        el("h2", .t("notice.add")),
                        CaseSetupPages.hidden(csrf),
                        field("title", "notice.item_title", input("title", form, max: NoticeRepository.maxTitle, required: true), form),
                        field("body", "notice.body", textarea("body", form, rows: 5, max: NoticeRepository.maxBody), form),
                        field("publish_on", "notice.publish_on", element("input", [("type", "date"), ("name", "publish_on"), ("value", form.values["publish_on"] ?? today)], []), form),
                        field("expires_on", "notice.expires_on", input("expires_on", form, type: "date"), form),
                        field("attachment", "notice.attachment_file", el("input", ["type": "file", "name": "attachment"]), form),
                        targets,
                        el("button", ["type": "submit"], .t("notice.add")),
                    ]) : .empty,
            list,
        ]
    }

    // MARK: Case steps

    static func caseSection(_ caseID: UUID, steps: [CaseEventRow], tags: [CasePowerTag], usable: [PowerItemRow], csrf: String) -> HTML {
        let byStep = Dictionary(tags.map { ($0.eventID, $0) }, uniquingKeysWith: { a, _ in a })
        func label(_ e: CaseEventRow) -> String { "\(e.seq). \(L10n.t("case.action.\(e.action.rawValue)")) · \(e.actorName)" }
        let open = steps.filter { byStep[$0.id] == nil }
        return el(
            "section", ["class": "card", "id": "power-tags"],
            [
                el("h2", .t("power.case_heading")),
                tags.isEmpty
                    ? el("p", ["class": "meta"], .t("power.case_none"))
                    : el(
                        "ul",
                        steps.compactMap { e in
                            byStep[e.id].map { t in el("li", [.text(label(e) + " → "), HTML.link(SiteURL.power(t.powerItemID).path, t.powerItemTitle)]) }
                        }),
                open.isEmpty
                    ? .empty
                    : el(
                        "form", ["method": "post", "action": SiteURL.casePowerTag(caseID).path, "class": "review"],
                        [
                            CaseSetupPages.hidden(csrf),
                            el("label", ["class": "field"], [el("span", .t("power.case_step")), el("select", ["name": "step"], CaseSetupPages.options(open.map { ($0.id.uuidString, label($0)) }, selected: ""))]),
                            el(
                                "label", ["class": "field"],
                                [
                                    el("span", .t("decision.power_item")),
                                    el("select", ["name": "power_item"], CaseSetupPages.options(usable.map { ($0.id.uuidString, "\(L10n.t($0.category.nameKey))：\($0.title)") }, selected: "")),
                                ]),
                            el("button", ["type": "submit", "class": "secondary"], .t("power.case_tag")),
                        ]),
            ])
    }
}

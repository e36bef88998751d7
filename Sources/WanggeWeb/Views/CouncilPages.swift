import Foundation
import WanggeCore
import WanggeStore

/// A community's residents' council (议事会): the staff page that keeps its members, meetings and
/// the residents' proposals, and a meeting's staff page with its QR sheet and attendance.
enum CouncilPages {
    typealias Form = LogPages.Form

    struct Model {
        var unit: UnitRow
        var council: Council?
        var meetings: [CouncilMeeting]
        var proposals: [CouncilProposal]
        /// The community's major decisions, which a proposal taken into 四议两公开 may name.
        var decisions: [MajorDecision]
        var canRun: Bool
        var form: Form
        var today: String
        var csrf: String
        var notice: String?
        /// For handing a proposal to a department as a case: the categories and the community's grids.
        var categories: [(value: String, label: String)] = []
        var grids: [(value: String, label: String)] = []
    }

    static func page(_ m: Model) -> HTML {
        [
            LogPages.notices(m.notice, nil),
            OpennessPages.nav(m.unit),
            el("p", ["class": "meta"], .t("council.intro")),
            councilSection(m),
            m.council == nil ? .empty : meetingsSection(m),
            proposalsSection(m),
        ]
    }

    static func councilSection(_ m: Model) -> HTML {
        var parts: [HTML] = [el("h2", .text(m.council?.name ?? L10n.t("council.none_yet")))]
        if let c = m.council {
            parts.append(
                c.members.isEmpty
                    ? el("p", .t("council.no_members"))
                    : HTML.table(
                        ["council.member_name", "council.member_role", m.canRun ? "council.actions" : ""],
                        c.members.map { member in
                            [
                                .text(member.name), .text(member.role),
                                m.canRun
                                    ? el(
                                        "form", ["method": "post", "action": SiteURL.councilMemberRemove(member.id).path, "class": "inline"],
                                        [CaseSetupPages.hidden(m.csrf), el("button", ["type": "submit", "class": "secondary"], .t("council.remove"))]) : .empty,
                            ]
                        }))
        }
        if m.canRun {
            parts.append(
                el(
                    "form", ["method": "post", "action": SiteURL.council(m.unit.id).path, "class": "card"],
                    [
                        el("h3", .t(m.council == nil ? "council.set_up" : "council.rename")), CaseSetupPages.hidden(m.csrf),
                        OpennessPages.field("name", "council.name", OpennessPages.input("name", m.form.values["name"] == nil ? Form(values: ["name": m.council?.name ?? ""]) : m.form, required: true), m.form),
                        el("button", ["type": "submit"], .t("log.save")),
                    ]))
            if m.council != nil {
                parts.append(
                    el(
                        "form", ["method": "post", "action": SiteURL.councilMembers(m.unit.id).path, "class": "card"],
                        [
                            el("h3", .t("council.add_member")), CaseSetupPages.hidden(m.csrf),
                            OpennessPages.field("member_name", "council.member_name", OpennessPages.input("member_name", m.form, max: 40, required: true), m.form),
                            OpennessPages.field("role", "council.member_role", OpennessPages.input("role", m.form, max: 40, required: true), m.form),
                            el("p", ["class": "meta"], .t("council.member_public")),
                            el("button", ["type": "submit"], .t("council.add_member")),
                        ]))
            }
        }
        return el("section", ["id": "council"], parts)
    }

    static func meetingsSection(_ m: Model) -> HTML {
        var parts: [HTML] = [el("h2", .t("council.meetings"))]
        parts.append(
            m.meetings.isEmpty
                ? el("p", .t("council.no_meetings"))
                : HTML.table(
                    ["council.meeting", "council.when", "council.place", "council.registered", "council.checked_in", "council.minutes"],
                    m.meetings.map { mt in
                        [
                            HTML.link(SiteURL.councilMeeting(mt.id).path, mt.title), .text("\(mt.heldOn) \(mt.startsAt)"), .text(mt.place), HTML.number(mt.registered),
                            HTML.number(mt.checkedIn), .t(mt.minutes == nil ? "council.minutes_missing" : "council.minutes_recorded"),
                        ]
                    }))
        if m.canRun {
            let f = m.form
            parts.append(
                el(
                    "form", ["method": "post", "action": SiteURL.councilMeetings(m.unit.id).path, "class": "card"],
                    [
                        el("h3", .t("council.schedule")), CaseSetupPages.hidden(m.csrf),
                        OpennessPages.field("title", "council.meeting", OpennessPages.input("title", f, required: true), f),
                        OpennessPages.field("agenda", "council.agenda", OpennessPages.textarea("agenda", f, rows: 4, required: true), f),
                        OpennessPages.field("held_on", "council.day", OpennessPages.input("held_on", f, type: "date", required: true), f),
                        OpennessPages.field("starts_at", "council.starts_at", OpennessPages.input("starts_at", f, type: "time", required: true), f),
                        OpennessPages.field("place", "council.place", OpennessPages.input("place", f, required: true), f),
                        el("button", ["type": "submit"], .t("council.schedule")),
                    ]))
        }
        return el("section", ["id": "meetings"], parts)
    }

    static func proposalsSection(_ m: Model) -> HTML {
        let open = m.meetings.filter { $0.minutes == nil }
        return el(
            "section", ["id": "proposals"],
            [
                el("h2", .t("proposal.heading")),
                el("p", ["class": "meta"], [.t("proposal.staff_intro"), .text(" "), HTML.link(SiteURL.portalCouncil(m.unit.code).path, L10n.t("council.public_page"))]),
                m.proposals.isEmpty
                    ? el("p", .t("proposal.none"))
                    : HTML(
                        m.proposals.map { p in
                            card(
                                p, scrub: false,
                                actions: m.canRun
                                    ? stepForms(p, meetings: open, council: m.council, decisions: m.decisions, categories: m.categories, grids: m.grids, csrf: m.csrf)
                                    : .empty,
                                problem: m.form.problems["proposal:" + p.id.uuidString])
                        }),
            ])
    }

    /// A proposal with its answer, for staff (`scrub` false) and the public (true).
    static func card(_ p: CouncilProposal, scrub: Bool, actions: HTML = .empty, problem: String? = nil, link: Bool = false) -> HTML {
        let text: (String) -> String = { scrub ? PublicText.scrub($0) : $0 }
        let bad = p.state == .declined || p.state == .notAdopted
        return el(
            "article", ["class": "card proposal", "id": "p-\(p.id.uuidString)"],
            [
                el(
                    "p", ["class": "meta"],
                    [el("span", ["class": bad ? "badge alert" : p.state == .done ? "badge ok" : "badge"], .t(p.state.nameKey)), .text(" " + SimpleDate(p.createdAt).description)]),
                el("h3", link ? HTML.link(SiteURL.portalProposal(p.id).path, text(p.title)) : .text(text(p.title))),
                el("p", ["class": "log-text lines"], .text(text(p.body))),
                !scrub ? p.proposer.map { el("p", ["class": "meta"], [.t("proposal.proposer"), .text("：" + $0)]) } ?? .empty : .empty,
                p.meetingTitle.map { el("p", [el("strong", .t("proposal.meeting")), .text("：\($0) \(p.meetingOn ?? "")")]) } ?? .empty,
                p.declineReason.map { el("p", [el("strong", .t("proposal.decline_reason")), .text("：" + text($0))]) } ?? .empty,
                p.voteUnit.map { unit in
                    el(
                        "p",
                        [
                            el("strong", .t("proposal.poll")), .text("（"), .t(unit.nameKey), .text("）："),
                            .t("proposal.tally", p.tally.approve, p.tally.oppose, p.tally.abstain),
                        ])
                } ?? .empty,
                decision(p, text: text),
                handedCase(p, scrub: scrub),
                p.followUps.isEmpty
                    ? .empty
                    : el(
                        "ol", ["class": "followups"],
                        p.followUps.map { f in
                            el("li", [el("span", ["class": "meta"], .text(SimpleDate(f.recordedAt).description + " ")), f.completes ? el("strong", .t("proposal.completed")) : .empty, .text(" " + text(f.note))])
                        }),
                problem.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                actions,
            ])
    }

    static func decision(_ p: CouncilProposal, text: (String) -> String) -> HTML {
        guard let mode = p.mode else { return .empty }
        var parts: [HTML] = [el("p", [el("strong", .t("proposal.decided")), .text("：\(p.decidedOn ?? "") · "), .t(ProposalDecisionMode.nameKey(mode))])]
        if let v = p.vote {
            parts.append(
                el(
                    "p",
                    [
                        .t("decision.vote", v.eligible, v.present, v.approve, v.oppose, v.abstain), .text(" · "),
                        el("span", ["class": p.quorum == true ? "badge ok" : "badge alert"], .t(p.quorum == true ? "decision.quorum_met" : "decision.quorum_missed")), .text(" "),
                        el("span", ["class": p.passed == true ? "badge ok" : "badge alert"], .t(p.passed == true ? "decision.passed" : "decision.failed")),
                    ]))
        }
        if let d = p.decisionTitle { parts.append(el("p", [el("strong", .t("proposal.decision")), .text("：" + text(d))])) }
        if let d = p.department { parts.append(el("p", [el("strong", .t("proposal.department")), .text("：" + text(d))])) }
        if let r = p.reasons { parts.append(el("p", [el("strong", .t("proposal.reasons")), .text("：" + text(r))])) }
        return el("div", ["class": "answer"], parts)
    }

    /// The case a proposal handed to a department became: staff follow the link, the public reads its state.
    static func handedCase(_ p: CouncilProposal, scrub: Bool) -> HTML {
        guard let id = p.caseID, let state = p.caseState else { return .empty }
        let done = state == .closed || state == .calledBack
        let badge = el("span", ["class": done ? "badge ok" : "badge"], .t(state.nameKey))
        if scrub { return el("p", ["class": "handed-case"], [.t("proposal.case_public", ""), badge]) }
        return el(
            "p", ["class": "handed-case"],
            [HTML.link(SiteURL.caseDetail(id).path, L10n.t("proposal.case_state", TrackingCode.display(p.caseCode ?? ""), "")), badge])
    }

    /// On a case's page: the proposal it was opened for.
    static func caseSection(_ from: (id: UUID, title: String, unitID: UUID)?) -> HTML {
        guard let from else { return .empty }
        return el(
            "section", ["id": "from-proposal"],
            el("p", [.t("case.from_proposal"), HTML.link(SiteURL.council(from.unitID).path + "#p-\(from.id.uuidString)", from.title)]))
    }

    static func textField(_ name: String, _ key: String) -> HTML {
        el("label", ["class": "field"], [el("span", .t(key)), el("textarea", ["name": name, "rows": "2", "maxlength": "2000", "required": "required"])])
    }

    static func stepForm(_ p: CouncilProposal, _ action: String, _ heading: String, csrf: String, _ controls: [HTML]) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.proposalStep(p.id).path, "class": "review"],
            [el("h4", .t(heading)), CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "action", "value": action])] + controls
                + [el("button", ["type": "submit"], .t(heading))])
    }

    /// The steps open to a proposal in its state, each its own small form.
    static func stepForms(
        _ p: CouncilProposal, meetings: [CouncilMeeting], council: Council?, decisions: [MajorDecision], categories: [(value: String, label: String)] = [],
        grids: [(value: String, label: String)] = [], csrf: String
    ) -> HTML {
        switch p.state {
        case .submitted:
            let options = meetings.map { ($0.id.uuidString, "\($0.heldOn) \($0.title)") }
            return [
                options.isEmpty
                    ? el("p", ["class": "meta"], .t("proposal.need_meeting"))
                    : stepForm(
                        p, "accept", "proposal.accept", csrf: csrf,
                        [el("label", ["class": "field"], [el("span", .t("proposal.meeting")), el("select", ["name": "meeting"], CaseSetupPages.options(options, selected: ""))])]),
                stepForm(p, "decline", "proposal.decline", csrf: csrf, [textField("reason", "proposal.decline_reason")]),
            ]
        case .accepted, .voting:
            let units = VoteUnit.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }
            let modes = ProposalDecisionMode.rawValues.map { ($0, L10n.t(ProposalDecisionMode.nameKey($0))) }
            let eligible = council.map { String($0.members.count) } ?? ""
            let majors = [("", L10n.t("proposal.no_decision"))] + decisions.map { ($0.id.uuidString, "\($0.proposedOn) \($0.title)") }
            return [
                p.state == .accepted
                    ? stepForm(
                        p, "open_poll", "proposal.open_poll", csrf: csrf,
                        [el("label", ["class": "field"], [el("span", .t("proposal.vote_unit")), el("select", ["name": "vote_unit"], CaseSetupPages.options(units, selected: ""))])])
                    : .empty,
                stepForm(
                    p, "decide", "proposal.decide", csrf: csrf,
                    [
                        el("label", ["class": "field"], [el("span", .t("proposal.mode")), el("select", ["name": "mode"], CaseSetupPages.options(modes, selected: ""))]),
                        el("p", ["class": "meta"], .t("proposal.mode_help")),
                        el(
                            "label", ["class": "field"],
                            [
                                el("span", .t("proposal.adopted")),
                                el("select", ["name": "adopted"], CaseSetupPages.options([("yes", L10n.t("proposal.adopted_yes")), ("no", L10n.t("proposal.adopted_no"))], selected: "")),
                            ]),
                        el("label", ["class": "field"], [el("span", .t("proposal.decision")), el("select", ["name": "decision"], CaseSetupPages.options(majors, selected: ""))]),
                        el("label", ["class": "field"], [el("span", .t("proposal.department")), el("input", ["type": "text", "name": "department", "maxlength": "60"])]),
                        el(
                            "label", ["class": "field"],
                            [el("span", .t("proposal.case_category")), el("select", ["name": "category"], CaseSetupPages.options([("", "—")] + categories, selected: ""))]),
                        el(
                            "label", ["class": "field"],
                            [el("span", .t("proposal.case_grid")), el("select", ["name": "grid"], CaseSetupPages.options([("", "—")] + grids, selected: ""))]),
                        el("label", ["class": "field"], [el("span", .t("decision.eligible")), el("input", ["type": "number", "name": "eligible", "min": "0", "value": eligible, "inputmode": "numeric"])]),
                        el("label", ["class": "field"], [el("span", .t("decision.present")), el("input", ["type": "number", "name": "present", "min": "0", "inputmode": "numeric"])]),
                        el("label", ["class": "field"], [el("span", .t("decision.approve")), el("input", ["type": "number", "name": "approve", "min": "0", "inputmode": "numeric"])]),
                        el("label", ["class": "field"], [el("span", .t("decision.oppose")), el("input", ["type": "number", "name": "oppose", "min": "0", "inputmode": "numeric"])]),
                        el("label", ["class": "field"], [el("span", .t("decision.abstain")), el("input", ["type": "number", "name": "abstain", "min": "0", "inputmode": "numeric"])]),
                        textField("reasons", "proposal.reasons"),
                    ]),
            ]
        case .adopted:
            return [
                stepForm(p, "follow_up", "proposal.follow_up", csrf: csrf, [textField("note", "proposal.note")]),
                stepForm(p, "complete", "proposal.complete", csrf: csrf, [textField("note", "proposal.note")]),
            ]
        case .declined, .notAdopted, .done:
            return .empty
        }
    }

    // MARK: A meeting, for staff

    static func meeting(
        _ m: CouncilMeeting, unit: UnitRow, attendance: [MeetingAttendee], refusals: [ParticipationRefusal: Int], qr: HTML, checkinURL: String, canRun: Bool,
        form: Form, today: String, csrf: String, notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, nil),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.council(unit.id).path, L10n.t("council.nav")), HTML.link(SiteURL.portalMeeting(m.id).path, L10n.t("council.public_page"))]),
            facts(m),
            el(
                "section", ["class": "card qr-sheet"],
                [
                    el("h2", .t("council.checkin_qr")), qr, el("p", [.t("council.checkin_code"), .text("："), el("code", .text(m.checkinCode))]),
                    el("p", ["class": "meta"], [.t("council.checkin_help"), .text(" "), el("code", .text(checkinURL))]),
                ]),
            el(
                "section",
                [
                    el("h2", .t("council.attendance")),
                    el("p", ["class": "meta"], [.t("council.counts", m.registered, m.checkedIn), .text(" "), refusalLine(refusals)]),
                    attendance.isEmpty
                        ? el("p", .t("council.no_attendance"))
                        : HTML.table(
                            ["council.member_name", "council.registered", "council.checked_in"],
                            attendance.map { a in
                                [.text(a.name), .text(a.registeredAt.map(ChinaTime.formatMinutes) ?? "—"), .text(a.checkedInAt.map(ChinaTime.formatMinutes) ?? "—")]
                            }),
                ]),
            el(
                "section",
                [
                    el("h2", .t("council.minutes")),
                    m.minutes.map { el("p", ["class": "log-text lines"], .text($0)) } ?? el("p", .t("council.minutes_missing")),
                    canRun && m.minutes == nil && m.heldOn <= today
                        ? el(
                            "form", ["method": "post", "action": SiteURL.councilMinutes(m.id).path, "class": "card"],
                            [
                                CaseSetupPages.hidden(csrf), OpennessPages.field("minutes", "council.minutes", OpennessPages.textarea("minutes", form, rows: 6, max: 5000, required: true), form),
                                el("p", ["class": "meta"], .t("council.minutes_help")),
                                el("button", ["type": "submit"], .t("council.record_minutes")),
                            ]) : .empty,
                ]),
        ]
    }

    /// A meeting's day, time, place and agenda.
    static func facts(_ m: CouncilMeeting) -> HTML {
        el(
            "section", ["class": "card"],
            [
                el(
                    "dl", ["class": "facts"],
                    [
                        el("div", [el("dt", .t("council.when")), el("dd", .text("\(m.heldOn) \(m.startsAt)"))]),
                        el("div", [el("dt", .t("council.place")), el("dd", .text(m.place))]),
                    ]),
                el("h3", .t("council.agenda")), el("p", ["class": "log-text lines"], .text(m.agenda)),
            ])
    }

    static func refusalLine(_ refusals: [ParticipationRefusal: Int]) -> HTML {
        let parts = ParticipationRefusal.allCases.compactMap { r in refusals[r].map { L10n.t(r.messageKey + "_count", $0) } }
        guard !parts.isEmpty else { return .empty }
        return el("span", .text(L10n.t("council.refused") + "：" + parts.joined(separator: "，")))
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The council on the public portal, readable on a phone without log-in: members (names and roles
/// only), meetings, proposals with their answers, and the forms a resident uses — send a proposal,
/// register for a meeting, check in at the door, vote in a poll. Texts are scrubbed of digit runs
/// (phones, ID numbers); attendees are shown with masked names.
enum CouncilPortalPages {
    typealias Form = LogPages.Form

    static func council(
        unit: UnitRow, council: Council?, meetings: [CouncilMeeting], proposals: [CouncilProposal], form: Form, csrf: String, notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, nil),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.portal(unit.code).path, L10n.t("council.back_to_portal", unit.name))]),
            el("p", ["class": "meta"], .t("council.public_intro")),
            council.map { c in
                el(
                    "section", ["id": "members"],
                    [
                        el("h2", .text(c.name)),
                        c.members.isEmpty
                            ? el("p", .t("council.no_members"))
                            : el("ul", ["class": "members"], c.members.map { el("li", [el("strong", .text($0.name)), .text(" · " + PublicText.scrub($0.role))]) }),
                    ])
            } ?? el("p", .t("council.none_yet")),
            meetings.isEmpty
                ? .empty
                : el(
                    "section", ["id": "meetings"],
                    [el("h2", .t("council.meetings"))]
                        + meetings.map { m in
                            el(
                                "article", ["class": "card"],
                                [
                                    el("h3", HTML.link(SiteURL.portalMeeting(m.id).path, m.title)),
                                    el("p", ["class": "meta"], .text("\(m.heldOn) \(m.startsAt) · \(m.place)")),
                                    el("p", ["class": "meta"], [.t("council.counts", m.registered, m.checkedIn), .text(" · "), .t(m.minutes == nil ? "council.minutes_missing" : "council.minutes_recorded")]),
                                ])
                        }),
            el(
                "section", ["id": "proposals"],
                [el("h2", .t("proposal.heading"))]
                    + (proposals.isEmpty ? [el("p", .t("proposal.none"))] : proposals.map { CouncilPages.card($0, scrub: true, link: true) })),
            proposalForm(unit, form: form, csrf: csrf),
        ]
    }

    static func proposalForm(_ unit: UnitRow, form: Form, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.portalCouncil(unit.code).path, "class": "card", "id": "propose"],
            [
                el("h2", .t("proposal.send")), CaseSetupPages.hidden(csrf),
                el("p", ["class": "meta"], .t("proposal.send_help")),
                OpennessPages.field("title", "proposal.title", OpennessPages.input("title", form, required: true), form),
                OpennessPages.field("body", "proposal.body", OpennessPages.textarea("body", form, rows: 5, required: true), form),
                OpennessPages.field("proposer", "proposal.proposer_optional", OpennessPages.input("proposer", form, max: 40), form),
                // Left empty by people; bots that fill every field are refused.
                el(
                    "div", ["class": "hp", "aria-hidden": "true"],
                    el("input", ["type": "text", "name": ResidentCaseController.honeypot, "tabindex": "-1", "autocomplete": "off"])),
                el("button", ["type": "submit"], .t("proposal.send")),
            ])
    }

    /// The three things a resident gives to take part, checked against the register.
    static func claimFields(_ form: Form) -> [HTML] {
        [
            OpennessPages.field("id_number", "council.id_number", claimInput("id_number", form, max: 18, mode: "text"), form),
            OpennessPages.field("phone", "council.phone", claimInput("phone", form, max: 20, mode: "tel"), form),
            OpennessPages.field("household", "council.household", claimInput("household", form, max: ParticipantClaim.maxHousehold, mode: "text"), form),
            el("p", ["class": "meta"], .t("council.claim_help")),
        ]
    }

    /// Only the household number comes back after a refusal: an ID number or phone is never echoed into a page.
    static func claimInput(_ name: String, _ form: Form, max: Int, mode: String) -> HTML {
        element(
            "input",
            [
                ("type", mode == "tel" ? "tel" : "text"), ("name", name), ("value", name == "household" ? form.value(name) : ""), ("maxlength", String(max)),
                ("required", "required"), ("autocomplete", "off"), ("aria-invalid", form.problems[name] == nil ? nil : "true"),
            ], [])
    }

    static func meeting(
        _ m: CouncilMeeting, unit: UnitRow, attendance: [MeetingAttendee], code: String?, today: String, form: Form, csrf: String, notice: String?, alert: String?
    ) -> HTML {
        let open = m.minutes == nil && m.heldOn >= today
        return [
            LogPages.notices(notice, alert),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.portalCouncil(unit.code).path, L10n.t("council.back_to_council"))]),
            CouncilPages.facts(m),
            code != nil && m.heldOn == today
                ? el(
                    "form", ["method": "post", "action": SiteURL.portalMeetingCheckIn(m.id).path, "class": "card", "id": "check-in"],
                    [el("h2", .t("council.check_in")), CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "code", "value": code])] + claimFields(form)
                        + [el("button", ["type": "submit"], .t("council.check_in"))])
                : .empty,
            open && code == nil
                ? el(
                    "form", ["method": "post", "action": SiteURL.portalMeetingRegister(m.id).path, "class": "card", "id": "register"],
                    [el("h2", .t("council.register")), CaseSetupPages.hidden(csrf)] + claimFields(form) + [el("button", ["type": "submit"], .t("council.register"))])
                : .empty,
            el(
                "section",
                [
                    el("h2", .t("council.attendance")),
                    el("p", ["class": "meta"], .t("council.counts", m.registered, m.checkedIn)),
                    attendance.filter { $0.checkedInAt != nil }.isEmpty
                        ? .empty
                        : el("p", ["class": "attendees"], .text(attendance.filter { $0.checkedInAt != nil }.map { Mask.name($0.name) }.joined(separator: "、"))),
                ]),
            m.minutes.map { el("section", [el("h2", .t("council.minutes")), el("p", ["class": "log-text lines"], .text(PublicText.scrub($0)))]) } ?? .empty,
        ]
    }

    static func proposal(_ p: CouncilProposal, unit: UnitRow, refusals: [ParticipationRefusal: Int], form: Form, csrf: String, notice: String?, alert: String?) -> HTML {
        [
            LogPages.notices(notice, alert),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.portalCouncil(unit.code).path, L10n.t("council.back_to_council"))]),
            CouncilPages.card(p, scrub: true, link: true),
            p.voteUnit == nil ? .empty : el("p", ["class": "meta"], CouncilPages.refusalLine(refusals)),
            p.state == .voting
                ? el(
                    "form", ["method": "post", "action": SiteURL.portalProposalVote(p.id).path, "class": "card", "id": "vote"],
                    [
                        el("h2", .t("proposal.vote")), CaseSetupPages.hidden(csrf),
                        el("p", ["class": "meta"], .t("proposal.vote_rule", L10n.t(p.voteUnit?.nameKey ?? ""))),
                        OpennessPages.field(
                            "choice", "proposal.choice",
                            el("select", ["name": "choice"], CaseSetupPages.options(Ballot.Choice.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: form.value("choice"))),
                            form),
                    ] + claimFields(form) + [el("button", ["type": "submit"], .t("proposal.vote"))])
                : .empty,
        ]
    }
}

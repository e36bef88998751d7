import Foundation
import WanggeCore
import WanggeStore

/// The resident's pages: the report form a grid's QR code opens, the receipt with the tracking
/// code, and the tracking page. Built for a phone; no staff names are shown.
enum ResidentCasePages {
    /// What the QR page shows besides the form: the common categories, the grid's team and its
    /// buildings' addresses.
    struct Context {
        var common: [CategoryRow] = []
        var team: [TeamMember] = []
        var addresses: [String] = []
    }

    static func form(
        grid: UnitRow, categories: [CategoryRow], csrf: String, submission: String, form: ResidentCaseController.ReportForm?, error: String?,
        moved: Bool = false, context: Context = Context()
    ) -> HTML {
        let values = ReportPickers.Values(category: form?.category, address: form?.address, lon: form?.lon, lat: form?.lat)
        return team(context.team)
            + el(
                "form", ["method": "post", "action": SiteURL.report(grid.code).path, "enctype": "multipart/form-data", "class": "card"],
                [
                    moved ? el("p", ["class": "ok", "role": "status"], .t("report.moved", grid.name)) : .empty,
                    el("p", .t("report.intro", grid.name)),
                    error.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
                    el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                    ReportSubmission.hiddenField(submission),
                    ReportPickers.category(categories, common: context.common, selected: form?.category),
                    el(
                        "label",
                        [
                            .t("case.field.description"),
                            el(
                                "textarea", ["name": "description", "required": "required", "maxlength": "2000", "rows": "5"],
                                .text(form?.description ?? "")),
                        ]),
                    ReportPickers.location(mapURL: SiteURL.reportMap(grid.code).path, addresses: context.addresses, values: values),
                    el("label", [.t("case.field.phone"), el("input", ["name": "phone", "type": "tel", "maxlength": "20", "value": form?.phone])]),
                    el("label", [.t("case.field.email"), el("input", ["name": "email", "type": "email", "maxlength": "254", "value": form?.email, "autocomplete": "email"])]),
                    el("p", ["class": "meta"], .t("report.contact_help")),
                    // A field people never see: a bot filling every input gives itself away.
                    el(
                        "label", ["class": "hp", "aria-hidden": "true"],
                        [
                            .t("report.website"),
                            el("input", ["name": ResidentCaseController.honeypot, "tabindex": "-1", "autocomplete": "off"]),
                        ]),
                    CasePhotoViews.input(),
                    el("button", ["type": "submit"], .t("report.submit")),
                ])
            + el(
                "p", ["class": "portal-link"],
                [
                    HTML.link(SiteURL.gridNotices(grid.code).path, L10n.t("reach.grid_feed_link")), .text(" · "),
                    HTML.link(SiteURL.portal(grid.code).path, L10n.t("portal.from_grid")),
                ]) + CasePhotoViews.script
            + ReportPickers.scripts
    }

    /// 便民服务联系卡: who serves this grid, each with the number they agreed to publish and a button that calls it.
    static func team(_ members: [TeamMember]) -> HTML {
        guard !members.isEmpty else { return .empty }
        return el(
            "section", ["class": "card team", "aria-label": L10n.t("report.team")],
            [
                el("h2", .t("report.team")),
                el("p", ["class": "meta"], .t("report.team_intro")),
                el(
                    "ul", ["class": "team-list"],
                    members.map { m in
                        el(
                            "li",
                            [
                                el("span", ["class": "who"], [el("strong", .text(m.name)), .text(" "), el("span", ["class": "meta"], .text(m.kindName))]),
                                // Only a number its owner agreed to publish is there at all: masked to read, whole to dial.
                                m.phone.flatMap { p in m.phonePublic ? p : nil }.map { p in
                                    el("span", ["class": "phone"], [.text(Mask.phone(p)), .text(" "), el("a", ["class": "button small", "href": "tel:\(p)"], .t("report.call"))])
                                } ?? .empty,
                            ])
                    }),
            ])
    }

    static func done(code: String) -> HTML {
        el(
            "section", ["class": "card"],
            [
                el("p", ["class": "ok"], .t("report.done")),
                el("p", .t("report.keep_code")),
                el("p", el("strong", ["class": "code"], .text(TrackingCode.display(code)))),
                el("p", HTML.link(SiteURL.track(code).path, L10n.t("report.track_link"))),
            ])
    }

    static func track(_ r: CaseRow, category: String, timeline: [CaseEventRow], names: CaseNames, csrf: String, photos: [Int: Int] = [:]) -> HTML {
        var items: [(String, HTML)] = [
            ("case.field.state", .t(r.state.nameKey)),
            ("case.field.category", .text(category)),
            ("case.field.reported_at", .text(CasePages.time(r.reportedAt))),
        ]
        if let o = r.outcome { items.append(("case.field.outcome", .t(o.nameKey))) }
        if let rating = r.rating { items.append(("case.field.rating", .t(rating.nameKey))) }
        var rate = HTML.empty
        if r.state == .closed {
            rate = rateForm(code: r.trackingCode, csrf: csrf)
        } else if r.state == .calledBack {
            rate = el("p", ["class": "ok"], .t("track.rated"))
        }
        let shown = publicTimeline(timeline)
        return [
            CasePages.facts(items),
            el("p", .text(PublicText.scrub(r.description))),
            el("h2", .t("case.timeline")),
            CasePages.timelineTable(shown, names: names, staff: false, photos: CasePhotoViews.resident(photos)),
            rate,
        ]
    }

    static func rateForm(code: String, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.trackRate(code).path, "class": "card"],
            [
                el("h2", .t("track.rate")),
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el(
                    "div", ["class": "actions"],
                    Satisfaction.allCases.map { s in
                        el("button", ["type": "submit", "name": "rating", "value": s.rawValue], .t(s.nameKey))
                    }),
            ])
    }

    /// The timeline as a reporter sees it: notes and reasons only where the step must be explained to
    /// them, scrubbed like every public text (a tracking code can be passed around).
    static func publicTimeline(_ timeline: [CaseEventRow]) -> [CaseEventRow] {
        timeline.map { e -> CaseEventRow in
            var e = e
            if !e.notifyReporter && e.action != .report && e.action != .callback { e.note = nil; e.reason = nil }
            e.note = e.note.map(PublicText.scrub)
            e.reason = e.reason.map(PublicText.scrub)
            return e
        }
    }
}

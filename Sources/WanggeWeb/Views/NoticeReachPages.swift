import Foundation
import WanggeCore
import WanggeQR
import WanggeStore

/// Targeted notices: the publish form's target fields, the staff list with reach counts, a notice's
/// reach page, its printable 公告栏 sheet, and the public pages (one notice, a grid's feed).
enum NoticeReachPages {
    typealias Form = LogPages.Form

    /// A care group that can be chosen: its tag key and name.
    struct CareTag: Equatable {
        var key: String
        var name: String
    }

    // MARK: Publishing

    /// The target fields of the publish form: whom it is for, the buildings, the care group. The
    /// request key makes a form sent twice publish once.
    static func targetFields(buildings: [BuildingRow], moreBuildings: Bool, careTags: [CareTag], form: Form, requestKey: String) -> HTML {
        let audience = form.values["audience"] ?? NoticeAudience.unit.rawValue
        let chosen = Set((form.values["building_ids"] ?? "").split(separator: ",").map(String.init))
        return [
            el("input", ["type": "hidden", "name": "request_key", "value": requestKey]),
            OpennessPages.field(
                "audience", "reach.audience",
                el(
                    "select", ["name": "audience"],
                    CaseSetupPages.options(NoticeAudience.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: audience)), form),
            el(
                "fieldset", ["class": "field target-buildings"],
                [
                    el("legend", .t("reach.buildings")),
                    buildings.isEmpty
                        ? el("p", ["class": "meta"], .t("reach.buildings_none"))
                        : el(
                            "div", ["class": "building-picks"],
                            buildings.map { b in
                                el(
                                    "label", ["class": "check"],
                                    [
                                        el(
                                            "input",
                                            ["type": "checkbox", "name": "building_ids[]", "value": b.id.uuidString, "checked": chosen.contains(b.id.uuidString) ? "checked" : nil]),
                                        .text(" " + b.name),
                                    ])
                            }),
                    moreBuildings ? el("p", ["class": "meta"], .t("reach.buildings_more", buildings.count)) : .empty,
                    form.problems["building_ids"].map { el("p", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty,
                ]),
            el(
                "div", ["class": "target-care"],
                OpennessPages.field(
                    "care_tag", "reach.care_tag",
                    el(
                        "select", ["name": "care_tag"],
                        CaseSetupPages.options([("", L10n.t("reach.care_tag_pick"))] + careTags.map { ($0.key, $0.name) }, selected: form.values["care_tag"] ?? "")),
                    form)),
        ]
    }

    /// The unit's notices (published or to come, expired or not) with their reach counts, for staff.
    static func list(_ notices: [Notice], counts: [UUID: NoticeReachCounts]) -> HTML {
        guard !notices.isEmpty else { return el("p", .t("notice.none")) }
        func cell(_ n: Int, of c: NoticeReachCounts) -> HTML { c.rate(n).map { .t("reach.count_rate", grouped(n), $0) } ?? HTML.number(n) }
        return el(
            "section", ["id": "reach-list"],
            [
                el("h2", .t("reach.list")),
                HTML.table(
                    ["reach.col.title", "reach.col.audience", "reach.col.publish_on", "reach.col.households", "reach.col.delivered", "reach.col.opened", "reach.col.printed"],
                    notices.map { n in
                        let c = counts[n.id] ?? NoticeReachCounts()
                        return [
                            HTML.link(SiteURL.noticeReach(n.id).path, n.title), .text(L10n.t(n.audience.nameKey)), .text(n.publishOn), HTML.number(c.households),
                            cell(c.delivered, of: c), cell(c.opened, of: c), cell(c.printed, of: c),
                        ]
                    }),
            ])
    }

    // MARK: Reach

    static func stateName(_ row: NoticeHouseholdRow) -> String {
        guard row.hasContact else { return L10n.t("reach.state.none") }
        return L10n.t("reach.state.\((row.delivery ?? .queued).rawValue)")
    }

    /// One count with its rate over all households.
    static func figure(_ key: String, _ n: Int, _ c: NoticeReachCounts) -> HTML {
        el(
            "div", ["class": "stat"],
            [el("dt", .t(key)), el("dd", c.rate(n).map { HTML.t("reach.count_rate", grouped(n), $0) } ?? HTML.t("reach.count_only", grouped(n)))])
    }

    /// A count with thousands separators, as `HTML.number` writes it.
    static func grouped(_ n: Int) -> String { HTML.number(n).raw }

    static func reach(_ r: NoticeReach, home: UUID?, canRetry: Bool, showsHouseholds: Bool, canPost: Bool, csrf: String, notice: String?, error: String?) -> HTML {
        let c = r.counts
        let yes = L10n.t("reach.yes")
        let no = L10n.t("reach.no")
        return [
            LogPages.notices(notice, error),
            el(
                "nav", ["class": "pager"],
                [
                    home.map { HTML.link(SiteURL.notices($0).path, L10n.t("notice.title")) } ?? .empty,
                    HTML.link(SiteURL.noticeSheet(r.notice.id).path, L10n.t("reach.print")),
                ]),
            OpennessPages.noticeCard(r.notice, scrub: false),
            el("p", ["class": "meta"], .t("reach.target", L10n.t(r.notice.audience.nameKey) + "（" + r.targetNames.joined(separator: "、") + "）")),
            el(
                "section", ["class": "card", "id": "reach-counts"],
                [
                    el("h2", .t("reach.counts")),
                    el("p", .t("reach.households_total", grouped(c.households), grouped(c.withContact), grouped(c.toPrint))),
                    el(
                        "dl", ["class": "stats reach-stats"],
                        [
                            figure("reach.col.delivered", c.delivered, c), figure("reach.col.opened", c.opened, c), figure("reach.col.printed", c.printed, c),
                            figure("reach.col.none", c.none, c),
                        ]),
                    r.failed > 0
                        ? el(
                            "form", ["method": "post", "action": SiteURL.noticeRetry(r.notice.id).path, "class": "inline"],
                            [
                                el("p", ["class": "alert"], .t("reach.failed", grouped(r.failed))), CaseSetupPages.hidden(csrf),
                                canRetry ? el("button", ["type": "submit", "class": "secondary"], .t("reach.retry")) : .empty,
                            ]) : .empty,
                ]),
            r.buildings.isEmpty
                ? .empty
                : el(
                    "section", ["id": "reach-buildings"],
                    [
                        el("h2", .t("reach.buildings_heading")),
                        HTML.table(
                            ["reach.col.building", "reach.col.households", "reach.col.to_print", "reach.col.posted"],
                            r.buildings.map { b in
                                let posted: HTML =
                                    b.postedAt.map { at in HTML.t("reach.posted_by", b.postedBy ?? "", SimpleDate(at).description) }
                                    ?? (canPost
                                        ? el(
                                            "form", ["method": "post", "action": SiteURL.noticePosted(r.notice.id).path, "class": "inline"],
                                            [
                                                CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "building_id", "value": b.buildingID.uuidString]),
                                                el("button", ["type": "submit", "class": "secondary"], .t("reach.mark_posted")),
                                            ]) : .text(no))
                                return [
                                    .text(b.name), HTML.number(b.households), HTML.number(b.toPrint),
                                    [HTML.link(SiteURL.noticeSheet(r.notice.id, building: b.buildingID).path, L10n.t("reach.print_building")), .text(" "), posted],
                                ]
                            }, cls: "data reach-table"),
                    ]),
            el(
                "section", ["id": "reach-households"],
                [
                    el("h2", .t("reach.households_heading")),
                    !showsHouseholds
                        ? el("p", ["class": "meta"], .t("reach.households_hidden"))
                        : r.households.isEmpty
                            ? el("p", .t("reach.households_none"))
                            : [
                                HTML.table(
                                    ["reach.col.household", "reach.col.sms", "reach.col.opened", "reach.col.printed"],
                                    r.households.map { h in
                                        [
                                            .text(h.maskedAddress), .text(stateName(h)), .text(h.reach.opened ? yes : no),
                                            .text(h.reach.printed ? yes : no),
                                        ]
                                    }, cls: "data reach-table"),
                                c.households > r.households.count ? el("p", ["class": "meta"], .t("reach.households_first", r.households.count)) : .empty,
                            ],
                ]),
        ]
    }

    // MARK: The printed sheet

    /// The A4 sheet for a notice board: the unit, the notice, its dates, and a QR code to its public
    /// page (none for a notice that is not public: it is handed to its households, not posted).
    static func sheet(_ n: Notice, building: String?, publicURL: String?, qr: QRCode?) -> HTML {
        el(
            "article", ["class": "notice-sheet"],
            [
                el("p", ["class": "no-print"], el("button", ["type": "button", "onclick": "window.print()"], .t("reach.sheet_print"))),
                el("p", ["class": "sheet-unit"], .text(n.unitName)),
                el("h2", ["class": "sheet-kind"], .t("reach.sheet_title")),
                el("h3", ["class": "sheet-title"], .text(n.title)),
                el("div", ["class": "sheet-body lines"], .text(n.body)),
                el(
                    "p", ["class": "sheet-dates"],
                    [.text(n.unitName), el("br", []), .t("notice.published", n.publishOn), n.expiresOn.map { HTML([.text(" · "), .t("notice.expires", $0)]) } ?? .empty]),
                building.map { el("p", ["class": "meta"], .t("reach.sheet_posted_at", $0)) } ?? .empty,
                qr.map { code in
                    el(
                        "div", ["class": "sheet-qr"],
                        [
                            QRCodeSVG.inline(code, title: L10n.t("reach.sheet_scan")),
                            el("p", [el("strong", .t("reach.sheet_scan")), el("br", []), el("span", ["class": "url"], .text(publicURL ?? ""))]),
                        ])
                } ?? el("p", ["class": "meta"], .t("reach.sheet_private")),
            ])
    }

    // MARK: Public

    /// One notice as the public (or its household) reads it: typed text scrubbed of digit runs.
    static func publicNotice(_ n: Notice, expired: Bool) -> HTML {
        [
            expired ? el("p", ["class": "alert"], .t("reach.expired")) : .empty,
            OpennessPages.noticeCard(n, scrub: true),
        ]
    }

    /// A grid's feed: its current public notices and those of the units above it.
    static func gridFeed(grid: UnitRow, notices: [Notice]) -> HTML {
        [
            el("p", ["class": "meta"], .t("reach.grid_feed_intro")),
            notices.isEmpty ? el("p", .t("notice.none")) : HTML(notices.map { OpennessPages.noticeCard($0, scrub: true) }),
            el("p", ["class": "portal-link"], HTML.link(SiteURL.report(grid.code).path, L10n.t("reach.grid_feed_back"))),
        ]
    }
}

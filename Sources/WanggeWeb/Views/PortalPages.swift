import Foundation
import WanggeCore
import WanggeStore

/// The public disclosure page of a district, street or community, readable on a phone in front of
/// the notice board. Every text typed by staff is scrubbed of digit runs (phones, ID numbers).
enum PortalPages {
    struct Model: Sendable {
        var unit: UnitRow
        var parent: UnitRow?
        var children: [UnitRow]
        var powers: [PowerItemRow]
        var catalogue: [PowerItemRow]
        var lists: [FourListItemRow]
        var counts: AdmissionCounts
        var decisions: [MajorDecision]
        var notices: [Notice]
        var reported: Int
        var stats: [MeasureValue]
        var days: Int
        /// The service centres and stations of the unit and below.
        var stations: [StationRow] = []
    }

    static func page(_ m: Model) -> HTML {
        [
            el("p", ["class": "meta"], .t("portal.intro")),
            el(
                "nav", ["class": "pager"],
                [
                    m.parent.map { HTML([.t("portal.above"), .text("："), HTML.link(SiteURL.portal($0.code).path, $0.name)]) } ?? .empty,
                    el(
                        "span",
                        [
                            .t("portal.feeds"), HTML.link(SiteURL.portalFeed(m.unit.code, format: "atom").path, L10n.t("portal.feed_atom")), .text(" · "),
                            HTML.link(SiteURL.portalFeed(m.unit.code, format: "json").path, L10n.t("portal.feed_json")),
                        ]),
                ]),
            m.children.isEmpty
                ? .empty : el("section", [el("h2", .t("portal.below")), el("ul", ["class": "portal-units"], m.children.map { el("li", HTML.link(SiteURL.portal($0.code).path, $0.name)) })]),
            statistics(m),
            stations(m.stations),
            el("section", ["id": "notices"], [el("h2", .t("notice.title")), m.notices.isEmpty ? el("p", .t("notice.none")) : HTML(m.notices.map { OpennessPages.noticeCard($0, scrub: true) })]),
            m.unit.level == .community
                ? el(
                    "section", ["id": "council"],
                    [el("h2", .t("council.nav")), el("p", [.t("council.portal_teaser"), .text(" "), HTML.link(SiteURL.portalCouncil(m.unit.code).path, L10n.t("council.portal_link"))])])
                : .empty,
            m.unit.level == .community
                ? el("section", ["id": "decisions"], [el("h2", .t("decision.title")), m.decisions.isEmpty ? el("p", .t("decision.none")) : HTML(m.decisions.map { OpennessPages.decisionCard($0, scrub: true) })])
                : .empty,
            el("section", ["id": "powers"], [el("h2", .t("power.nav")), m.powers.isEmpty ? el("p", .t("power.none")) : powerList(m.powers)]),
            m.catalogue.isEmpty ? .empty : el("section", [el("h2", .t("power.catalogue")), powerList(m.catalogue)]),
            m.unit.level == .community ? fourLists(m.lists) : .empty,
            el("section", ["id": "admission"], [el("h2", .t("admission.nav")), OpennessPages.counts(m.counts)]),
        ]
    }

    static func stations(_ stations: [StationRow]) -> HTML {
        guard !stations.isEmpty else { return .empty }
        return el("section", ["id": "stations"], [el("h2", .t("station.public_heading"))] + stations.map { StationPages.card($0, public: true) })
    }

    static func statistics(_ m: Model) -> HTML {
        el(
            "section", ["id": "statistics"],
            [
                el("h2", .t("portal.stats")),
                el(
                    "dl", ["class": "facts stats"],
                    [el("div", [el("dt", .t("portal.reported")), el("dd", HTML.number(m.reported))])]
                        + m.stats.map { v in
                            el("div", [el("dt", .t(v.measure.nameKey)), el("dd", [.text(v.display), el("small", .text(" (\(v.numerator)/\(v.denominator))"))])])
                        }),
            ])
    }

    /// Each item folds open to its facts and flow chart, so a long list stays short on a phone.
    static func powerList(_ rows: [PowerItemRow]) -> HTML {
        OpennessPages.grouped(rows) { items in
            items.map { item in
                el(
                    "details", ["class": "card power"],
                    [
                        el("summary", [.text(item.title), el("span", ["class": "meta"], .text(" · \(item.responsibleRole)"))]),
                        OpennessPages.facts(item),
                        el(
                            "figure", ["class": "flow-chart"],
                            element(
                                "img",
                                [
                                    ("src", SiteURL.powerFlow(item.id).path), ("alt", L10n.t("power.flow_chart", item.title) + "：" + item.steps.joined(separator: " → ")),
                                    ("loading", "lazy"),
                                ], [])),
                    ])
            }
        }
    }

    static func fourLists(_ items: [FourListItemRow]) -> HTML {
        el(
            "section", ["id": "four-lists"],
            [el("h2", .t("fourlist.nav")), el("p", ["class": "meta"], .t("fourlist.intro"))]
                + FourList.allCases.map { list in
                    let inList = items.filter { $0.list == list }
                    return el(
                        "details", ["class": "card four-list"],
                        [
                            el("summary", [.t(list.nameKey), .text(" "), el("span", ["class": "badge"], .t("fourlist.count", inList.count))]),
                            inList.isEmpty
                                ? el("p", .t("fourlist.none"))
                                : el("ol", inList.map { el("li", [.text($0.title), el("span", ["class": "meta"], .text(" · \($0.basis)"))]) }),
                        ])
                })
    }
}

/// The portal's news as feeds: notices and the steps of major decisions, newest first.
enum PortalFeed {
    struct Entry {
        var id: String
        var title: String
        var text: String
        var url: String
        var updated: Date
    }

    static func entries(_ m: PortalPages.Model, base: String) -> [Entry] {
        let page = base + SiteURL.portal(m.unit.code).path
        var out: [Entry] = m.notices.map { n in
            Entry(
                id: "urn:uuid:\(n.id.uuidString.lowercased())", title: PublicText.scrub(n.title), text: PublicText.scrub(n.body), url: page + "#n-\(n.id.uuidString)",
                updated: SimpleDate(iso: n.publishOn)?.startOfDayInChina ?? n.createdAt)
        }
        out += m.decisions.map { d in
            let parts = [d.proposal, d.resolution, d.result].compactMap { $0 }.map(PublicText.scrub)
            return Entry(
                id: "urn:uuid:\(d.id.uuidString.lowercased())", title: "\(PublicText.scrub(d.title))（\(L10n.t(d.stage.nameKey))）", text: parts.joined(separator: "\n\n"),
                url: page + "#d-\(d.id.uuidString)", updated: d.updatedAt)
        }
        return out.sorted { $0.updated > $1.updated }
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
    static func json(_ m: PortalPages.Model, base: String) throws -> Data {
        struct Item: Encodable {
            var id: String
            var url: String
            var title: String
            var content_text: String
            var date_published: String
        }
        struct Feed: Encodable {
            var version = "https://jsonfeed.org/version/1.1"
            var title: String
            var home_page_url: String
            var feed_url: String
            var language = "zh-CN"
            var items: [Item]
        }
        let feed = Feed(
            title: L10n.t("portal.feed_title", m.unit.name), home_page_url: base + SiteURL.portal(m.unit.code).path,
            feed_url: base + SiteURL.portalFeed(m.unit.code, format: "json").path,
            items: entries(m, base: base).map { Item(id: $0.id, url: $0.url, title: $0.title, content_text: $0.text, date_published: iso($0.updated)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(feed)
    }

    /// An Atom 1.0 feed (RFC 4287): the feed's id, title, updated, author and self link, and each
    /// entry's id, title, updated, link and content. Built with the escaping builder.
    static func atom(_ m: PortalPages.Model, base: String, now: Date) -> String {
        let entries = entries(m, base: base)
        let updated = entries.first?.updated ?? now
        let feedURL = base + SiteURL.portalFeed(m.unit.code, format: "atom").path
        let body = element(
            "feed", [("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", "zh-CN")],
            [
                el("id", .text(feedURL)),
                el("title", .text(L10n.t("portal.feed_title", m.unit.name))),
                el("updated", .text(iso(updated))),
                el("author", el("name", .text(m.unit.name))),
                xmlLink(feedURL, rel: "self"),
                xmlLink(base + SiteURL.portal(m.unit.code).path, rel: "alternate"),
            ]
                + entries.map { e in
                    el(
                        "entry",
                        [
                            el("id", .text(e.id)), el("title", .text(e.title)), el("updated", .text(iso(e.updated))), xmlLink(e.url, rel: "alternate"),
                            el("content", ["type": "text"], .text(e.text)),
                        ])
                })
        return #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + body.raw
    }

    /// `<link/>` closed the XML way (the HTML builder leaves `link` open, as HTML does).
    static func xmlLink(_ href: String, rel: String) -> HTML {
        HTML(raw: "<link rel=\"\(HTML.escape(rel))\" href=\"\(HTML.escape(href))\"/>")
    }
}

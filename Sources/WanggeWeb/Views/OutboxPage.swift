import Vapor
import WanggeCore
import WanggeStore

/// The notification outbox: tabs by delivery state, one row per notice with its masked recipient,
/// attempts, next attempt and last error, and 立即重发 on dead letters. A notice whose channel has no
/// sender configured says so: it stays queued, nothing pretends it was sent.
enum OutboxPage {
    static let tabs: [DeliveryState?] = [nil, .queued, .retrying, .dead, .sent]

    static func render(
        items: [OutboxItem], state: DeliveryState?, more: UUID?, settings: NotificationSettings, csrf: String, notice: String?, now: Date
    ) -> HTML {
        let nav = el(
            "nav", ["class": "pager"],
            tabs.map { t in
                let label = L10n.t(t?.nameKey ?? "notify.all")
                return t == state ? el("strong", .text(label)) : HTML.link(SiteURL.outbox(state: t?.rawValue).path, label)
            })
        let configured = NoticeChannel.allCases.filter(settings.channels.contains).map { L10n.t($0.nameKey) }
        return [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            el("p", ["class": "meta"], .t("notify.intro")),
            el("p", ["class": "meta"], .t("notify.senders", configured.isEmpty ? L10n.t("notify.sender.none") : configured.joined(separator: "、"))),
            nav,
            items.isEmpty ? el("p", .t("notify.none")) : table(items, settings: settings, csrf: csrf, actions: true),
            more.map { el("nav", ["class": "pager"], HTML.link(SiteURL.outbox(state: state?.rawValue, after: $0).path, L10n.t("notify.more"))) } ?? .empty,
        ]
    }

    /// The list of notices; `actions` adds the retry form to dead letters (the case page shows none).
    /// Compact for a phone: the channel goes with the recipient, attempts and error with the state.
    static func table(_ items: [OutboxItem], settings: NotificationSettings, csrf: String, actions: Bool) -> HTML {
        var headers = ["notify.col.time", "notify.col.case", "notify.col.kind", "notify.col.recipient", "notify.col.state"]
        if actions { headers.append("notify.col.action") }
        return HTML.table(
            headers,
            items.map { i in
                var cells: [HTML] = [
                    .text(AuditPage.time(i.createdAt)),
                    HTML.link(SiteURL.caseDetail(i.caseID).path, TrackingCode.display(i.caseCode), cls: "code"),
                    el(
                        "details",
                        [el("summary", .t(i.notice.kind.nameKey)), el("p", ["class": "notice-text"], .text(i.notice.text(publicBaseURL: settings.publicBaseURL)))]),
                    .text(L10n.t(i.channel.nameKey) + " " + i.recipient),
                    state(i, settings: settings),
                ]
                if actions { cells.append(i.delivery.state == .dead ? retryForm(i.id, csrf: csrf) : .empty) }
                return cells
            })
    }

    /// The state badge, then what explains it: no sender, the attempts made, the next attempt, the last error.
    static func state(_ i: OutboxItem, settings: NotificationSettings) -> HTML {
        let d = i.delivery
        var lines: [String] = []
        if d.state == .queued, !settings.channels.contains(i.channel) { lines.append(L10n.t("notify.no_sender", L10n.t(i.channel.nameKey))) }
        if d.attempts > 0 { lines.append(L10n.t("notify.attempts", d.attempts)) }
        if [.queued, .retrying].contains(d.state), settings.channels.contains(i.channel) { lines.append(L10n.t("notify.next_at", AuditPage.time(d.nextAttemptAt))) }
        if let error = d.lastError, d.state != .sent { lines.append(L10n.t("notify.last_error", error)) }
        return [el("span", ["class": d.state == .dead ? "flag" : "badge"], .t(d.state.nameKey))]
            + HTML(lines.map { el("div", ["class": "notice-text"], .text($0)) })
    }

    static func retryForm(_ id: UUID, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.outboxRetry(id).path, "class": "inline"],
            [
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("button", ["type": "submit"], .t("notify.retry")),
            ])
    }

    /// The case page's section: what this case's reporters (its own and merged ones) were told.
    static func caseSection(_ items: [OutboxItem], settings: NotificationSettings, reporterReachable: Bool) -> HTML {
        [
            el("h2", .t("notify.case_section")),
            items.isEmpty
                ? el("p", ["class": "meta"], .t(reporterReachable ? "notify.none" : "notify.no_address"))
                : table(items, settings: settings, csrf: "", actions: false),
        ]
    }
}

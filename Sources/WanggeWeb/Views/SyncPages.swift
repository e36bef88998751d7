import Foundation
import WanggeCore
import WanggeStore

/// The offline app's shell and the pages behind it for people: conflicts side by side, phones
/// silent for days, and the rescue import. Phone first.
enum SyncPages {
    /// The app shell. Its text comes from the localisation table as a JSON attribute (the script
    /// has no words of its own); the service worker keeps a copy for opening without signal.
    static func shell(strings: String, config: String, categories: String, names: String) -> HTML {
        HTML(raw: "<!DOCTYPE html>")
            + el(
                "html", ["lang": "zh-CN"],
                [
                    el(
                        "head",
                        [
                            el("meta", ["charset": "utf-8"]),
                            el("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                            el("meta", ["name": "theme-color", "content": "#0b5cad"]),
                            el("title", .t("offline.app_name")),
                            el("link", ["rel": "manifest", "href": SiteURL.offlineManifest.path]),
                            el("link", ["rel": "icon", "href": SiteURL.asset("offline-icon.svg").path, "type": "image/svg+xml"]),
                            el("link", ["rel": "apple-touch-icon", "href": SiteURL.asset("offline-icon-192.png").path]),
                            el("link", ["rel": "stylesheet", "href": SiteURL.asset("app.css").path]),
                            el("link", ["rel": "stylesheet", "href": SiteURL.asset("offline.css").path]),
                            el("script", ["src": SiteURL.asset("offline-db.js").path, "defer": "defer"]),
                            el("script", ["src": SiteURL.asset("offline-app.js").path, "defer": "defer"]),
                        ]),
                    el(
                        "body", ["class": "offline"],
                        [
                            el(
                                "header", ["class": "offline-bar"],
                                [
                                    el("strong", ["class": "brand"], .t("offline.short_name")),
                                    el("span", ["id": "net", "class": "net", "role": "status"], .empty),
                                    el("button", ["id": "sync-now", "type": "button", "class": "badge-button"], [.t("offline.sync_now"), el("span", ["id": "badge", "class": "badge"], .text("0"))]),
                                ]),
                            el("p", ["id": "sync-line", "class": "meta"], .empty),
                            el(
                                "nav", ["class": "offline-tabs", "id": "tabs"],
                                ["today", "visit", "case", "log", "need", "queue"].map { (tab: String) in
                                    el("button", ["type": "button", "data-tab": tab], .t("offline.tab.\(tab)"))
                                }),
                            el(
                                "main",
                                [
                                    el(
                                        "div", ["id": "offline-app", "data-strings": strings, "data-config": config, "data-categories": categories, "data-names": names],
                                        el("p", .t("offline.loading"))),
                                    el("noscript", .t("offline.noscript")),
                                ]),
                        ]),
                ])
    }

    static func value(_ field: String, _ v: String?, tags: [String: String]) -> String {
        guard let v, !v.isEmpty else { return L10n.t("sync.empty") }
        guard field == "tags" else { return v }
        return v.split(separator: ",").map { tags[String($0)] ?? String($0) }.joined(separator: "、")
    }

    static func conflicts(_ list: [SyncConflictRecord], tags: [String: String], csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            el("p", ["class": "meta"], .t("sync.conflicts.intro")),
            list.isEmpty
                ? el("p", .t("sync.conflicts.none"))
                : el(
                    "div", ["class": "log-entries"],
                    list.map { c in
                        el(
                            "article", ["class": "card conflict", "data-state": c.state.rawValue],
                            [
                                el(
                                    "h2",
                                    [
                                        .text("\(c.residentName) · \(L10n.t("sync.field.\(c.field)"))"), .text(" "),
                                        el("span", ["class": "tag"], .t(c.state.nameKey)),
                                    ]),
                                el(
                                    "dl", ["class": "sides"],
                                    [
                                        el("dt", .t("sync.side.base")), el("dd", .text(value(c.field, c.base, tags: tags))),
                                        el("dt", .t("sync.side.mine", c.authorName)), el("dd", ["class": "mine"], .text(value(c.field, c.mine, tags: tags))),
                                        el("dt", .t("sync.side.server")), el("dd", ["class": "server"], .text(value(c.field, c.server, tags: tags))),
                                    ]),
                                el("p", ["class": "meta"], .text(L10n.t("sync.recorded_at", ChinaTime.formatMinutes(c.createdAt)))),
                                c.state == .open
                                    ? decideForm(c, csrf: csrf)
                                    : el(
                                        "p", ["class": "meta"],
                                        .text(L10n.t("sync.decided", c.decidedBy ?? "", c.decidedAt.map(ChinaTime.formatMinutes) ?? "", value(c.field, c.finalValue, tags: tags)))),
                            ])
                    }),
        ]
    }

    static func decideForm(_ c: SyncConflictRecord, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.syncConflict(c.id).path, "class": "decide"],
            [
                CaseSetupPages.hidden(csrf),
                el("button", ["type": "submit", "name": "action", "value": "keep_mine"], .t("sync.keep_mine")),
                el("button", ["type": "submit", "name": "action", "value": "keep_server", "class": "secondary"], .t("sync.keep_server")),
                el(
                    "label",
                    [.t("sync.edit_value"), el("input", ["type": "text", "name": "value", "maxlength": "200", "value": c.field == "relation" ? c.mine : nil])]),
                el("button", ["type": "submit", "name": "action", "value": "edit", "class": "secondary"], .t("sync.edit")),
            ])
    }

    static func devices(_ list: [SilentDevice], now: Date) -> HTML {
        [
            el("p", ["class": "meta"], .t("sync.devices.intro")),
            el("p", ["class": "actions"], HTML.link(SiteURL.syncRescue.path, L10n.t("sync.rescue.title"), cls: "button secondary")),
            list.isEmpty
                ? el("p", .t("sync.devices.none"))
                : HTML.table(
                    ["sync.devices.worker", "sync.devices.grid", "sync.devices.last_seen", "sync.devices.days", "sync.devices.held", "sync.devices.app"],
                    list.map { d in
                        [
                            .text(d.accountName), .text(d.unitName ?? ""), .text(ChinaTime.formatMinutes(d.device.lastSeenAt)),
                            HTML.number(Int(now.timeIntervalSince(d.device.lastSeenAt) / 86_400)), HTML.number(d.held), .text(d.device.appVersion),
                        ]
                    }),
        ]
    }

    static func rescue(csrf: String, results: [SyncResult]?, error: String?) -> HTML {
        [
            LogPages.notices(nil, error),
            el("p", ["class": "meta"], .t("sync.rescue.intro")),
            el(
                "form", ["method": "post", "action": SiteURL.syncRescue.path, "enctype": "multipart/form-data", "class": "card"],
                [
                    CaseSetupPages.hidden(csrf),
                    el("label", [.t("sync.rescue.file"), el("input", ["type": "file", "name": "file", "accept": ".json,application/json", "required": "required"])]),
                    el("button", ["type": "submit"], .t("sync.rescue.import")),
                ]),
            results.map { list in
                HTML.table(
                    ["sync.rescue.client_id", "sync.rescue.status", "sync.rescue.reason"],
                    list.map { [.text($0.clientId), .t("sync.status.\($0.status.rawValue)"), .text($0.reason ?? $0.code ?? "")] })
            } ?? .empty,
        ]
    }
}

import Vapor
import WanggeCore

/// The frame around every page: a header with the signed-in user and the main navigation.
/// Built for a phone first; the CSS widens it on a desk screen.
enum Layout {
    static func page(req: Request, title: String, body: HTML) -> HTML {
        page(viewer: req.viewer, csrf: req.hasSession ? CSRF.token(req) : nil, title: title, body: body)
    }

    /// A whole page as a response: `body` in the frame, with `status`. Every page goes out this way.
    static func response(_ req: Request, _ body: HTML, title: String, status: HTTPStatus = .ok) -> Response {
        let res = page(req: req, title: title, body: body).response
        res.status = status
        return res
    }

    static func page(viewer: Viewer?, csrf: String?, title: String, body: HTML) -> HTML {
        HTML(raw: "<!DOCTYPE html>")
            + el(
                "html", ["lang": "zh-CN"],
                [
                    el(
                        "head",
                        [
                            el("meta", ["charset": "utf-8"]),
                            el("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                            el("title", .text("\(title) · \(L10n.t("app.name"))")),
                            el("link", ["rel": "stylesheet", "href": SiteURL.asset("app.css").path]),
                            el("script", ["src": SiteURL.asset("app.js").path, "defer": "defer"]),
                        ]),
                    el(
                        "body",
                        [
                            header(viewer: viewer, csrf: csrf),
                            el("main", [el("h1", .text(title)), body]),
                            el("footer", .t("app.footer")),
                        ]),
                ])
    }

    static func header(viewer: Viewer?, csrf: String?) -> HTML {
        var nav: [HTML] = []
        if let viewer {
            if viewer.role.worksInField { nav.append(HTML.link(SiteURL.today.path, L10n.t("day.nav"))) }
            if viewer.role.syncsOffline { nav.append(HTML.link(SiteURL.offlineApp.path, L10n.t("sync.nav.app"))) }
            if viewer.role.syncConflictDecider != nil { nav.append(HTML.link(SiteURL.syncConflicts.path, L10n.t("sync.nav.conflicts"))) }
            if viewer.role.watchesDevices { nav.append(HTML.link(SiteURL.syncDevices.path, L10n.t("sync.nav.devices"))) }
            if viewer.role.readsRegister {
                nav += [
                    HTML.link(SiteURL.units.path, L10n.t("nav.tree")),
                    HTML.link(SiteURL.residents().path, L10n.t("nav.residents")),
                    HTML.link(SiteURL.coverage().path, L10n.t("nav.coverage")),
                    HTML.link(SiteURL.importExport.path, L10n.t("nav.data")),
                ]
            }
            if viewer.role.readsMeasures && viewer.scope.departments == nil { nav.append(HTML.link(SiteURL.dashboard().path, L10n.t("dashboard.nav"))) }
            if viewer.role == .department { nav.append(HTML.link(SiteURL.departmentDashboard().path, L10n.t("dept.nav"))) }
            if viewer.role.worksCases { nav.append(HTML.link(SiteURL.cases().path, L10n.t("nav.cases"))) }
            if viewer.role.readsMarket || viewer.role == .department { nav.append(HTML.link(SiteURL.market().path, L10n.t("market.nav"))) }
            // The grid team's own logs, one tap from every page.
            if viewer.role.keepsLogs, viewer.role != .operator_, let unit = viewer.account.unitID {
                nav += [HTML.link(SiteURL.socialLog(unit).path, L10n.t("log.nav")), HTML.link(SiteURL.needs(unit).path, L10n.t("need.nav"))]
            }
            if viewer.role.keepsExamples { nav.append(HTML.link(SiteURL.examples().path, L10n.t("example.nav"))) }
            if viewer.role.watchesOutbox { nav.append(HTML.link(SiteURL.outbox().path, L10n.t("notify.nav"))) }
            if viewer.role.configuresCases { nav.append(HTML.link(SiteURL.caseSetupRoutes.path, L10n.t("nav.case_setup"))) }
            if viewer.role.configuresCases && viewer.scope.coversDistrict { nav.append(HTML.link(SiteURL.serviceSetup.path, L10n.t("service.nav"))) }
            if viewer.role.configuresCases && viewer.scope.coversDistrict { nav.append(HTML.link(SiteURL.scoringWeights.path, L10n.t("weights.nav"))) }
            if viewer.role.managesAccounts || viewer.role.managesRoles { nav.append(HTML.link(SiteURL.adminAccounts.path, L10n.t("nav.accounts"))) }
            if viewer.role.readsAuditLog { nav.append(HTML.link(SiteURL.audit().path, L10n.t("nav.audit"))) }
            nav.append(el("a", ["class": "who", "href": SiteURL.account.path], .text("\(viewer.account.displayName) · \(L10n.t(viewer.role.nameKey))")))
            nav.append(
                el(
                    "form", ["method": "post", "action": SiteURL.logout.path, "class": "inline"],
                    [
                        el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                        el("button", ["type": "submit", "class": "link"], .t("nav.logout")),
                    ]))
        }
        return el(
            "header",
            [
                el("a", ["href": SiteURL.home.path, "class": "brand"], .t("app.name")),
                el("nav", nav),
            ])
    }

    /// A row of links from the district down to the current unit.
    static func breadcrumbs(_ units: [(name: String, url: String)]) -> HTML {
        el("nav", ["class": "crumbs", "aria-label": L10n.t("nav.crumbs")], units.map { HTML.link($0.url, $0.name) })
    }

    /// Page links for a list of `total` items shown `size` at a time.
    static func pager(total: Int, page: Int, size: Int, url: (Int) -> String) -> HTML {
        let pages = max(1, (total + size - 1) / size)
        guard pages > 1 else { return .empty }
        var parts: [HTML] = []
        if page > 1 { parts.append(HTML.link(url(page - 1), L10n.t("pager.prev"))) }
        parts.append(el("span", .t("pager.status", page, pages, total)))
        if page < pages { parts.append(HTML.link(url(page + 1), L10n.t("pager.next"))) }
        return el("nav", ["class": "pager"], parts)
    }
}

extension HTML {
    static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.raw + b.raw) }
}

enum ErrorPage {
    static func render(status: HTTPStatus, error: APIError.Body) -> HTML {
        el(
            "section", ["class": "error"],
            [
                el("p", ["class": "status"], .text("\(status.code)")),
                el("p", .text(error.message)),
                error.problems.map { problems in
                    el(
                        "ul",
                        problems.map { p in
                            el("li", .text([p.row.map { L10n.t("import.row", $0) }, p.column, p.message].compactMap { $0 }.joined(separator: " · ")))
                        })
                } ?? .empty,
                el("p", HTML.link(SiteURL.home.path, L10n.t("error.home"))),
            ])
    }
}

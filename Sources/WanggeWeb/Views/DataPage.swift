import Fluent
import Vapor
import WanggeCore
import WanggeStore

enum DataPage {
    static func render(csrf: String, canImport: Bool, result: ImportResult?, failure: ImportFailure?, report: UUID? = nil) -> HTML {
        let kinds = ImportKind.allCases
        return [
            result.map { r in el("div", ["class": "ok", "role": "status"], r.summaryLines.map { el("p", .text($0)) }) } ?? .empty,
            result.map { r in
                r.notices.isEmpty
                    ? HTML.empty
                    : el(
                        "section",
                        [
                            el("h2", .t("import.notices", r.notices.count)),
                            HTML.table(
                                ["col.row", "col.column", "col.problem"],
                                r.notices.map { p in [.text(p.row.map(String.init) ?? "—"), .text(p.column ?? "—"), .text(p.message)] }),
                        ])
            } ?? .empty,
            failure.map { f in
                el(
                    "section", ["class": "alert", "role": "alert"],
                    [
                        el("p", .t("import.failed", f.problems.count)),
                        report.map { el("p", HTML.link(SiteURL.importProblems($0).path, L10n.t("import.download_problems"), cls: "button")) } ?? .empty,
                        HTML.table(
                            ["col.row", "col.column", "col.problem"],
                            f.problems.prefix(ImportFailure.shown).map { p in
                                [.text(p.row.map(String.init) ?? "—"), .text(p.column ?? "—"), .text(p.message)]
                            }),
                        f.problems.count > ImportFailure.shown ? el("p", .t("import.more_problems", f.problems.count - ImportFailure.shown)) : .empty,
                    ])
            } ?? .empty,
            canImport
                ? el(
                    "section",
                    [
                        el("h2", .t("data.import")),
                        el("p", ["class": "meta"], .t("data.import_help")),
                        el(
                            "form", ["method": "post", "action": SiteURL.importExport.path, "enctype": "multipart/form-data", "class": "card"],
                            [
                                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                el("label", [.t("data.kind"), el("select", ["name": "kind"], kinds.map { el("option", ["value": $0.rawValue], .t("import.kind.\($0.rawValue)")) })]),
                                el("label", [.t("data.file"), el("input", ["type": "file", "name": "file", "required": "required", "accept": ".csv,.geojson,.json,text/csv"])]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "dry_run", "value": "1"]), .t("import.mode.dry_run")]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "empty_clears", "value": "1"]), .t("import.mode.empty_clears")]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "accept_gaps", "value": "1"]), .t("import.mode.accept_gaps")]),
                                el("button", ["type": "submit"], .t("data.upload")),
                            ]),
                    ]) : .empty,
            el(
                "section",
                [
                    el("h2", .t("data.export")),
                    el("p", ["class": "meta"], .t("data.export_help")),
                    el("ul", kinds.filter { $0 != .boundaries }.map { el("li", HTML.link(SiteURL.export(kind: $0.rawValue).path, L10n.t("import.kind.\($0.rawValue)") + " (CSV)")) }),
                ]),
        ]
    }
}

import Fluent
import Vapor
import WanggeCore
import WanggeStore

enum DataPage {
    static func render(
        csrf: String, canImport: Bool, result: ImportResult?, failure: ImportFailure?, report: UUID? = nil, batches: [ImportBatchRow] = [],
        notice: String? = nil
    ) -> HTML {
        let kinds = ImportKind.allCases
        return [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
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
                        el("p", .t("import.failed", f.total)),
                        report.map { el("p", HTML.link(SiteURL.importProblems($0).path, L10n.t("import.download_problems"), cls: "button")) } ?? .empty,
                        HTML.table(
                            ["col.row", "col.column", "col.problem"],
                            f.problems.prefix(ImportFailure.shown).map { p in
                                [.text(p.row.map(String.init) ?? "—"), .text(p.column ?? "—"), .text(p.message)]
                            }),
                        f.total > ImportFailure.shown ? el("p", .t("import.more_problems", f.total - ImportFailure.shown)) : .empty,
                    ])
            } ?? .empty,
            canImport
                ? el(
                    "section",
                    [
                        el("h2", .t("data.import")),
                        el("p", ["class": "meta"], .t("data.import_help")),
                        el(
                            "form",
                            [
                                "method": "post", "action": SiteURL.importExport.path, "enctype": "multipart/form-data", "class": "card", "data-progress": "1",
                                "data-uploading": L10n.t("data.progress.uploading"), "data-rows": L10n.t("data.progress.rows"),
                                "data-failed": L10n.t("data.progress.failed"), "data-seconds": L10n.t("data.progress.seconds"),
                                "data-minutes": L10n.t("data.progress.minutes"),
                            ],
                            [
                                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                el("label", [.t("data.kind"), el("select", ["name": "kind"], kinds.map { el("option", ["value": $0.rawValue], .t("import.kind.\($0.rawValue)")) })]),
                                el("label", [.t("data.file"), el("input", ["type": "file", "name": "file", "required": "required", "accept": ".csv,.geojson,.json,text/csv"])]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "dry_run", "value": "1"]), .t("import.mode.dry_run")]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "empty_clears", "value": "1"]), .t("import.mode.empty_clears")]),
                                el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "accept_gaps", "value": "1"]), .t("import.mode.accept_gaps")]),
                                el("button", ["type": "submit"], .t("data.upload")),
                                el(
                                    "div", ["class": "import-progress", "hidden": "hidden", "role": "status", "aria-live": "polite"],
                                    [el("progress", ["max": "1", "value": "0"], .empty), el("span", .empty)]),
                            ]),
                    ]) : .empty,
            batches.isEmpty ? .empty : batchList(batches, csrf: csrf),
            el(
                "section",
                [
                    el("h2", .t("data.export")),
                    el("p", ["class": "meta"], .t("data.export_help")),
                    el("ul", kinds.filter { $0 != .boundaries }.map { el("li", HTML.link(SiteURL.export(kind: $0.rawValue).path, L10n.t("import.kind.\($0.rawValue)") + " (CSV)")) }),
                ]),
        ]
    }

    /// 导入记录: the latest imports with what they did, each with 撤销 while it can be rolled back.
    static func batchList(_ batches: [ImportBatchRow], csrf: String) -> HTML {
        el(
            "section",
            [
                el("h2", .t("import.batches")),
                el("p", ["class": "meta"], .t("import.batches_help")),
                HTML.table(
                    ["import.batch.at", "import.batch.kind", "import.batch.actor", "import.batch.counts", "import.batch.file", ""],
                    batches.map { b in
                        [
                            .text(ChinaTime.formatMinutes(b.createdAt)), .t("import.kind.\(b.kind)"), .text(b.actor),
                            .t("import.batch.count_values", b.inserted, b.updated), el("span", ["class": "code"], .text(String(b.fileSHA256.prefix(12)))),
                            b.rolledBackAt.map { .t("import.batch.rolled_back", ChinaTime.formatMinutes($0), b.rolledBackBy ?? "") }
                                ?? (b.kind != ImportKind.boundaries.rawValue
                                    ? el(
                                        "form",
                                        [
                                            "method": "post", "action": SiteURL.importUndo(b.id).path, "class": "inline",
                                            "data-confirm": L10n.t("import.undo.confirm"),
                                        ],
                                        [
                                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                            el("button", ["type": "submit", "class": "small"], .t("import.undo")),
                                        ]) : .empty),
                        ]
                    }),
            ])
    }
}

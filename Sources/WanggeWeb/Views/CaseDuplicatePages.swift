import Foundation
import WanggeCore
import WanggeStore

/// Duplicates and merging on the case screens (C6): on the staff case page, where a case went
/// when it was merged, likely duplicates with a merge form, and the reports merged into it; on
/// the merged reporter's tracking page, the progress and outcome of the case worked instead.
enum CaseDuplicatePages {
    struct Model {
        var row: CaseRow
        /// Where a merged case went (nil when not merged or out of the viewer's scope).
        var mergedInto: CaseRow?
        /// Shown while the case is reported or accepted.
        var suggestions: [SuggestedDuplicate]?
        var mayMerge: Bool
        var merged: [CaseRow]
    }

    static func staff(_ m: Model, names: CaseNames, csrf: String) -> HTML {
        [
            m.mergedInto.map { t in
                el("p", ["class": "ok"], [.t("dup.merged_into"), HTML.link(SiteURL.caseDetail(t.id).path, TrackingCode.display(t.trackingCode), cls: "code")])
            } ?? .empty,
            m.suggestions.map { suggestions(m.row, $0, mayMerge: m.mayMerge, names: names, csrf: csrf) } ?? .empty,
            merged(m.merged, names: names),
        ]
    }

    static func suggestions(_ r: CaseRow, _ found: [SuggestedDuplicate], mayMerge: Bool, names: CaseNames, csrf: String) -> HTML {
        let cards = found.map { d -> HTML in
            let distance: HTML = d.distance.map { .t("dup.distance", Int($0.rounded())) } ?? .t("dup.no_distance")
            return el(
                "div", ["class": "card"],
                [
                    el(
                        "p",
                        [
                            HTML.link(SiteURL.caseDetail(d.row.id).path, TrackingCode.display(d.row.trackingCode), cls: "code"), .text(" "),
                            d.likely ? el("span", ["class": "flag"], .t("dup.likely")) : .empty, .text(" "),
                            el("span", ["class": "badge"], .t("dup.score", Int((d.score * 100).rounded()))), .text(" · "), distance,
                        ]),
                    el("p", .text("\(d.row.title) · \(names.category(d.row.categoryKey)) · \(L10n.t(d.row.state.nameKey)) · \(CasePages.time(d.row.reportedAt))")),
                    mayMerge ? mergeForm(r, target: d.row.id.uuidString, targetCode: d.row.trackingCode, csrf: csrf) : .empty,
                ])
        }
        return [
            el("h2", .t("dup.title")),
            found.isEmpty ? el("p", .t("dup.none")) : el("div", cards),
            mayMerge ? mergeForm(r, target: nil, targetCode: nil, csrf: csrf) : .empty,
        ]
    }

    /// Merges this case into `target`; without a target, a field takes the target's tracking code.
    static func mergeForm(_ r: CaseRow, target: String?, targetCode: String?, csrf: String) -> HTML {
        el(
            "form",
            [
                "method": "post", "action": SiteURL.caseAct(r.id).path, "class": target == nil ? "card" : "inline",
                "data-confirm": targetCode.map { L10n.t("dup.confirm", TrackingCode.display($0)) },
            ],
            [
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("input", ["type": "hidden", "name": "action", "value": CaseActionKind.merge.rawValue]),
                el("input", ["type": "hidden", "name": "version", "value": String(r.version)]),
                target.map { el("input", ["type": "hidden", "name": "target", "value": $0]) }
                    ?? el("label", [.t("dup.target"), el("input", ["name": "target", "required": "required", "maxlength": "20", "autocomplete": "off"])]),
                el("label", [.t("dup.note"), el("input", ["name": "note", "maxlength": "500"])]),
                el("button", ["type": "submit"], .t(target == nil ? "dup.by_code" : "dup.merge")),
            ])
    }

    /// The reports merged into this case, reporters masked, and how many people wait for the outcome.
    static func merged(_ rows: [CaseRow], names: CaseNames) -> HTML {
        guard !rows.isEmpty else { return .empty }
        return [
            el("h2", .t("dup.merged_reports")),
            el("p", .t("dup.waiting", rows.count + 1)),
            HTML.table(
                ["case.field.code", "case.field.channel", "case.field.reported_at", "case.field.reporter", "case.field.phone", "case.field.rating"],
                rows.map { m in
                    [
                        HTML.link(SiteURL.caseDetail(m.id).path, TrackingCode.display(m.trackingCode), cls: "code"), .t(m.channel.nameKey),
                        .text(CasePages.time(m.reportedAt)), .text(m.reporterName.map(Mask.name) ?? "—"), .text(m.reporterPhone.map(Mask.phone) ?? "—"),
                        m.rating.map { .t($0.nameKey) } ?? .text("—"),
                    ]
                }),
        ]
    }

    /// On a merged report's tracking page: the case worked instead — its state, outcome and public
    /// timeline (without the other reporter's own steps), and the rating form once it is closed.
    /// Neither its tracking code nor its description is shown: they are the other reporter's.
    static func tracking(_ own: CaseRow, target: CaseRow, timeline: [CaseEventRow], names: CaseNames, photos: [Int: Int], csrf: String) -> HTML {
        var items: [(String, HTML)] = [("case.field.state", .t(target.state.nameKey))]
        if let o = target.outcome { items.append(("case.field.outcome", .t(o.nameKey))) }
        let steps = ResidentCasePages.publicTimeline(timeline.filter { $0.action != .report && $0.action != .callback })
        var rate = HTML.empty
        if own.rating != nil {
            rate = el("p", ["class": "ok"], .t("track.rated"))
        } else if target.state == .closed || target.state == .calledBack {
            rate = ResidentCasePages.rateForm(code: own.trackingCode, csrf: csrf)
        }
        return el(
            "section", ["class": "card"],
            [
                el("p", .t("track.merged")),
                CasePages.facts(items),
                CasePages.timelineTable(steps, names: names, staff: false, photos: CasePhotoViews.resident(photos)),
                rate,
            ])
    }
}

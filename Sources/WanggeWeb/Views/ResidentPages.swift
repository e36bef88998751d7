import Fluent
import Vapor
import WanggeCore
import WanggeStore

enum ResidentPages {
    static func search(q: String, views: [ResidentView], total: Int, page: Int, grids: [UUID: UnitRow]) -> HTML {
        let rows: [[HTML]] = views.map { r in
            [
                HTML.link(SiteURL.resident(r.id).path, r.name), .text(r.idNumber ?? r.documentNumber ?? "—"), .text(r.phone ?? "—"),
                r.gridID.flatMap { grids[$0] }.map { [HTML.link(SiteURL.unit($0.id).path, $0.name), el("span", ["class": "code"], .text(" \($0.code)"))] } ?? .t("coverage.no_grid"),
            ]
        }
        return [
            el(
                "form", ["method": "get", "action": SiteURL.residents().path, "class": "search"],
                [
                    el("input", ["name": "q", "value": q, "placeholder": L10n.t("residents.placeholder"), "maxlength": "50", "type": "search"]),
                    el("button", ["type": "submit"], .t("residents.search")),
                ]),
            el("p", ["class": "meta"], .t("residents.found", total)),
            HTML.table(["col.name", "col.id_number", "col.phone", "level.grid"], rows),
            Layout.pager(total: total, page: page, size: ResidentController.pageSize) { SiteURL.residents(query: q, page: $0).path },
        ]
    }

    static func detail(_ r: ResidentView, household: HouseholdRow?, members: [ResidentView], grid: UnitRow?, show: HTML = .empty, rights: HTML = .empty) -> HTML {
        let facts: [(String, HTML)] = [
            ("col.id_number", .text(r.idNumber ?? r.documentNumber ?? "—")),
            ("col.sex", .text(r.sex.map { L10n.t("sex.\($0)") } ?? "—")),
            ("col.birth_date", .text([r.birthDate, r.age.map { L10n.t("residents.age", $0) }].compactMap { $0 }.joined(separator: " · "))),
            ("col.phone", .text(r.phone ?? "—")),
            ("col.residence_type", .t("residence.\(r.residenceType)")),
            ("col.relation", .text(r.relation.map { L10n.t("relation.\($0)") } ?? "—")),
            ("col.tags", .text(r.tags.isEmpty ? "—" : r.tags.map { L10n.t("tag.\($0)") }.joined(separator: "、"))),
            ("level.grid", grid.map { HTML.link(SiteURL.unit($0.id).path, "\($0.name)(\($0.code))") } ?? .t("coverage.no_grid")),
        ]
        return [
            el("dl", ["class": "facts"], facts.map { k, v in el("div", [el("dt", .t(k)), el("dd", v)]) }),
            r.masked && !r.anonymised ? el("p", ["class": "meta"], .t("residents.masked_note")) : .empty,
            show,
            household.map { householdCard($0, members: members) } ?? (r.anonymised ? .empty : el("p", ["class": "alert"], .t("coverage.no_household"))),
            rights,
        ]
    }

    static func householdCard(_ h: HouseholdRow, members: [ResidentView]) -> HTML {
        el(
            "section",
            [
                el("h2", [.t("household.title", h.number)]),
                el("p", [.text(h.address), .text(" · "), .t("household.\(h.kind)")]),
                HTML.table(
                    ["col.name", "col.relation", "col.sex", "col.age", "col.tags"],
                    members.map { m in
                        [
                            HTML.link(SiteURL.resident(m.id).path, m.name), .text(m.relation.map { L10n.t("relation.\($0)") } ?? "—"),
                            .text(m.sex.map { L10n.t("sex.\($0)") } ?? "—"), .text(m.age.map(String.init) ?? "—"),
                            .text(m.tags.map { L10n.t("tag.\($0)") }.joined(separator: "、")),
                        ]
                    }),
            ])
    }
}

import Foundation
import WanggeCore
import WanggeStore

/// The forms of `UnitAdminController`, folded away under headings so the page stays a page to read.
enum UnitAdminSection {
    static func form(_ unit: UnitRow, _ action: String, _ csrf: String, multipart: Bool = false, confirm: String? = nil, _ fields: [HTML]) -> HTML {
        el(
            "form",
            [
                "method": "post", "action": SiteURL.unitManage(unit.id, action: action).path, "class": "card",
                "enctype": multipart ? "multipart/form-data" : nil, "data-confirm": confirm,
            ],
            [el("input", ["type": "hidden", "name": CSRF.field, "value": csrf])] + fields)
    }

    static func fold(_ titleKey: String, _ body: HTML) -> HTML {
        el("details", ["class": "admin"], [el("summary", .t(titleKey)), body])
    }

    static func options(_ units: [UnitRow]) -> [HTML] {
        units.map { el("option", ["value": $0.id.uuidString], .text("\($0.name)(\($0.code))")) }
    }

    static func render(_ unit: UnitRow, choices c: UnitAdminController.Choices, csrf: String) -> HTML {
        var parts: [HTML] = [
            fold(
                "unit.admin.rename",
                form(
                    unit, "rename", csrf,
                    [
                        el("label", [.t("col.name"), el("input", ["name": "name", "value": unit.name, "required": "required", "maxlength": "100"])]),
                        el("button", ["type": "submit"], .t("unit.admin.rename")),
                    ]))
        ]
        if !c.childLevels.isEmpty {
            parts.append(
                fold(
                    "unit.admin.child",
                    form(
                        unit, "child", csrf,
                        [
                            el("label", [.t("field.level"), el("select", ["name": "level"], c.childLevels.map { el("option", ["value": $0.rawValue], .t($0.nameKey)) })]),
                            el("label", [.t("col.name"), el("input", ["name": "name", "required": "required", "maxlength": "100"])]),
                            el("label", [.t("col.code"), el("input", ["name": "code", "placeholder": L10n.t("unit.admin.code_auto"), "maxlength": "40"])]),
                            el("button", ["type": "submit"], .t("unit.admin.child")),
                        ])))
        }
        if !c.parents.isEmpty {
            parts.append(
                fold(
                    "unit.admin.move",
                    form(
                        unit, "move", csrf, confirm: L10n.t("unit.admin.move_confirm"),
                        [
                            el("p", ["class": "meta"], .t("unit.admin.move_help")),
                            el("label", [.t("field.parent_id"), el("select", ["name": "target"], options(c.parents))]),
                            el("button", ["type": "submit"], .t("unit.admin.move")),
                        ])))
        }
        if !c.siblings.isEmpty {
            parts.append(
                fold(
                    "unit.admin.merge",
                    form(
                        unit, "merge", csrf, confirm: L10n.t("unit.admin.merge_confirm"),
                        [
                            el("p", ["class": "meta"], .t("unit.admin.merge_help")),
                            el("label", [.t("field.target_id"), el("select", ["name": "target"], options(c.siblings))]),
                            el("button", ["type": "submit"], .t("unit.admin.merge")),
                        ])))
        }
        parts.append(
            fold(
                "unit.admin.boundary",
                form(
                    unit, "boundary", csrf, multipart: true,
                    [
                        el("p", ["class": "meta"], .t("unit.admin.boundary_help")),
                        el("input", ["type": "file", "name": "file", "accept": ".geojson,.json", "required": "required"]),
                        el("button", ["type": "submit"], .t("unit.admin.boundary")),
                    ])))
        if unit.parentID != nil {
            parts.append(
                fold(
                    "unit.admin.split",
                    form(
                        unit, "split", csrf, multipart: true, confirm: L10n.t("unit.admin.split_confirm"),
                        [
                            el("p", ["class": "meta"], .t("unit.admin.split_help")),
                            el("input", ["type": "file", "name": "file", "accept": ".geojson,.json", "required": "required"]),
                            el("button", ["type": "submit"], .t("unit.admin.split")),
                        ])))
        }
        if unit.level >= .grid {
            parts.append(
                fold(
                    "unit.admin.team",
                    form(
                        unit, "team", csrf,
                        [
                            el("label", [.t("col.name"), el("input", ["name": "name", "required": "required", "maxlength": "50"])]),
                            el("label", [.t("col.phone"), el("input", ["name": "phone", "inputmode": "tel", "maxlength": "20"])]),
                            el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "phone_public", "value": "1"]), .t("staff.phone_public")]),
                            el("label", [.t("col.kind"), el("select", ["name": "kind"], c.staffKinds.map { el("option", ["value": $0.key], .text($0.nameZh)) })]),
                            el("label", [.t("col.duty"), el("input", ["name": "duty", "maxlength": "100"])]),
                            el("button", ["type": "submit"], .t("unit.admin.team")),
                        ])))
        }
        return el("section", [el("h2", .t("unit.admin.title"))] + parts)
    }

    /// The "end" button beside a team member, for the administrator.
    static func endButton(unit: UnitRow, assignment: UUID, csrf: String) -> HTML {
        el(
            "form",
            [
                "method": "post", "action": SiteURL.unitAssignmentEnd(unit.id, assignment: assignment).path, "class": "inline",
                "data-confirm": L10n.t("unit.admin.unassign_confirm"),
            ],
            [
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                el("button", ["type": "submit", "class": "link"], .t("unit.admin.unassign")),
            ])
    }

    /// The administrator's form for one member: whether their phone may be published, and the
    /// buildings of the grid they cover.
    static func memberForm(unit: UnitRow, member: TeamMember, buildings: [BuildingRow], covers: [UUID: [BuildingRow]], csrf: String) -> HTML {
        let covered = Set((covers[member.assignmentID] ?? []).map(\.id))
        return el(
            "details", ["class": "admin"],
            [
                el("summary", .text("\(L10n.t("staff.edit")) · \(member.name)")),
                el(
                    "form", ["method": "post", "action": SiteURL.unitMember(unit.id, assignment: member.assignmentID).path, "class": "card"],
                    [
                        el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                        el(
                            "label", ["class": "check"],
                            [
                                el("input", ["type": "checkbox", "name": "phone_public", "value": "1", "checked": member.phonePublic ? "checked" : nil, "disabled": member.phone == nil ? "disabled" : nil]),
                                .t("staff.phone_public"),
                            ]),
                        el(
                            "fieldset", ["class": "tags"],
                            [el("legend", .t("staff.buildings")), el("p", ["class": "meta"], .t("staff.buildings_help"))]
                                + buildings.filter { $0.kind != "shop" }.map { b in
                                    el(
                                        "label", ["class": "check"],
                                        [
                                            el("input", ["type": "checkbox", "name": "buildings[]", "value": b.id.uuidString, "checked": covered.contains(b.id) ? "checked" : nil]),
                                            .text(b.name),
                                        ])
                                }),
                        el("button", ["type": "submit"], .t("staff.save")),
                    ]),
            ])
    }
}

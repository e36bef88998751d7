import WanggeCore
import WanggeStore

/// The parts of the resident page for the "show" action and residents' rights, and the
/// correction form. Full numbers are never put into a form: the masked fields are left blank
/// (blank keeps the stored value), so opening the form is not a way around the logged "show".
enum RightsPages {
    enum Form { case reveal, export, anonymise }

    /// The "show" form (or the note that full values are showing), under the record's facts, and
    /// the rights section, at the end of the page.
    static func actions(_ r: ResidentView, role: Role, mayUnmask: Bool, csrf: String, problem: (Form, String)?) -> (show: HTML, rights: HTML) {
        if r.anonymised { return (el("p", ["class": "meta"], .t("rights.anonymised_note")), .empty) }
        func problemText(_ form: Form) -> HTML {
            guard let problem, problem.0 == form else { return .empty }
            return el("p", ["class": "alert", "role": "alert"], .text(problem.1))
        }
        var show: HTML = .empty
        var rights: HTML = .empty
        if mayUnmask {
            if r.masked {
                show = el(
                    "form", ["method": "post", "action": SiteURL.residentReveal(r.id).path, "class": "card"],
                    [
                        el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                        problemText(.reveal),
                        reasonField("rights.reveal_reason"),
                        el("p", ["class": "meta"], .t("rights.reveal_help")),
                        el("button", ["type": "submit"], .t("rights.reveal")),
                    ])
            } else {
                show = el(
                    "p", ["class": "alert", "role": "status"],
                    [
                        .t("rights.revealed_note"), .text(" "), HTML.link(SiteURL.resident(r.id).path, L10n.t("rights.mask_again")),
                    ])
            }
        }
        if role.editsRegister {
            rights = el(
                "section",
                [
                    el("h2", .t("rights.title")),
                    el("p", ["class": "meta"], .t("rights.help")),
                    el("p", ["class": "meta"], [HTML.link(SiteURL.residentEdit(r.id).path, L10n.t("rights.edit"), cls: "button")]),
                    // A copy of the whole record is unmasked: it passes the same gate as "show", with a reason.
                    mayUnmask
                        ? el(
                            "form", ["method": "post", "action": SiteURL.residentExport(r.id).path, "class": "card"],
                            [
                                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                                problemText(.export),
                                reasonField("rights.export_reason"),
                                el("button", ["type": "submit"], .t("rights.export")),
                            ]) : .empty,
                    el(
                        "form", ["method": "post", "action": SiteURL.residentAnonymise(r.id).path, "class": "card", "data-confirm": L10n.t("rights.anonymise_confirm")],
                        [
                            el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                            problemText(.anonymise),
                            el("p", .t("rights.anonymise_help")),
                            reasonField("rights.anonymise_reason"),
                            el("button", ["type": "submit", "class": "danger"], .t("rights.anonymise")),
                        ]),
                ])
        }
        return (show, rights)
    }

    static func reasonField(_ label: String) -> HTML {
        el(
            "label",
            [
                .t(label),
                el(
                    "input",
                    [
                        "name": "reason", "required": "required", "minlength": String(Unmask.reasonMinimum),
                        "maxlength": String(Unmask.reasonMaximum), "autocomplete": "off",
                    ]),
            ])
    }

    /// What the correction form shows: the stored values, or what was just submitted.
    struct EditValues {
        var name = ""
        var idNumber = ""
        var documentNumber = ""
        var phone = ""
        var householdNumber = ""
        var relation = ""
        var residenceType = "registered"
        var tags: [String] = []
        var clear: Set<String> = []

        init(_ view: ResidentView) {
            name = view.name
            householdNumber = view.householdNumber ?? ""
            relation = view.relation ?? ""
            residenceType = view.residenceType
            tags = view.tags
        }

        init(form: [String: String], tags visible: [TagRow]) {
            name = form["name"] ?? ""
            idNumber = form["id_number"] ?? ""
            documentNumber = form["document_number"] ?? ""
            phone = form["phone"] ?? ""
            householdNumber = form["household_number"] ?? ""
            relation = form["relation"] ?? ""
            residenceType = form["residence_type"] ?? "registered"
            tags = visible.map(\.key).filter { form["tag_\($0)"] == "on" }
            clear = Set(Self.maskedFields.filter { form["clear_\($0)"] == "on" })
        }

        static let maskedFields = ["id_number", "document_number", "phone"]
    }

    /// The correction form; `problems` are messages by field name, shown beside their fields.
    static func edit(_ r: ResidentView, values: EditValues, tags: [TagRow], problems: [String: String], csrf: String) -> HTML {
        func problem(_ field: String) -> HTML {
            problems[field].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty
        }
        func text(_ field: String, _ value: String, max: Int, extra: KeyValuePairs<String, String?> = [:]) -> HTML {
            let base: [(String, String?)] = [
                ("name", field), ("value", value), ("maxlength", String(max)),
                ("aria-invalid", problems[field] == nil ? nil : "true"),
            ]
            return element("input", base.map { (key: $0.0, value: $0.1) } + extra.map { (key: $0.key, value: $0.value) }, [])
        }
        func masked(_ field: String, _ value: String, current: String?) -> HTML {
            el(
                "div", ["class": "field"],
                [
                    el("label", [.t("field.\(field)"), text(field, value, max: 40, extra: ["placeholder": current ?? "—", "autocomplete": "off"])]),
                    el(
                        "label", ["class": "check"],
                        [
                            element(
                                "input",
                                [
                                    ("type", "checkbox"), ("name", "clear_\(field)"), ("value", "on"),
                                    ("checked", values.clear.contains(field) ? "checked" : nil),
                                ], []),
                            .t("rights.clear"),
                        ]),
                    problem(field),
                ])
        }
        let unknown = problems.filter { !["name", "id_number", "document_number", "phone", "household_number", "relation", "residence_type", "tags"].contains($0.key) }
        return [
            problems.isEmpty ? .empty : el("p", ["class": "alert", "role": "alert"], .t("rights.fix_fields")),
            el(
                "form", ["method": "post", "action": SiteURL.residentEdit(r.id).path, "class": "card"],
                [
                    el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                    el("p", ["class": "meta"], .t("rights.edit_help")),
                    el("label", [.t("field.name"), text("name", values.name, max: 50, extra: ["required": "required"]), problem("name")]),
                    masked("id_number", values.idNumber, current: r.idNumber),
                    masked("document_number", values.documentNumber, current: r.documentNumber),
                    masked("phone", values.phone, current: r.phone),
                    el("label", [.t("field.household_number"), text("household_number", values.householdNumber, max: 40), problem("household_number")]),
                    el(
                        "label",
                        [
                            .t("field.relation"),
                            el(
                                "select", ["name": "relation"],
                                [el("option", ["value": ""], .text("—"))]
                                    + Vocabulary.relations.map {
                                        el("option", ["value": $0, "selected": $0 == values.relation ? "selected" : nil], .t("relation.\($0)"))
                                    }), problem("relation"),
                        ]),
                    el(
                        "label",
                        [
                            .t("field.residence_type"),
                            el(
                                "select", ["name": "residence_type"],
                                Vocabulary.residenceTypes.map {
                                    el("option", ["value": $0, "selected": $0 == values.residenceType ? "selected" : nil], .t("residence.\($0)"))
                                }), problem("residence_type"),
                        ]),
                    el(
                        "fieldset", ["class": "tags"],
                        [el("legend", .t("field.tags"))]
                            + tags.map { tag in
                                el(
                                    "label", ["class": "check"],
                                    [
                                        element(
                                            "input",
                                            [
                                                ("type", "checkbox"), ("name", "tag_\(tag.key)"), ("value", "on"),
                                                ("checked", values.tags.contains(tag.key) ? "checked" : nil),
                                            ], []),
                                        .t("tag.\(tag.key)"),
                                    ])
                            } + [problem("tags")]),
                    HTML(unknown.sorted { $0.key < $1.key }.map { el("p", ["class": "alert"], .text($0.value)) }),
                    el("p", [el("button", ["type": "submit"], .t("rights.save")), .text(" "), HTML.link(SiteURL.resident(r.id).path, L10n.t("rights.cancel"))]),
                ]),
        ]
    }
}

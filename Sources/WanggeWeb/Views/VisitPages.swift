import Foundation
import WanggeCore
import WanggeStore

/// Home visit pages: the visit form (phone first: one block a member), a visit's page, a
/// household's visit history, and a unit's coverage with its visit plan.
enum VisitPages {
    /// The visit form as typed (or as a draft left it), with its problems by form field.
    struct FormValues {
        var fields: [(String, String)] = []
        var draftID: UUID?
        var clientID = UUID()
        var problems: CaseSetupPages.Problems = [:]
        var notice: String?
        /// A draft's tag changes, by member, for the checkboxes.
        var tagChanges: [UUID: VisitChange] = [:]

        init() {}

        init(_ fields: [(String, String)]) {
            self.fields = fields
            draftID = value("draft").flatMap(UUID.init(uuidString:))
            clientID = value("client_id").flatMap(UUID.init(uuidString:)) ?? UUID()
        }

        /// The form of a saved draft, to continue it.
        init(_ draft: HomeVisit) {
            draftID = draft.id
            var f: [(String, String)] = [("day", draft.day), ("seen", draft.seen), ("needs", draft.needs.map(\.text).joined(separator: "\n"))]
            f += draft.met.map { ("met", $0.uuidString) }
            for change in draft.changes {
                switch change.kind {
                case .addMember:
                    guard let m = change.member else { continue }
                    f += [
                        ("new_name", m.name), ("new_id_number", m.idNumber ?? ""), ("new_phone", m.phone ?? ""), ("new_relation", m.relation ?? ""),
                        ("new_residence_type", m.residenceType ?? ""),
                    ]
                case .moveOut: if let id = change.residentID { f.append(("moved_\(id.uuidString)", "1")) }
                case .phone: if let id = change.residentID { f.append(("phone_\(id.uuidString)", change.phone ?? "")) }
                case .tags: if let id = change.residentID { tagChanges[id] = change }
                }
            }
            fields = f
            problems = Self.problemsByField(draft.problems, refs: Self.refs(draft.changes))
        }

        func value(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
        func values(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
        func text(_ name: String) -> String { value(name) ?? "" }

        /// Which change is which form field: the member it concerns, or nil for the new member.
        typealias Ref = (kind: VisitChange.Kind, member: UUID?)

        static func refs(_ changes: [VisitChange]) -> [Ref] { changes.map { ($0.kind, $0.residentID) } }

        /// The submission the form asks for: register changes read off the member blocks, tag
        /// changes as the difference from the member's tags now.
        func submission(household: UUID, members: [UUID], currentTags: [UUID: [String]], now: Date) throws -> (submission: VisitSubmission, refs: [Ref]) {
            let visitedAt = try RecordedDay.moment(value("day"), now: now)
            var changes: [VisitChange] = []
            for m in members {
                let key = m.uuidString
                if let phone = value("phone_\(key)")?.trimmedOrNil { changes.append(.phone(m, phone)) }
                if value("tagset_\(key)") != nil {
                    let chosen = Set(values("tags_\(key)")), held = Set(currentTags[m] ?? [])
                    let add = chosen.subtracting(held).sorted(), remove = held.subtracting(chosen).sorted()
                    if !add.isEmpty || !remove.isEmpty { changes.append(.tags(m, add: add, remove: remove)) }
                }
                if value("moved_\(key)") == "1" { changes.append(.moveOut(m)) }
            }
            if value("new_name")?.trimmedOrNil != nil || value("new_id_number")?.trimmedOrNil != nil {
                changes.append(
                    .addMember(
                        VisitMember(
                            name: text("new_name"), idNumber: value("new_id_number")?.trimmedOrNil, phone: value("new_phone")?.trimmedOrNil,
                            relation: value("new_relation")?.trimmedOrNil, residenceType: value("new_residence_type")?.trimmedOrNil)))
            }
            let needs = text("needs").split(whereSeparator: \.isNewline).map(String.init)
            let submission = VisitSubmission(
                householdID: household, draftID: draftID, clientID: clientID, visitedAt: visitedAt, seen: text("seen"),
                met: values("met").compactMap(UUID.init(uuidString:)), needs: needs, changes: changes)
            return (submission, Self.refs(changes))
        }

        /// Field problems of the changes (`changes.2.phone`) placed beside their form fields.
        static func problemsByField(_ problems: [FieldProblem], refs: [Ref]) -> CaseSetupPages.Problems {
            var out: CaseSetupPages.Problems = [:]
            for p in problems {
                let parts = p.field.split(separator: ".", maxSplits: 2).map(String.init)
                guard parts.count == 3, parts[0] == "changes", let i = Int(parts[1]), refs.indices.contains(i) else {
                    out[p.field, default: ""] += p.message()
                    continue
                }
                let ref = refs[i], sub = parts[2]
                let key: String
                if let m = ref.member?.uuidString {
                    switch (ref.kind, sub) {
                    case (.phone, "phone"): key = "phone_\(m)"
                    case (.tags, "tags"): key = "tags_\(m)"
                    default: key = "member_\(m)"
                    }
                } else {
                    key = ["name", "id_number", "phone", "relation", "residence_type"].contains(sub) ? "new_\(sub)" : "new_name"
                }
                out[key] = out[key].map { $0 + "；" + p.message() } ?? p.message()
            }
            return out
        }
    }

    static func problem(_ values: FormValues, _ key: String) -> HTML {
        values.problems[key].map { el("span", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty
    }

    // MARK: The form

    static func form(
        _ h: HouseholdRow, members: [ResidentView], tags: [TagRow], values v: FormValues, editsRegister: Bool, today: String, csrf: String
    ) -> HTML {
        let met = Set(v.values("met"))
        let memberBlocks: [HTML] = members.map { m in
            let key = m.id.uuidString
            let submitted = v.value("tagset_\(key)") != nil
            var has = Set(m.tags)
            if let change = v.tagChanges[m.id] { has = has.union(change.addTags ?? []).subtracting(change.removeTags ?? []) }
            if submitted { has = Set(v.values("tags_\(key)")) }
            return el(
                "fieldset", ["class": "card visit-member"],
                [
                    el("legend", .text(m.name + (m.relation.map { "（" + L10n.t("relation.\($0)") + "）" } ?? ""))),
                    el("label", ["class": "check"], [el("input", ["type": "checkbox", "name": "met", "value": key, "checked": met.contains(key) ? "checked" : nil]), .t("visit.met")]),
                    problem(v, "member_\(key)"),
                    editsRegister
                        ? [
                            CaseSetupPages.field(
                                "phone_\(key)",
                                CaseSetupPages.input(
                                    "phone_\(key)", v.text("phone_\(key)"), v.problems, max: 20,
                                    extra: [("type", "tel"), ("inputmode", "tel"), ("placeholder", m.phone ?? "")]), v.problems, label: "visit.member_phone"),
                            el("input", ["type": "hidden", "name": "tagset_\(key)", "value": "1"]),
                            el(
                                "fieldset", ["class": "tags"],
                                [el("legend", .t("visit.member_tags"))]
                                    + tags.map { t in
                                        el(
                                            "label", ["class": "check"],
                                            [el("input", ["type": "checkbox", "name": "tags_\(key)", "value": t.key, "checked": has.contains(t.key) ? "checked" : nil]), .text(t.nameZh)])
                                    } + [problem(v, "tags_\(key)")]),
                            el(
                                "label", ["class": "check"],
                                [el("input", ["type": "checkbox", "name": "moved_\(key)", "value": "1", "checked": v.value("moved_\(key)") == "1" ? "checked" : nil]), .t("visit.member_moved")]),
                        ] : .empty,
                ])
        }
        let relations = [("", "—")] + Vocabulary.relations.map { ($0, L10n.t("relation.\($0)")) }
        let residence = Vocabulary.residenceTypes.map { ($0, L10n.t("residence.\($0)")) }
        let newMember: HTML =
            editsRegister
            ? el(
                "fieldset", ["class": "card"],
                [
                    el("legend", .t("visit.new_member")),
                    CaseSetupPages.field("new_name", CaseSetupPages.input("new_name", v.text("new_name"), v.problems), v.problems, label: "col.name"),
                    CaseSetupPages.field(
                        "new_id_number", CaseSetupPages.input("new_id_number", v.text("new_id_number"), v.problems, max: 18, extra: [("autocomplete", "off")]), v.problems,
                        label: "col.id_number"),
                    CaseSetupPages.field(
                        "new_phone", CaseSetupPages.input("new_phone", v.text("new_phone"), v.problems, max: 20, extra: [("type", "tel"), ("inputmode", "tel")]), v.problems,
                        label: "col.phone"),
                    CaseSetupPages.field(
                        "new_relation", el("select", ["name": "new_relation"], CaseSetupPages.options(relations, selected: v.text("new_relation"))), v.problems,
                        label: "col.relation"),
                    CaseSetupPages.field(
                        "new_residence_type",
                        el("select", ["name": "new_residence_type"], CaseSetupPages.options(residence, selected: v.value("new_residence_type") ?? "registered")), v.problems,
                        label: "col.residence_type"),
                ]) : .empty
        return [
            v.notice.map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            el("p", [.text(h.address), .text(" · "), HTML.link(SiteURL.household(h.id).path, h.number)]),
            el(
                "form",
                ["method": "post", "action": SiteURL.householdVisit(h.id).path, "enctype": "multipart/form-data", "class": "visit-form"],
                [
                    CaseSetupPages.hidden(csrf),
                    el("input", ["type": "hidden", "name": "client_id", "value": v.clientID.uuidString]),
                    v.draftID.map { el("input", ["type": "hidden", "name": "draft", "value": $0.uuidString]) } ?? .empty,
                    CaseSetupPages.field(
                        "day", element("input", [("type", "date"), ("name", "day"), ("value", v.value("day") ?? today), ("max", today)], []), v.problems,
                        label: "visit.day"),
                    CaseSetupPages.field(
                        "seen",
                        element("textarea", [("name", "seen"), ("rows", "4"), ("maxlength", String(VisitRepository.maxSeen))], [.text(v.text("seen"))]), v.problems,
                        label: "visit.seen"),
                    el("h2", .t(editsRegister ? "visit.register" : "visit.met")),
                    editsRegister ? el("p", ["class": "meta"], .t("visit.register_help")) : .empty,
                    HTML(memberBlocks),
                    newMember,
                    CaseSetupPages.field(
                        "needs", element("textarea", [("name", "needs"), ("rows", "3")], [.text(v.text("needs"))]), v.problems, label: "visit.needs"),
                    el(
                        "label", ["class": "field"],
                        [
                            .t("visit.photos"),
                            el(
                                "input",
                                ["type": "file", "name": "photos[]", "accept": "image/jpeg,image/png,image/webp", "multiple": "multiple", "data-photos": String(PhotoRules.maxCount)]),
                            problem(v, "photos"),
                        ]),
                    el("button", ["type": "submit"], .t("visit.submit")),
                ]),
            CasePhotoViews.script,
        ]
    }

    // MARK: A visit

    static func stateBadge(_ s: VisitState) -> HTML { el("span", ["class": "badge visit-\(s.rawValue)"], .t(s.nameKey)) }

    static func changeText(_ c: VisitChange, names: [UUID: String]) -> String {
        let who = c.residentID.flatMap { names[$0] } ?? c.member?.name ?? "—"
        var text = L10n.t(c.kind.nameKey) + "：" + who
        if c.kind == .tags {
            let add = (c.addTags ?? []).map { "+" + L10n.t("tag.\($0)") }, remove = (c.removeTags ?? []).map { "−" + L10n.t("tag.\($0)") }
            text += " " + (add + remove).joined(separator: " ")
        }
        return text
    }

    static func visit(_ v: HomeVisit, names: [UUID: String], canContinue: Bool, notice: String?) -> HTML {
        let facts: [(String, HTML)] = [
            ("need.state", stateBadge(v.state)),
            ("need.household", HTML.link(SiteURL.household(v.householdID).path, v.householdNumber)),
            ("visit.day", .text(v.day)),
            ("visit.visitor", .text(v.visitorName)),
            ("visit.met", .text(v.met.compactMap { names[$0] }.joined(separator: "、"))),
        ]
        return [
            notice.map { el("p", ["class": "ok", "role": "status"], .text($0)) } ?? .empty,
            el(
                "article", ["class": "card"],
                [
                    el("dl", ["class": "facts"], facts.map { el("div", [el("dt", .t($0.0)), el("dd", $0.1)]) }),
                    v.seen.isEmpty ? .empty : el("p", ["class": "log-text"], .text(v.seen)),
                ]),
            v.changes.isEmpty ? .empty : el("section", [el("h2", .t("visit.changes")), el("ul", v.changes.map { el("li", .text(changeText($0, names: names))) })]),
            v.needs.isEmpty
                ? .empty
                : el(
                    "section",
                    [el("h2", .t("visit.needs")), el("ul", v.needs.map { n in el("li", n.needID.map { HTML.link(SiteURL.need($0).path, n.text) } ?? .text(n.text)) })]),
            v.problems.isEmpty
                ? .empty : el("section", [el("h2", .t("visit.problems")), el("ul", ["class": "alert"], v.problems.map { el("li", .text($0.message())) })]),
            v.photos.isEmpty
                ? .empty
                : el(
                    "p", ["class": "photos"],
                    v.photos.map { p in
                        let url = SiteURL.visitPhoto(v.id, file: p.id).path
                        return el("a", ["href": url], el("img", ["src": url, "alt": p.originalName, "loading": "lazy", "width": "96"]))
                    }),
            v.state == .draft && canContinue
                ? el("p", HTML.link(SiteURL.householdVisit(v.householdID, draft: v.id).path, L10n.t("visit.draft_open"), cls: "button")) : .empty,
        ]
    }

    /// The household page's section: the button to record a visit and the visits so far.
    static func history(_ householdID: UUID, visits: [HomeVisit], canVisit: Bool) -> HTML {
        el(
            "section",
            [
                el("h2", .t("visit.history")),
                canVisit ? el("p", HTML.link(SiteURL.householdVisit(householdID).path, L10n.t("visit.record"), cls: "button")) : .empty,
                visits.isEmpty
                    ? el("p", .t("visit.none"))
                    : el(
                        "ul", ["class": "visits"],
                        visits.map { v in
                            el(
                                "li",
                                [
                                    HTML.link(SiteURL.visit(v.id).path, v.day), .text(" "), stateBadge(v.state), .text(" · \(v.visitorName)"),
                                    v.seen.isEmpty ? .empty : el("span", ["class": "meta"], .text(" · " + String(v.seen.prefix(40)))),
                                ])
                        }),
            ])
    }

    // MARK: Coverage

    /// A street's or district's page: the rule and the units below, each with its own coverage.
    static func above(_ unit: UnitRow, children: [UnitRow]) -> HTML {
        [
            el("p", ["class": "meta"], .t("visit.rule")),
            el("p", .t("visit.pick_unit")),
            el("ul", children.map { el("li", HTML.link(SiteURL.visits($0.id).path, $0.name)) }),
        ]
    }

    /// Where the household is, when it was last visited, by when it is to be and by which rule.
    static func planLine(_ d: VisitDue, grid: String?) -> String {
        var parts = [
            [d.facts.building, d.facts.room].compactMap { $0 }.joined(separator: " "),
            L10n.t("visit.col.last") + " " + (d.facts.lastVisit?.description ?? L10n.t("visit.never")),
            L10n.t("visit.col.due_by") + " " + d.dueBy.description, L10n.t(d.byCare?.nameKey ?? "visit.rule.half_year"),
        ]
        if let grid { parts.append(grid) }
        return parts.joined(separator: " · ")
    }

    static func statusBadge(_ s: VisitStatus) -> HTML { el("span", ["class": "badge visit-\(s.rawValue)"], .t(s.nameKey)) }

    static func coverage(unit: UnitRow, grids: [UnitRow], counts: [UUID: VisitCounts], plan: [VisitDue], order: VisitCoverage.Order, today: SimpleDate) -> HTML {
        let gridNames = Dictionary(uniqueKeysWithValues: grids.map { ($0.id, $0.name) })
        func row(_ name: HTML, _ c: VisitCounts) -> [HTML] {
            [name, .text(String(c.households)), .text(String(c.visited)), .text(String(c.due)), .text(String(c.overdue)), .text("\(c.percent)%")]
        }
        let rows = grids.filter { counts[$0.id] != nil }.map { g in row(HTML.link(SiteURL.visits(g.id).path, g.name), counts[g.id]!) }
        let total = counts.values.reduce(VisitCounts(), +)
        let sorts: [HTML] = VisitCoverage.Order.allCases.map { o in
            HTML.link(SiteURL.visits(unit.id, order: o.rawValue).path, L10n.t(o.nameKey), cls: o == order ? "current" : nil)
        }
        let shown = plan.prefix(VisitController.planLimit)
        return [
            el("p", ["class": "meta"], .t("visit.rule")),
            el("h2", .t("visit.counts", today.description)),
            unit.level == .grid
                ? el(
                    "dl", ["class": "stats"],
                    [
                        ("visit.col.households", total.households), ("visit.col.visited", total.visited), ("visit.col.due", total.due),
                        ("visit.col.overdue", total.overdue),
                    ].map { key, n in el("div", [el("dt", .t(key)), el("dd", .number(n))]) } + [el("div", [el("dt", .t("visit.col.percent")), el("dd", .text("\(total.percent)%"))])])
                : HTML.table(
                    ["visit.col.unit", "visit.col.households", "visit.col.visited", "visit.col.due", "visit.col.overdue", "visit.col.percent"],
                    rows + [row(el("strong", .t("visit.total")), total)]),
            el("h2", .t("visit.plan", plan.count)),
            el("nav", ["class": "pager", "aria-label": L10n.t("visit.sort")], sorts),
            plan.isEmpty
                ? el("p", ["class": "ok"], .t("visit.plan_all_done"))
                : el(
                    "ol", ["class": "visit-plan"],
                    shown.map { d in
                        el(
                            "li",
                            [
                                el("p", [HTML.link(SiteURL.household(d.facts.householdID).path, d.facts.number), .text(" "), statusBadge(d.status)]),
                                el("p", ["class": "meta"], .text(planLine(d, grid: unit.level == .grid ? nil : gridNames[d.facts.gridID] ?? ""))),
                            ])
                    }),
            plan.count > shown.count ? el("p", ["class": "meta"], .t("visit.plan_more", shown.count)) : .empty,
            el("p", ["class": "actions"], [HTML.link(SiteURL.needs(unit.id).path, L10n.t("need.nav"), cls: "button secondary"), HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
        ]
    }
}

extension VisitPages {
    /// The care archives of a household's members (the frequency only; the notes are behind the care
    /// page's gate), and a link to start one for each other member.
    static func careLinks(_ members: [ResidentView], care: [UUID: CareArchive]) -> HTML {
        let others = members.filter { care[$0.id] == nil }
        return el(
            "section",
            [
                el("h2", .t("care.nav")),
                el(
                    "ul",
                    members.compactMap { m in
                        care[m.id].map { a in el("li", [HTML.link(SiteURL.care(m.id).path, m.name), .text(" · "), .t("care.exists", L10n.t(a.frequency.nameKey))]) }
                    }),
                others.isEmpty
                    ? .empty
                    : el(
                        "p", ["class": "meta"],
                        [.t("care.start")] + others.map { m in [.text(" "), HTML.link(SiteURL.care(m.id).path, m.name)] }),
            ])
    }
}

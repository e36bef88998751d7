import Foundation
import WanggeCore
import WanggeStore

/// The pages of volunteer service: a community's teams, volunteers and activities; an activity
/// with its sign-ups, check-in and hours; a volunteer's record, points and certificates; the
/// printable certificate and its public check; the street's shared venues. Phone first: one card
/// a thing, forms one field a line, no tables that could be cut off.
enum VolunteerPages {
    typealias Form = LogPages.Form

    static func field(_ name: String, _ key: String, _ control: HTML, _ form: Form) -> HTML { OpennessPages.field(name, key, control, form) }
    static func input(_ name: String, _ form: Form, max: Int = 60, type: String = "text", required: Bool = true) -> HTML {
        OpennessPages.input(name, form, max: max, type: type, required: required)
    }

    static func select(_ name: String, _ options: [(value: String, label: String)], _ form: Form) -> HTML {
        el("select", ["name": name], CaseSetupPages.options(options, selected: form.value(name)))
    }

    static func timeInput(_ name: String, _ form: Form, _ fallback: String) -> HTML {
        element("input", [("type", "time"), ("name", name), ("step", "900"), ("value", form.values[name].flatMap(\.trimmedOrNil) ?? fallback), ("required", "required")], [])
    }

    static func dateInput(_ name: String, _ form: Form, _ fallback: String) -> HTML {
        element("input", [("type", "date"), ("name", name), ("value", form.values[name].flatMap(\.trimmedOrNil) ?? fallback), ("required", "required")], [])
    }

    /// The first problem of a form that sits on a card of a list, shown at the top.
    static func problem(_ form: Form) -> String? { form.problems.values.sorted().first }

    /// A form on a card of its own: a heading, the fields, and a button saying the same.
    static func cardForm(_ action: String, _ key: String, _ csrf: String, _ fields: [HTML]) -> HTML {
        el(
            "form", ["method": "post", "action": action, "class": "card"],
            [el("h2", .t(key)), CaseSetupPages.hidden(csrf)] + fields + [el("button", ["type": "submit"], .t(key))])
    }

    static func nav(_ unit: UnitRow) -> HTML {
        el(
            "nav", ["class": "pager"],
            [
                HTML.link(SiteURL.volunteers(unit.id).path, L10n.t("volunteer.nav")), HTML.link(SiteURL.venues(unit.id).path, L10n.t("venue.nav")),
                HTML.link(SiteURL.unit(unit.id).path, unit.name),
            ])
    }

    static func hours(_ minutes: Int) -> String { L10n.t("volunteer.hours_of", VolunteerHours.text(minutes)) }

    // MARK: The community

    static func community(
        unit: UnitRow, teams: [VolunteerTeam], volunteers: [Volunteer], activities: [VolunteerActivity], canEdit: Bool, form: Form, today: String, csrf: String,
        notice: String?
    ) -> HTML {
        let teamOptions = teams.map { (value: $0.id.uuidString, label: $0.name) }
        return [
            LogPages.notices(notice, nil), nav(unit),
            el("p", ["class": "meta"], .t("volunteer.intro")),
            el(
                "section", ["id": "activities"],
                [el("h2", .t("volunteer.activities"))] + (activities.isEmpty ? [el("p", .t("volunteer.none"))] : activities.map { activityCard($0, home: unit.id) })),
            el(
                "section", ["id": "teams"],
                [el("h2", .t("volunteer.teams"))]
                    + (teams.isEmpty
                        ? [el("p", .t("volunteer.none"))]
                        : [
                            el(
                                "ul",
                                teams.map { t in
                                    el("li", .text("\(t.name) · \(L10n.t("volunteer.leader"))：\(t.leader) · \(L10n.t("volunteer.members", t.members))"))
                                })
                        ])),
            el(
                "section", ["id": "volunteers"],
                [el("h2", .t("volunteer.volunteers"))] + (volunteers.isEmpty ? [el("p", .t("volunteer.none"))] : [el("ul", ["class": "cards"], volunteers.map(volunteerItem))])),
            canEdit
                ? cardForm(
                    SiteURL.volunteerActivities(unit.id).path, "volunteer.add_activity", csrf,
                    [
                        field("title", "volunteer.activity_title", input("title", form), form),
                        field("place", "volunteer.place", input("place", form, max: 100), form),
                        field("day", "volunteer.day", dateInput("day", form, today), form),
                        field("start", "volunteer.start", timeInput("start", form, "09:00"), form),
                        field("end", "volunteer.end", timeInput("end", form, "11:00"), form),
                        field(
                            "capacity", "volunteer.capacity",
                            element(
                                "input",
                                [("type", "number"), ("name", "capacity"), ("min", "1"), ("max", String(VolunteerRules.maxCapacity)), ("value", form.values["capacity"] ?? "20")],
                                []), form),
                        el(
                            "label", ["class": "check"],
                            [element("input", [("type", "checkbox"), ("name", "shared"), ("checked", form.value("shared") == "on" ? "checked" : nil)], []), .t("volunteer.shared")]),
                    ]) : .empty,
            canEdit && !teams.isEmpty
                ? cardForm(
                    SiteURL.volunteerPeople(unit.id).path, "volunteer.add_volunteer", csrf,
                    [
                        el("p", ["class": "meta"], .t("volunteer.resident_hint")),
                        field("team", "volunteer.team", select("team", teamOptions, form), form),
                        field("id_number", "volunteer.id_number", input("id_number", form, max: 18, required: false), form),
                        field("name", "volunteer.name", input("name", form, max: 20, required: false), form),
                        field("phone", "volunteer.phone", input("phone", form, max: 20, type: "tel", required: false), form),
                    ]) : .empty,
            canEdit
                ? cardForm(
                    SiteURL.volunteerTeams(unit.id).path, "volunteer.add_team", csrf,
                    [
                        field("name", "volunteer.team", input("name", form, max: 40), form),
                        field("leader", "volunteer.leader", input("leader", form, max: 20), form),
                    ]) : .empty,
        ]
    }

    /// An activity in a list (its title a link), or at the top of its own page (`home` nil: the title is the page's).
    static func activityCard(_ a: VolunteerActivity, home: UUID?) -> HTML {
        el(
            "article", ["class": "card"],
            [
                home == nil ? .empty : el("h3", [HTML.link(SiteURL.volunteerActivity(a.id).path, a.title)]),
                el(
                    "p", ["class": "meta"],
                    [
                        .text("\(a.slot.text) · \(a.place) · \(L10n.t("volunteer.places", a.taken, a.capacity))"),
                        a.shared ? el("span", ["class": "badge"], .t("volunteer.shared_badge")) : .empty,
                        a.unitID != home ? .text(" · \(L10n.t("volunteer.organiser"))：\(a.unitName)") : .empty,
                    ]),
            ])
    }

    static func volunteerItem(_ v: Volunteer) -> HTML {
        el(
            "li",
            [
                HTML.link(SiteURL.volunteer(v.id).path, v.name), .text(" · \(v.teamName) · "),
                el("span", ["class": "badge"], .t(v.residentID == nil ? "volunteer.outsider" : "volunteer.resident")),
                v.phone.map { HTML.text(" · \(Mask.phone($0))") } ?? .empty,
                el("span", ["class": "meta"], .text(" · " + L10n.t("volunteer.totals", VolunteerHours.text(v.minutes), v.points))),
            ])
    }

    // MARK: An activity

    static func activity(
        _ a: VolunteerActivity, signups: [ActivitySignup], candidates: [Volunteer], canEdit: Bool, organiser: Bool, today: String, form: Form, csrf: String,
        notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, problem(form)),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.volunteers(a.unitID).path, a.unitName)]),
            activityCard(a, home: nil),
            canEdit && !candidates.isEmpty && a.taken < a.capacity && a.slot.day >= today
                ? el(
                    "form", ["method": "post", "action": SiteURL.volunteerSignUp(a.id).path, "class": "card"],
                    [
                        CaseSetupPages.hidden(csrf),
                        field("volunteer", "volunteer.volunteers", select("volunteer", candidates.map { (value: $0.id.uuidString, label: "\($0.name)（\($0.unitName)）") }, form), form),
                        el("button", ["type": "submit"], .t("volunteer.sign_up")),
                    ]) : .empty,
            el(
                "section", ["id": "signups"],
                [el("h2", .t("volunteer.signups"))]
                    + (signups.isEmpty ? [el("p", .t("volunteer.none"))] : signups.map { signup($0, a, organiser: organiser, today: today, csrf: csrf) })),
        ]
    }

    static func signup(_ s: ActivitySignup, _ a: VolunteerActivity, organiser: Bool, today: String, csrf: String) -> HTML {
        let hidden: [HTML] = [CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "volunteer", "value": s.volunteerID.uuidString])]
        var actions: [HTML] = []
        if organiser && s.state == .signedUp && a.slot.day == today {
            actions.append(
                el(
                    "form", ["method": "post", "action": SiteURL.volunteerCheckIn(a.id).path, "class": "inline"],
                    hidden + [el("button", ["type": "submit"], .t("volunteer.check_in"))]))
        }
        if organiser && s.state == .checkedIn && s.hoursRecordID == nil {
            actions.append(
                el(
                    "form", ["method": "post", "action": SiteURL.volunteerHours(a.id).path, "class": "review"],
                    hidden + [
                        el("label", ["class": "field"], [el("span", .t("volunteer.hours")), hoursInput(VolunteerHours.text(VolunteerHours.credited(a.slot.minutes)))]),
                        el("button", ["type": "submit", "class": "secondary"], .t("volunteer.record_hours")),
                    ]))
        }
        if organiser, let record = s.hoursRecordID {
            actions.append(
                el(
                    "details",
                    [
                        el("summary", .t("volunteer.correct")),
                        el(
                            "form", ["method": "post", "action": SiteURL.volunteerCorrect(record).path, "class": "review"],
                            [
                                CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "activity", "value": a.id.uuidString]),
                                el("label", ["class": "field"], [el("span", .t("volunteer.correct_to")), hoursInput(VolunteerHours.text(s.minutes), min: "0")]),
                                el(
                                    "label", ["class": "field"],
                                    [el("span", .t("volunteer.reason")), el("input", ["name": "reason", "maxlength": "200", "required": "required"])]),
                                el("button", ["type": "submit", "class": "secondary"], .t("volunteer.correct")),
                            ]),
                    ]))
        }
        return el(
            "article", ["class": "card", "id": "s-\(s.volunteerID.uuidString)"],
            [
                el("h3", [HTML.link(SiteURL.volunteer(s.volunteerID).path, s.name)]),
                el(
                    "p", ["class": "meta"],
                    [
                        el("span", ["class": "badge"], .t(s.state.nameKey)), .text(" · \(s.unitName)"),
                        s.checkedInAt.map { HTML.text(" · \(ChinaTime.formatMinutes($0))") } ?? .empty,
                        s.hoursRecordID != nil ? .text(" · \(hours(s.minutes))") : .empty,
                    ]),
            ] + actions)
    }

    static func hoursInput(_ value: String, min: String = "0.5") -> HTML {
        element(
            "input",
            [("name", "hours"), ("type", "number"), ("min", min), ("max", "12"), ("step", "0.5"), ("value", value), ("required", "required"), ("inputmode", "decimal")],
            [])
    }

    // MARK: A volunteer

    static func volunteer(
        _ v: Volunteer, records: [VolunteerRecord], ledger: [PointsEntry], certificates: [VolunteerCertificate], issuers: [(UUID, String)], canEdit: Bool,
        canReveal: Bool, phone: String?, today: String, form: Form, csrf: String, notice: String?
    ) -> HTML {
        let rule = PointsRule.current
        return [
            LogPages.notices(notice, problem(form)),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.volunteers(v.unitID).path, v.unitName)]),
            el(
                "p", ["class": "meta"],
                [
                    el("span", ["class": "badge"], .t(v.residentID == nil ? "volunteer.outsider" : "volunteer.resident")), .text(" · \(v.teamName) · \(v.unitName)"),
                    v.phone.map { HTML.text(" · \(L10n.t("volunteer.phone"))：\(phone ?? Mask.phone($0))") } ?? .empty,
                    v.residentID.map { HTML.text(" · ") + HTML.link(SiteURL.resident($0).path, L10n.t("volunteer.resident")) } ?? .empty,
                ]),
            canReveal && phone == nil
                ? el(
                    "details",
                    [
                        el("summary", .t("volunteer.show_phone")),
                        el(
                            "form", ["method": "post", "action": SiteURL.volunteerReveal(v.id).path, "class": "review"],
                            [
                                CaseSetupPages.hidden(csrf),
                                field("reason", "volunteer.reveal_reason", input("reason", form, max: 200), form),
                                el("button", ["type": "submit", "class": "secondary"], .t("volunteer.show_phone")),
                            ]),
                    ]) : .empty,
            el("p", ["class": "ok"], .t("volunteer.totals", VolunteerHours.text(v.minutes), v.points)),
            el(
                "section", ["id": "record"],
                [el("h2", .t("volunteer.record"))] + (records.isEmpty ? [el("p", .t("volunteer.none"))] : [el("ul", ["class": "cards"], records.map(recordItem))])),
            el(
                "section", ["id": "certificates"],
                [el("h2", .t("volunteer.certificates"))]
                    + certificates.map { c in
                        el(
                            "p",
                            [
                                HTML.link(SiteURL.certificate(c.id).path, "\(c.unitName) · \(ChinaTime.formatMinutes(c.issuedAt)) · \(hours(c.totalMinutes))"),
                                .text(" · " + CertificateCode.display(c.code)),
                            ])
                    }
                    + issuers.map { id, name in
                        el(
                            "form", ["method": "post", "action": SiteURL.volunteerCertify(v.id).path, "class": "inline"],
                            [
                                CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "unit", "value": id.uuidString]),
                                el("button", ["type": "submit", "class": "secondary"], .t("volunteer.issue", name)),
                            ])
                    }),
            el(
                "section", ["id": "points"],
                [
                    el("h2", .t("volunteer.points")),
                    el("p", ["class": "meta"], .t("volunteer.points_rule", rule.version, rule.perHalfHour, rule.perActivity)),
                    ledger.isEmpty
                        ? el("p", .t("volunteer.none"))
                        : el(
                            "ul", ["class": "cards"],
                            ledger.map { e in
                                el(
                                    "li",
                                    .text(
                                        "\(ChinaTime.formatMinutes(e.recordedAt)) · \(L10n.t("volunteer.ledger.\(e.kind)")) \(e.delta > 0 ? "+" : "")\(e.delta) · \(e.note) · \(L10n.t("volunteer.balance", e.balance))"
                                    ))
                            }),
                ]),
            canEdit
                ? cardForm(
                    SiteURL.volunteerRedeem(v.id).path, "volunteer.redeem", csrf,
                    [
                        field(
                            "points", "volunteer.redeem_points",
                            element("input", [("type", "number"), ("name", "points"), ("min", "1"), ("max", String(max(v.points, 1))), ("value", form.value("points")), ("required", "required")], []),
                            form),
                        field("what", "volunteer.redeem_what", input("what", form, max: 100), form),
                    ]) : .empty,
            canEdit
                ? cardForm(
                    SiteURL.volunteerNotes(v.id).path, "volunteer.add_note", csrf,
                    [
                        field("kind", "volunteer.kind", select("kind", [VolunteerRecordKind.training, .award, .evaluation].map { ($0.rawValue, L10n.t($0.nameKey)) }, form), form),
                        field("day", "volunteer.day", dateInput("day", form, today), form),
                        field("grade", "volunteer.grade", select("grade", [("", "—")] + VolunteerGrade.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, form), form),
                        field("text", "volunteer.text", input("text", form, max: 200, required: false), form),
                    ]) : .empty,
        ]
    }

    static func recordItem(_ r: VolunteerRecord) -> HTML {
        var what = r.text
        if r.kind == .evaluation {
            let parts = r.text.split(separator: " ", maxSplits: 1).map(String.init)
            what = ([VolunteerGrade(rawValue: parts.first ?? "").map { L10n.t($0.nameKey) } ?? parts.first ?? ""] + parts.dropFirst()).joined(separator: " ")
        }
        let amount = r.kind == .hours || r.kind == .correction ? " \(r.minutes < 0 ? "−" : "")\(hours(abs(r.minutes)))" : ""
        return el(
            "li",
            [
                el("span", ["class": "badge"], .t(r.kind.nameKey)), .text(" \(r.day) · \(r.activityTitle.map { $0 == what ? $0 : "\($0) · \(what)" } ?? what)\(amount)"),
                el("span", ["class": "meta"], .text(" · " + L10n.t("volunteer.recorded_by", r.unitName, r.recordedBy))),
            ])
    }

    // MARK: The certificate

    static func certificate(_ c: VolunteerCertificate, verifyURL: String, notice: String?) -> HTML {
        [
            el("div", ["class": "no-print"], [LogPages.notices(notice, nil), el("p", [el("a", ["href": "#", "data-print": "", "class": "button"], .t("volunteer.print"))])]),
            el(
                "section", ["class": "certificate"],
                [
                    el("h2", .t("volunteer.certificate_title")),
                    el("p", .t("volunteer.certificate_body", c.name, VolunteerHours.text(c.totalMinutes))),
                    el(
                        "ol",
                        c.lines.map { l in el("li", .text("\(l.day) \(l.title) · \(hours(l.minutes))")) }),
                    el("p", .t("volunteer.issuer", c.unitName)),
                    el("p", .t("volunteer.issued_at", SimpleDate(c.issuedAt).description)),
                    el("p", ["class": "code"], .t("volunteer.code", CertificateCode.display(c.code))),
                    el("p", ["class": "meta"], .t("volunteer.verify_hint", verifyURL)),
                ]),
        ]
    }

    static func verify(code: String?, found: VolunteerCertificate?) -> HTML {
        [
            el(
                "form", ["method": "get", "action": SiteURL.certificateVerify().path, "class": "card"],
                [
                    el(
                        "label", ["class": "field"],
                        [
                            el("span", .t("volunteer.verify_code")),
                            element("input", [("name", "code"), ("value", code ?? ""), ("maxlength", "20"), ("required", "required"), ("autocapitalize", "characters")], []),
                        ]),
                    el("button", ["type": "submit"], .t("volunteer.verify")),
                ]),
            found.map { c in
                el(
                    "section", ["class": "card", "role": "status"],
                    [
                        el(
                            "p", ["class": "ok"],
                            .t("volunteer.verified", c.name, c.unitName, SimpleDate(c.issuedAt).description, VolunteerHours.text(c.totalMinutes))),
                        el("ol", c.lines.map { l in el("li", .text("\(l.day) \(l.title) · \(hours(l.minutes))")) }),
                    ])
            } ?? (code == nil ? .empty : el("p", ["class": "alert", "role": "alert"], .t("volunteer.not_verified"))),
        ]
    }

    // MARK: Venues

    static func venues(
        unit: UnitRow, venues: [Venue], bookings: [VenueBooking], canEdit: Bool, today: String, form: Form, csrf: String, notice: String?
    ) -> HTML {
        let days = Dictionary(grouping: bookings, by: \.slot.day).sorted { $0.key < $1.key }
        return [
            LogPages.notices(notice, nil), nav(unit),
            el("p", ["class": "meta"], .t("venue.intro")),
            el(
                "section", ["id": "venues"],
                [el("h2", .t("venue.nav"))]
                    + (venues.isEmpty
                        ? [el("p", .t("volunteer.none"))]
                        : [el("ul", venues.map { v in el("li", .text("\(v.name) · \(v.place) · \(L10n.t("venue.of", v.unitName))")) })])),
            el(
                "section", ["id": "calendar"],
                [el("h2", .t("venue.calendar"))]
                    + (days.isEmpty
                        ? [el("p", .t("venue.free"))]
                        : days.map { day, list in
                            el(
                                "article", ["class": "card"],
                                [
                                    el("h3", .text(day)),
                                    el(
                                        "ul",
                                        list.map { b in
                                            el(
                                                "li",
                                                [
                                                    .text("\(DaySlot.clock(b.slot.start))–\(DaySlot.clock(b.slot.end)) \(b.venueName) · \(b.title)（\(b.unitName)） "),
                                                    canEdit && b.unitID == unit.id ? cancelForm(b, unit: unit.id, csrf: csrf) : .empty,
                                                ])
                                        }),
                                ])
                        })),
            canEdit && !venues.isEmpty
                ? cardForm(
                    SiteURL.venueBookings(unit.id).path, "venue.book", csrf,
                    [
                        field("venue", "venue.name", select("venue", venues.map { ($0.id.uuidString, "\($0.name)（\($0.unitName)）") }, form), form),
                        field("title", "venue.purpose", input("title", form), form),
                        field("day", "volunteer.day", dateInput("day", form, today), form),
                        field("start", "volunteer.start", timeInput("start", form, "09:00"), form),
                        field("end", "volunteer.end", timeInput("end", form, "10:00"), form),
                    ]) : .empty,
            canEdit
                ? cardForm(
                    SiteURL.venues(unit.id).path, "venue.add", csrf,
                    [
                        field("name", "venue.name", input("name", form, max: 40), form),
                        field("place", "volunteer.place", input("place", form, max: 100), form),
                    ]) : .empty,
        ]
    }

    static func cancelForm(_ b: VenueBooking, unit: UUID, csrf: String) -> HTML {
        el(
            "form", ["method": "post", "action": SiteURL.venueBookingCancel(b.id).path, "class": "inline"],
            [
                CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "unit", "value": unit.uuidString]),
                el("button", ["type": "submit", "class": "link"], .t("venue.cancel")),
            ])
    }
}

import WanggeCore

extension CaseSetupPages {
    /// 节假日与调休 of one year: the days set apart with a delete button each, a form to add or
    /// change a day, and a warning when the year has none (limits then count every weekday).
    static func calendar(
        year: Int, days: [CalendarDay], values: (date: String, kind: String, name: String), problems: Problems, csrf: String, notice: String?
    ) -> HTML {
        let years = el(
            "nav", ["class": "pager"],
            [
                OfficeCalendar.years.contains(year - 1) ? HTML.link(SiteURL.caseSetupCalendar(year: year - 1).path, "‹ \(year - 1)") : .empty,
                el("strong", .text("\(year)")),
                OfficeCalendar.years.contains(year + 1) ? HTML.link(SiteURL.caseSetupCalendar(year: year + 1).path, "\(year + 1) ›") : .empty,
            ])
        let holidays = days.filter { $0.kind == .holiday }.count, workdays = days.count - holidays
        let overview: HTML =
            days.isEmpty
            ? el("p", ["class": "alert", "role": "status"], .t("calendar.empty_year", year))
            : el("p", ["class": "muted"], .t("calendar.summary", holidays, workdays))
        let table: HTML =
            days.isEmpty
            ? .empty
            : HTML.table(
                ["case.setup.field.date", "calendar.weekday", "case.setup.field.kind", "case.setup.field.name", ""],
                days.map { d in
                    [
                        .text(d.date.description), .t("calendar.weekday.\(d.date.isoWeekday)"),
                        d.kind == .holiday ? el("span", ["class": "badge"], .t(d.kind.nameKey)) : .t(d.kind.nameKey), .text(d.name),
                        el(
                            "form", ["method": "post", "action": SiteURL.caseSetupCalendarDelete(d.date.description).path, "class": "inline"],
                            [hidden(csrf), el("button", ["type": "submit", "class": "small"], .t("calendar.remove"))]),
                    ]
                })
        let kinds = CalendarDay.Kind.allCases.map { (value: $0.rawValue, label: L10n.t($0.nameKey)) }
        return [
            tabs(.caseSetupCalendar(), district: true),
            noticeLine(notice),
            el("p", .t("calendar.help")),
            years,
            overview,
            table,
            el("h2", .t("calendar.add")),
            el(
                "form", ["method": "post", "action": SiteURL.caseSetupCalendar().path, "class": "card"],
                [
                    summary(problems),
                    hidden(csrf),
                    field("date", element("input", [("type", "date"), ("name", "date"), ("value", values.date), ("required", "required")], []), problems),
                    field("kind", el("select", ["name": "kind"], options(kinds, selected: values.kind)), problems),
                    field("name", input("name", values.name, problems, max: OfficeCalendar.maxName, extra: [("required", "required")]), problems, help: "calendar.name_help"),
                    el("button", ["type": "submit"], .t("calendar.save")),
                ]),
        ]
    }
}

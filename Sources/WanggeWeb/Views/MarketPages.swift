import Foundation
import WanggeCore
import WanggeStore

/// The service market's pages: the resident's order form and tracking page (phone first), the desk
/// and an order's page, the setup of providers and items, and the figures.
enum MarketPages {
    static func yuan(_ cents: Int) -> String {
        cents % 100 == 0 ? "¥\(cents / 100)" : String(format: "¥%d.%02d", cents / 100, cents % 100)
    }

    static func rate(_ value: Double?) -> String {
        value.map { FixedDecimal.format($0 * 100, places: 1) + "%" } ?? "—"
    }

    static func time(_ date: Date?) -> String { date.map { ChinaTime.format($0, seconds: false) } ?? "—" }

    static func notices(_ notice: String?, _ error: String?) -> HTML { LogPages.notices(notice, error) }

    // MARK: Resident

    static func orderForm(grid: UnitRow, items: [MarketItem], agent: String?, form: LogPages.Form, csrf: String) -> HTML {
        guard !items.isEmpty else { return el("p", ["class": "meta"], .t("market.no_items")) }
        let choices = items.map { i in
            el(
                "label", ["class": "choice"],
                [
                    el("input", ["type": "radio", "name": "item", "value": i.id.uuidString, "required": "required", "checked": form.value("item") == i.id.uuidString ? "checked" : nil]),
                    el("strong", .text(i.name)), .text(" "), el("span", ["class": "meta"], .text("\(yuan(i.priceCents))/\(i.priceUnit) · \(i.unitName)")),
                ])
        }
        return [
            el("p", ["class": "meta"], .t("market.order_intro")),
            agent.map { el("p", ["class": "ok"], .t("market.ordering_for", $0)) } ?? .empty,
            el(
                "form", ["method": "post", "action": SiteURL.residentMarket(grid.code).path, "class": "card"],
                [
                    CaseSetupPages.hidden(csrf),
                    el("fieldset", [el("legend", .t("market.choose_item"))] + choices),
                    form.problems["item"].map { el("p", ["class": "field-error", "role": "alert"], .text($0)) } ?? .empty,
                    LogPages.field("contact_name", L10n.t("market.contact_name"), CaseSetupPages.input("contact_name", form.value("contact_name"), form.problems, max: 50), form),
                    LogPages.field(
                        "contact_phone", L10n.t("market.contact_phone"),
                        CaseSetupPages.input("contact_phone", form.value("contact_phone"), form.problems, max: 20, extra: [("type", "tel"), ("inputmode", "tel")]), form),
                    LogPages.field("address", L10n.t("market.address"), CaseSetupPages.input("address", form.value("address"), form.problems, max: 200), form),
                    LogPages.field(
                        "note", L10n.t("market.note"),
                        element("textarea", [("name", "note"), ("rows", "3"), ("maxlength", String(MarketRepository.maxText))], [.text(form.value("note"))]), form),
                    el("button", ["type": "submit"], .t("market.action.order")),
                ]),
        ]
    }

    static func timeline(_ events: [MarketOrderEvent], staff: Bool) -> HTML {
        HTML.table(
            [L10n.t("market.when"), L10n.t("market.step"), L10n.t("market.who"), L10n.t("market.note")],
            events.map { e in
                [
                    .text(time(e.at)), .t("market.action.\(e.action)"),
                    HTML([.text(staff ? e.actorName : L10n.t(e.actorRole.nameKey)), e.providerName.map { HTML.text(" → \($0)") } ?? .empty]),
                    .text(staff ? (e.note ?? "") : PublicText.scrub(e.note ?? "")),
                ]
            })
    }

    static func facts(_ o: MarketOrder, phone: String, staff: Bool) -> HTML {
        var rows: [(String, HTML)] = [
            ("market.code", .text(TrackingCode.display(o.code))), ("market.item", .text("\(o.itemName) \(yuan(o.priceCents))")),
            ("market.state", .t(o.state.nameKey)), ("market.mode", .t(o.mode.nameKey)), ("market.ordered_at", .text(time(o.orderedAt))),
        ]
        if let p = o.providerName { rows.append(("market.provider", .text(p))) }
        if let by = o.acceptBy, [.offered, .pooled].contains(o.state) { rows.append(("market.accept_by", .text(time(by)))) }
        if let r = o.rating { rows.append(("market.rating", .t(r.nameKey))) }
        if staff {
            rows += [
                ("market.grid", .text(o.unitName)), ("market.contact_name", .text(o.contactName)), ("market.contact_phone", .text(phone)),
                ("market.address", .text(o.address)),
            ]
            if let by = o.orderedBy { rows.append(("market.ordered_by", .text(by))) }
            if o.timeouts > 0 { rows.append(("market.timeouts", .text(String(o.timeouts)))) }
        }
        return CasePages.facts(rows)
    }

    static func track(_ o: MarketOrder, events: [MarketOrderEvent], csrf: String) -> HTML {
        var actions: HTML = .empty
        if o.state == .completed {
            actions = el(
                "form", ["method": "post", "action": SiteURL.marketTrackRate(o.code).path, "class": "card"],
                [
                    el("h2", .t("market.rate_prompt")), CaseSetupPages.hidden(csrf),
                    el("div", ["class": "actions"], MarketRating.allCases.map { r in el("button", ["type": "submit", "name": "rating", "value": r.rawValue], .t(r.nameKey)) }),
                ])
        } else if MarketMachine.rule(for: .cancel).from.contains(o.state) {
            actions = el(
                "form", ["method": "post", "action": SiteURL.marketTrackRate(o.code).path, "class": "card"],
                [
                    CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "cancel", "value": "1"]),
                    el("label", ["class": "field"], [.t("market.cancel_reason"), el("input", ["name": "reason", "maxlength": "200", "required": "required"])]),
                    el("button", ["type": "submit", "class": "secondary"], .t("market.action.cancel")),
                ])
        }
        return [
            el("p", ["class": "meta"], .t("market.track_intro")),
            facts(o, phone: "", staff: false), actions,
            el("h2", .t("market.timeline")), timeline(events, staff: false),
        ]
    }

    // MARK: Desk

    static func desk(_ rows: [MarketOrder], state: MarketOrderState?, provider: MarketProvider?, keeps: Bool, more: UUID?, notice: String?) -> HTML {
        let filters =
            [HTML.link(SiteURL.market(state: nil).path, L10n.t("market.all"), cls: state == nil ? "button" : "button secondary")]
            + MarketOrderState.allCases.map { s in HTML.link(SiteURL.market(state: s.rawValue).path, L10n.t(s.nameKey), cls: state == s ? "button" : "button secondary") }
        return [
            notices(notice, nil),
            el("p", ["class": "meta"], provider.map { .t("market.desk_provider", $0.name) } ?? .t("market.desk_intro")),
            el(
                "p", ["class": "actions"],
                provider == nil
                    ? [
                        HTML.link(SiteURL.marketFigures(month: nil).path, L10n.t("market.figures"), cls: "button secondary"),
                        keeps ? HTML.link(SiteURL.marketSetup.path, L10n.t("market.setup"), cls: "button secondary") : .empty,
                    ] : []),
            el("nav", ["class": "filters"], filters),
            rows.isEmpty
                ? el("p", .t("market.none"))
                : HTML.table(
                    [L10n.t("market.ordered_at"), L10n.t("market.item"), L10n.t("market.grid"), L10n.t("market.state"), L10n.t("market.provider")],
                    rows.map { o in
                        [
                            HTML.link(SiteURL.marketOrder(o.id).path, time(o.orderedAt)), .text(o.itemName), .text(o.unitName), .t(o.state.nameKey),
                            .text(o.providerName ?? "—"),
                        ]
                    }),
            more.map { el("p", HTML.link(SiteURL.market(state: state?.rawValue).path + SiteURL.query(["after": $0.uuidString]), L10n.t("log.more"), cls: "button secondary")) } ?? .empty,
        ]
    }

    static func order(
        _ o: MarketOrder, phone: String, canReveal: Bool, events: [MarketOrderEvent], steps: [MarketActionKind], providers: [MarketProvider], csrf: String,
        notice: String?, error: String?
    ) -> HTML {
        // The full phone only through the gate: a reason, and the audit entry before it is shown.
        let reveal: HTML =
            canReveal
            ? el(
                "details",
                [
                    el("summary", .t("market.show_phone")),
                    el(
                        "form", ["method": "post", "action": SiteURL.marketOrderPhone(o.id).path, "class": "review"],
                        [
                            CaseSetupPages.hidden(csrf),
                            el("label", ["class": "field"], [.t("market.reveal_reason"), el("input", ["name": "reason", "maxlength": "200", "required": "required"])]),
                            el("button", ["type": "submit", "class": "secondary"], .t("market.show_phone")),
                        ]),
                ]) : .empty
        let forms = steps.map { kind -> HTML in
            var fields: [HTML] = [CaseSetupPages.hidden(csrf), el("input", ["type": "hidden", "name": "action", "value": kind.rawValue])]
            if kind == .place || (kind == .approve && o.mode == .assigned) {
                fields.append(
                    el("label", ["class": "field"], [.t("market.provider"), el("select", ["name": "provider"], CaseSetupPages.options(providers.map { ($0.id.uuidString, $0.name) }, selected: ""))]))
            }
            if [.refuse, .decline, .cancel].contains(kind) {
                fields.append(el("label", ["class": "field"], [.t("market.reason"), el("input", ["name": "reason", "maxlength": "200", "required": "required"])]))
            }
            if [.approve, .complete].contains(kind) {
                fields.append(el("label", ["class": "field"], [.t("market.note"), el("input", ["name": "note", "maxlength": "200"])]))
            }
            fields.append(el("button", ["type": "submit", "class": [.refuse, .decline, .cancel].contains(kind) ? "secondary" : nil], .t(kind.nameKey)))
            return el("form", ["method": "post", "action": SiteURL.marketOrderAct(o.id).path, "class": "card"], fields)
        }
        return [
            notices(notice, error),
            facts(o, phone: phone, staff: true),
            reveal,
            o.note.map { el("p", .text($0)) } ?? .empty,
            HTML(forms),
            el("h2", .t("market.timeline")), timeline(events, staff: true),
            el("p", HTML.link(SiteURL.market(state: nil).path, L10n.t("market.desk"))),
        ]
    }

    // MARK: Setup

    static func setup(
        providers: [MarketProvider], accounts: [UUID: [String]], items: [MarketItem], units: [UnitRow], form: LogPages.Form, csrf: String, notice: String?
    ) -> HTML {
        let unitOptions = units.map { ($0.id.uuidString, $0.name) }
        let names = Dictionary(uniqueKeysWithValues: providers.map { ($0.id, $0.name) })
        func f(_ prefix: String, _ name: String, _ label: String, _ control: HTML) -> HTML { LogPages.field(prefix + name, label, control, form) }
        func input(_ prefix: String, _ name: String, max: Int, extra: [(key: String, value: String?)] = []) -> HTML {
            CaseSetupPages.input(name, form.value(prefix + name), [:], max: max, extra: extra)
        }
        return [
            notices(notice, nil),
            el("h2", .t("market.providers")),
            providers.isEmpty
                ? el("p", ["class": "meta"], .t("market.no_providers"))
                : HTML.table(
                    [L10n.t("market.unit"), L10n.t("market.name"), L10n.t("market.kind"), L10n.t("market.accounts"), L10n.t("market.bind")],
                    providers.map { p in
                        [
                            .text(p.unitName), .text(p.name), .t("market.kind.\(p.kind)"), .text((accounts[p.id] ?? []).joined(separator: "、")),
                            el(
                                "form", ["method": "post", "action": SiteURL.marketProviderAccount(p.id).path, "class": "inline"],
                                [CaseSetupPages.hidden(csrf), el("input", ["name": "username", "maxlength": "64", "placeholder": L10n.t("market.username"), "required": "required"]), el("button", ["type": "submit"], .t("market.bind"))]),
                        ]
                    }),
            form.problems["a_username"].map { el("p", ["class": "alert", "role": "alert"], .text($0)) } ?? .empty,
            el(
                "form", ["method": "post", "action": SiteURL.marketProviders.path, "class": "card"],
                [
                    el("h3", .t("market.add_provider")), CaseSetupPages.hidden(csrf),
                    f("p_", "unit", L10n.t("market.unit"), el("select", ["name": "unit"], CaseSetupPages.options(unitOptions, selected: form.value("p_unit")))),
                    f("p_", "name", L10n.t("market.name"), input("p_", "name", max: MarketRepository.maxName)),
                    f("p_", "kind", L10n.t("market.kind"), el("select", ["name": "kind"], CaseSetupPages.options(MarketProvider.kinds.map { ($0, L10n.t("market.kind.\($0)")) }, selected: form.value("p_kind")))),
                    f("p_", "phone", L10n.t("market.phone"), input("p_", "phone", max: 30, extra: [("type", "tel")])),
                    el("button", ["type": "submit"], .t("market.save")),
                ]),
            el("h2", .t("market.items")),
            items.isEmpty
                ? el("p", ["class": "meta"], .t("market.no_items"))
                : HTML.table(
                    [L10n.t("market.unit"), L10n.t("market.name"), L10n.t("market.price"), L10n.t("market.mode"), L10n.t("market.accept_hours"), L10n.t("market.providers")],
                    items.map { i in
                        [
                            .text(i.unitName), .text(i.name), .text("\(yuan(i.priceCents))/\(i.priceUnit)"), .t(i.mode.nameKey), .text(String(i.acceptHours)),
                            .text(i.providers.compactMap { names[$0] }.joined(separator: "、")),
                        ]
                    }),
            providers.isEmpty
                ? .empty
                : el(
                    "form", ["method": "post", "action": SiteURL.marketItems.path, "class": "card"],
                    [
                        el("h3", .t("market.add_item")), CaseSetupPages.hidden(csrf),
                        f("i_", "unit", L10n.t("market.unit"), el("select", ["name": "unit"], CaseSetupPages.options(unitOptions, selected: form.value("i_unit")))),
                        f("i_", "name", L10n.t("market.name"), input("i_", "name", max: MarketRepository.maxName)),
                        f("i_", "price", L10n.t("market.price"), input("i_", "price", max: 9, extra: [("inputmode", "decimal")])),
                        f("i_", "price_unit", L10n.t("market.price_unit"), input("i_", "price_unit", max: 10)),
                        f("i_", "mode", L10n.t("market.mode"), el("select", ["name": "mode"], CaseSetupPages.options(MarketDispatchMode.allCases.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: form.value("i_mode")))),
                        f("i_", "accept_hours", L10n.t("market.accept_hours"), input("i_", "accept_hours", max: 3, extra: [("inputmode", "numeric")])),
                        f(
                            "i_", "providers", L10n.t("market.providers"),
                            el("div", providers.map { p in el("label", ["class": "choice"], [el("input", ["type": "checkbox", "name": "providers[]", "value": p.id.uuidString]), .text(p.name)]) })),
                        el("button", ["type": "submit"], .t("market.save")),
                    ]),
        ]
    }

    // MARK: Figures

    static func figureTable(_ rows: [MarketFigures], first: String) -> HTML {
        guard !rows.isEmpty else { return el("p", ["class": "meta"], .t("market.none")) }
        return HTML.table(
            [first, L10n.t("market.f.orders"), L10n.t("market.f.taken"), L10n.t("market.f.on_time"), L10n.t("market.f.completion"), L10n.t("market.f.satisfaction"), L10n.t("market.f.timeouts")],
            rows.map { f in
                [
                    .text(f.name), .text(String(f.orders)), .text(String(f.taken)), .text("\(rate(f.onTimeRate)) (\(f.takenOnTime)/\(f.taken))"),
                    .text("\(rate(f.completionRate)) (\(f.completed)/\(f.taken))"), .text("\(rate(f.satisfactionRate)) (\(f.satisfied)/\(f.rated))"), .text(String(f.timeouts)),
                ]
            })
    }

    static func figures(month: MeasureMonth, providers: [MarketFigures], communities: [MarketFigures]) -> HTML {
        [
            el("p", ["class": "meta"], .t("market.figures_intro")),
            el(
                "nav", ["class": "pager"],
                [
                    HTML.link(SiteURL.marketFigures(month: month.previous.description).path, L10n.t("market.prev_month"), cls: "button secondary"),
                    HTML.link(SiteURL.marketFigures(month: month.next.description).path, L10n.t("market.next_month"), cls: "button secondary"),
                ]),
            el("h2", .t("market.by_provider")), figureTable(providers, first: L10n.t("market.provider")),
            el("h2", .t("market.by_community")), figureTable(communities, first: L10n.t("market.community")),
        ]
    }
}

extension MarketPages {
    /// The public monthly statistics on the portal: one line a month, counts beside each rate.
    static func portalMonths(_ months: [MarketFigures]) -> HTML {
        guard months.contains(where: { $0.orders > 0 }) else { return .empty }
        return el("section", ["id": "market"], [el("h2", .t("market.portal_title")), figureTable(months, first: L10n.t("market.month"))])
    }

    /// 红色物业: the property companies' figures shown to the community's party organisation.
    static func redProperty(_ rows: [MarketFigures]) -> HTML {
        el("section", ["id": "red-property"], [el("h2", .t("market.party_title")), figureTable(rows, first: L10n.t("market.provider"))])
    }
}

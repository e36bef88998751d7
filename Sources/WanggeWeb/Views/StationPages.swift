import Foundation
import WanggeCore
import WanggeStore

/// Pages of the service centres and stations: a unit's list with its map and the form to add one,
/// a station's edit page, and the card the public portal shows. Phone first: one card a station.
enum StationPages {
    typealias Form = LogPages.Form

    static func list(
        unit: UnitRow, children: [UnitRow], stations: [StationRow], kinds: [StationKind], canEdit: Bool, form: Form, csrf: String, notice: String?
    ) -> HTML {
        [
            LogPages.notices(notice, nil),
            OpennessPages.nav(unit),
            el("p", ["class": "meta"], .t("station.intro")),
            map(unit, children: children, stations: stations),
            stations.isEmpty ? el("p", .t("station.none")) : HTML(stations.map { card($0, public: false) }),
            canEdit ? stationForm(action: SiteURL.stations(unit.id).path, heading: "station.add", kinds: kinds, form: form, csrf: csrf) : .empty,
        ]
    }

    static func station(_ row: StationRow, unit: UnitRow, canEdit: Bool, form: Form, csrf: String, notice: String?) -> HTML {
        [
            LogPages.notices(notice, nil),
            el("nav", ["class": "pager"], [HTML.link(SiteURL.stations(unit.id).path, L10n.t("station.nav")), HTML.link(SiteURL.unit(unit.id).path, unit.name)]),
            card(row, public: false),
            canEdit
                ? stationForm(action: SiteURL.station(row.id).path, heading: "station.edit", kinds: StationKind.kinds(for: unit.level), form: form, csrf: csrf)
                : .empty,
        ]
    }

    /// The unit's outline and its children's, with a dot for each station that has a location.
    static func map(_ unit: UnitRow, children: [UnitRow], stations: [StationRow]) -> HTML {
        let shapes = ([unit] + children).compactMap { u in u.area.map { MapSVG.Shape(area: $0, label: u.name, url: nil) } }
        let dots = stations.compactMap { s in s.point.map { MapSVG.Dot(point: $0, title: s.name, cls: "dot-station") } }
        guard !shapes.isEmpty, !dots.isEmpty else { return .empty }
        return MapSVG.render(shapes: shapes, dots: dots, legend: L10n.t("station.on_map"))
    }

    /// A station as a card. The public one leaves out the staff and passes the typed texts
    /// through the scrubber; the office phone is shown as it is (a mobile number is refused on entry).
    static func card(_ s: StationRow, public isPublic: Bool) -> HTML {
        let text: (String) -> String = { isPublic ? PublicText.scrub($0) : $0 }
        let title: HTML = isPublic ? .text(text(s.name)) : HTML.link(SiteURL.station(s.id).path, s.name)
        return el(
            "article", ["class": "card station", "id": "s-\(s.id.uuidString)"],
            [
                el("h3", title),
                el("p", ["class": "meta"], [el("span", ["class": "badge"], .t(s.kind.nameKey)), .text(" · \(s.unitName)")]),
                el(
                    "dl", ["class": "facts"],
                    [
                        el("div", [el("dt", .t("station.address")), el("dd", .text(text(s.address)))]),
                        el("div", [el("dt", .t("station.hours")), el("dd", .text(text(s.hours)))]),
                        el("div", [el("dt", .t("station.phone")), el("dd", el("a", ["href": "tel:" + s.phone.filter(\.isNumber)], .text(s.phone)))]),
                    ]),
                isPublic || s.staff.isEmpty
                    ? .empty
                    : el(
                        "section",
                        [
                            el("h4", .t("station.staff_heading")),
                            el("ul", s.staff.map { m in el("li", .text(m.role.isEmpty ? m.name : "\(m.name)（\(m.role)）")) }),
                        ]),
            ])
    }

    static func stationForm(action: String, heading: String, kinds: [StationKind], form: Form, csrf: String) -> HTML {
        let field = { (name: String, key: String, control: HTML) in OpennessPages.field(name, key, control, form) }
        return el(
            "form", ["method": "post", "action": action, "class": "card"],
            [
                el("h2", .t(heading)),
                CaseSetupPages.hidden(csrf),
                field("kind", "station.kind", el("select", ["name": "kind"], CaseSetupPages.options(kinds.map { ($0.rawValue, L10n.t($0.nameKey)) }, selected: form.value("kind")))),
                field("name", "station.name", OpennessPages.input("name", form, max: StationDraft.maxName, required: true)),
                field("address", "station.address", OpennessPages.input("address", form, max: StationDraft.maxAddress, required: true)),
                field("location", "station.lon", OpennessPages.input("lon", form, max: 20)),
                field("lat", "station.lat", OpennessPages.input("lat", form, max: 20)),
                field("hours", "station.hours", OpennessPages.input("hours", form, max: StationDraft.maxHours, required: true)),
                field("phone", "station.phone", OpennessPages.input("phone", form, max: 30, type: "tel", required: true)),
                field("staff", "station.staff", OpennessPages.textarea("staff", form, rows: 4, max: 1500)),
                el("button", ["type": "submit"], .t("station.save")),
            ])
    }

    /// On the case entry form: the station whose window took the case (optional, window cases only).
    static func caseStationPicker(_ stations: [StationRow]) -> HTML {
        guard !stations.isEmpty else { return .empty }
        let options = [("", L10n.t("station.case_none"))] + stations.map { ($0.id.uuidString, "\($0.name)（\($0.unitName)）") }
        return el("label", [.t("station.case_station"), el("select", ["name": "station"], CaseSetupPages.options(options, selected: ""))])
    }

    /// On a case's page: the station that took it at its window.
    static func caseSection(_ station: StationRow?) -> HTML {
        guard let station else { return .empty }
        return el(
            "section", ["class": "card", "id": "case-station"],
            [el("p", [el("strong", .t("station.case_taken")), .text("："), HTML.link(SiteURL.station(station.id).path, station.name), .text(" · \(station.unitName)")])])
    }
}

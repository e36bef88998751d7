import Foundation
import WanggeCore
import WanggeStore

/// The pickers of every report form (the resident's QR page, the staff's entry form): a category
/// chosen from a short list of the common ones, by search, or from the whole tree — never a
/// silent default; and a location taken from the phone or dropped as a pin on the grid's map,
/// with the address suggested from the grid's buildings — never coordinates typed by hand.
/// Without script (or without Leaflet) the tree and the address field still work.
enum ReportPickers {
    /// What the form sent back, to keep after a refusal.
    struct Values {
        var category: String?
        var address: String?
        var lon: String?
        var lat: String?
    }

    static func category(_ categories: [CategoryRow], common: [CategoryRow], selected: String?) -> HTML {
        el(
            "fieldset", ["class": "picker", "data-category-picker": "1", "data-l10n": messages(["no_match"])],
            [
                el("legend", .t("case.field.category")),
                common.isEmpty
                    ? .empty
                    : el(
                        "div", ["class": "chips", "hidden": "hidden", "data-js": "1"],
                        [el("span", ["class": "meta"], .t("picker.common"))]
                            + common.map { c in el("button", ["type": "button", "class": "chip", "data-pick": c.key], .text(c.nameZh)) }),
                el(
                    "input",
                    [
                        "type": "search", "hidden": "hidden", "data-js": "1", "data-category-search": "1", "maxlength": "20",
                        "placeholder": L10n.t("picker.search_placeholder"), "aria-label": L10n.t("picker.search"),
                    ]),
                el("div", ["class": "chips", "data-category-results": "1", "role": "list"], .empty),
                CasePages.categorySelect(categories, selected: selected, placeholder: true),
            ])
    }

    /// `mapURL`: the JSON the map is drawn from; `suggestURL`: where addresses are looked up as they
    /// are typed (staff, whose area is too big to list); `addresses`: the grid's, listed at once.
    static func location(mapURL: String, suggestURL: String? = nil, addresses: [String], values: Values) -> HTML {
        el(
            "fieldset",
            [
                "class": "picker", "data-location-picker": "1", "data-map": mapURL, "data-suggest": suggestURL,
                "data-l10n": messages([
                    "near", "placed", "pin_title", "moved_pin", "map_unavailable", "chose_building", "clicked_map", "locating", "located_phone",
                    "geo_failed", "by_address",
                ]),
            ],
            [
                el("legend", .t("picker.location")),
                el("button", ["type": "button", "class": "secondary", "hidden": "hidden", "data-js": "1", "data-locate": "1"], .t("picker.locate")),
                el("p", ["class": "meta", "role": "status", "data-location-status": "1"], .t("picker.location_help")),
                el("div", ["class": "map", "hidden": "hidden", "data-map-canvas": "1", "aria-label": L10n.t("picker.map")], .empty),
                el(
                    "label",
                    [
                        .t("case.field.address"),
                        el("input", ["name": "address", "maxlength": "200", "list": "report-addresses", "autocomplete": "off", "value": values.address]),
                    ]),
                el("datalist", ["id": "report-addresses"], addresses.map { el("option", ["value": $0], .empty) }),
                el("input", ["type": "hidden", "name": "lon", "value": values.lon]),
                el("input", ["type": "hidden", "name": "lat", "value": values.lat]),
            ])
    }

    /// The script's words, from the localisation table: `{"near": "…"}`.
    static func messages(_ keys: [String]) -> String {
        let words = Dictionary(uniqueKeysWithValues: keys.map { ($0, L10n.t("picker.msg.\($0)")) })
        let data = (try? JSONSerialization.data(withJSONObject: words, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Leaflet (from the Debian package, served by Wangge) and the pickers' script.
    static let scripts: HTML = [
        el("link", ["rel": "stylesheet", "href": SiteURL.leaflet("leaflet.css").path]),
        el("script", ["src": SiteURL.leaflet("leaflet.js").path, "defer": "defer"]),
        el("script", ["src": SiteURL.asset("report.js").path, "defer": "defer"]),
    ]
}

/// The fields of a GET search form (the audit log's, the case list's): labelled text inputs and
/// selects whose first option means "any".
enum SearchForm {
    static func text(_ key: String, _ name: String, _ value: String?, type: String = "text", maxLength: Int = 100) -> HTML {
        el("label", [.t(key), el("input", ["type": type, "name": name, "value": value, "maxlength": "\(maxLength)"])])
    }

    static func choice(_ key: String, _ name: String, _ selected: String?, _ options: [(String, String)], any: String = "audit.any") -> HTML {
        el(
            "label",
            [
                .t(key),
                el(
                    "select", ["name": name],
                    [el("option", ["value": ""], .t(any))]
                        + options.map { value, label in
                            el("option", ["value": value, "selected": value == selected ? "selected" : nil], .text(label))
                        }),
            ])
    }
}

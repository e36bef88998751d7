import WanggeQR

/// A QR code drawn as SVG with the page builder: one path of unit squares in module coordinates,
/// so it scales to any print size without blurring, and the quiet zone is part of the picture.
enum QRCodeSVG {
    /// The path data of the dark modules, one horizontal run a subpath.
    static func pathData(_ code: QRCode, offset: Int) -> String {
        code.darkRuns.map { "M\($0.column + offset) \($0.row + offset)h\($0.length)v1h-\($0.length)z" }.joined()
    }

    /// The symbol for a page; `title` is what a screen reader says.
    static func inline(_ code: QRCode, title: String, cls: String = "qr") -> HTML {
        let side = code.size + 2 * QRCode.quietZone
        return el(
            "svg",
            [
                "class": cls, "viewBox": "0 0 \(side) \(side)", "role": "img", "aria-label": title, "shape-rendering": "crispEdges",
                "xmlns": "http://www.w3.org/2000/svg",
            ],
            [
                el("title", .text(title)),
                el("rect", ["width": "\(side)", "height": "\(side)", "fill": "#fff"]),
                el("path", ["d": pathData(code, offset: QRCode.quietZone), "fill": "#000"]),
            ])
    }

    /// A stand-alone SVG file (for the download).
    static func document(_ code: QRCode, title: String) -> HTML {
        HTML(raw: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + inline(code, title: title, cls: "qr")
    }
}

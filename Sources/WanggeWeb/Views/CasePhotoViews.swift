import Foundation
import WanggeCore
import WanggeStore

/// Photos on the case screens: the file input of report and step forms, thumbnails in the staff
/// timeline, and only a count on the resident's tracking page (photos may show people and homes).
enum CasePhotoViews {
    /// The steps whose form offers a photo (the server takes photos with any step).
    static let steps: Set<CaseActionKind> = [.signFor, .handle, .verify, .returnForRework, .close, .escalate, .markUnsolvable, .supervise]

    static let accept = PhotoKind.allCases.map(\.contentType).joined(separator: ",")

    /// The photo input. `photos[]` makes every chosen file one element of the `photos` array;
    /// `photos.js` shrinks them on the phone before upload when it can.
    static func input() -> HTML {
        el(
            "label",
            [
                .t("case.photos"),
                el(
                    "input",
                    [
                        "type": "file", "name": "\(CaseRepository.photosField)[]", "accept": accept, "multiple": "multiple",
                        "data-photos": String(PhotoRules.maxCount),
                    ]),
                el("small", .t("case.photos.hint")),
            ])
    }

    /// Once per page that has a photo input.
    static let script = el("script", ["src": SiteURL.asset("photos.js").path, "defer": "defer"])

    /// Thumbnails linking to each photo (staff only; the images are served in scope).
    static func thumbnails(_ rows: [CaseAttachmentRow]) -> HTML {
        guard !rows.isEmpty else { return .empty }
        return el(
            "span", ["class": "photos"],
            rows.map { a in
                let url = SiteURL.caseAttachment(a.caseID, file: a.id).path
                return el("a", ["href": url], el("img", ["src": url, "alt": a.originalName, "loading": "lazy", "width": "96"]))
            })
    }

    /// The staff timeline's photo cell for each step, by event seq.
    static func staff(_ rows: [CaseAttachmentRow]) -> (Int) -> HTML {
        let bySeq = Dictionary(grouping: rows, by: \.eventSeq)
        return { seq in thumbnails(bySeq[seq] ?? []) }
    }

    /// The resident timeline's photo cell: "附照片 2 张", never the photos.
    static func resident(_ counts: [Int: Int]) -> (Int) -> HTML {
        { seq in (counts[seq] ?? 0) == 0 ? .empty : .text(" · ") + el("span", ["class": "badge"], .t("case.photos.count", counts[seq] ?? 0)) }
    }
}

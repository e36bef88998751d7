import Foundation
import WanggeCore
import WanggeStore

/// The public letter form of the mailbox, built for a phone like the QR report page. The receipt
/// is the QR page's (`ResidentCasePages.done`): the tracking code and the link to follow the case.
enum MailboxPages {
    static func form(kinds: [MailboxKind], csrf: String, submission: String, letter: MailboxController.Letter?, error: StoreError?) -> HTML {
        // The field at fault is named with the message, so it can be found on a small screen.
        let problem =
            error.map { e in
                let label = e.field.flatMap { labels[$0] }.map { L10n.t($0) + ": " } ?? ""
                return el("p", ["class": "alert", "role": "alert"], .text(label + e.message()))
            } ?? .empty
        return el(
            "form", ["method": "post", "action": SiteURL.mailbox.path, "class": "card"],
            [
                el("p", .t("mailbox.intro")),
                problem,
                el("input", ["type": "hidden", "name": CSRF.field, "value": csrf]),
                ReportSubmission.hiddenField(submission),
                el(
                    "label",
                    [
                        .t("mailbox.field.kind"),
                        el(
                            "select", ["name": "kind", "required": "required"],
                            kinds.map { k in
                                el("option", ["value": k.rawValue, "selected": k.rawValue == letter?.kind ? "selected" : nil], .t(k.nameKey))
                            }),
                    ]),
                el("label", [.t("mailbox.field.subject"), el("input", ["name": "subject", "required": "required", "maxlength": "100", "value": letter?.subject])]),
                el(
                    "label",
                    [
                        .t("mailbox.field.content"),
                        el(
                            "textarea", ["name": "content", "required": "required", "maxlength": "2000", "rows": "8"],
                            .text(letter?.content ?? "")),
                    ]),
                el("label", [.t("mailbox.field.name"), el("input", ["name": "name", "maxlength": "200", "value": letter?.name, "autocomplete": "name"])]),
                el("label", [.t("case.field.phone"), el("input", ["name": "phone", "type": "tel", "maxlength": "20", "value": letter?.phone, "autocomplete": "tel"])]),
                el("label", [.t("case.field.email"), el("input", ["name": "email", "type": "email", "maxlength": "254", "value": letter?.email, "autocomplete": "email"])]),
                el("label", [.t("case.field.address"), el("input", ["name": "address", "maxlength": "200", "value": letter?.address])]),
                // A field people never see: a bot filling every input gives itself away.
                el(
                    "label", ["class": "hp", "aria-hidden": "true"],
                    [
                        .t("report.website"),
                        el("input", ["name": ResidentCaseController.honeypot, "tabindex": "-1", "autocomplete": "off"]),
                    ]),
                el("button", ["type": "submit"], .t("mailbox.submit")),
            ])
    }

    /// The form's names for the fields the store may complain about.
    static let labels: [String: String] = [
        "kind": "mailbox.field.kind", "subject": "mailbox.field.subject", "title": "mailbox.field.subject", "description": "mailbox.field.content",
        "reporter_name": "mailbox.field.name", "phone": "case.field.phone", "email": "case.field.email", "address": "case.field.address", "category": "mailbox.field.kind",
    ]
}

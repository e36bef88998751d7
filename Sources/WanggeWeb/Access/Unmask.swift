import Vapor
import WanggeCore
import WanggeStore

/// The one gate to personal data in the clear — full ID numbers, document numbers and phones —
/// for every path that leads there: the "show" button, the API's reveal, the copy of a resident's
/// record, and unmasked bulk exports. A caller passes only if
///
/// 1. its role's work needs the full values (`Role.mayUnmask`), or the work in hand does (`need`:
///    a service provider's account holding a taken order needs that one resident's phone),
/// 2. an API token, when that is how it signed in, carries the `personal:reveal` scope, and
/// 3. it gives a reason (4–200 characters),
///
/// and then the audit entry — with the reason, and for bulk exports the row count — is written
/// before anything is shown. A refusal is audited too (`denied`), with whatever reason was given.
enum Unmask {
    static let reasonMinimum = 4
    static let reasonMaximum = 200

    /// What the caller is about to see, for the audit entry.
    struct Request: Sendable {
        /// The audit action: `unmask` for showing one person, `export` for copies and bulk exports.
        var action: String
        var objectType: String
        var objectID: String
        /// Extra audit fields (what kind of export, which unit, how delivered), in order.
        var detail: [(String, String?)] = []
    }

    /// The reason a person gave for looking at personal data: 4 to 200 characters, trimmed.
    static func reason(_ raw: String?) throws -> String {
        let text = raw?.trimmingSpaces() ?? ""
        guard text.count >= reasonMinimum else { throw StoreError(.invalid, "rights.reason_required", ["\(reasonMinimum)"], field: "reason") }
        guard text.count <= reasonMaximum else { throw StoreError(.invalid, "field.too_long", ["\(reasonMaximum)"], field: "reason") }
        return text
    }

    /// Whether the viewer may pass the gate at all (role and token), before a reason is asked for:
    /// pages use it to decide whether to offer the button.
    static func allowed(_ v: Viewer, need: Bool = false) -> Bool { (v.role.mayUnmask || need) && v.allows(.personalReveal) }

    /// Checks role and token scope (403, audited), then the reason (422). Returns the viewer and the
    /// reason once both hold; the caller then calls `record` with what it will hand out.
    static func check(_ req: Vapor.Request, _ what: Request, reason raw: String?, need: Bool = false) async throws -> (Viewer, String) {
        let v = try req.requireViewer()
        guard allowed(v, need: need) else {
            try await req.audit(
                what.action, object: what.objectType, what.objectID,
                detail: AuditDetail(fields: what.detail + [("unmasked", "yes"), ("reason", raw.map { String($0.prefix(reasonMaximum)) })]).text,
                outcome: "denied")
            throw Abort(.forbidden, reason: L10n.t("auth.forbidden"))
        }
        return (v, try reason(raw))
    }

    /// Writes the audit entry for what is about to be handed out. Nothing unmasked may leave before it.
    static func record(_ req: Vapor.Request, _ what: Request, reason: String, rows: Int? = nil) async throws {
        let fields = what.detail + [("rows", rows.map(String.init)), ("unmasked", "yes"), ("reason", reason)]
        try await req.audit(what.action, object: what.objectType, what.objectID, detail: AuditDetail(fields: fields).text)
    }
}

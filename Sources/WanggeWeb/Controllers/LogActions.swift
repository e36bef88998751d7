import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The audited writes of the social and needs logs, shared by the pages (`LogController`) and the
/// API (`LogAPI`): each change commits together with its audit entry (`Request.audited`).
enum LogActions {
    static func addEntry(_ req: Request, _ w: CaseController.Worker, _ draft: SocialLogDraft, to unitID: UUID) async throws -> SocialLogEntry {
        let now = req.now
        return try await req.audited("log.add", object: "social_log_entry") { db in
            try await SocialLogRepository(db).add(draft, to: unitID, author: w.actor, at: now, in: w.viewer.scope)
        } entry: { e in
            (e.id.uuidString, AuditDetail(["unit": e.unitID.uuidString, "day": e.day]).text)
        }
    }

    static func recordNeed(_ req: Request, _ w: CaseController.Worker, _ draft: NeedDraft, in unitID: UUID) async throws -> ResidentNeed {
        let now = req.now
        return try await req.audited("need.record", object: "resident_need") { db in
            try await NeedRepository(db).record(draft, in: unitID, by: w.actor, at: now, scope: w.viewer.scope)
        } entry: { n in
            (n.id.uuidString, AuditDetail(["unit": n.unitID.uuidString, "household": n.householdNumber]).text)
        }
    }

    static func resolveNeed(_ req: Request, _ w: CaseController.Worker, _ id: UUID, note: String) async throws -> ResidentNeed {
        let now = req.now
        return try await req.audited("need.resolve", object: "resident_need") { db in
            try await NeedRepository(db).resolve(id, note: note, by: w.actor, at: now, in: w.viewer.scope)
        } entry: { n in
            (n.id.uuidString, AuditDetail(["unit": n.unitID.uuidString]).text)
        }
    }
}

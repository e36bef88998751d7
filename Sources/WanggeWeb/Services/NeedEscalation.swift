import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Turns an open need into a case in one step: the case is opened through the ordinary intake
    /// (grid, routing, deadlines, tracking code, its own audit entry) as the worker's patrol report
    /// or the command centre's hotline case, filed under the need's grid; the need then carries the
    /// case's tracking code. The machine is asked first, so a need already handed on makes no case.
    func escalateNeed(_ id: UUID, category: String, by w: CaseController.Worker) async throws -> ResidentNeed {
        let needs = NeedRepository(db)
        // Claimed first, so two people pressing 转为事件 at once make one case, not two.
        let need = try await needs.claim(id, in: w.viewer.scope)
        let channel: CaseChannel = w.viewer.role == .operator_ ? .hotline : .gridWorker
        let intake = CaseIntake(
            categoryKey: category, channel: channel, title: String(need.text.prefix(30)), description: need.text, gridID: need.unitID)
        let row: CaseRow
        do {
            row = try await openCase(intake, actor: w.actor, detail: "need=\(need.id.uuidString)")
        } catch {
            try? await needs.release(need.id)
            throw error
        }
        let escalated = try await needs.escalate(need.id, to: row, in: w.viewer.scope)
        try await audit(
            "need.escalate", object: "resident_need", need.id.uuidString,
            detail: AuditDetail(["unit": need.unitID.uuidString, "case": row.trackingCode]).text)
        return escalated
    }
}

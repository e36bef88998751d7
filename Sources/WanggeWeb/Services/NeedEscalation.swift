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
        let need = try await needs.get(id, in: w.viewer.scope)
        try needs.check(.escalate, on: need)
        let channel: CaseChannel = w.viewer.role == .operator_ ? .hotline : .gridWorker
        let intake = CaseIntake(
            categoryKey: category, channel: channel, title: String(need.text.prefix(30)), description: need.text, gridID: need.unitID)
        let row = try await openCase(intake, actor: w.actor, detail: "need=\(need.id.uuidString)")
        let escalated = try await needs.escalate(need.id, to: row, in: w.viewer.scope)
        try await audit(
            "need.escalate", object: "resident_need", need.id.uuidString,
            detail: AuditDetail(["unit": need.unitID.uuidString, "case": row.trackingCode]).text)
        return escalated
    }
}
